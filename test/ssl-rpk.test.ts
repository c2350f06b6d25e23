// Raw public keys (RFC 7250; OpenSSL 3.2+), issue 19: a server authenticated by its bare public
// key; the client checks it against the keys it expects. Before 3.2 every call names the version.
import { describe, expect, it } from 'vitest';
import { SSL, crypto, version } from '../lib/index.js';
import { ecKey, makeCert } from './crypto-helpers.js';
import { handshake, pair, pki, settle } from './ssl-helpers.js';

const HAS = SSL.RPK_SUPPORTED;
const SKIP = `raw public keys need OpenSSL >= 3.2; the binding runs ${version().openssl}`;

function rpkServer(): SSL.Context {
  const ctx = new SSL.Context(SSL.TLS_METHOD);
  ctx.useCertificate(pki().ec.cert); // the raw key sent is this certificate's
  ctx.usePrivatekey(pki().ec.key);
  ctx.setServerCertTypes(['rpk', 'x509']);
  return ctx;
}

function rpkClient(): SSL.Context {
  const ctx = new SSL.Context(SSL.TLS_METHOD);
  ctx.setServerCertTypes(['rpk']);
  ctx.setVerify(SSL.VERIFY_PEER);
  return ctx;
}

describe.skipIf(!HAS)(`raw public keys (${HAS ? `OpenSSL ${version().openssl}` : SKIP})`, () => {
  it('the server sends its bare key; a client that expects it verifies it', () => {
    const p = pair(rpkServer(), rpkClient());
    p.client.addExpectedRawPublicKey(pki().ec.key);
    handshake(p.client, p.server);
    expect(p.client.getNegotiatedCertTypes()).toEqual({ server: 'rpk', client: 'x509' });
    expect(p.client.getPeerRawPublicKey()!.equals(pki().ec.key)).toBe(true);
    expect(p.client.getPeerCertificate()).toBeNull();
    expect(p.client.getVerifyResult()).toBe(0);
  });

  it('a key the client does not expect fails verification', () => {
    const p = pair(rpkServer(), rpkClient());
    p.client.addExpectedRawPublicKey(pki().rsa.key);
    expect(() => handshake(p.client, p.server)).toThrow(SSL.Error);
    expect(p.client.getVerifyResult()).not.toBe(0);
  });

  it('a client that accepts only certificates gets one', () => {
    const c = new SSL.Context(SSL.TLS_METHOD);
    const p = pair(rpkServer(), c);
    handshake(p.client, p.server);
    expect(p.client.getNegotiatedCertTypes().server).toBe('x509');
    expect(p.client.getPeerRawPublicKey()).toBeNull();
  });

  it('expecting a raw key keeps the host name setHost asked for: a certificate with that key for another name fails', () => {
    const key = ecKey();
    const evil = makeCert('evil.example', key, { exts: [new crypto.X509Extension('subjectAltName', false, 'DNS:evil.example')] });
    for (const order of [['host', 'rpk'], ['rpk', 'host']]) {
      const sctx = new SSL.Context(SSL.TLS_METHOD);
      sctx.useCertificate(evil);
      sctx.usePrivatekey(key);
      const cctx = new SSL.Context(SSL.TLS_METHOD);
      cctx.setVerify(SSL.VERIFY_PEER);
      const p = pair(sctx, cctx);
      for (const step of order) step === 'host' ? p.client.setHost('good.example') : p.client.addExpectedRawPublicKey(key);
      expect(() => handshake(p.client, p.server), order.join(' then ')).toThrow(SSL.Error);
      expect(p.client.getVerifyResult()).not.toBe(0);
    }
  });

  it('a session is resumed only under the same expected keys (a resumed handshake checks no key)', () => {
    for (const maxVersion of [SSL.TLS1_2_VERSION, SSL.TLS1_3_VERSION]) {
      const sctx = rpkServer();
      sctx.setMaxProtoVersion(maxVersion);
      const cctx = rpkClient(); // a session resumes on the Context that made it
      const first = pair(sctx, cctx);
      first.client.addExpectedRawPublicKey(pki().ec.key);
      handshake(first.client, first.server);
      settle(first.client, first.server);
      const session = first.client.getSession()!;
      // The same key expected: resumed.
      const again = pair(sctx, cctx);
      again.client.setSession(session);
      again.client.addExpectedRawPublicKey(pki().ec.key);
      handshake(again.client, again.server);
      expect(again.client.sessionReused()).toBe(true);
      // Another key expected (in either order with setSession): a full handshake, which fails.
      for (const order of [['session', 'rpk'], ['rpk', 'session']]) {
        const other = pair(sctx, cctx);
        for (const step of order) step === 'session' ? other.client.setSession(session) : other.client.addExpectedRawPublicKey(pki().rsa.key);
        expect(() => handshake(other.client, other.server), `${maxVersion} ${order.join(' then ')}`).toThrow(SSL.Error);
        expect(other.client.sessionReused()).toBe(false);
      }
    }
  });

  it('a server that expects raw keys resumes only sessions made under the same expectations', () => {
    const sctx = new SSL.Context(SSL.TLS_METHOD);
    sctx.useCertificate(pki().ec.cert);
    sctx.usePrivatekey(pki().ec.key);
    sctx.setSessionId(Buffer.from('rpk-test'));
    const cctx = new SSL.Context(SSL.TLS_METHOD);
    const first = pair(sctx, cctx);
    handshake(first.client, first.server);
    settle(first.client, first.server);
    const session = first.client.getSession()!;
    const plain = pair(sctx, cctx);
    plain.client.setSession(session);
    handshake(plain.client, plain.server);
    expect(plain.client.sessionReused()).toBe(true);
    // A server connection that expects a client key: the old session is not taken.
    const pinned = pair(sctx, cctx);
    pinned.server.addExpectedRawPublicKey(pki().rsa.key);
    pinned.client.setSession(session);
    handshake(pinned.client, pinned.server);
    expect(pinned.client.sessionReused()).toBe(false);
  });

  it('bad input is a clear error', () => {
    const c = new SSL.Context(SSL.TLS_METHOD);
    expect(() => c.setServerCertTypes([])).toThrow(TypeError);
    expect(() => c.setServerCertTypes(['pgp' as never])).toThrow(RangeError);
    const conn = new SSL.Connection(c);
    expect(() => conn.addExpectedRawPublicKey('key' as never)).toThrow(TypeError);
    conn.free();
    expect(() => conn.getNegotiatedCertTypes()).toThrow(/freed/);
  });
});

describe.skipIf(HAS)(`before OpenSSL 3.2 (the binding runs ${version().openssl})`, () => {
  it('every raw-public-key call names the version it needs', () => {
    const c = new SSL.Context(SSL.TLS_METHOD);
    const conn = new SSL.Connection(c);
    for (const call of [() => c.setServerCertTypes(['rpk']), () => conn.getNegotiatedCertTypes(), () => conn.getPeerRawPublicKey(),
      () => conn.addExpectedRawPublicKey(pki().ec.key)]) {
      expect(call).toThrow(/Raw public keys require OpenSSL 3\.2 or later/);
    }
  });
});
