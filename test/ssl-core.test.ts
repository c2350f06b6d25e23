import { describe, expect, it } from 'vitest';
import { OpenSSLError, SSL, SysCallError, WantReadError, X509Store, ZeroReturnError } from '../lib/index.js';
import { clientContext, handshake, pair, pki, roundTrip, serverContext, settle, transfer } from './ssl-helpers.js';

const versions = [
  ['TLS1.2', SSL.TLS1_2_VERSION],
  ['TLS1.3', SSL.TLS1_3_VERSION],
] as const;

describe.each(versions)('memory-BIO %s', (label, version) => {
  for (const kind of ['rsa', 'ec'] as const) {
    it(`handshakes with ${kind} and moves data both ways`, () => {
      const sctx = serverContext(pki()[kind]);
      sctx.setMinProtoVersion(version);
      sctx.setMaxProtoVersion(version);
      const { server, client } = pair(sctx, clientContext());
      handshake(client, server);
      expect(client.getProtocolVersion()).toBe(version);
      expect(server.getProtocolVersionName()).toBe(label.replace('TLS', 'TLSv'));
      expect(client.getCipherName()).toBe(server.getCipherName());
      expect(client.getCipherBits()).toBeGreaterThan(0);
      expect(client.getPeerCertificate()!.getSubject().CN).toBe('localhost');
      expect(server.getPeerCertificate()).toBeNull();
      expect(client.getPeerCertChain()!.length).toBeGreaterThanOrEqual(1);
      expect(roundTrip(client, server, Buffer.from('hello server')).toString()).toBe('hello server');
      expect(roundTrip(server, client, Buffer.from('hello client')).toString()).toBe('hello client');
      expect(client.getGroupName()).toBeTypeOf('string');
      expect(client.clientRandom()).toEqual(server.clientRandom());
      expect(client.serverRandom()).toEqual(server.serverRandom());
      expect(client.getFinished()).toEqual(server.getPeerFinished());
      expect(client.getPeerFinished()).toEqual(server.getFinished());
      const a = client.exportKeyingMaterial('EXPORTER-test', 32, null);
      const b = server.exportKeyingMaterial('EXPORTER-test', 32, null);
      expect(a).toEqual(b);
      expect(client.exportKeyingMaterial('EXPORTER-test', 32, 'ctx')).toEqual(server.exportKeyingMaterial('EXPORTER-test', 32, 'ctx'));
      // A KEM group (OpenSSL 3.5's default X25519MLKEM768) sends a ciphertext, not a key: no tmp key.
      if (/MLKEM/i.test(client.getGroupName() ?? '')) expect(client.getPeerTmpKey()).toBeNull();
      else expect(client.getPeerTmpKey()).not.toBeNull();
      const sigalgs = server.getSharedSigalgs();
      expect(sigalgs.length).toBeGreaterThan(0);
      for (const alg of sigalgs) expect(alg).toMatch(/^[\w.+-]+$/);
      expect(sigalgs.some((alg) => /\+SHA|ED25519|ED448/.test(alg))).toBe(true);
      expect(client.isInitFinished()).toBe(true);
      expect(server.isServer()).toBe(true);
      expect(client.getStateString()).toMatch(/SSL negotiation finished|ok/i);
    });
  }

  it('large writes are partial and all arrive', () => {
    const sctx = serverContext();
    sctx.setMaxProtoVersion(version);
    const { server, client } = pair(sctx, clientContext());
    handshake(client, server);
    const big = Buffer.alloc(1 << 20, 7);
    const n = client.send(big);
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(big.length);
    expect(client.sendall(big.subarray(n))).toBe(big.length - n);
    transfer(client, server);
    let got = 0;
    const into = Buffer.alloc(20000);
    while (got < big.length) got += server.recvInto(into);
    expect(got).toBe(big.length);
  });

  it('recv with MSG_PEEK leaves data, pending() counts it', () => {
    const sctx = serverContext();
    sctx.setMaxProtoVersion(version);
    const { server, client } = pair(sctx, clientContext());
    handshake(client, server);
    client.send('abcdef');
    transfer(client, server);
    expect(server.recv(3, SSL.MSG_PEEK).toString()).toBe('abc');
    expect(server.pending()).toBe(6);
    expect(server.recv(100).toString()).toBe('abcdef');
    expect(() => server.recv(100)).toThrow(WantReadError);
  });

  it('shutdown: ZeroReturnError on the peer, then complete', () => {
    const sctx = serverContext();
    sctx.setMaxProtoVersion(version);
    const { server, client } = pair(sctx, clientContext());
    handshake(client, server);
    expect(client.shutdown()).toBe(false);
    expect(client.getShutdown() & SSL.SENT_SHUTDOWN).toBe(SSL.SENT_SHUTDOWN);
    transfer(client, server);
    expect(() => server.recv(10)).toThrow(ZeroReturnError);
    expect(server.getShutdown() & SSL.RECEIVED_SHUTDOWN).toBe(SSL.RECEIVED_SHUTDOWN);
    expect(server.shutdown()).toBe(true);
    transfer(server, client);
    expect(client.shutdown()).toBe(true);
  });

  it('truncation: bioShutdown gives SysCallError(-1, Unexpected EOF)', () => {
    const sctx = serverContext();
    sctx.setMaxProtoVersion(version);
    const { server, client } = pair(sctx, clientContext());
    handshake(client, server);
    server.bioShutdown();
    let err: unknown;
    try {
      server.recv(10);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SysCallError);
    expect((err as SysCallError).errno).toBe(-1);
    expect((err as SysCallError).message).toBe('Unexpected EOF');
  });

  it('pump() drives a handshake with one crossing per flight', () => {
    const sctx = serverContext();
    sctx.setMaxProtoVersion(version);
    const { server, client } = pair(sctx, clientContext());
    let toServer = client.pump(null);
    expect(client.lastStatus()).toBe(-2);
    for (let i = 0; i < 10 && !(client.isInitFinished() && server.isInitFinished()); i++) {
      const toClient = server.pump(toServer);
      toServer = client.pump(toClient);
    }
    expect(client.isInitFinished()).toBe(true);
    expect(server.isInitFinished()).toBe(true);
    expect(client.lastStatus()).toBe(0);
  });
});

