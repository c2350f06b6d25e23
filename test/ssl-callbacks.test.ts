import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { OpenSSLError, SSL, WantReadError, crypto } from '../lib/index.js';
import { clientContext, handshake, pair, pki, roundTrip, serverContext, settle, transfer } from './ssl-helpers.js';

function expectThrown(f: () => void): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('verification', () => {
  function verifyingClient(): SSL.Context {
    const c = clientContext();
    c.setVerify(SSL.VERIFY_PEER);
    c.loadVerifyLocations(pki().caFile);
    return c;
  }

  it('succeeds against the CA; the verify callback sees each depth with an up-ref\'d X509', () => {
    const cctx = verifyingClient();
    const seen: [string | null, number, number, boolean][] = [];
    const kept: crypto.X509[] = [];
    cctx.setVerify(SSL.VERIFY_PEER, (conn, cert, errnum, depth, ok) => {
      expect(conn).toBeInstanceOf(SSL.Connection);
      kept.push(cert);
      seen.push([cert.getSubject().CN, errnum, depth, ok]);
      return ok;
    });
    const { server, client } = pair(serverContext(), cctx);
    handshake(client, server);
    expect(seen).toEqual([
      ['Test CA', 0, 1, true],
      ['localhost', 0, 0, true],
    ]);
    client.free();
    globalThis.gc?.();
    expect(kept[1]!.getSubject().CN).toBe('localhost'); // valid after the callback and the connection
    expect(client.isInitFinished ? true : true).toBe(true);
  });

  it('fails for an unknown CA; a callback can override the failure', () => {
    const { server, client } = pair(serverContext(pki().other), verifyingClient());
    const err = expectThrown(() => handshake(client, server));
    expect(err).toBeInstanceOf(OpenSSLError);
    expect((err as OpenSSLError).message).toMatch(/certificate verify failed/);
    expect(client.getVerifyResult()).toBe(SSL.X509VerificationCodes.ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);

    const cctx = verifyingClient();
    cctx.setVerify(SSL.VERIFY_PEER, () => true);
    const p2 = pair(serverContext(pki().other), cctx);
    handshake(p2.client, p2.server);
    expect(p2.client.getVerifyResult()).toBe(0);
  });

  it('a callback returning false rejects; a throw is rethrown as the same object', () => {
    const cctx = verifyingClient();
    cctx.setVerify(SSL.VERIFY_PEER, () => false);
    const p1 = pair(serverContext(), cctx);
    expect(() => handshake(p1.client, p1.server)).toThrow(/certificate verify failed/);

    const boom = new Error('silly verify failure');
    const cctx2 = verifyingClient();
    cctx2.setVerify(SSL.VERIFY_PEER, () => {
      throw boom;
    });
    const p2 = pair(serverContext(), cctx2);
    expect(expectThrown(() => handshake(p2.client, p2.server))).toBe(boom);
  });

  it('per-connection setVerify overrides the context', () => {
    const cctx = verifyingClient();
    const { server, client } = pair(serverContext(pki().other), cctx);
    let called = 0;
    client.setVerify(SSL.VERIFY_PEER, () => {
      called++;
      return true;
    });
    expect(client.getVerifyMode()).toBe(SSL.VERIFY_PEER);
    handshake(client, server);
    expect(called).toBeGreaterThan(0);
  });

  it('host name check (setHost) and IP check (setIpAddress)', () => {
    for (const [fn, good, bad] of [
      ['setHost', 'example.com', 'evil.example'],
      ['setIpAddress', '127.0.0.1', '10.0.0.1'],
    ] as const) {
      const ok = pair(serverContext(), verifyingClient());
      ok.client[fn](good);
      handshake(ok.client, ok.server);
      const no = pair(serverContext(), verifyingClient());
      no.client[fn](bad);
      expect(() => handshake(no.client, no.server)).toThrow(/certificate verify failed/);
      expect(no.client.getVerifyResult()).toBe(
        fn === 'setHost' ? SSL.X509VerificationCodes.ERR_HOSTNAME_MISMATCH : SSL.X509VerificationCodes.ERR_IP_ADDRESS_MISMATCH,
      );
    }
    const flags = verifyingClient();
    flags.setHostFlags(SSL.X509_CHECK_FLAG_NO_WILDCARDS);
  });

  it('client certificate required: missing fails, present succeeds', () => {
    const sctx = serverContext();
    sctx.setVerify(SSL.VERIFY_PEER | SSL.VERIFY_FAIL_IF_NO_PEER_CERT);
    sctx.loadVerifyLocations(pki().caFile);
    sctx.loadClientCa(pki().caFile);
    const missing = pair(sctx, clientContext());
    expect(() => handshake(missing.client, missing.server)).toThrow(OpenSSLError);

    const cctx = clientContext();
    cctx.useCertificate(pki().client.cert);
    cctx.usePrivatekey(pki().client.key);
    cctx.checkPrivatekey();
    const ok = pair(sctx, cctx);
    handshake(ok.client, ok.server);
    settle(ok.client, ok.server);
    expect(ok.server.getPeerCertificate()!.getSubject().CN).toBe('client');
    expect(ok.server.getVerifiedChain()!.map((c) => c.getSubject().CN)).toEqual(['client', 'Test CA']);
    expect(ok.client.getClientCaList().map((n) => n.CN)).toEqual(['Test CA']);
    expect(ok.client.getCertificate()!.getSubject().CN).toBe('client');
  });
});

