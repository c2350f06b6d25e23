import { KeyObject, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { OpenSSLError, crypto } from '../lib/index.js';
import { ecKey, openssl, rsa, throws, throwsFreed, throwsOpenSSL, tmpFile } from './crypto-helpers.js';

const { FILETYPE_PEM: PEM, FILETYPE_ASN1: DER, FILETYPE_TEXT: TEXT } = crypto;

describe('PKey generation and accessors', () => {
  it('generates every key type, sync', () => {
    const cases: [number, number | string | undefined, string, number][] = [
      [crypto.TYPE_RSA, 1024, 'RSA', 1024],
      [crypto.TYPE_DSA, 1024, 'DSA', 1024],
      [crypto.TYPE_EC, 'prime256v1', 'EC', 256],
      [crypto.TYPE_EC, 'P-384', 'EC', 384],
      [crypto.TYPE_ED25519, undefined, 'ED25519', 256],
      [crypto.TYPE_ED448, undefined, 'ED448', 456],
      [crypto.TYPE_X25519, undefined, 'X25519', 253],
      [crypto.TYPE_X448, undefined, 'X448', 448],
    ];
    for (const [type, param, , bits] of cases) {
      const k = new crypto.PKey();
      expect(k.hasPrivateKey()).toBe(false);
      k.generateKey(type, param);
      expect(k.type()).toBe(type);
      expect(k.bits()).toBe(bits);
      expect(k.hasPrivateKey()).toBe(true);
      if (type !== crypto.TYPE_X25519 && type !== crypto.TYPE_X448) expect(k.check()).toBe(true);
      const pub = crypto.loadPublickey(DER, crypto.dumpPublickey(DER, k));
      expect(pub.equals(k)).toBe(true);
      expect(k.equals(pub)).toBe(true);
      expect(pub.hasPrivateKey()).toBe(false);
      throws(() => pub.check(), TypeError);
    }
  });

  it('DH keys (512-bit params for speed)', () => {
    const k = new crypto.PKey();
    k.generateKey(crypto.TYPE_DH, 512);
    expect(k.type()).toBe(crypto.TYPE_DH);
    expect(k.bits()).toBe(512);
  });

  it('generates asynchronously and rejects bad parameters', async () => {
    const k = await crypto.PKey.generate(crypto.TYPE_EC, { curve: 'secp384r1' });
    expect(k.bits()).toBe(384);
    const r = await crypto.PKey.generate(crypto.TYPE_RSA, { bits: 1024 });
    expect(r.bits()).toBe(1024);
    expect((await crypto.PKey.generate(crypto.TYPE_ED25519)).type()).toBe(crypto.TYPE_ED25519);
    await expect(crypto.PKey.generate(crypto.TYPE_RSA, { bits: 100 })).rejects.toThrow(RangeError);
    await expect(crypto.PKey.generate(12345)).rejects.toThrow(RangeError);
  });

  it('generateKey rejects wrong types and values', () => {
    const k = new crypto.PKey();
    throws(() => k.generateKey(crypto.TYPE_RSA, 100), RangeError);
    throws(() => k.generateKey(crypto.TYPE_RSA, 'big' as unknown as number), TypeError);
    throws(() => k.generateKey(crypto.TYPE_EC, 'nocurve'), RangeError);
    throws(() => k.generateKey(crypto.TYPE_EC, 256), TypeError);
    throws(() => k.generateKey(999999), RangeError);
    throws(() => k.generateKey({} as unknown as number), TypeError);
    throws(() => k.generateKey('no-such-algorithm'), RangeError, 'ERR_INVALID_ARG_VALUE');
    // A name is any algorithm OpenSSL generates keys for, with its defaults (RSA: 2048 bits).
    k.generateKey('rsa');
    expect(k.typeName()).toBe('RSA');
    expect(k.bits()).toBe(2048);
  });

  it('equality of public keys', () => {
    const a = rsa();
    const b = new crypto.PKey();
    b.generateKey(crypto.TYPE_RSA, 1024);
    expect(a.equals(a)).toBe(true);
    expect(a.equals(b)).toBe(false);
    const aPub1 = crypto.loadPublickey(PEM, crypto.dumpPublickey(PEM, a));
    const aPub2 = crypto.loadPublickey(DER, crypto.dumpPublickey(DER, a));
    expect(aPub1.equals(aPub2)).toBe(true);
    expect(aPub1.equals(b)).toBe(false);
    const ec = new crypto.PKey();
    ec.generateKey(crypto.TYPE_EC, 'prime256v1');
    expect(a.equals(ec)).toBe(false);
    expect(a.equals(new crypto.PKey())).toBe(false);
    throws(() => a.equals({} as crypto.PKey), TypeError);
  });

  it('freed keys throw everywhere', () => {
    const k = new crypto.PKey();
    k.generateKey(crypto.TYPE_EC, 'prime256v1');
    k.free();
    for (const fn of [
      () => k.type(),
      () => k.bits(),
      () => k.check(),
      () => k.hasPrivateKey(),
      () => k.generateKey(crypto.TYPE_ED25519),
      () => k.equals(rsa()),
      () => rsa().equals(k),
      () => k.toKeyObject(),
      () => crypto.dumpPrivatekey(PEM, k),
      () => crypto.dumpPublickey(PEM, k),
    ]) {
      throwsFreed(fn);
    }
  });
});

describe('key load/dump', () => {
  const key = rsa();

  it('PKCS#8 and traditional PEM, DER, text', () => {
    const pkcs8 = crypto.dumpPrivatekey(PEM, key);
    expect(pkcs8.toString()).toContain('BEGIN PRIVATE KEY');
    const trad = openssl(['rsa', '-traditional'], pkcs8);
    expect(trad).toContain('BEGIN RSA PRIVATE KEY');
    const ecTrad = openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout']);
    expect(ecTrad).toContain('BEGIN EC PRIVATE KEY');
    expect(crypto.loadPrivatekey(PEM, trad).equals(key)).toBe(true);
    expect(crypto.loadPrivatekey(PEM, ecTrad).type()).toBe(crypto.TYPE_EC);
    expect(crypto.loadPrivatekey(PEM, pkcs8).equals(key)).toBe(true);
    const der = crypto.dumpPrivatekey(DER, key);
    expect(crypto.loadPrivatekey(DER, der).equals(key)).toBe(true);
    expect(crypto.dumpPrivatekey(PEM, crypto.loadPrivatekey(DER, der)).equals(pkcs8)).toBe(true);
    expect(crypto.dumpPrivatekey(TEXT, key).toString()).toContain('modulus');
    expect(crypto.dumpPublickey(TEXT, key).toString()).toContain('Modulus');
    // openssl reads what we write
    const f = tmpFile('k.pem', pkcs8);
    expect(openssl(['pkey', '-in', f, '-pubout'])).toBe(crypto.dumpPublickey(PEM, key).toString());
    throws(() => crypto.dumpPrivatekey(PEM, key.equals(key) ? crypto.loadPublickey(PEM, crypto.dumpPublickey(PEM, key)) : key), TypeError);
    throwsOpenSSL(() => crypto.loadPrivatekey(PEM, 'nothing here'));
    throwsOpenSSL(() => crypto.loadPrivatekey(DER, Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00])));
    throwsOpenSSL(() => crypto.loadPublickey(PEM, 'nothing'));
    throwsOpenSSL(() => crypto.loadPublickey(DER, Buffer.from([1, 2, 3])));
    throws(() => crypto.loadPrivatekey(TEXT, pkcs8), RangeError);
    throws(() => crypto.loadPublickey(PEM, 42 as unknown as string), TypeError);
    throws(() => crypto.dumpPublickey(PEM, 'k' as unknown as crypto.PKey), TypeError);
    throws(() => crypto.dumpPrivatekey(PEM, new crypto.PKey()), TypeError);
  });

  it('encrypted PEM with string, Buffer and callback passphrases (PKCS#8 and traditional)', () => {
    const enc = crypto.dumpPrivatekey(PEM, key, 'aes-256-cbc', 'secret');
    expect(enc.toString()).toContain('BEGIN ENCRYPTED PRIVATE KEY');
    const tradEnc = openssl(['rsa', '-traditional', '-aes128', '-passout', 'pass:secret'], crypto.dumpPrivatekey(PEM, key));
    expect(tradEnc).toContain('Proc-Type: 4,ENCRYPTED');
    for (const pem of [enc, Buffer.from(tradEnc)]) {
      expect(crypto.loadPrivatekey(PEM, pem, 'secret').equals(key)).toBe(true);
      expect(crypto.loadPrivatekey(PEM, pem, Buffer.from('secret')).equals(key)).toBe(true);
      expect(crypto.loadPrivatekey(PEM, pem, new Uint8Array(Buffer.from('secret'))).equals(key)).toBe(true);
      let writing: boolean | null = null;
      expect(
        crypto
          .loadPrivatekey(PEM, pem, (w) => {
            writing = w;
            return 'secret';
          })
          .equals(key),
      ).toBe(true);
      expect(writing).toBe(false);
      expect(crypto.loadPrivatekey(PEM, pem, () => Buffer.from('secret')).equals(key)).toBe(true);
      // wrong passphrase: OpenSSLError
      const e = throwsOpenSSL(() => crypto.loadPrivatekey(PEM, pem, 'wrong'));
      expect(e.errors.length).toBeGreaterThan(0);
      throwsOpenSSL(() => crypto.loadPrivatekey(PEM, pem));
      // a throwing callback rethrows the very same object
      const boom = new Error('boom');
      let caught: unknown = null;
      try {
        crypto.loadPrivatekey(PEM, pem, () => {
          throw boom;
        });
      } catch (err) {
        caught = err;
      }
      expect(caught).toBe(boom);
      const sym = { not: 'an error' };
      try {
        crypto.loadPrivatekey(PEM, pem, () => {
          throw sym;
        });
      } catch (err) {
        caught = err;
      }
      expect(caught).toBe(sym);
      // a callback returning a non-string: TypeError
      throws(() => crypto.loadPrivatekey(PEM, pem, (() => 42) as unknown as () => string), TypeError);
      throws(() => crypto.loadPrivatekey(PEM, pem, (() => null) as unknown as () => string), TypeError);
      throws(() => crypto.loadPrivatekey(PEM, pem, () => 'x'.repeat(5000)), TypeError);
    }
    throws(() => crypto.loadPrivatekey(PEM, enc, 42 as unknown as string), TypeError);
    // openssl decrypts ours
    const f = tmpFile('enc.pem', enc);
    expect(openssl(['pkey', '-in', f, '-passin', 'pass:secret', '-pubout'])).toBe(crypto.dumpPublickey(PEM, key).toString());
  });

  it('dump with cipher: callback, unknown cipher, missing passphrase, wrong format', () => {
    let writing: boolean | null = null;
    const enc = crypto.dumpPrivatekey(PEM, key, 'aes-128-cbc', (w) => {
      writing = w;
      return Buffer.from('pw');
    });
    expect(writing).toBe(true);
    expect(crypto.loadPrivatekey(PEM, enc, 'pw').equals(key)).toBe(true);
    const e = throwsOpenSSL(() => crypto.dumpPrivatekey(PEM, key, 'no-such-cipher', 'pw'));
    expect(e.message).toMatch(/cipher/i);
    throws(() => crypto.dumpPrivatekey(PEM, key, 'aes-128-cbc'), TypeError);
    throws(() => crypto.dumpPrivatekey(PEM, key, null, 'pw'), TypeError);
    // DER with a cipher is an encrypted PKCS#8 now; text cannot be encrypted.
    expect(crypto.loadPrivatekey(DER, crypto.dumpPrivatekey(DER, key, 'aes-128-cbc', 'pw'), 'pw').equals(key)).toBe(true);
    throws(() => crypto.dumpPrivatekey(crypto.FILETYPE_TEXT, key, 'aes-128-cbc', 'pw'), TypeError);
    const boom = new RangeError('mine');
    let caught: unknown = null;
    try {
      crypto.dumpPrivatekey(PEM, key, 'aes-128-cbc', () => {
        throw boom;
      });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBe(boom);
    throws(() => crypto.dumpPrivatekey(PEM, key, 'aes-128-cbc', (() => 1) as unknown as () => string), TypeError);
  });

  it('KeyObject bridges (private and public, several types)', () => {
    for (const k of [key, (() => { const e = new crypto.PKey(); e.generateKey(crypto.TYPE_ED448); return e; })()]) {
      const ko = k.toKeyObject();
      expect(ko).toBeInstanceOf(KeyObject);
      expect(ko.type).toBe('private');
      expect(crypto.PKey.fromKeyObject(ko).equals(k)).toBe(true);
      const pub = crypto.loadPublickey(PEM, crypto.dumpPublickey(PEM, k));
      const pko = pub.toKeyObject();
      expect(pko.type).toBe('public');
      const back = crypto.PKey.fromKeyObject(pko);
      expect(back.hasPrivateKey()).toBe(false);
      expect(back.equals(k)).toBe(true);
    }
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const p = crypto.PKey.fromKeyObject(privateKey);
    expect(p.type()).toBe(crypto.TYPE_EC);
    expect(p.hasPrivateKey()).toBe(true);
    throws(() => crypto.PKey.fromKeyObject({ type: 'secret' } as unknown as KeyObject), TypeError);
  });

  it('errors are OpenSSLError with a drained queue', () => {
    try {
      crypto.loadPublickey(PEM, '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(OpenSSLError);
      expect(e).toBeInstanceOf(crypto.Error);
      expect((e as OpenSSLError).operation).toBe('load_publickey');
    }
  });
});

describe('PKCS#8 in full', () => {
  const der = (k: crypto.PKey, ...a: Parameters<typeof crypto.dumpPrivatekey> extends [unknown, unknown, ...infer R] ? R : never) =>
    crypto.dumpPrivatekey(crypto.FILETYPE_ASN1, k, ...a);
  const asn1 = (b: Buffer) => openssl(['asn1parse', '-inform', 'DER', '-in', tmpFile('k.der', b)]);

  it('encrypted PKCS#8 in DER: PBKDF2 with chosen iterations, or scrypt; both load back, and the CLI agrees', () => {
    const key = rsa();
    const pbkdf2 = der(key, 'aes-256-cbc', 'pw', { format: 'pkcs8', iterations: 10000 });
    expect(asn1(pbkdf2)).toMatch(/PBES2[\s\S]*PBKDF2[\s\S]*:2710[\s\S]*hmacWithSHA256[\s\S]*aes-256-cbc/);
    expect(crypto.loadPrivatekey(crypto.FILETYPE_ASN1, pbkdf2, 'pw').equals(key)).toBe(true);
    const scrypt = der(key, 'aes-128-cbc', Buffer.from('pw'), { format: 'pkcs8', scrypt: { N: 1024, r: 8, p: 1 } });
    expect(asn1(scrypt)).toMatch(/:scrypt/);
    expect(crypto.loadPrivatekey(crypto.FILETYPE_ASN1, scrypt, () => 'pw').equals(key)).toBe(true);
    expect(openssl(['pkey', '-inform', 'DER', '-in', tmpFile('s.der', scrypt), '-passin', 'pass:pw', '-noout', '-text']).length).toBeGreaterThan(0);
    // Encrypted DER without format: PKCS#8 (a traditional DER cannot be encrypted).
    expect(asn1(der(key, 'aes-256-cbc', 'pw'))).toMatch(/PBES2/);
    // A wrong or missing passphrase fails cleanly.
    expect(() => crypto.loadPrivatekey(crypto.FILETYPE_ASN1, pbkdf2, 'wrong')).toThrow(crypto.Error);
    expect(() => crypto.loadPrivatekey(crypto.FILETYPE_ASN1, pbkdf2)).toThrow(crypto.Error);
  });

  it('PEM: encrypted PKCS#8 with scrypt; RSA as PKCS#8 or PKCS#1, in both formats', () => {
    const key = rsa();
    const pem = crypto.dumpPrivatekey(crypto.FILETYPE_PEM, key, 'aes-256-cbc', 'pw', { scrypt: { N: 1024 } }).toString();
    expect(pem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    expect(crypto.loadPrivatekey(crypto.FILETYPE_PEM, pem, 'pw').equals(key)).toBe(true);
    expect(crypto.dumpPrivatekey(crypto.FILETYPE_PEM, key).toString()).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(crypto.dumpPrivatekey(crypto.FILETYPE_PEM, key, null, null, { format: 'traditional' }).toString()).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
    const trad = crypto.dumpPrivatekey(crypto.FILETYPE_PEM, key, 'aes-256-cbc', 'pw', { format: 'traditional' }).toString();
    expect(trad).toMatch(/Proc-Type: 4,ENCRYPTED/);
    expect(crypto.loadPrivatekey(crypto.FILETYPE_PEM, trad, 'pw').equals(key)).toBe(true);
    // DER: traditional (PKCS#1) by default, PKCS#8 on request.
    expect(asn1(der(key))).not.toMatch(/rsaEncryption/);
    expect(asn1(der(key, null, null, { format: 'pkcs8' }))).toMatch(/rsaEncryption/);
    for (const b of [der(key), der(key, null, null, { format: 'pkcs8' })]) {
      expect(crypto.loadPrivatekey(crypto.FILETYPE_ASN1, b).equals(key)).toBe(true);
    }
  });

  it('bad options are clear errors', () => {
    const key = ecKey();
    expect(() => der(key, 'aes-256-cbc', 'pw', { format: 'traditional' })).toThrow(/cannot be encrypted/);
    expect(() => der(key, null, null, { iterations: 1000 })).toThrow(/give a cipher/);
    expect(() => der(key, 'aes-256-cbc', 'pw', { iterations: 1000, scrypt: { N: 1024 } })).toThrow(/not both/);
    expect(() => der(key, 'aes-256-cbc', 'pw', { format: 'pkcs12' as never })).toThrow(RangeError);
    expect(() => der(key, 'aes-256-cbc', 'pw', { iterations: 0 })).toThrow(RangeError);
    expect(() => der(key, 'aes-256-cbc', 'pw', { scrypt: { N: 1000 } })).toThrow(crypto.Error); // not a power of 2
    expect(() => der(key, 'aes-256-cbc', 'pw', { scrypt: {} as never })).toThrow(TypeError);
  });
});
