// Session ticket keys of the binding's own (issue 19): tickets issued by one Context resume on
// another holding the same keys; a rotated-out key still decrypts and the ticket is renewed
// under the new one; a key no longer listed means a full handshake.
import { describe, expect, it } from 'vitest';
import { SSL } from '../lib/index.js';
import { handshake, pair, pki, roundTrip, serverContext } from './ssl-helpers.js';

// One client Context: a session resumes only on the client Context that made it.
const cctx = new SSL.Context(SSL.TLS_METHOD);

/** A handshake (resuming `session` if given), then the client's session with its new ticket. */
function ticketFrom(sctx: SSL.Context, session: SSL.Session | null = null) {
  const { server, client } = pair(sctx, cctx);
  if (session) client.setSession(session);
  handshake(client, server);
  roundTrip(server, client, Buffer.from('tickets')); // the tickets follow the handshake
  return { reused: client.sessionReused(), session: client.getSession()! };
}

function keyedServer(keys: Buffer[]): SSL.Context {
  const ctx = serverContext(pki().ec);
  ctx.setTicketKeys(keys);
  return ctx;
}

describe('session ticket keys', () => {
  const k1 = SSL.Context.generateTicketKey();
  const k2 = SSL.Context.generateTicketKey();

  it('a ticket from one Context resumes on another with the same keys, not on one without', () => {
    const first = ticketFrom(keyedServer([k1]));
    expect(first.reused).toBe(false);
    expect(ticketFrom(keyedServer([k1]), first.session).reused).toBe(true);
    expect(ticketFrom(keyedServer([k2]), first.session).reused).toBe(false);
    expect(ticketFrom(serverContext(pki().ec), first.session).reused).toBe(false);
  });

  it('rotation: the old key still decrypts and the ticket is renewed under the new one', () => {
    const old = ticketFrom(keyedServer([k1])).session;
    const rotated = keyedServer([k2, k1]);
    const renewed = ticketFrom(rotated, old);
    expect(renewed.reused).toBe(true);
    // The renewed ticket is under k2: it resumes where only k2 is left.
    expect(ticketFrom(keyedServer([k2]), renewed.session).reused).toBe(true);
    // And the old one, once k1 is retired, does not.
    expect(ticketFrom(keyedServer([k2]), old).reused).toBe(false);
  });

  it('null goes back to OpenSSL\'s own keys; bad keys are clear errors', () => {
    const ctx = keyedServer([k1]);
    const t = ticketFrom(ctx).session;
    ctx.setTicketKeys(null);
    expect(ticketFrom(ctx, t).reused).toBe(false);
    expect(() => ctx.setTicketKeys([])).toThrow(TypeError);
    expect(() => ctx.setTicketKeys([Buffer.alloc(79)])).toThrow(RangeError);
    expect(() => ctx.setTicketKeys(['x'.repeat(80) as never])).toThrow(TypeError);
    expect(() => ctx.setTicketKeys(5 as never)).toThrow(TypeError);
    expect(SSL.Context.generateTicketKey()).toHaveLength(80);
  });

  it('TLS 1.2 tickets use the same keys', () => {
    // (A session of its own: TLS 1.2 resumes the ticket of a TLS 1.2 session.)
    const s1 = keyedServer([k1]);
    s1.setMaxProtoVersion(SSL.TLS1_2_VERSION);
    const s2 = keyedServer([k1]);
    s2.setMaxProtoVersion(SSL.TLS1_2_VERSION);
    const first = ticketFrom(s1);
    expect(first.session.hasTicket).toBe(true);
    expect(ticketFrom(s2, first.session).reused).toBe(true);
  });
});

describe('application data in tickets (setSessionTicketCallback)', () => {
  it('data sealed into a ticket comes back when it is presented; the server decides', () => {
    const sctx = serverContext(pki().ec);
    const seen: [string | null, string][] = [];
    let answer: 'use' | 'ignore' = 'use';
    sctx.setSessionTicketCallback(
      () => Buffer.from('tenant=42'),
      (_conn, data, status) => {
        seen.push([data === null ? null : data.toString(), status]);
        return answer;
      },
    );
    const first = ticketFrom(sctx);
    expect(ticketFrom(sctx, first.session).reused).toBe(true);
    expect(seen).toHaveLength(1);
    expect(seen[0]![0]).toBe('tenant=42');
    expect(seen[0]![1]).toMatch(/^success(-renew)?$/); // (TLS 1.3 renews tickets as it uses them)
    answer = 'ignore';
    expect(ticketFrom(sctx, first.session).reused).toBe(false);
  });

  it('bad answers and throws fail the handshake; null removes the callbacks', () => {
    const sctx = serverContext(pki().ec);
    sctx.setSessionTicketCallback(() => 5 as never, null);
    expect(() => ticketFrom(sctx)).toThrow(/ticket generate callback/);
    sctx.setSessionTicketCallback(null, () => 'maybe' as never);
    const t = ticketFrom(sctx).session;
    expect(() => ticketFrom(sctx, t)).toThrow(/ticket decrypt callback/);
    sctx.setSessionTicketCallback(null, () => {
      throw new Error('no resumption today');
    });
    expect(() => ticketFrom(sctx, t)).toThrow(/no resumption today/);
    sctx.setSessionTicketCallback(null, null);
    expect(ticketFrom(sctx, t).reused).toBe(true);
    expect(() => sctx.setSessionTicketCallback('x' as never, null)).toThrow(TypeError);
  });
});