describe('sessions', () => {
  for (const [label, version, ticket] of [
    ['TLS1.2 session id', SSL.TLS1_2_VERSION, false],
    ['TLS1.2 ticket', SSL.TLS1_2_VERSION, true],
    ['TLS1.3 ticket', SSL.TLS1_3_VERSION, true],
  ] as const) {
    it(`resumes (${label})`, () => {
      const sctx = serverContext();
      sctx.setSessionId('test-app');
      sctx.setMaxProtoVersion(version);
      if (!ticket) sctx.setOptions(SSL.OP_NO_TICKET);
      const cctx = clientContext();
      const first = pair(sctx, cctx);
      handshake(first.client, first.server);
      settle(first.client, first.server);
      expect(first.client.sessionReused()).toBe(false);
      const session = first.client.getSession()!;
      expect(session.isResumable).toBe(true);
      expect(session.protocolVersion).toBe(version);
      expect(session.cipher).toBe(first.client.getCipherName());
      expect(session.hasTicket).toBe(ticket);
      expect(session.time).toBeGreaterThan(0);
      expect(session.timeout).toBeGreaterThan(0);
      if (ticket) expect(session.ticketLifetimeHint).toBeGreaterThan(0);
      if (!ticket) expect(session.id.length).toBe(32);
      const der = session.toDER();
      const second = pair(sctx, cctx);
      second.client.setSession(SSL.Session.fromDER(der, cctx));
      handshake(second.client, second.server);
      expect(second.client.sessionReused()).toBe(true);
      expect(second.server.sessionReused()).toBe(true);
      expect(roundTrip(second.client, second.server, Buffer.from('resumed')).toString()).toBe('resumed');
    });
  }

  it('setSession refuses a session of another Context; bad DER is an OpenSSLError', () => {
    const sctx = serverContext();
    const cctx = clientContext();
    const p = pair(sctx, cctx);
    handshake(p.client, p.server);
    settle(p.client, p.server);
    const s = p.client.getSession()!;
    const other = new SSL.Connection(clientContext());
    expect(() => other.setSession(s)).toThrow(/different Context/);
    expect(() => SSL.Session.fromDER(Buffer.from('nope'), cctx)).toThrow(OpenSSLError);
    expect(() => SSL.Session.fromDER(Buffer.alloc(0), {} as SSL.Context)).toThrow(TypeError);
    const empty = new SSL.Session();
    expect(empty.isResumable).toBe(false);
    s.free();
    expect(() => s.toDER()).toThrow(/Session has been freed/);
  });

  it('session callbacks: newSession on both sides, removeSession on flush', () => {
    const sctx = serverContext();
    sctx.setSessionId('cb');
    const cctx = clientContext();
    cctx.setSessionCacheMode(SSL.SESS_CACHE_CLIENT);
    const fromClient: SSL.Session[] = [];
    const fromServer: SSL.Session[] = [];
    const removed: SSL.Session[] = [];
    cctx.setSessionCallbacks({ newSession: (conn, s) => { expect(conn).toBeInstanceOf(SSL.Connection); fromClient.push(s); } });
    sctx.setSessionCallbacks({ newSession: (_c, s) => fromServer.push(s), removeSession: (s) => removed.push(s) });
    sctx.setSessionCacheMode(SSL.SESS_CACHE_SERVER);
    const p = pair(sctx, cctx);
    handshake(p.client, p.server);
    settle(p.client, p.server);
    expect(fromClient.length).toBeGreaterThan(0);
    expect(fromServer.length).toBeGreaterThan(0);
    expect(sctx.sessionCacheSize()).toBeGreaterThan(0);
    sctx.flushSessions(2 ** 40);
    expect(removed.length).toBeGreaterThan(0);
    expect(fromClient[0]!.isResumable).toBe(true);
    // a throw from newSession surfaces from the driving call
    const boom = new Error('new session boom');
    cctx.setSessionCallbacks({ newSession: () => { throw boom; } });
    const p2 = pair(sctx, cctx);
    expect(expectThrown(() => { handshake(p2.client, p2.server); settle(p2.client, p2.server); })).toBe(boom);
    cctx.setSessionCallbacks({});
  });
});