/** Drives a handshake with pumpInto only (two reused buffers); returns the number of calls. */
function pumpIntoHandshake(client: SSL.Connection, server: SSL.Connection, cap = 1 << 16): number {
  const toServer = Buffer.alloc(cap);
  const toClient = Buffer.alloc(cap);
  const view = (b: Buffer, r: number): Buffer | null => (SSL.pumpBytes(r) > 0 ? b.subarray(0, SSL.pumpBytes(r)) : null);
  const settled = (r: number): boolean => SSL.pumpFinished(r) && !SSL.pumpMorePending(r) && SSL.pumpStatus(r) === 0;
  let rc = client.pumpInto(null, toServer);
  let calls = 1;
  for (let i = 0; i < 500; i++) {
    const rs = server.pumpInto(view(toServer, rc), toClient);
    rc = client.pumpInto(view(toClient, rs), toServer);
    calls += 2;
    if (SSL.pumpBytes(rc) === 0 && settled(rc) && settled(rs)) return calls;
  }
  throw new Error('handshake did not finish');
}

describe('pumpInto result decoders', () => {
  it('take only a non-negative integer: anything else is a coded TypeError', () => {
    const r = 1234 * 32 + SSL.PUMP_INIT_FINISHED + SSL.PUMP_MORE_PENDING + 2;
    expect([SSL.pumpBytes(r), SSL.pumpStatus(r), SSL.pumpFinished(r), SSL.pumpMorePending(r)]).toEqual([1234, -2, true, true]);
    for (const decode of [SSL.pumpBytes, SSL.pumpStatus, SSL.pumpFinished, SSL.pumpMorePending]) {
      for (const bad of [-1, 1.5, NaN, Infinity, '32', null, undefined, {}]) {
        expect(() => decode(bad as never), `${decode.name}(${String(bad)})`).toThrow(expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }));
      }
    }
  });
});

