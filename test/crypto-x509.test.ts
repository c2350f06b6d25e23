import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OpenSSLError, SSL, crypto } from '../lib/index.js';
import { edKey, ecKey, makeCert, openssl, rsa, throws, throwsFreed, throwsOpenSSL, tmpFile } from './crypto-helpers.js';

describe('the seed example (certificate half)', () => {
  it('runs as written in API.md', () => {
    const cert = new crypto.X509();
    cert.setSerialNumber(0);
    cert.getSubject().CN = 'example.com';
    cert.gmtimeAdjNotBefore(0);
    cert.gmtimeAdjNotAfter(365 * 24 * 60 * 60);
    cert.setIssuer(cert.getSubject());
    const pkey = new crypto.PKey();
    pkey.generateKey(crypto.TYPE_RSA, 2048);
    cert.setPubkey(pkey);
    cert.sign(pkey, 'sha256');
    expect(cert.getSubject().CN).toBe('example.com');
    expect(cert.getIssuer().CN).toBe('example.com');
    expect(cert.verifySignature(pkey)).toBe(true);
    expect(cert.getSignatureAlgorithm()).toBe('sha256WithRSAEncryption');
    expect(typeof SSL).toBe('object');
  });
});

describe('X509 accessors', () => {
  const key = rsa();
  it('version, serial (huge, negative, zero)', () => {
    const c = new crypto.X509();
    expect(c.getVersion()).toBe(0);
    c.setVersion(2);
    expect(c.getVersion()).toBe(2);
    throws(() => c.setVersion(3), RangeError);
    throws(() => c.setVersion('2' as unknown as number), TypeError);
    for (const s of [0n, 1n, 2n ** 159n, 2n ** 400n + 12345n, -1n, -(2n ** 100n)]) {
      c.setSerialNumber(s);
      expect(c.getSerialNumber()).toBe(s);
    }
    c.setSerialNumber(42);
    expect(c.getSerialNumber()).toBe(42n);
    throws(() => c.setSerialNumber(1.5), RangeError);
    throws(() => c.setSerialNumber('1' as unknown as number), TypeError);
  });

  it('times and expiry', () => {
    const c = new crypto.X509();
    expect(c.getNotBefore()).toBeNull();
    expect(c.getNotAfter()).toBeNull();
    throws(() => c.hasExpired(), Error);
    c.setNotBefore('20200101000000Z');
    c.setNotAfter(Buffer.from('20300101000000Z'));
    expect(c.getNotBefore()).toBe('20200101000000Z');
    expect(c.getNotAfter()).toBe('20300101000000Z');
    expect(c.hasExpired()).toBe(false);
    c.setNotAfter('20000101000000Z');
    expect(c.hasExpired()).toBe(true);
    c.gmtimeAdjNotAfter(-10);
    expect(c.hasExpired()).toBe(true);
    throws(() => c.setNotBefore('yesterday'), TypeError);
    throws(() => c.gmtimeAdjNotBefore(Number.NaN), RangeError);
  });

  it('subject/issuer views, setSubject staleness', () => {
    const c = new crypto.X509();
    const subj = c.getSubject();
    subj.CN = 'a';
    subj.O = 'org';
    expect(c.getSubject().CN).toBe('a');
    const n = new crypto.X509Name();
    n.CN = 'b';
    c.setSubject(n);
    throws(() => subj.CN, Error, 'ERR_OPENSSL_NAPI_STALE_VIEW');
    expect(c.getSubject().CN).toBe('b');
    c.setIssuer(c.getSubject());
    expect(c.getIssuer().equals(c.getSubject())).toBe(true);
    throws(() => c.setSubject('CN=x' as unknown as crypto.X509Name), TypeError);
  });

  it('pubkey: none on an empty cert is an OpenSSLError, set/get round trip', () => {
    const c = new crypto.X509();
    throwsOpenSSL(() => c.getPubkey());
    c.setPubkey(key);
    const pub = c.getPubkey();
    expect(pub.equals(key)).toBe(true);
    expect(pub.hasPrivateKey()).toBe(false);
    throws(() => c.setPubkey({} as crypto.PKey), TypeError);
    throws(() => c.setPubkey(new crypto.PKey()), TypeError);
  });

  it('sign: unknown digest, public-only key, uninitialized key, wrong types', () => {
    const c = makeCert('x', key);
    throws(() => c.sign(key, 'nosuchdigest'), RangeError);
    throws(() => c.sign(c.getPubkey(), 'sha256'), TypeError);
    throws(() => c.sign(new crypto.PKey(), 'sha256'), TypeError);
    throws(() => c.sign(key, null), TypeError);
    throws(() => c.sign(key, 5 as unknown as string), TypeError);
    expect(c.verifySignature(ecKey())).toBe(false);
  });

  it('signs with Ed25519 and Ed448 using a null digest; EC with sha384', () => {
    for (const [t, alg] of [
      [crypto.TYPE_ED25519, 'ED25519'],
      [crypto.TYPE_ED448, 'ED448'],
    ] as const) {
      const k = edKey(t);
      const c = makeCert('ed', k, { digest: null });
      expect(c.getSignatureAlgorithm()).toBe(alg);
      expect(c.verifySignature(k)).toBe(true);
      const c2 = makeCert('ed', k, { digest: 'sha256' }); // ignored for EdDSA
      expect(c2.verifySignature(k)).toBe(true);
      const pem = crypto.dumpCertificate(crypto.FILETYPE_PEM, c);
      expect(openssl(['x509', '-noout', '-text'], pem)).toContain(alg);
    }
    const ek = ecKey('secp384r1');
    const ec = makeCert('ec', ek, { digest: 'sha384' });
    expect(ec.getSignatureAlgorithm()).toBe('ecdsa-with-SHA384');
  });

  it('getSignatureAlgorithm on an unsigned certificate is a clear error', () => {
    const c = new crypto.X509();
    const e = throws(() => c.getSignatureAlgorithm(), TypeError);
    expect(e.message).toMatch(/signature algorithm/);
  });

  it('digest, subjectNameHash and text match the openssl CLI', () => {
    const c = makeCert('cli.example', key, { serial: 2n ** 70n });
    const f = tmpFile('c.pem', crypto.dumpCertificate(crypto.FILETYPE_PEM, c));
    const fp = openssl(['x509', '-in', f, '-noout', '-fingerprint', '-sha256']).trim().split('=')[1];
    expect(c.digest('sha256')).toBe(fp);
    expect(c.digest('SHA1')).toBe(openssl(['x509', '-in', f, '-noout', '-fingerprint', '-sha1']).trim().split('=')[1]);
    const h = openssl(['x509', '-in', f, '-noout', '-subject_hash']).trim();
    expect(c.subjectNameHash().toString(16).padStart(8, '0')).toBe(h);
    expect(c.getSubject().hash().toString(16).padStart(8, '0')).toBe(h);
    const text = crypto.dumpCertificate(crypto.FILETYPE_TEXT, c).toString();
    expect(text).toBe(openssl(['x509', '-in', f, '-noout', '-text', '-nameopt', 'compat']));
    const der = crypto.dumpCertificate(crypto.FILETYPE_ASN1, c);
    const out = tmpFile('c.der', '');
    openssl(['x509', '-in', f, '-outform', 'DER', '-out', out]);
    expect(der.equals(fs.readFileSync(out))).toBe(true);
    throws(() => c.digest('nope'), RangeError);
    throws(() => c.digest(1 as unknown as string), TypeError);
  });

  it('PEM <-> DER <-> object round trips, and openssl agrees on the DER', () => {
    const c = makeCert('rt', key);
    const pem = crypto.dumpCertificate(crypto.FILETYPE_PEM, c);
    const der = crypto.dumpCertificate(crypto.FILETYPE_ASN1, c);
    const fromPem = crypto.loadCertificate(crypto.FILETYPE_PEM, pem);
    const fromDer = crypto.loadCertificate(crypto.FILETYPE_ASN1, der);
    expect(crypto.dumpCertificate(crypto.FILETYPE_ASN1, fromPem).equals(der)).toBe(true);
    expect(crypto.dumpCertificate(crypto.FILETYPE_PEM, fromDer).equals(pem)).toBe(true);
    expect(crypto.loadCertificate(crypto.FILETYPE_PEM, pem.toString()).digest('sha256')).toBe(c.digest('sha256'));
    const f = tmpFile('rt.der', der);
    const pemCli = openssl(['x509', '-inform', 'DER', '-in', f]);
    expect(pemCli).toBe(pem.toString());
    throwsOpenSSL(() => crypto.loadCertificate(crypto.FILETYPE_PEM, 'garbage'));
    throwsOpenSSL(() => crypto.loadCertificate(crypto.FILETYPE_ASN1, Buffer.alloc(0)));
    throws(() => crypto.loadCertificate(3 as crypto.Filetype, pem), RangeError);
    throws(() => crypto.loadCertificate(crypto.FILETYPE_TEXT, pem), RangeError);
    throws(() => crypto.loadCertificate(crypto.FILETYPE_PEM, 5 as unknown as string), TypeError);
    throws(() => crypto.dumpCertificate(crypto.FILETYPE_PEM, {} as crypto.X509), TypeError);
    throws(() => crypto.dumpCertificate(7 as crypto.Filetype, c), RangeError);
  });

  it('dumps of an empty certificate never crash', () => {
    const c = new crypto.X509();
    for (const t of [crypto.FILETYPE_PEM, crypto.FILETYPE_ASN1, crypto.FILETYPE_TEXT] as const) {
      try {
        expect(crypto.dumpCertificate(t, c)).toBeInstanceOf(Buffer);
      } catch (e) {
        expect(e).toBeInstanceOf(OpenSSLError);
      }
    }
    expect(c.getExtensionCount()).toBe(0);
    throws(() => c.getExtension(0), RangeError);
    expect(typeof c.subjectNameHash()).toBe('number');
    try {
      c.toX509Certificate();
    } catch (e) {
      expect(e).toBeInstanceOf(Error);
    }
  });

  it('extensions: add, count, get (copies), and openssl sees them', () => {
    const c = new crypto.X509();
    c.setVersion(2);
    c.getSubject().CN = 'ext';
    c.setIssuer(c.getSubject());
    c.setPubkey(key);
    c.gmtimeAdjNotBefore(0);
    c.gmtimeAdjNotAfter(60);
    c.addExtensions([
      new crypto.X509Extension('basicConstraints', true, 'CA:TRUE'),
      new crypto.X509Extension('subjectAltName', false, 'DNS:a.example, IP:127.0.0.1'),
    ]);
    c.addExtensions([new crypto.X509Extension('subjectKeyIdentifier', false, 'hash', c)]);
    c.addExtensions([new crypto.X509Extension('authorityKeyIdentifier', false, 'keyid:always', null, c)]);
    c.sign(key, 'sha256');
    expect(c.getExtensionCount()).toBe(4);
    const names = [0, 1, 2, 3].map((i) => c.getExtension(i).getShortName());
    expect(names).toEqual(['basicConstraints', 'subjectAltName', 'subjectKeyIdentifier', 'authorityKeyIdentifier']);
    expect(c.getExtension(0).getCritical()).toBe(true);
    expect(c.getExtension(1).toString()).toBe('DNS:a.example, IP Address:127.0.0.1');
    const text = openssl(['x509', '-noout', '-text'], crypto.dumpCertificate(crypto.FILETYPE_PEM, c));
    expect(text).toContain('CA:TRUE');
    expect(text).toContain('DNS:a.example');
    expect(text).toContain(c.getExtension(2).toString().trim());
    throws(() => c.getExtension(4), RangeError);
    throws(() => c.getExtension(-1), RangeError);
    throws(() => c.getExtension(0.5), RangeError);
    throws(() => c.addExtensions('x' as unknown as crypto.X509Extension[]), TypeError);
    throws(() => c.addExtensions([{} as crypto.X509Extension]), TypeError);
    const freed = new crypto.X509Extension('basicConstraints', false, 'CA:FALSE');
    freed.free();
    throwsFreed(() => c.addExtensions([freed]));
  });

  it('node:crypto bridges', () => {
    const c = makeCert('bridge', key);
    const x = c.toX509Certificate();
    expect(x).toBeInstanceOf(X509Certificate);
    expect(x.subject).toBe('CN=bridge');
    expect(x.fingerprint256).toBe(c.digest('sha256'));
    const back = crypto.X509.fromX509Certificate(x);
    expect(back.digest('sha256')).toBe(c.digest('sha256'));
    throws(() => crypto.X509.fromX509Certificate({} as X509Certificate), TypeError);
  });

  it('copy-free semantics: every method after free() throws, free is idempotent', () => {
    const c = makeCert('f', key);
    const subj = c.getSubject();
    c.free();
    c.free();
    for (const fn of [
      () => c.getVersion(),
      () => c.setVersion(1),
      () => c.getSerialNumber(),
      () => c.setSerialNumber(1),
      () => c.gmtimeAdjNotBefore(0),
      () => c.gmtimeAdjNotAfter(0),
      () => c.getNotBefore(),
      () => c.getNotAfter(),
      () => c.setNotBefore('20200101000000Z'),
      () => c.setNotAfter('20200101000000Z'),
      () => c.hasExpired(),
      () => c.getSubject(),
      () => c.getIssuer(),
      () => c.setSubject(new crypto.X509Name()),
      () => c.setIssuer(new crypto.X509Name()),
      () => c.getPubkey(),
      () => c.setPubkey(key),
      () => c.sign(key, 'sha256'),
      () => c.verifySignature(key),
      () => c.getSignatureAlgorithm(),
      () => c.digest('sha256'),
      () => c.subjectNameHash(),
      () => c.getExtensionCount(),
      () => c.getExtension(0),
      () => c.addExtensions([]),
      () => c.toX509Certificate(),
      () => crypto.dumpCertificate(crypto.FILETYPE_PEM, c),
      () => subj.CN,
    ]) {
      throwsFreed(fn);
    }
    const c2 = makeCert('d', key);
    {
      using d = c2;
      expect(d.getSubject().CN).toBe('d');
    }
    throwsFreed(() => c2.getVersion());
  });
});