describe('ALPN', () => {
  function alpnPair(select: SSL.AlpnSelectCallback | null, offer: string[] | null) {
    const sctx = serverContext();
    if (select) sctx.setAlpnSelectCallback(select);
    const cctx = clientContext();
    if (offer) cctx.setAlpnProtos(offer);
    return pair(sctx, cctx);
  }

  it('agrees on a protocol; the callback sees the offer', () => {
    let offered: Buffer[] = [];
    const p = alpnPair((conn, o) => {
      offered = o;
      expect(conn).toBeInstanceOf(SSL.Connection);
      return Buffer.from('h2');
    }, ['http/1.1', 'h2']);
    handshake(p.client, p.server);
    expect(offered.map(String)).toEqual(['http/1.1', 'h2']);
    expect(p.client.getAlpnProtoNegotiated().toString()).toBe('h2');
    expect(p.server.getAlpnProtoNegotiated().toString()).toBe('h2');
  });

  it('NO_OVERLAPPING_PROTOCOLS and no offer: nothing negotiated', () => {
    const p = alpnPair(() => SSL.NO_OVERLAPPING_PROTOCOLS, ['h2']);
    handshake(p.client, p.server);
    expect(p.client.getAlpnProtoNegotiated().length).toBe(0);
    const q = alpnPair(() => 'h2', null);
    handshake(q.client, q.server);
    expect(q.server.getAlpnProtoNegotiated().length).toBe(0);
    const conn = new SSL.Connection(clientContext());
    conn.setAlpnProtos(['h2']);
  });

  it('a throwing callback fails the handshake with the same exception; a wrong return is a TypeError', () => {
    const boom = new Error('alpn boom');
    const p = alpnPair(() => {
      throw boom;
    }, ['h2']);
    expect(expectThrown(() => handshake(p.client, p.server))).toBe(boom);
    const q = alpnPair(() => 42 as unknown as Buffer, ['h2']);
    expect(expectThrown(() => handshake(q.client, q.server))).toBeInstanceOf(TypeError);
  });

  it('an empty choice fails the handshake', () => {
    const p = alpnPair(() => Buffer.alloc(0), ['h2']);
    expect(() => handshake(p.client, p.server)).toThrow(OpenSSLError);
  });
});

describe('SNI', () => {
  it('the servername callback can switch the Context', () => {
    const first = serverContext(pki().rsa);
    const second = serverContext(pki().ec);
    const names: (string | null)[] = [];
    first.setTlsextServernameCallback((conn) => {
      names.push(conn.getServername());
      if (conn.getServername() === 'example.com') conn.setContext(second);
    });
    const p = pair(first, clientContext());
    p.client.setTlsextHostName('example.com');
    handshake(p.client, p.server);
    expect(names).toEqual(['example.com']);
    expect(p.server.getContext()).toBe(second);
    expect(p.client.getPeerCertificate()!.getPubkey().type()).toBe(crypto.TYPE_EC);
  });

  it('a throwing servername callback aborts with the same exception', () => {
    const sctx = serverContext();
    const boom = new Error('sni boom');
    sctx.setTlsextServernameCallback(() => {
      throw boom;
    });
    const p = pair(sctx, clientContext());
    p.client.setTlsextHostName('x.example');
    expect(expectThrown(() => handshake(p.client, p.server))).toBe(boom);
  });
});

