// TLS 1.3 early data (0-RTT), issue 19: a resumed client sends data with its ClientHello and the
// server reads it before the handshake ends; rejected early data is reported; the server's
// callback decides; anti-replay (each session's early data once); interop with openssl s_server
// -early_data.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SSL, WantReadError, crypto } from '../lib/index.js';
import { handshake, pair, pki, roundTrip, serverContext, transfer } from './ssl-helpers.js';
import { startSServer, waitForOutput } from './sockets-helpers.js';

function server0rtt(maxEarly = 16384): SSL.Context {
  const ctx = serverContext(pki().ec);
  ctx.setMaxEarlyData(maxEarly);
  return ctx;
}

/** A full handshake whose client keeps the session (its tickets read). */
function sessionFrom(sctx: SSL.Context, cctx: SSL.Context): SSL.Session {
  const { server, client } = pair(sctx, cctx);
  handshake(client, server);
  // The tickets follow the handshake: read them.
  roundTrip(server, client, Buffer.from('tickets'));
  return client.getSession()!;
}

/** Client writes early data; the server reads it before finishing; both finish. */
function zeroRtt(sctx: SSL.Context, cctx: SSL.Context, session: SSL.Session, early: Buffer) {
  const server = new SSL.Connection(sctx);
  server.setAcceptState();
  const client = new SSL.Connection(cctx);
  client.setConnectState();
  client.setSession(session);
  expect(client.writeEarlyData(early)).toBe(early.length);
  transfer(client, server);
  const received: Buffer[] = [];
  for (;;) {
    try {
      const r = server.readEarlyData(16384);
      received.push(r.data);
      if (r.done) break;
    } catch (e) {
      if (e instanceof WantReadError) break;
      throw e;
    }
  }
  const beforeHandshake = Buffer.concat(received);
  handshake(client, server);
  return { client, server, beforeHandshake };
}

