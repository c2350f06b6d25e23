// Checks that must fail when they should: each case here passed a peer it should have refused
// (or could not refuse) before its fix. A private CA whose server certificate names only
// good.example, so that every host-name mismatch is a real one.
import { once } from 'node:events';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { SSL, crypto } from '../lib/index.js';
import { ecKey, makeCert } from './crypto-helpers.js';
import { handshake, pair, settle } from './ssl-helpers.js';

const ext = (type: string, value: string, critical = false) => new crypto.X509Extension(type, critical, value);
const caKey = ecKey();
const ca = makeCert('Fail-closed CA', caKey, { exts: [ext('basicConstraints', 'CA:TRUE', true), ext('keyUsage', 'keyCertSign, cRLSign', true)] });
const issued = (cn: string, san: string, serial: number) => {
  const key = ecKey();
  return { key, cert: makeCert(cn, key, { issuer: ca, issuerKey: caKey, serial, exts: [ext('subjectAltName', san)] }) };
};
const server = issued('good.example', 'DNS:good.example', 2);
const clientId = issued('client', 'DNS:client.example', 3);

function serverContext(): SSL.Context {
  const ctx = new SSL.Context(SSL.TLS_METHOD);
  ctx.useCertificate(server.cert);
  ctx.usePrivatekey(server.key);
  return ctx;
}
/** A client that trusts the CA and verifies the server. */
function verifyingClient(): SSL.Context {
  const ctx = new SSL.Context(SSL.TLS_METHOD);
  ctx.getCertStore().addCert(ca);
  ctx.setVerify(SSL.VERIFY_PEER);
  return ctx;
}
async function listen(): Promise<{ srv: net.Server; port: number }> {
  const srv = SSL.createServer({ context: serverContext() }, (s) => {
    s.on('error', () => {});
    s.end('hello');
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  return { srv, port: (srv.address() as net.AddressInfo).port };
}
/** 'secure' or the error's message. */
function outcome(s: SSL.SecureSocket): Promise<string> {
  return new Promise((resolve) => {
    s.once('secureConnect', () => resolve('secure'));
    s.once('error', (e) => resolve(e.message));
  });
}

describe('host names', () => {
  it('an empty name is refused: OpenSSL would read it as "check no name"', () => {
    const conn = new SSL.Connection(verifyingClient());
    expect(() => conn.setHost('')).toThrow(expect.objectContaining({ name: 'RangeError', code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => new crypto.X509Store().setHost('')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    new crypto.X509Store().setHost(null); // null still clears
  });

  it("checkHost with servername '' (Node's https Agent for an IP host) checks the host connected to", async () => {
    const { srv, port } = await listen();
    try {
      const ip = SSL.connect({ context: verifyingClient(), port, host: '127.0.0.1', servername: '', checkHost: true });
      expect(await outcome(ip)).toMatch(/certificate verify failed|IP address mismatch/i);
      const named = SSL.connect({ context: verifyingClient(), port, host: '127.0.0.1', servername: 'good.example', checkHost: true });
      expect(await outcome(named)).toBe('secure');
      named.destroy();
      // Nothing to check against (an unconnected socket, no name): refused at once.
      expect(() => new SSL.SecureSocket(new net.Socket(), { context: verifyingClient(), servername: '', checkHost: true })).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
      );
    } finally {
      srv.close();
    }
  });

  it('new SSL.SecureSocket(socket, { checkHost }) checks, as SSL.connect does', async () => {
    const { srv, port } = await listen();
    try {
      const results: string[] = [];
      for (const servername of ['evil.example', 'good.example']) {
        const sock = net.connect(port, '127.0.0.1');
        await once(sock, 'connect');
        const s = new SSL.SecureSocket(sock, { context: verifyingClient(), servername, checkHost: true });
        results.push(await outcome(s));
        s.destroy();
      }
      expect(results[0]).toMatch(/certificate verify failed|hostname mismatch/i);
      expect(results[1]).toBe('secure');
    } finally {
      srv.close();
    }
  });

  it('checkHost: true without servername checks the `host` option, also with a socket handed in', async () => {
    const { srv, port } = await listen();
    try {
      const results: string[] = [];
      for (const host of ['evil.example', 'good.example']) {
        const sock = net.connect(port, '127.0.0.1');
        await once(sock, 'connect');
        const viaConnect = SSL.connect({ context: verifyingClient(), socket: sock, host, checkHost: true });
        results.push(await outcome(viaConnect));
        viaConnect.destroy();
        const sock2 = net.connect(port, '127.0.0.1');
        await once(sock2, 'connect');
        const direct = new SSL.SecureSocket(sock2, { context: verifyingClient(), host, checkHost: true });
        results.push(await outcome(direct));
        direct.destroy();
      }
      expect(results.slice(0, 2)).toEqual([expect.stringMatching(/certificate verify failed|hostname mismatch/i), expect.stringMatching(/certificate verify failed|hostname mismatch/i)]);
      expect(results.slice(2)).toEqual(['secure', 'secure']);
      // Without `host`, a socket handed in is checked against its remote address (not named by the certificate).
      const sock3 = net.connect(port, '127.0.0.1');
      await once(sock3, 'connect');
      const byAddress = SSL.connect({ context: verifyingClient(), socket: sock3, checkHost: true });
      expect(await outcome(byAddress)).toMatch(/certificate verify failed|IP address mismatch/i);
      byAddress.destroy();
    } finally {
      srv.close();
    }
  });

  it('a session whose certificate does not match the name to check is not resumed (a resumed handshake checks no certificate)', () => {
    const sctx = serverContext();
    const cctx = verifyingClient();
    const first = pair(sctx, cctx);
    first.client.setHost('good.example');
    handshake(first.client, first.server);
    settle(first.client, first.server);
    const session = first.client.getSession()!;
    expect(session).not.toBeNull();

    // Either order of setSession and setHost: the mismatched session is dropped, the full handshake fails.
    for (const hostFirst of [false, true]) {
      const { client, server: srvConn } = pair(sctx, cctx);
      if (hostFirst) client.setHost('evil.example');
      client.setSession(session);
      if (!hostFirst) client.setHost('evil.example');
      expect(client.getSession()).toBeNull();
      expect(() => handshake(client, srvConn)).toThrow(/certificate verify failed/);
    }
    // The matching name resumes.
    const again = pair(sctx, cctx);
    again.client.setSession(session);
    again.client.setHost('good.example');
    handshake(again.client, again.server);
    expect(again.client.sessionReused()).toBe(true);
  });
});

describe('verify callbacks', () => {
  function mtls(onServer: (a: SSL.Context) => void): string {
    const a = serverContext();
    a.getCertStore().addCert(ca);
    onServer(a);
    const cctx = verifyingClient();
    cctx.useCertificate(clientId.cert);
    cctx.usePrivatekey(clientId.key);
    const { client, server: s } = pair(a, cctx);
    client.setTlsextHostName('tenant.example');
    try {
      handshake(client, s);
      return 'accepted';
    } catch {
      return 'refused';
    }
  }
  const MTLS = SSL.VERIFY_PEER | SSL.VERIFY_FAIL_IF_NO_PEER_CERT;

  it('after an SNI switch of Context, the verify callback of the Context the connection was made from still decides', () => {
    const b = serverContext();
    b.getCertStore().addCert(ca); // the same trust, no callback of its own
    expect(mtls((a) => a.setVerify(MTLS, () => false))).toBe('refused');
    expect(
      mtls((a) => {
        a.setVerify(MTLS, () => false);
        a.setTlsextServernameCallback((conn) => conn.setContext(b));
      }),
    ).toBe('refused');
    expect(
      mtls((a) => {
        a.setVerify(MTLS, () => true);
        a.setTlsextServernameCallback((conn) => conn.setContext(b));
      }),
    ).toBe('accepted');
  });
});

describe('the state a Connection is in', () => {
  it('setContext: a TLS Connection never takes a DTLS Context, nor the reverse', () => {
    const tls = new SSL.Connection(new SSL.Context(SSL.TLS_METHOD));
    const dtls = new SSL.Connection(new SSL.Context(SSL.DTLS_METHOD));
    expect(() => tls.setContext(new SSL.Context(SSL.DTLS_METHOD))).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => dtls.setContext(new SSL.Context(SSL.TLS_METHOD))).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    tls.setContext(new SSL.Context(SSL.TLSv1_2_METHOD));
  });

  it('setSession: only before the handshake begins, and never from the connection\'s own callbacks', () => {
    const sctx = serverContext();
    const cctx = verifyingClient();
    const first = pair(sctx, cctx);
    handshake(first.client, first.server);
    settle(first.client, first.server);
    const session = first.client.getSession()!;
    expect(() => first.client.setSession(session)).toThrow(expect.objectContaining({ code: 'ERR_OPENSSL_NAPI_STATE' }));

    let inCallback: unknown = null;
    cctx.setInfoCallback((conn, where) => {
      if (where & SSL.SSL_CB_HANDSHAKE_START && inCallback === null) {
        try {
          conn.setSession(session);
          inCallback = 'no error';
        } catch (e) {
          inCallback = e;
        }
      }
    });
    const second = pair(sctx, cctx);
    handshake(second.client, second.server);
    expect(inCallback).toMatchObject({ code: 'ERR_OPENSSL_NAPI_REENTRANT' });
  });
});

describe('OCSP responses in their validity window', () => {
  const good = () => [{ certificate: server.cert, issuer: ca, status: 'good' as const }];
  const DAY = 24 * 3600 * 1000;

  it('current: thisUpdate not in the future, nextUpdate not past (5 minutes of leeway)', () => {
    const opts = { responderCert: ca, responderKey: caKey };
    const fresh = crypto.OCSPResponse.create(good(), opts).getStatusFor(server.cert, ca)!;
    expect(fresh).toMatchObject({ status: 'good', current: true });
    // A replay of a response whose nextUpdate has passed: still "good", no longer current.
    const stale = crypto.OCSPResponse.create(good(), { ...opts, thisUpdate: new Date(Date.now() - 2 * DAY), validitySeconds: 24 * 3600 });
    expect(stale.getStatusFor(server.cert, ca)).toMatchObject({ status: 'good', current: false });
    const future = crypto.OCSPResponse.create(good(), { ...opts, thisUpdate: new Date(Date.now() + DAY) });
    expect(future.getStatusFor(server.cert, ca)!.current).toBe(false);
    // No nextUpdate: newer information is always available; current from thisUpdate on.
    const open = crypto.OCSPResponse.create(good(), { ...opts, thisUpdate: new Date(Date.now() - 2 * DAY), validitySeconds: 0 });
    expect(open.getStatusFor(server.cert, ca)!.current).toBe(true);
    expect(() => crypto.OCSPResponse.create(good(), { ...opts, thisUpdate: new Date(NaN) })).toThrow(TypeError);
  });
});