describe('keylog, info, msg, client hello', () => {
  it('keylog lines are NSS format', () => {
    for (const version of [SSL.TLS1_2_VERSION, SSL.TLS1_3_VERSION]) {
      const cctx = clientContext();
      const lines: string[] = [];
      cctx.setKeylogCallback((conn, line) => {
        expect(conn).toBeInstanceOf(SSL.Connection);
        lines.push(line.toString());
      });
      const sctx = serverContext();
      sctx.setMaxProtoVersion(version);
      const p = pair(sctx, cctx);
      handshake(p.client, p.server);
      const cr = p.client.clientRandom()!.toString('hex');
      expect(lines.length).toBeGreaterThan(0);
      for (const l of lines) expect(l).toMatch(new RegExp(`^[A-Z_0-9]+ ${cr} [0-9a-f]+$`));
      if (version === SSL.TLS1_2_VERSION) expect(lines[0]!.startsWith('CLIENT_RANDOM ')).toBe(true);
      else expect(lines.some((l) => l.startsWith('CLIENT_HANDSHAKE_TRAFFIC_SECRET '))).toBe(true);
    }
  });

  it('info callback (context and connection), a throw propagates', () => {
    const sctx = serverContext();
    const wheres: number[] = [];
    sctx.setInfoCallback((_c, where) => wheres.push(where));
    const cctx = clientContext();
    const p = pair(sctx, cctx);
    const mine: number[] = [];
    p.client.setInfoCallback((_c, where) => mine.push(where));
    handshake(p.client, p.server);
    expect(wheres.some((w) => w & SSL.SSL_CB_HANDSHAKE_DONE)).toBe(true);
    expect(mine.some((w) => w & SSL.SSL_CB_HANDSHAKE_START)).toBe(true);
    const boom = new Error('info boom');
    const q = pair(serverContext(), clientContext());
    q.client.setInfoCallback(() => {
      throw boom;
    });
    expect(expectThrown(() => handshake(q.client, q.server))).toBe(boom);
  });

  it('msg callback sees handshake messages both ways', () => {
    const cctx = clientContext();
    const msgs: [string, number, number, number][] = [];
    cctx.setMsgCallback((_c, dir, version, type, bytes) => msgs.push([dir, version, type, bytes[0] ?? -1]));
    const p = pair(serverContext(), cctx);
    handshake(p.client, p.server);
    // ClientHello (type 1) written in a handshake record (22), ServerHello (2) read
    expect(msgs.some(([d, , t, b]) => d === 'write' && t === 22 && b === 1)).toBe(true);
    expect(msgs.some(([d, , t, b]) => d === 'read' && t === 22 && b === 2)).toBe(true);
  });

  it('client hello callback sees version, ciphers, extensions, SNI, ALPN; false aborts', () => {
    const sctx = serverContext();
    let hello: SSL.ClientHello | null = null;
    sctx.setClientHelloCallback((_c, h) => {
      hello = h;
      return true;
    });
    const cctx = clientContext();
    cctx.setAlpnProtos(['h2', 'http/1.1']);
    const p = pair(sctx, cctx);
    p.client.setTlsextHostName('example.com');
    handshake(p.client, p.server);
    const h = hello as unknown as SSL.ClientHello;
    expect(h.version).toBe(0x303);
    expect(h.ciphers).toContain(0x1301);
    expect(h.extensions).toContain(0); // server_name
    expect(h.extensions).toContain(16); // ALPN
    expect(h.serverName).toBe('example.com');
    expect(h.alpn).toEqual(['h2', 'http/1.1']);

    sctx.setClientHelloCallback(() => false);
    const q = pair(sctx, clientContext());
    expect(() => handshake(q.client, q.server)).toThrow(OpenSSLError);
    const boom = new Error('hello boom');
    sctx.setClientHelloCallback(() => {
      throw boom;
    });
    const r = pair(sctx, clientContext());
    expect(expectThrown(() => handshake(r.client, r.server))).toBe(boom);
  });
});