describe.each(versions)('pumpInto %s', (label, version) => {
  it('drives a whole handshake alone, with one result number per call', () => {
    const sctx = serverContext(pki().ec);
    sctx.setMaxProtoVersion(version);
    const { server, client } = pair(sctx, clientContext());
    const calls = pumpIntoHandshake(client, server);
    expect(calls).toBeLessThanOrEqual(5);
    expect(client.isInitFinished()).toBe(true);
    expect(server.isInitFinished()).toBe(true);
    expect(client.getProtocolVersionName()).toBe(label.replace('TLS', 'TLSv'));
    expect(client.lastStatus()).toBe(0);
    expect(server.lastStatus()).toBe(0);
    expect(client.bioPending()).toBe(0);
    expect(server.bioPending()).toBe(0);
    // TLS 1.3 tickets were delivered to the client's read BIO; recv processes them.
    expect(() => client.recv(10)).toThrow(WantReadError);
    expect(roundTrip(client, server, Buffer.from('after pumpInto')).toString()).toBe('after pumpInto');
    expect(roundTrip(server, client, Buffer.from('and back')).toString()).toBe('and back');
  });

  it('reports bytes, status and flags: the first flight wants read, then both finish', () => {
    const sctx = serverContext();
    sctx.setMaxProtoVersion(version);
    const { server, client } = pair(sctx, clientContext());
    const out = Buffer.alloc(1 << 16);
    const r1 = client.pumpInto(null, out);
    expect(SSL.pumpBytes(r1)).toBeGreaterThan(0); // the ClientHello
    expect(SSL.pumpStatus(r1)).toBe(-2);
    expect(r1 & SSL.PUMP_INIT_FINISHED).toBe(0);
    expect(r1 & SSL.PUMP_MORE_PENDING).toBe(0);
    expect([SSL.pumpFinished(r1), SSL.pumpMorePending(r1)]).toEqual([false, false]);
    expect(r1).toBe(SSL.pumpBytes(r1) * 32 + 2);
    expect(client.lastStatus()).toBe(-2);
    // Nothing new: no bytes, still waiting.
    expect(client.pumpInto(null, Buffer.alloc(100))).toBe(2);
    const back = Buffer.alloc(1 << 16);
    const r2 = server.pumpInto(out.subarray(0, SSL.pumpBytes(r1)), back);
    expect(SSL.pumpBytes(r2)).toBeGreaterThan(0);
    expect(SSL.pumpStatus(r2)).toBe(-2);
    let r3 = client.pumpInto(back.subarray(0, SSL.pumpBytes(r2)), out);
    let r4: number;
    if (version === SSL.TLS1_2_VERSION) {
      // TLS 1.2: the client sends its Finished and waits for the server's.
      expect(r3 & SSL.PUMP_INIT_FINISHED).toBe(0);
      expect(SSL.pumpStatus(r3)).toBe(-2);
      r4 = server.pumpInto(out.subarray(0, SSL.pumpBytes(r3)), back);
      expect(SSL.pumpBytes(r4)).toBeGreaterThan(0);
      r3 = client.pumpInto(back.subarray(0, SSL.pumpBytes(r4)), out);
      expect(SSL.pumpBytes(r3)).toBe(0);
    }
    expect(r3 & SSL.PUMP_INIT_FINISHED).toBe(SSL.PUMP_INIT_FINISHED);
    expect(SSL.pumpFinished(r3)).toBe(true);
    expect(SSL.pumpStatus(r3)).toBe(0);
    // A finished connection only moves bytes (TLS 1.3: the server's session tickets).
    r4 = server.pumpInto(version === SSL.TLS1_2_VERSION ? null : out.subarray(0, SSL.pumpBytes(r3)), back);
    expect(r4 & SSL.PUMP_INIT_FINISHED).toBe(SSL.PUMP_INIT_FINISHED);
    expect(SSL.pumpStatus(r4)).toBe(0);
    expect(SSL.pumpBytes(r4) > 0).toBe(version === SSL.TLS1_3_VERSION);
    expect(server.isInitFinished() && client.isInitFinished()).toBe(true);
  });

  it('an `out` too small leaves the rest pending and sets PUMP_MORE_PENDING', () => {
    const sctx = serverContext();
    sctx.setMaxProtoVersion(version);
    const { server, client } = pair(sctx, clientContext());
    const small = Buffer.alloc(16);
    const r = client.pumpInto(null, small);
    expect(SSL.pumpBytes(r)).toBe(16);
    expect(r & SSL.PUMP_MORE_PENDING).toBe(SSL.PUMP_MORE_PENDING);
    expect(SSL.pumpMorePending(r)).toBe(true);
    expect(SSL.pumpStatus(r)).toBe(-2);
    const rest = client.bioPending();
    expect(rest).toBeGreaterThan(0);
    const parts = [Buffer.from(small)];
    let more = true;
    while (more) {
      const k = client.pumpInto(null, small);
      parts.push(Buffer.from(small.subarray(0, SSL.pumpBytes(k))));
      more = (k & SSL.PUMP_MORE_PENDING) !== 0;
      expect(SSL.pumpBytes(k)).toBe(more ? 16 : (rest - 1) % 16 + 1);
    }
    expect(client.bioPending()).toBe(0);
    // The pieces are the whole ClientHello: the server takes them and the handshake completes.
    server.bioWrite(Buffer.concat(parts));
    pumpIntoHandshake(client, server, 32);
    expect(client.isInitFinished() && server.isInitFinished()).toBe(true);
    // An empty `out` copies nothing and says so.
    client.send(Buffer.from('x'));
    expect(client.pumpInto(null, Buffer.alloc(0))).toBe(SSL.PUMP_INIT_FINISHED + SSL.PUMP_MORE_PENDING);
  });
});

