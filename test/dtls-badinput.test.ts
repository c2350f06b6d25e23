// Bad input for every DTLS method: wrong types and values, wrong state (TLS connection, client
// role, handshake started, re-entrance), freed objects; DTLSSocket/DTLSServer argument checks.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { SSL, WantReadError } from '../lib/index.js';
import { attempt, drain, dtlsClientContext, dtlsHandshake, dtlsServerContext, feed } from './dtls-helpers.js';
import { serverContext } from './ssl-helpers.js';

type Callable = Record<string, (...a: unknown[]) => unknown>;
const call = (o: object, m: string, ...args: unknown[]): unknown => (o as unknown as Callable)[m]!(...args);

const connMethods: [string, unknown[]][] = [
  ['DTLSv1Listen', []],
  ['DTLSv1GetTimeout', []],
  ['DTLSv1HandleTimeout', []],
  ['setCiphertextMtu', [1000]],
  ['getCleartextMtu', []],
  ['setDtlsInitialTimeout', [50]],
];

describe('DTLS bad input', () => {
  it.each(connMethods)('Connection.%s on a freed connection', (m, args) => {
    const c = new SSL.Connection(dtlsServerContext());
    c.free();
    expect(() => call(c, m, ...args)).toThrow(/Connection has been freed/);
    expect(() => c.isDtls()).toThrow(/freed/);
    expect(() => c.getSrtpKeyingMaterial()).toThrow(/freed/);
  });

  it.each(connMethods)('Connection.%s on a TLS (not DTLS) connection', (m, args) => {
    const c = new SSL.Connection(serverContext());
    expect(c.isDtls()).toBe(false);
    let err: { code?: string } | undefined;
    try {
      call(c, m, ...args);
    } catch (e) {
      err = e as { code?: string };
    }
    expect(err?.code).toBe('ERR_OPENSSL_NAPI_NOT_DTLS');
  });

  it('wrong argument types and values', () => {
    const c = new SSL.Connection(dtlsClientContext());
    for (const v of ['x', null, {}, Symbol('s')]) expect(() => c.setCiphertextMtu(v as number)).toThrow(TypeError);
    for (const v of [-1, 0, 70000, 1.5]) expect(() => c.setCiphertextMtu(v)).toThrow(RangeError);
    for (const v of ['x', {}, true]) expect(() => c.setDtlsInitialTimeout(v as number)).toThrow(TypeError);
    for (const v of [0, -5, 60001]) expect(() => c.setDtlsInitialTimeout(v)).toThrow(RangeError);
    c.setDtlsInitialTimeout(null);
    const ctx = dtlsServerContext();
    for (const v of [5, 'x', {}]) {
      expect(() => ctx.setCookieGenerateCallback(v as never)).toThrow(TypeError);
      expect(() => ctx.setCookieVerifyCallback(v as never)).toThrow(TypeError);
    }
  });

  it('cookie callback setters on a freed Context', () => {
    const ctx = dtlsServerContext();
    ctx.free();
    expect(() => ctx.setCookieGenerateCallback(() => Buffer.alloc(8))).toThrow(/Context has been freed/);
    expect(() => ctx.setCookieVerifyCallback(() => true)).toThrow(/Context has been freed/);
    expect(() => ctx.setCookieVerifyCallback(null)).toThrow(/Context has been freed/);
  });

  it('DTLSv1Listen in the wrong state: client role, handshake started', () => {
    const client = new SSL.Connection(dtlsClientContext(SSL.DTLS_METHOD));
    client.setConnectState();
    expect(() => client.DTLSv1Listen()).toThrow(/server-side/);
    const server = new SSL.Connection(dtlsServerContext());
    const c2 = new SSL.Connection(dtlsClientContext());
    c2.setConnectState();
    dtlsHandshake(c2, server);
    expect(() => server.DTLSv1Listen()).toThrow(/already started/);
    // nothing to read yet: WantReadError, not an error
    const fresh = new SSL.Connection(dtlsServerContext());
    expect(() => fresh.DTLSv1Listen()).toThrow(WantReadError);
  });

  it('re-entrance: a cookie callback cannot drive its own connection', () => {
    const ctx = dtlsServerContext();
    ctx.setCookieGenerateCallback((conn) => {
      conn.DTLSv1Listen();
      return Buffer.alloc(8);
    });
    const server = new SSL.Connection(ctx);
    const client = new SSL.Connection(dtlsClientContext());
    client.setConnectState();
    attempt(() => client.doHandshake());
    feed(server, drain(client));
    let err: { code?: string } | undefined;
    try {
      server.DTLSv1Listen();
    } catch (e) {
      err = e as { code?: string };
    }
    expect(err?.code).toBe('ERR_OPENSSL_NAPI_REENTRANT');
  });

  it('a callback may free its Connection during DTLSv1Listen without a crash', () => {
    const ctx = dtlsServerContext();
    ctx.setCookieGenerateCallback((conn) => {
      conn.free();
      return Buffer.alloc(8);
    });
    const server = new SSL.Connection(ctx);
    const client = new SSL.Connection(dtlsClientContext());
    client.setConnectState();
    attempt(() => client.doHandshake());
    feed(server, drain(client));
    try {
      server.DTLSv1Listen();
    } catch {
      // whatever it is, it is not a crash
    }
    expect(() => server.DTLSv1GetTimeout()).toThrow(/freed/);
  });

  it('DTLSv1HandleTimeout / DTLSv1GetTimeout before anything happened', () => {
    const c = new SSL.Connection(dtlsClientContext());
    expect(c.DTLSv1GetTimeout()).toBeNull();
    expect(c.DTLSv1HandleTimeout()).toBe(false);
    expect(c.getCleartextMtu()).toBe(0);
  });

  it('a truncating bioRead drops the rest of the datagram (UDP semantics)', () => {
    const server = new SSL.Connection(dtlsServerContext());
    const client = new SSL.Connection(dtlsClientContext());
    client.setConnectState();
    dtlsHandshake(client, server);
    client.send(Buffer.from('a fairly long message'));
    const part = client.bioRead(10);
    expect(part).toHaveLength(10);
    expect(() => client.bioRead(100)).toThrow(WantReadError);
    server.bioWrite(part); // a truncated record is discarded silently by DTLS
    expect(() => server.recv(100)).toThrow(WantReadError);
  });

  it('the datagram queue is bounded (4096 datagrams) with a clear error', () => {
    const c = new SSL.Connection(dtlsServerContext());
    for (let i = 0; i < 4096; i++) c.bioWrite(Buffer.alloc(4));
    let err: { message?: string; errors?: unknown[] } | undefined;
    try {
      c.bioWrite(Buffer.alloc(4));
    } catch (e) {
      err = e as typeof err;
    }
    expect(err).toBeInstanceOf(SSL.Error);
    expect(JSON.stringify(err) + String(err?.message)).toMatch(/queue is full/);
    // reading them (the listen drops garbage one datagram at a time) frees room
    expect(() => c.DTLSv1Listen()).toThrow(WantReadError);
    expect(c.bioWrite(Buffer.alloc(4))).toBe(4);
  });

  it('DTLSSocket / createDTLSServer argument checks', () => {
    expect(() => new SSL.DTLSSocket(null as never)).toThrow(TypeError);
    expect(() => new SSL.DTLSSocket({ context: 5 as never })).toThrow(/SSL.Context/);
    expect(() => new SSL.DTLSSocket({ context: serverContext() })).toThrow(/not a DTLS Context/);
    expect(() => new SSL.DTLSSocket({ context: dtlsClientContext(), type: 'tcp' as never })).toThrow(/udp4/);
    expect(() => new SSL.DTLSSocket({ context: dtlsClientContext(), mtu: 5 })).toThrow(RangeError);
    expect(() => new SSL.DTLSSocket({ context: dtlsClientContext(), initialTimeout: 0 })).toThrow(RangeError);
    const s = new SSL.DTLSSocket({ context: dtlsClientContext() });
    expect(() => s.connect(0)).toThrow(RangeError);
    expect(() => s.connect(70000, '127.0.0.1')).toThrow(RangeError);
    expect(() => s.connect(443, {} as never)).toThrow(TypeError);
    expect(() => s.send(5 as never)).toThrow(TypeError);
    expect(() => s.close(5 as never)).toThrow(TypeError);
    expect(s.remoteAddress()).toBeNull();
    expect(s.address()).toBeNull();
    s.close();
    expect(() => s.send('x')).toThrow(/closed/);
    expect(() => s.connect(443)).toThrow(/closed/);

    expect(() => SSL.createDTLSServer(null as never)).toThrow(TypeError);
    expect(() => SSL.createDTLSServer({ context: {} as never })).toThrow(/SSL.Context/);
    expect(() => SSL.createDTLSServer({ context: serverContext() })).toThrow(/not a DTLS Context/);
    expect(() => SSL.createDTLSServer({ context: dtlsServerContext(), cookieSecret: 'x' as never })).toThrow(TypeError);
    expect(() => SSL.createDTLSServer({ context: dtlsServerContext() }, 5 as never)).toThrow(TypeError);
    const srv = SSL.createDTLSServer({ context: dtlsServerContext() });
    expect(() => srv.listen(-1)).toThrow(RangeError);
    expect(() => srv.listen(0, 5 as never)).toThrow(TypeError);
    srv.close();
    expect(() => srv.listen(0)).toThrow(/closed/);
  });
});

describe('DTLS contexts and stream sockets', () => {
  it('refuses a DTLS Context in socket mode with a clear TypeError', () => {
    const sock = new net.Socket();
    for (const m of [SSL.DTLS_METHOD, SSL.DTLS_SERVER_METHOD, SSL.DTLS_CLIENT_METHOD]) {
      const ctx = new SSL.Context(m);
      expect(() => new SSL.Connection(ctx, sock)).toThrow(/DTLS Context cannot run over a stream socket/);
      expect(() => SSL.Connection.accept(ctx, sock)).toThrow(TypeError);
      // SecureSocket and SSL.connect take the same check, with either pump, at once.
      for (const nativeIo of [true, false]) {
        expect(() => new SSL.SecureSocket(sock, { context: ctx, nativeIo })).toThrow(/DTLS Context cannot run over a stream socket/);
        expect(() => SSL.connect({ context: ctx, port: 1, nativeIo })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
      }
    }
    sock.destroy();
  });
});