describe('OCSP', () => {
  it('server staples, client sees the bytes and accepts', () => {
    const sctx = serverContext();
    // The smallest OCSPResponse (status tryLater, no body): OpenSSL 4.0 clients parse a staple and
    // hand on only what parses; 3.x hands on any bytes.
    const staple = Buffer.from('30030a0103', 'hex');
    sctx.setOcspServerCallback((_c, data) => {
      expect(data).toBe('sdata');
      return staple;
    }, 'sdata');
    const cctx = clientContext();
    let seen: Buffer | null = null;
    cctx.setOcspClientCallback((_c, ocsp, data) => {
      expect(data).toBe('cdata');
      seen = ocsp;
      return true;
    }, 'cdata');
    const p = pair(sctx, cctx);
    p.client.requestOcsp();
    handshake(p.client, p.server);
    expect(seen).toEqual(staple);
  });

  it('client rejects -> handshake fails; throws propagate from both sides; no staple -> empty', () => {
    const sctx = serverContext();
    sctx.setOcspServerCallback(() => Buffer.alloc(0));
    const cctx = clientContext();
    let seen: Buffer | null = null;
    cctx.setOcspClientCallback((_c, o) => {
      seen = o;
      return true;
    });
    const p = pair(sctx, cctx);
    p.client.requestOcsp();
    handshake(p.client, p.server);
    expect(seen).toEqual(Buffer.alloc(0));

    const rej = clientContext();
    rej.setOcspClientCallback(() => false);
    const q = pair(serverContext(), rej);
    q.client.requestOcsp();
    expect(() => handshake(q.client, q.server)).toThrow(OpenSSLError);

    const boom = new Error('ocsp client boom');
    const thr = clientContext();
    thr.setOcspClientCallback(() => {
      throw boom;
    });
    const r = pair(serverContext(), thr);
    r.client.requestOcsp();
    expect(expectThrown(() => handshake(r.client, r.server))).toBe(boom);

    const sboom = new Error('ocsp server boom');
    const sthr = serverContext();
    sthr.setOcspServerCallback(() => {
      throw sboom;
    });
    const s = pair(sthr, clientContext());
    s.client.requestOcsp();
    expect(expectThrown(() => handshake(s.client, s.server))).toBe(sboom);
  });
});

describe('PSK', () => {
  it('TLS 1.2 PSK handshake', () => {
    const key = Buffer.alloc(32, 9);
    const sctx = new SSL.Context(SSL.TLS_METHOD);
    sctx.setMaxProtoVersion(SSL.TLS1_2_VERSION);
    sctx.setCipherList('PSK');
    sctx.usePskIdentityHint('hint!');
    let identity = '';
    sctx.setPskServerCallback((_c, id) => {
      identity = id;
      return id === 'alice' ? key : null;
    });
    const cctx = new SSL.Context(SSL.TLS_METHOD);
    cctx.setMaxProtoVersion(SSL.TLS1_2_VERSION);
    cctx.setCipherList('PSK');
    let hint: string | null = null;
    cctx.setPskClientCallback((_c, h) => {
      hint = h;
      return { identity: 'alice', psk: key };
    });
    const p = pair(sctx, cctx);
    handshake(p.client, p.server);
    expect(identity).toBe('alice');
    expect(hint).toBe('hint!');
    expect(p.client.getCipherName()).toMatch(/PSK/);
    expect(roundTrip(p.client, p.server, Buffer.from('psk')).toString()).toBe('psk');

    cctx.setPskClientCallback(() => ({ identity: 'mallory', psk: key }));
    const q = pair(sctx, cctx);
    expect(() => handshake(q.client, q.server)).toThrow(OpenSSLError);
  });

  it('TLS 1.3 external PSK handshake', () => {
    const key = Buffer.alloc(32, 5);
    const cipher = 'TLS_AES_128_GCM_SHA256';
    const sctx = new SSL.Context(SSL.TLS_METHOD);
    sctx.setMinProtoVersion(SSL.TLS1_3_VERSION);
    sctx.setTls13Ciphersuites(cipher); // the PSK's hash must match the negotiated suite's
    const ids: string[] = [];
    sctx.setPskFindSessionCallback((_c, id) => {
      ids.push(id.toString());
      return id.toString() === 'bob' ? SSL.Session.forPsk(sctx, key, cipher) : null;
    });
    const cctx = new SSL.Context(SSL.TLS_METHOD);
    cctx.setMinProtoVersion(SSL.TLS1_3_VERSION);
    cctx.setPskUseSessionCallback(() => ({ identity: 'bob', session: SSL.Session.forPsk(cctx, key, cipher) }));
    const p = pair(sctx, cctx);
    handshake(p.client, p.server);
    expect(ids).toEqual(['bob']);
    expect(p.client.getPeerCertificate()).toBeNull();
    expect(roundTrip(p.server, p.client, Buffer.from('psk13')).toString()).toBe('psk13');
    expect(() => SSL.Session.forPsk(cctx, key, 'NOPE')).toThrow(RangeError);
  });
});

