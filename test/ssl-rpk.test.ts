// Raw public keys (RFC 7250; OpenSSL 3.2+), issue 19: a server authenticated by its bare public
// key; the client checks it against the keys it expects. Before 3.2 every call names the version.
import { describe, expect, it } from 'vitest';
import { SSL, version } from '../lib/index.js';
import { handshake, pair, pki } from './ssl-helpers.js';

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