describe('pumpInto errors', () => {
  it('wrong argument types throw before any input is consumed', () => {
    const { server, client } = pair(serverContext(), clientContext());
    const hello = Buffer.alloc(4096);
    const n = SSL.pumpBytes(client.pumpInto(null, hello));
    const input = hello.subarray(0, n);
    const out = Buffer.alloc(1 << 16);
    for (const bad of [5, 'x', {}, [1, 2], new SharedArrayBuffer(8)]) {
      expect(() => server.pumpInto(bad as never, out)).toThrow(/The "input" argument must be/);
      expect(() => server.pumpInto(input, bad as never)).toThrow(/The "out" argument must be/);
    }
    expect(() => server.pumpInto(input, null as never)).toThrow(TypeError);
    expect(() => server.pumpInto(input, undefined as never)).toThrow(TypeError);
    // None of the failed calls wrote the ClientHello: it is taken exactly once now.
    expect(SSL.pumpStatus(server.pumpInto(input, out))).toBe(-2);
    expect(server.getStateString()).not.toMatch(/before/);
  });

  it('a freed Connection throws', () => {
    const c = new SSL.Connection(clientContext());
    c.setConnectState();
    c.free();
    expect(() => c.pumpInto(null, Buffer.alloc(10))).toThrow(/Connection has been freed/);
  });

  it('bad data from the peer throws an OpenSSLError; the alert stays for bioRead', () => {
    const { server } = pair(serverContext(), clientContext());
    const notAHello = Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5]);
    expect(() => server.pumpInto(notAHello, Buffer.alloc(1024))).toThrow(OpenSSLError);
    const alert = server.bioRead(1024);
    expect(alert[0]).toBe(21); // an alert record
    const again = pair(serverContext(), clientContext()).server;
    expect(() => again.pumpInto(Buffer.from('GET / HTTP/1.1\r\n\r\n'), Buffer.alloc(1024))).toThrow(/http request/);
  });

  it('is refused from the connection\'s own callback (wrong state)', () => {
    const sctx = serverContext();
    let inner: unknown;
    sctx.setInfoCallback((conn) => {
      if (inner === undefined) {
        try {
          conn.pumpInto(null, Buffer.alloc(10));
          inner = null;
        } catch (e) {
          inner = e;
        }
      }
    });
    const { server, client } = pair(sctx, clientContext());
    pumpIntoHandshake(client, server);
    expect((inner as { code?: string }).code).toBe('ERR_OPENSSL_NAPI_REENTRANT');
  });

  it('callbacks driven by pumpInto get the owner Connection', () => {
    const sctx = serverContext();
    const seen = new Set<unknown>();
    sctx.setInfoCallback((conn) => seen.add(conn));
    const cctx = clientContext();
    cctx.setVerify(SSL.VERIFY_PEER, (conn) => {
      seen.add(conn);
      return true;
    });
    const { server, client } = pair(sctx, cctx);
    const perConnection: unknown[] = [];
    client.setInfoCallback((conn) => perConnection.push(conn));
    pumpIntoHandshake(client, server);
    expect(seen.size).toBe(2);
    expect(seen.has(server) && seen.has(client)).toBe(true);
    expect(perConnection.length).toBeGreaterThan(0);
    expect(perConnection.every((c) => c === client)).toBe(true);
  });
});