describe('passphrase callback', () => {
  it('loads an encrypted key file; a throw is rethrown', () => {
    const dir = pki().dir;
    const enc = path.join(dir, 'enc.key');
    execFileSync('openssl', ['pkey', '-in', pki().rsa.keyFile, '-aes256', '-passout', 'pass:secret', '-out', enc]);
    const ctx = new SSL.Context(SSL.TLS_METHOD);
    ctx.useCertificateFile(pki().rsa.certFile);
    let maxlen = 0;
    ctx.setPasswdCb((max, verify, userdata) => {
      maxlen = max;
      expect(verify).toBe(false);
      expect(userdata).toBe('u');
      return 'secret';
    }, 'u');
    ctx.usePrivatekeyFile(enc);
    ctx.checkPrivatekey();
    expect(maxlen).toBeGreaterThan(0);
    const boom = new Error('pass boom');
    ctx.setPasswdCb(() => {
      throw boom;
    });
    expect(expectThrown(() => ctx.usePrivatekeyFile(enc))).toBe(boom);
    ctx.setPasswdCb(() => 'wrong');
    expect(() => ctx.usePrivatekeyFile(enc)).toThrow(OpenSSLError);
    expect(fs.existsSync(enc)).toBe(true);
  });
});

describe('callbacks and object lifetime', () => {
  it('a callback may free its own connection without a crash; reentry is refused', () => {
    const sctx = serverContext();
    sctx.setTlsextServernameCallback((conn) => {
      expect(() => conn.doHandshake()).toThrow(/busy/);
      conn.free();
    });
    const p = pair(sctx, clientContext());
    p.client.setTlsextHostName('a.example');
    p.client.doHandshake.bind(p.client);
    try {
      p.client.doHandshake();
    } catch (e) {
      expect(e).toBeInstanceOf(WantReadError);
    }
    transfer(p.client, p.server);
    expect(() => p.server.doHandshake()).toThrow();
    expect(p.server._h.isFreed()).toBe(true);
  });

  it('connections are collected with callbacks set (no JS from finalizers)', async () => {
    const sctx = serverContext();
    let sessions = 0;
    let infos = 0;
    sctx.setSessionCallbacks({ newSession: () => void sessions++, removeSession: () => undefined });
    sctx.setInfoCallback(() => void infos++);
    for (let i = 0; i < 20; i++) {
      const p = pair(sctx, clientContext());
      handshake(p.client, p.server);
    }
    expect(sessions).toBeGreaterThanOrEqual(20);
    globalThis.gc?.();
    await new Promise((r) => setTimeout(r, 10));
    globalThis.gc?.();
    // The dropped connections are gone; the Context and its callbacks still work.
    const infosBefore = infos;
    const p = pair(sctx, clientContext());
    handshake(p.client, p.server);
    expect(infos).toBeGreaterThan(infosBefore);
  });
});

describe('garbage collection', () => {
  it('a Connection whose own callbacks capture it is collected', async () => {
    expect(typeof globalThis.gc).toBe('function');
    let collected = 0;
    const registry = new FinalizationRegistry(() => {
      collected++;
    });
    const ctx = serverContext();
    (() => {
      for (let i = 0; i < 5; i++) {
        const conn = new SSL.Connection(ctx);
        conn.setVerify(SSL.VERIFY_PEER, () => conn.getAppData() === null);
        conn.setInfoCallback(() => void conn.pending());
        conn.setAppData(conn);
        registry.register(conn, i);
      }
    })();
    for (let i = 0; i < 10 && collected < 5; i++) {
      globalThis.gc!();
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(collected).toBe(5);
  });

  it('a Context whose callbacks capture it is collected', async () => {
    let collected = 0;
    const registry = new FinalizationRegistry(() => {
      collected++;
    });
    (() => {
      for (let i = 0; i < 5; i++) {
        const ctx = new SSL.Context(SSL.TLS_METHOD);
        ctx.setVerify(SSL.VERIFY_PEER, () => ctx.getAppData() === null);
        ctx.setTlsextServernameCallback(() => void ctx.getTimeout());
        ctx.setSessionCallbacks({ newSession: () => void ctx, removeSession: () => void ctx });
        const conn = new SSL.Connection(ctx);
        conn.setAppData(ctx);
        registry.register(ctx, i);
      }
    })();
    for (let i = 0; i < 10 && collected < 5; i++) {
      globalThis.gc!();
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(collected).toBe(5);
  });
});