describe('TLS 1.3 early data (0-RTT)', () => {
  it('a resumed client sends early data; the server reads it before the handshake ends', () => {
    const sctx = server0rtt();
    const cctx = new SSL.Context(SSL.TLS_METHOD);
    expect(sctx.getMaxEarlyData()).toBe(16384);
    const session = sessionFrom(sctx, cctx);
    expect(session.maxEarlyData).toBe(16384);
    const { client, server, beforeHandshake } = zeroRtt(sctx, cctx, session, Buffer.from('GET / early'));
    expect(beforeHandshake.toString()).toBe('GET / early');
    expect(client.sessionReused()).toBe(true);
    expect(client.getEarlyDataStatus()).toBe('accepted');
    expect(server.getEarlyDataStatus()).toBe('accepted');
    expect(roundTrip(client, server, Buffer.from('after')).toString()).toBe('after');
  });

  it('anti-replay: the same session sends early data once; the second time it is rejected', () => {
    const sctx = server0rtt();
    const cctx = new SSL.Context(SSL.TLS_METHOD);
    const session = sessionFrom(sctx, cctx);
    zeroRtt(sctx, cctx, session, Buffer.from('first'));
    const again = zeroRtt(sctx, cctx, session, Buffer.from('replayed'));
    expect(again.beforeHandshake.length).toBe(0);
    expect(again.client.getEarlyDataStatus()).toBe('rejected');
  });

  it("the server's callback rejects it: reported on both sides, the connection still works", () => {
    const sctx = server0rtt();
    const seen: boolean[] = [];
    sctx.setAllowEarlyDataCallback((conn) => {
      seen.push(conn instanceof SSL.Connection);
      return false;
    });
    const cctx = new SSL.Context(SSL.TLS_METHOD);
    const session = sessionFrom(sctx, cctx);
    const { client, server, beforeHandshake } = zeroRtt(sctx, cctx, session, Buffer.from('nope'));
    expect(seen).toEqual([true]);
    expect(beforeHandshake.length).toBe(0);
    expect(client.getEarlyDataStatus()).toBe('rejected');
    expect(server.getEarlyDataStatus()).toBe('rejected');
    expect(roundTrip(client, server, Buffer.from('resent')).toString()).toBe('resent');
  });

  it('a callback that throws or answers a non-boolean fails the handshake with its error', () => {
    for (const [answer, match] of [[() => { throw new Error('no 0-RTT today'); }, /no 0-RTT today/], [() => 'yes', /allow early data/]] as const) {
      const sctx = server0rtt();
      const cctx = new SSL.Context(SSL.TLS_METHOD);
      const session = sessionFrom(sctx, cctx);
      sctx.setAllowEarlyDataCallback(answer as unknown as () => boolean);
      expect(() => zeroRtt(sctx, cctx, session, Buffer.from('x'))).toThrow(match);
    }
  });

  it('a server that allows none: the session carries 0 and writeEarlyData fails cleanly', () => {
    const sctx = serverContext(pki().ec);
    const cctx = new SSL.Context(SSL.TLS_METHOD);
    const session = sessionFrom(sctx, cctx);
    expect(session.maxEarlyData).toBe(0);
    const client = new SSL.Connection(cctx);
    client.setConnectState();
    client.setSession(session);
    expect(() => client.writeEarlyData('x')).toThrow(SSL.Error);
  });

  it('bad input and wrong states: clear errors', () => {
    const sctx = server0rtt();
    expect(() => sctx.setMaxEarlyData(-1)).toThrow(RangeError);
    expect(() => sctx.setMaxEarlyData('big' as never)).toThrow(TypeError);
    expect(() => sctx.setAllowEarlyDataCallback(5 as never)).toThrow(TypeError);
    const c = new SSL.Connection(sctx);
    c.setMaxEarlyData(100);
    expect(c.getMaxEarlyData()).toBe(100);
    c.setRecvMaxEarlyData(100);
    expect(c.getEarlyDataStatus()).toBe('not-sent');
    // A server connection cannot write early data, a client cannot read it.
    c.setAcceptState();
    expect(() => c.writeEarlyData('x')).toThrow(SSL.Error);
    const client = new SSL.Connection(new SSL.Context(SSL.TLS_METHOD));
    client.setConnectState();
    expect(() => client.readEarlyData(10)).toThrow(SSL.Error);
    expect(() => client.readEarlyData(0)).toThrow(RangeError);
    client.free();
    expect(() => client.writeEarlyData('x')).toThrow(/freed/);
  });
});

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openssl-napi-0rtt-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('early data against openssl s_server -early_data', () => {
  it('the binding sends 0-RTT data that s_server reads as early data', async () => {
    const certFile = path.join(dir, 'cert.pem');
    const keyFile = path.join(dir, 'key.pem');
    fs.writeFileSync(certFile, pki().ec.certPem);
    fs.writeFileSync(keyFile, crypto.dumpPrivatekey(crypto.FILETYPE_PEM, pki().ec.key));
    const srv = await startSServer('openssl', ['-cert', certFile, '-key', keyFile, '-tls1_3', '-early_data', '-naccept', '2']);
    const port = srv.port;
    try {
      const cctx = new SSL.Context(SSL.TLS_METHOD);
      // A memory-BIO client over a TCP socket: the session first, then 0-RTT.
      const run = async (session: SSL.Session | null, early: string | null): Promise<SSL.Connection> => {
        const sock = net.connect(port, '127.0.0.1');
        const inbox: Buffer[] = [];
        let wake: (() => void) | null = null;
        sock.on('data', (b: Buffer) => {
          inbox.push(b);
          wake?.();
        });
        const next = async (): Promise<Buffer> => {
          while (inbox.length === 0) await new Promise<void>((r) => (wake = r));
          return inbox.shift()!;
        };
        await new Promise((r) => sock.once('connect', r));
        const conn = new SSL.Connection(cctx);
        conn.setConnectState();
        if (session) conn.setSession(session);
        if (early !== null) conn.writeEarlyData(early);
        const flush = () => {
          for (;;) {
            try {
              sock.write(conn.bioRead(65536));
            } catch (e) {
              if (e instanceof WantReadError) return;
              throw e;
            }
          }
        };
        const step = (): boolean => {
          try {
            conn.doHandshake();
            return true;
          } catch (e) {
            if (e instanceof WantReadError) return false;
            throw e;
          }
        };
        let done = step();
        flush();
        while (!done) {
          conn.bioWrite(await next());
          done = step();
          flush();
        }
        // Read the tickets (they follow the handshake).
        await new Promise((r) => setTimeout(r, 100));
        for (const d of inbox.splice(0)) conn.bioWrite(d);
        try {
          conn.recv(1024);
        } catch {
          // no application data: only tickets
        }
        // A clean close: a server drops the session of a connection that ended without close_notify.
        conn.shutdown();
        flush();
        await new Promise((r) => setTimeout(r, 100));
        sock.destroy();
        return conn;
      };
      const first = await run(null, null);
      const session = first.getSession()!;
      expect(session.maxEarlyData).toBeGreaterThan(0);
      const second = await run(session, 'zero round trip\n');
      expect(second.getEarlyDataStatus()).toBe('accepted');
      await waitForOutput(srv, 'zero round trip');
      // (s_server prints the label on stderr and the data on stdout: their order varies.)
      expect(srv.output()).toContain('Early data received:');
      expect(srv.output()).toContain('zero round trip');
      expect(srv.output()).toContain('No early data received'); // the first, full handshake
    } finally {
      await srv.stop();
    }
  });
});