describe('Connection state and bad input', () => {
  it('before the handshake: getters are null, recv wants read', () => {
    const c = new SSL.Connection(clientContext());
    expect(c.getPeerCertificate()).toBeNull();
    expect(c.getPeerCertChain()).toBeNull();
    expect(c.getCipherName()).toBeNull();
    expect(c.getSession()).toBeNull();
    expect(c.getFinished()).toBeNull();
    expect(c.clientRandom()).toBeNull();
    expect(c.masterKey()).toBeNull();
    expect(c.getProtocolVersionName()).toBeTypeOf('string');
    expect(c.getAlpnProtoNegotiated()).toEqual(Buffer.alloc(0));
    expect(() => c.bioRead(100)).toThrow(WantReadError);
    c.setConnectState();
    expect(() => c.recv(10)).toThrow(WantReadError);
    expect(c.bioRead(100).length).toBeGreaterThan(0); // the ClientHello
    expect(c.wantRead()).toBe(true);
  });

  it('wrong types and values', () => {
    expect(() => new SSL.Context('x' as unknown as number)).toThrow(TypeError);
    expect(() => new SSL.Context(99)).toThrow(/No such protocol/);
    expect(() => new SSL.Connection({} as SSL.Context)).toThrow(TypeError);
    const ctx = clientContext();
    expect(() => new SSL.Connection(ctx, {} as never)).toThrow(/The "socket" argument must be a net.Socket/);
    const c = new SSL.Connection(ctx);
    expect(() => c.recv('a' as unknown as number)).toThrow(TypeError);
    expect(() => c.recv(0)).toThrow(RangeError);
    expect(() => c.bioWrite(5 as unknown as Buffer)).toThrow(TypeError);
    expect(() => c.send({} as unknown as Buffer)).toThrow(TypeError);
    expect(() => c.setSession({} as SSL.Session)).toThrow(TypeError);
    expect(() => c.setVerify(SSL.VERIFY_PEER, 5 as never)).toThrow(TypeError);
    expect(() => c.setIpAddress('not-an-ip')).toThrow(TypeError);
    expect(() => c.setTlsextHostName('a\0b')).toThrow(TypeError);
    expect(() => c.setAlpnProtos([])).toThrow(RangeError);
    expect(() => ctx.setCipherList('NOPE-NOTHING')).toThrow(OpenSSLError);
    expect(() => ctx.setSessionId(Buffer.alloc(33))).toThrow(RangeError);
    expect(() => ctx.useCertificate('x' as never)).toThrow(TypeError);
    expect(() => ctx.usePrivatekeyFile('/nonexistent/key.pem')).toThrow(OpenSSLError);
    expect(() => ctx.checkPrivatekey()).toThrow(OpenSSLError);
    expect(() => ctx.setTmpEcdh('nonsense-curve')).toThrow(RangeError);
    expect(() => ctx.setInfoCallback(3 as never)).toThrow(TypeError);
    expect(ctx.getCertStore()).toBeInstanceOf(X509Store);
  });

  it('freed objects throw a clear error', () => {
    const ctx = clientContext();
    const c = new SSL.Connection(ctx);
    c.free();
    expect(() => c.doHandshake()).toThrow(/Connection has been freed/);
    expect(() => c.bioRead(10)).toThrow(/freed/);
    ctx.free();
    expect(() => ctx.setOptions(0)).toThrow(/Context has been freed/);
    expect(() => new SSL.Connection(ctx)).toThrow(/freed/);
  });

  it('Context settings round-trip', () => {
    const ctx = clientContext();
    expect(ctx.getMode() & SSL.MODE_ENABLE_PARTIAL_WRITE).toBeTruthy();
    expect(ctx.getMode() & SSL.MODE_ACCEPT_MOVING_WRITE_BUFFER).toBeTruthy();
    expect(ctx.setMode(SSL.MODE_RELEASE_BUFFERS) & SSL.MODE_RELEASE_BUFFERS).toBeTruthy();
    expect(ctx.clearMode(SSL.MODE_RELEASE_BUFFERS) & SSL.MODE_RELEASE_BUFFERS).toBe(0);
    expect(ctx.setOptions(SSL.OP_NO_TICKET) & SSL.OP_NO_TICKET).toBeTruthy();
    const prevTimeout = ctx.getTimeout();
    expect(ctx.setTimeout(1234)).toBe(prevTimeout);
    expect(ctx.getTimeout()).toBe(1234);
    ctx.setVerifyDepth(7);
    expect(ctx.getVerifyDepth()).toBe(7);
    ctx.setVerify(SSL.VERIFY_PEER | SSL.VERIFY_FAIL_IF_NO_PEER_CERT);
    expect(ctx.getVerifyMode()).toBe(SSL.VERIFY_PEER | SSL.VERIFY_FAIL_IF_NO_PEER_CERT);
    expect(ctx.setSessionCacheMode(SSL.SESS_CACHE_BOTH)).toBe(SSL.SESS_CACHE_SERVER);
    expect(ctx.getSessionCacheMode()).toBe(SSL.SESS_CACHE_BOTH);
    ctx.setAppData({ a: 1 });
    expect(ctx.getAppData()).toEqual({ a: 1 });
    ctx.setSecurityLevel(2);
    expect(ctx.getSecurityLevel()).toBe(2);
    ctx.setNumTickets(3);
    expect(ctx.getNumTickets()).toBe(3);
    ctx.setGroupsList('X25519:P-256');
    ctx.setSigalgsList('ECDSA+SHA256:RSA-PSS+SHA256');
    ctx.setTls13Ciphersuites('TLS_AES_128_GCM_SHA256');
    ctx.loadVerifyLocations(pki().caFile);
    ctx.addClientCa(pki().ca);
    ctx.setClientCaList([pki().ca.getSubject()]);
    ctx.loadClientCa(pki().caFile);
    ctx.setTlsextUseSrtp('SRTP_AES128_CM_SHA1_80');
    const c = new SSL.Connection(ctx);
    expect(c.getClientCaList()[0]!.CN).toBe('Test CA');
    expect(c.getCipherList()).toContain('TLS_AES_128_GCM_SHA256');
    c.setAppData('x');
    expect(c.getAppData()).toBe('x');
    expect(c.getContext()).toBe(ctx);
  });

  it('constants', () => {
    expect(SSL.SSLv23_METHOD).toBe(3);
    expect(SSL.DTLS_CLIENT_METHOD).toBe(12);
    expect(SSL.TLS1_3_VERSION).toBe(0x304);
    expect(SSL.OP_NO_TICKET).toBe(0x4000);
    expect(SSL.SESS_CACHE_NO_INTERNAL).toBe(0x300);
    expect(SSL.VERIFY_CLIENT_ONCE).toBe(4);
    expect(SSL.MODE_RELEASE_BUFFERS).toBe(0x10);
    expect(SSL.SENT_SHUTDOWN).toBe(1);
    expect(SSL.SSL_CB_HANDSHAKE_DONE).toBe(0x20);
    expect(SSL.X509VerificationCodes.OK).toBe(0);
    expect(SSL.X509VerificationCodes.ERR_CERT_HAS_EXPIRED).toBe(10);
    expect(typeof SSL.NO_OVERLAPPING_PROTOCOLS).toBe('symbol');
  });
});

