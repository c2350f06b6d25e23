// DTLS over memory BIOs, datagram by datagram: cookie exchange, data, SRTP, MTU, retransmission,
// cookie callback rules.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { SSL, WantReadError, ZeroReturnError } from '../lib/index.js';
import { attempt, cookieFor, drain, dtlsClientContext, dtlsHandshake, dtlsServerContext, feed } from './dtls-helpers.js';

function pairOf(sctx = dtlsServerContext(), cctx = dtlsClientContext()): { server: SSL.Connection; client: SSL.Connection } {
  const server = new SSL.Connection(sctx);
  server.setAcceptState();
  const client = new SSL.Connection(cctx);
  client.setConnectState();
  return { server, client };
}

describe('DTLS over memory BIOs', () => {
  it('exposes the DTLS method and option constants', () => {
    expect(SSL.DTLS_METHOD).toBe(10);
    expect(SSL.DTLS_SERVER_METHOD).toBe(11);
    expect(SSL.DTLS_CLIENT_METHOD).toBe(12);
    expect(SSL.OP_COOKIE_EXCHANGE).toBe(0x2000);
    expect(SSL.OP_NO_QUERY_MTU).toBe(0x1000);
    expect(SSL.SRTP_EXPORTER_LABEL).toBe('EXTRACTOR-dtls_srtp');
  });

  it('runs the cookie exchange with DTLSv1Listen, then the handshake, then data both ways', () => {
    const sctx = dtlsServerContext();
    const cookies: Buffer[] = [];
    sctx.setCookieVerifyCallback((conn, cookie) => {
      cookies.push(cookie);
      return cookie.equals(cookieFor(String(conn.getAppData() ?? 'peer')));
    });
    const { server, client } = pairOf(sctx);
    expect(server.isDtls()).toBe(true);
    expect(client.isDtls()).toBe(true);

    // ClientHello without a cookie -> HelloVerifyRequest, and no state beyond the listen
    expect(() => client.doHandshake()).toThrow(WantReadError);
    const hello = drain(client);
    expect(hello).toHaveLength(1);
    expect(hello[0]![0]).toBe(22); // handshake record
    feed(server, hello);
    expect(() => server.DTLSv1Listen()).toThrow(WantReadError);
    const hvr = drain(server);
    expect(hvr).toHaveLength(1);
    expect(hvr[0]![13]).toBe(3); // hello_verify_request
    expect(server.isInitFinished()).toBe(false);
    feed(client, hvr);
    expect(() => client.doHandshake()).toThrow(WantReadError);
    feed(server, drain(client));
    server.DTLSv1Listen(); // the cookie came back
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toEqual(cookieFor('peer'));
    expect(server.setOptions(0) & SSL.OP_COOKIE_EXCHANGE).toBe(SSL.OP_COOKIE_EXCHANGE);
    expect(() => server.DTLSv1Listen()).toThrow(/already started/);

    let cDone = false;
    let sDone = false;
    for (let i = 0; i < 10 && !(cDone && sDone); i++) {
      if (!sDone) sDone = attempt(() => server.doHandshake());
      feed(client, drain(server));
      if (!cDone) cDone = attempt(() => client.doHandshake());
      feed(server, drain(client));
    }
    expect(cDone && sDone).toBe(true);
    expect(client.getProtocolVersionName()).toBe('DTLSv1.2');
    expect(server.getProtocolVersionName()).toBe('DTLSv1.2');
    expect(client.getPeerCertificate()?.getSubject().CN).toBe('localhost');

    // one write = one datagram = one read, both ways
    client.send(Buffer.from('first'));
    client.send(Buffer.from('second'));
    const dgrams = drain(client);
    expect(dgrams).toHaveLength(2);
    expect(dgrams[0]![0]).toBe(23); // application data
    feed(server, dgrams);
    expect(server.recv(1000).toString()).toBe('first');
    expect(server.recv(1000).toString()).toBe('second');
    expect(() => server.recv(1000)).toThrow(WantReadError);
    server.send(Buffer.from('pong'));
    expect(server.bioPending()).toBeGreaterThan(4);
    feed(client, drain(server));
    expect(client.recv(1000).toString()).toBe('pong');

    // a 10 KB message travels in one record / one datagram
    const big = Buffer.alloc(10000, 7);
    client.send(big);
    const bigD = drain(client);
    expect(bigD).toHaveLength(1);
    feed(server, bigD);
    expect(server.recv(20000).equals(big)).toBe(true);

    // close_notify
    expect(client.shutdown()).toBe(false);
    feed(server, drain(client));
    expect(() => server.recv(100)).toThrow(ZeroReturnError);
  });

  it('works with the generic DTLS_METHOD on both sides', () => {
    const { server, client } = pairOf(dtlsServerContext(undefined, SSL.DTLS_METHOD), dtlsClientContext(SSL.DTLS_METHOD));
    expect(dtlsHandshake(client, server)).toBe(2);
    client.send(Buffer.from('x'));
    feed(server, drain(client));
    expect(server.recv(10).toString()).toBe('x');
  });

  it("answers the peer's close_notify with its own: shutdown() after recv() saw it (once a segfault)", () => {
    const { server, client } = pairOf(dtlsServerContext(undefined, SSL.DTLS_METHOD), dtlsClientContext(SSL.DTLS_METHOD));
    dtlsHandshake(client, server);
    expect(client.shutdown()).toBe(false);
    feed(server, drain(client));
    expect(() => server.recv(10)).toThrow(SSL.ZeroReturnError);
    expect(server.shutdown()).toBe(true);
    feed(client, drain(server));
    expect(client.shutdown()).toBe(true);
  });

  it('also handshakes without DTLSv1Listen (no cookie exchange)', () => {
    const { server, client } = pairOf();
    let cDone = false;
    let sDone = false;
    for (let i = 0; i < 10 && !(cDone && sDone); i++) {
      if (!cDone) cDone = attempt(() => client.doHandshake());
      feed(server, drain(client));
      if (!sDone) sDone = attempt(() => server.doHandshake());
      feed(client, drain(server));
    }
    expect(cDone && sDone).toBe(true);
  });

  it('negotiates SRTP_AES128_CM_SHA1_80 and exports the same SRTP keys on both sides', () => {
    const sctx = dtlsServerContext();
    sctx.setTlsextUseSrtp('SRTP_AES128_CM_SHA1_80:SRTP_AEAD_AES_128_GCM');
    const cctx = dtlsClientContext();
    cctx.setTlsextUseSrtp('SRTP_AES128_CM_SHA1_80');
    const { server, client } = pairOf(sctx, cctx);
    expect(client.getSelectedSrtpProfile()).toBe('');
    expect(client.getSrtpKeyingMaterial()).toBeNull();
    dtlsHandshake(client, server);
    expect(client.getSelectedSrtpProfile()).toBe('SRTP_AES128_CM_SHA1_80');
    expect(server.getSelectedSrtpProfile()).toBe('SRTP_AES128_CM_SHA1_80');
    const a = client.getSrtpKeyingMaterial()!;
    const b = server.getSrtpKeyingMaterial()!;
    expect(a.profile).toBe('SRTP_AES128_CM_SHA1_80');
    expect(a.clientKey).toHaveLength(16);
    expect(a.serverKey).toHaveLength(16);
    expect(a.clientSalt).toHaveLength(14);
    expect(a.serverSalt).toHaveLength(14);
    expect(a).toEqual(b);
    expect(a.clientKey.equals(a.serverKey)).toBe(false);
    const raw = client.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 60);
    expect(Buffer.concat([a.clientKey, a.serverKey, a.clientSalt, a.serverSalt])).toEqual(raw);
  });

  it('negotiates no SRTP profile when the client offers none', () => {
    const sctx = dtlsServerContext();
    sctx.setTlsextUseSrtp('SRTP_AES128_CM_SHA1_80');
    const { server, client } = pairOf(sctx);
    dtlsHandshake(client, server);
    expect(server.getSelectedSrtpProfile()).toBe('');
    expect(server.getSrtpKeyingMaterial()).toBeNull();
  });

  it('rejects an unknown SRTP profile name', () => {
    expect(() => dtlsClientContext().setTlsextUseSrtp('SRTP_NOPE')).toThrow(SSL.Error);
  });

  it('fits the handshake into the configured ciphertext MTU and reports the cleartext MTU', () => {
    const { server, client } = pairOf(dtlsServerContext());
    // large RSA certificate forces fragmentation
    expect(client.getCleartextMtu()).toBe(0);
    for (const c of [client, server]) {
      c.setOptions(SSL.OP_NO_QUERY_MTU);
      c.setCiphertextMtu(400);
    }
    let maxSeen = 0;
    let cDone = false;
    let sDone = false;
    const move = (a: SSL.Connection, b: SSL.Connection): void => {
      for (const d of drain(a)) {
        maxSeen = Math.max(maxSeen, d.length);
        b.bioWrite(d);
      }
    };
    attempt(() => client.doHandshake());
    for (;;) {
      move(client, server);
      if (attempt(() => server.DTLSv1Listen())) break;
      move(server, client);
      attempt(() => client.doHandshake());
    }
    for (let i = 0; i < 20 && !(cDone && sDone); i++) {
      if (!sDone) sDone = attempt(() => server.doHandshake());
      move(server, client);
      if (!cDone) cDone = attempt(() => client.doHandshake());
      move(client, server);
    }
    expect(cDone && sDone).toBe(true);
    expect(maxSeen).toBeLessThanOrEqual(400);
    const data = client.getCleartextMtu();
    expect(data).toBeGreaterThan(300);
    expect(data).toBeLessThan(400);
    // a record of exactly the cleartext MTU fits in one 400-byte datagram
    client.send(Buffer.alloc(data, 1));
    const d = drain(client);
    expect(d).toHaveLength(1);
    expect(d[0]!.length).toBeLessThanOrEqual(400);
  });

  it('uses a 1472-byte default MTU over the datagram BIO', () => {
    const { server, client } = pairOf(dtlsServerContext(undefined));
    dtlsHandshake(client, server);
    const m = client.getCleartextMtu();
    expect(m).toBeGreaterThan(1350);
    expect(m).toBeLessThan(1472);
  });

  it('rejects an MTU below the DTLS minimum', () => {
    const { client } = pairOf();
    expect(() => client.setCiphertextMtu(10)).toThrow(RangeError);
    expect(() => client.setCiphertextMtu(0)).toThrow(RangeError);
  });

  it('recovers a dropped client flight with the retransmission timer', async () => {
    const { server, client } = pairOf();
    client.setDtlsInitialTimeout(50);
    expect(client.DTLSv1GetTimeout()).toBeNull();
    expect(() => client.doHandshake()).toThrow(WantReadError);
    const lost = drain(client); // the first ClientHello is lost
    expect(lost).toHaveLength(1);
    const t = client.DTLSv1GetTimeout();
    expect(t).not.toBeNull();
    expect(t!).toBeLessThanOrEqual(0.05);
    await sleep(120);
    expect(client.DTLSv1GetTimeout()).toBe(0);
    expect(client.DTLSv1HandleTimeout()).toBe(true);
    const again = drain(client);
    expect(again).toHaveLength(1);
    expect(again[0]!.subarray(13)).toEqual(lost[0]!.subarray(13)); // same handshake message, new record seq
    // the timer doubled: about 100 ms now
    const t2 = client.DTLSv1GetTimeout()!;
    expect(t2).toBeGreaterThan(0.05);
    expect(t2).toBeLessThanOrEqual(0.1);
    feed(server, again);
    expect(() => server.DTLSv1Listen()).toThrow(WantReadError);
    feed(client, drain(server));
    expect(() => client.doHandshake()).toThrow(WantReadError);
    feed(server, drain(client));
    server.DTLSv1Listen();
  });

  it('recovers a dropped server flight with the retransmission timer', async () => {
    const { server, client } = pairOf();
    server.setDtlsInitialTimeout(50);
    attempt(() => client.doHandshake());
    for (;;) {
      feed(server, drain(client));
      if (attempt(() => server.DTLSv1Listen())) break;
      feed(client, drain(server));
      attempt(() => client.doHandshake());
    }
    expect(() => server.doHandshake()).toThrow(WantReadError);
    const flight = drain(server);
    expect(flight.length).toBeGreaterThan(0); // ServerHello .. ServerHelloDone: dropped
    expect(server.DTLSv1GetTimeout()).not.toBeNull();
    await sleep(120);
    expect(server.DTLSv1HandleTimeout()).toBe(true);
    const again = drain(server);
    expect(again.length).toBeGreaterThanOrEqual(1);
    let cDone = false;
    let sDone = false;
    feed(client, again);
    for (let i = 0; i < 10 && !(cDone && sDone); i++) {
      if (!cDone) cDone = attempt(() => client.doHandshake());
      feed(server, drain(client));
      if (!sDone) sDone = attempt(() => server.doHandshake());
      feed(client, drain(server));
    }
    expect(cDone && sDone).toBe(true);
    expect(server.DTLSv1GetTimeout()).toBeNull();
    expect(server.DTLSv1HandleTimeout()).toBe(false);
  });

  it('does not retransmit before the (default 1 s) timer expires', () => {
    const { client } = pairOf();
    attempt(() => client.doHandshake());
    drain(client);
    const t = client.DTLSv1GetTimeout()!;
    expect(t).toBeGreaterThan(0.5);
    expect(t).toBeLessThanOrEqual(1);
    expect(client.DTLSv1HandleTimeout()).toBe(false);
    expect(drain(client)).toHaveLength(0);
    client.setDtlsInitialTimeout(null); // back to the default: accepted
  });

  it('accepts a 255-byte cookie and rejects a 256-byte one with a clear error (no overflow)', () => {
    for (const [len, ok] of [[255, true], [256, false], [4096, false], [0, false]] as const) {
      const sctx = dtlsServerContext();
      sctx.setCookieGenerateCallback(() => Buffer.alloc(len, 0xab));
      sctx.setCookieVerifyCallback((_c, cookie) => cookie.length === len && cookie.every((b) => b === 0xab));
      const { server, client } = pairOf(sctx);
      if (ok) {
        expect(dtlsHandshake(client, server)).toBe(2);
        continue;
      }
      attempt(() => client.doHandshake());
      feed(server, drain(client));
      let err: unknown;
      try {
        server.DTLSv1Listen();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(RangeError);
      expect((err as RangeError).message).toMatch(/1\.\.255 bytes/);
      expect((err as { code?: string }).code).toBe('ERR_OPENSSL_NAPI_COOKIE_LENGTH');
      expect(drain(server)).toHaveLength(0); // no HelloVerifyRequest went out
    }
  });

  it('rethrows the very exception a cookie callback threw, from DTLSv1Listen', () => {
    const boom = new Error('generate failed');
    const sctx = dtlsServerContext();
    sctx.setCookieGenerateCallback(() => {
      throw boom;
    });
    const { server, client } = pairOf(sctx);
    attempt(() => client.doHandshake());
    feed(server, drain(client));
    expect(() => server.DTLSv1Listen()).toThrow(boom);

    const boom2 = new Error('verify failed');
    const sctx2 = dtlsServerContext();
    sctx2.setCookieVerifyCallback(() => {
      throw boom2;
    });
    const p = pairOf(sctx2);
    attempt(() => p.client.doHandshake());
    feed(p.server, drain(p.client));
    expect(() => p.server.DTLSv1Listen()).toThrow(WantReadError);
    feed(p.client, drain(p.server));
    attempt(() => p.client.doHandshake());
    feed(p.server, drain(p.client));
    let caught: unknown;
    try {
      p.server.DTLSv1Listen();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(boom2);
  });

  it('rethrows a cookie verify exception from doHandshake (stateful cookie exchange)', () => {
    const boom = new Error('verify in handshake');
    const sctx = dtlsServerContext();
    let calls = 0;
    sctx.setCookieVerifyCallback(() => {
      calls++;
      throw boom;
    });
    sctx.setOptions(SSL.OP_COOKIE_EXCHANGE);
    const { server, client } = pairOf(sctx);
    attempt(() => client.doHandshake());
    feed(server, drain(client));
    expect(() => server.doHandshake()).toThrow(WantReadError); // HelloVerifyRequest
    feed(client, drain(server));
    attempt(() => client.doHandshake());
    feed(server, drain(client));
    let caught: unknown;
    try {
      server.doHandshake();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBe(boom);
    expect(calls).toBe(1);
  });

  it('a cookie generate callback returning a non-buffer is a TypeError', () => {
    const sctx = dtlsServerContext();
    sctx.setCookieGenerateCallback(() => 42 as unknown as Buffer);
    const { server, client } = pairOf(sctx);
    attempt(() => client.doHandshake());
    feed(server, drain(client));
    expect(() => server.DTLSv1Listen()).toThrow(TypeError);
  });

  it('a wrong cookie gets a new HelloVerifyRequest, never a connection', () => {
    const sctx = dtlsServerContext();
    sctx.setCookieVerifyCallback(() => false);
    const { server, client } = pairOf(sctx);
    attempt(() => client.doHandshake());
    feed(server, drain(client));
    expect(() => server.DTLSv1Listen()).toThrow(WantReadError);
    feed(client, drain(server));
    attempt(() => client.doHandshake());
    const withCookie = drain(client);
    expect(withCookie).toHaveLength(1);
    for (let i = 0; i < 3; i++) {
      feed(server, withCookie); // replayed: each gets a fresh HelloVerifyRequest
      expect(() => server.DTLSv1Listen()).toThrow(WantReadError);
      expect(drain(server)).toHaveLength(1);
    }
    expect(server.isInitFinished()).toBe(false);
  });

  it('DTLSv1Listen without cookie callbacks is an OpenSSL error', () => {
    const ctx = dtlsServerContext();
    ctx.setCookieGenerateCallback(null);
    ctx.setCookieVerifyCallback(null);
    const { server, client } = pairOf(ctx);
    attempt(() => client.doHandshake());
    feed(server, drain(client));
    expect(() => server.DTLSv1Listen()).toThrow(SSL.Error);
  });

  it('drops garbage datagrams in DTLSv1Listen silently', () => {
    const { server } = pairOf();
    server.bioWrite(Buffer.from('not a DTLS record at all'));
    expect(() => server.DTLSv1Listen()).toThrow(WantReadError);
    expect(drain(server)).toHaveLength(0);
  });

  it('bioShutdown on a DTLS connection gives EOF to reads', () => {
    const { server, client } = pairOf();
    dtlsHandshake(client, server);
    server.bioShutdown();
    expect(() => server.recv(10)).toThrow(SSL.SysCallError);
  });

  it('a DTLS Context whose cookie callbacks capture it, and its connections, are collected', async () => {
    let collected = 0;
    const registry = new FinalizationRegistry(() => {
      collected++;
    });
    (() => {
      for (let i = 0; i < 3; i++) {
        const ctx = dtlsServerContext();
        ctx.setCookieGenerateCallback(() => cookieFor(String(ctx.getAppData())));
        ctx.setCookieVerifyCallback((_c, cookie) => cookie.equals(cookieFor(String(ctx.getAppData()))));
        const { server, client } = pairOf(ctx);
        server.setDtlsInitialTimeout(50);
        dtlsHandshake(client, server);
        server.setAppData(server);
        registry.register(ctx, `ctx${i}`);
        registry.register(server, `server${i}`);
        registry.register(client, `client${i}`);
      }
    })();
    for (let i = 0; i < 20 && collected < 9; i++) {
      globalThis.gc!();
      await sleep(5);
    }
    expect(collected).toBe(9);
  });
});