describe('version pinning and mismatches', () => {
  it('TLSv1_2_METHOD pins the version; a 1.3-only peer fails with unsupported protocol', () => {
    const sctx = serverContext(pki().rsa, SSL.TLSv1_2_METHOD);
    const cctx = clientContext();
    cctx.setMinProtoVersion(SSL.TLS1_3_VERSION);
    const { server, client } = pair(sctx, cctx);
    expect(() => handshake(client, server)).toThrow(/unsupported protocol|no protocols available|wrong version|alert protocol version/);
  });

  it('cipher mismatch', () => {
    const sctx = serverContext(pki().rsa, SSL.TLSv1_2_METHOD);
    sctx.setCipherList('ECDHE-RSA-AES128-GCM-SHA256');
    const cctx = clientContext(SSL.TLSv1_2_METHOD);
    cctx.setCipherList('ECDHE-RSA-AES256-GCM-SHA384');
    const { server, client } = pair(sctx, cctx);
    let err: unknown;
    try {
      handshake(client, server);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OpenSSLError);
    expect((err as OpenSSLError).message).toMatch(/no shared cipher|handshake failure/);
  });

  it('renegotiation (TLS 1.2)', () => {
    const sctx = serverContext(pki().rsa, SSL.TLSv1_2_METHOD);
    sctx.setOptions(SSL.OP_ALLOW_CLIENT_RENEGOTIATION);
    const { server, client } = pair(sctx, clientContext());
    handshake(client, server);
    expect(client.renegotiate()).toBe(true);
    expect(client.renegotiatePending()).toBe(true);
    expect(client.renegotiate()).toBe(false);
    expect(() => client.doHandshake()).toThrow(WantReadError);
    transfer(client, server);
    for (let i = 0; i < 6; i++) {
      for (const [a, b] of [[server, client], [client, server]] as const) {
        try {
          a.recv(10);
        } catch (e) {
          if (!(e instanceof WantReadError)) throw e;
        }
        transfer(a, b);
      }
    }
    expect(client.totalRenegotiations()).toBe(1);
    expect(client.renegotiatePending()).toBe(false);
    expect(roundTrip(client, server, Buffer.from('after')).toString()).toBe('after');
  });

  it('key update (TLS 1.3)', () => {
    const { server, client } = pair(serverContext(), clientContext());
    handshake(client, server);
    client.keyUpdate(true);
    expect(roundTrip(client, server, Buffer.from('k1')).toString()).toBe('k1');
    settle(client, server);
    expect(roundTrip(server, client, Buffer.from('k2')).toString()).toBe('k2');
  });
});
