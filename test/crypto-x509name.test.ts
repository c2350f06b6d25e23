import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { OpenSSLError, crypto } from '../lib/index.js';
import { makeCert, openssl, rsa, throws, throwsFreed, tmpFile } from './crypto-helpers.js';

describe('X509Name', () => {
  it('attributes in short and long forms read and write the same entry', () => {
    const n = new crypto.X509Name();
    const pairs: [string, string][] = [
      ['CN', 'commonName'],
      ['C', 'countryName'],
      ['ST', 'stateOrProvinceName'],
      ['L', 'localityName'],
      ['O', 'organizationName'],
      ['OU', 'organizationalUnitName'],
    ];
    for (const [s, l] of pairs) {
      expect(n[s]).toBeNull();
      expect(n[l]).toBeNull();
      n[s] = s === 'C' ? 'US' : `v-${s}`;
      expect(n[l]).toBe(s === 'C' ? 'US' : `v-${s}`);
      n[l] = s === 'C' ? 'DE' : `w-${s}`;
      expect(n[s]).toBe(s === 'C' ? 'DE' : `w-${s}`);
    }
    n.emailAddress = 'a@b.c';
    expect(n.emailAddress).toBe('a@b.c');
    n.serialNumber = '1234';
    n.title = 'Dr';
    n.DC = 'example';
    expect(n.serialNumber).toBe('1234');
    expect(n.getComponents().map(([k]) => k.toString())).toEqual(['CN', 'C', 'ST', 'L', 'O', 'OU', 'emailAddress', 'serialNumber', 'title', 'DC']);
    // replacing keeps one entry
    n.CN = 'again';
    expect(n.getComponents().filter(([k]) => k.toString() === 'CN')).toHaveLength(1);
  });

  it('invalid attribute names and values are clear errors', () => {
    const n = new crypto.X509Name();
    expect(n.notAnAttribute).toBeUndefined();
    throws(() => {
      n.notAnAttribute = 'x';
    }, TypeError);
    throws(() => {
      n.CN = 5 as unknown as string;
    }, TypeError);
    throws(() => {
      n.CN = null;
    }, TypeError);
    // country must be 2 characters: OpenSSL refuses
    const e = throws(() => {
      n.C = 'USA';
    }, OpenSSLError);
    expect(e.errors.length).toBeGreaterThan(0);
    // too long for the type (CN upper bound 64)
    throws(() => {
      n.CN = 'x'.repeat(65);
    }, OpenSSLError);
    throws(() => new crypto.X509Name('CN=x' as unknown as crypto.X509Name), TypeError);
  });

  it('NUL bytes are preserved; UTF-8 round trips', () => {
    const n = new crypto.X509Name();
    n.CN = 'a\0b.example';
    expect(n.CN).toBe('a\0b.example');
    expect(n.getComponents()[0]![1]).toEqual(Buffer.from('a\0b.example'));
    n.O = Buffer.from('bin\0ary');
    expect(n.O).toBe('bin\0ary');
    const s = 'Grüße ☃ 日本 😀';
    n.OU = s;
    expect(n.OU).toBe(s);
    const c = makeCert('x', rsa());
    c.getSubject().L = s;
    const back = crypto.loadCertificate(crypto.FILETYPE_ASN1, crypto.dumpCertificate(crypto.FILETYPE_ASN1, c));
    expect(back.getSubject().L).toBe(s);
    const f = tmpFile('u.pem', crypto.dumpCertificate(crypto.FILETYPE_PEM, c));
    expect(openssl(['x509', '-in', f, '-noout', '-subject', '-nameopt', 'utf8,sep_comma_plus'])).toContain(s);
  });

  it('getComponents, hash, der, equals/compare, toString, rfc2253', () => {
    const a = new crypto.X509Name();
    a.C = 'US';
    a.O = 'Org';
    a.CN = 'host';
    const b = new crypto.X509Name(a);
    expect(a.equals(b)).toBe(true);
    expect(a.compare(b)).toBe(0);
    expect(a.hash()).toBe(b.hash());
    expect(a.der().equals(b.der())).toBe(true);
    expect(a.toString()).toBe('/C=US/O=Org/CN=host');
    expect(a.rfc2253()).toBe('CN=host,O=Org,C=US');
    expect(inspect(a)).toBe("<X509Name object '/C=US/O=Org/CN=host'>");
    expect(`${a}`).toBe('/C=US/O=Org/CN=host');
    expect(a.getComponents()).toEqual([
      [Buffer.from('C'), Buffer.from('US')],
      [Buffer.from('O'), Buffer.from('Org')],
      [Buffer.from('CN'), Buffer.from('host')],
    ]);
    b.CN = 'other';
    expect(a.equals(b)).toBe(false);
    expect(a.compare(b)).toBe(-b.compare(a));
    expect(Math.abs(a.compare(b))).toBe(1);
    // hash and DER agree with the openssl CLI
    const derFile = tmpFile('n.der', a.der());
    const parsed = openssl(['asn1parse', '-inform', 'DER', '-in', derFile]);
    expect(parsed).toContain('commonName');
    const c = new crypto.X509();
    c.setSubject(a);
    c.setIssuer(a);
    c.setPubkey(rsa());
    c.gmtimeAdjNotBefore(0);
    c.gmtimeAdjNotAfter(60);
    c.sign(rsa(), 'sha256');
    const f = tmpFile('n.pem', crypto.dumpCertificate(crypto.FILETYPE_PEM, c));
    expect(a.hash().toString(16).padStart(8, '0')).toBe(openssl(['x509', '-in', f, '-noout', '-subject_hash']).trim());
    throws(() => a.equals('x' as unknown as crypto.X509Name), TypeError);
    throws(() => a.compare({} as crypto.X509Name), TypeError);
    const empty = new crypto.X509Name();
    expect(empty.toString()).toBe('');
    expect(empty.getComponents()).toEqual([]);
    expect(empty.der().length).toBeGreaterThan(0);
    expect(typeof empty.hash()).toBe('number');
  });

  it('views: live, keep the owner alive, stale after set*, freed owner', () => {
    const c = makeCert('view', rsa());
    const v = c.getSubject();
    v.O = 'through';
    expect(c.getSubject().O).toBe('through');
    const copy = new crypto.X509Name(v);
    copy.O = 'not through';
    expect(c.getSubject().O).toBe('through');
    const iv = c.getIssuer();
    c.setIssuer(copy);
    throws(() => iv.CN, Error, 'ERR_OPENSSL_NAPI_STALE_VIEW');
    expect(v.O).toBe('through'); // subject view still fine
    c.free();
    expect(inspect(v)).toBe('<X509Name object (unavailable)>');
    throwsFreed(() => v.CN);
    throwsFreed(() => v.getComponents());
    const n = new crypto.X509Name();
    n.free();
    for (const fn of [() => n.CN, () => n.getComponents(), () => n.hash(), () => n.der(), () => n.toString(), () => n.rfc2253(), () => n.equals(copy), () => copy.equals(n), () => new crypto.X509Name(n)]) {
      throwsFreed(fn);
    }
  });

  it('names with invalid UTF-8 or odd string types from DER do not crash', () => {
    // SEQUENCE { SET { SEQUENCE { OID CN, UTF8String "\xff\xfe" } } }
    const bad = Buffer.from('300f310d300b06035504030c04ff fe c0 80'.replace(/ /g, ''), 'hex');
    const base = makeCert('x', rsa());
    const der = crypto.dumpCertificate(crypto.FILETYPE_ASN1, base);
    const subj = base.getSubject().der();
    const i = der.indexOf(subj, der.indexOf(subj) + 1); // second occurrence = subject
    expect(i).toBeGreaterThan(0);
    const patched = Buffer.concat([der.subarray(0, i), bad.subarray(0, subj.length <= bad.length ? bad.length : bad.length), der.subarray(i + subj.length)]);
    // lengths changed, so this may not parse; either way it must not crash
    try {
      const x = crypto.loadCertificate(crypto.FILETYPE_ASN1, patched);
      try {
        x.getSubject().CN;
      } catch (e) {
        expect(e).toBeInstanceOf(OpenSSLError);
      }
    } catch (e) {
      expect(e).toBeInstanceOf(OpenSSLError);
    }
    // same-length substitutions of CN "x": invalid UTF-8, odd BMPString, T61String, bad UniversalString
    const cnDer = Buffer.from('0c0178', 'hex');
    const j = der.lastIndexOf(cnDer);
    let loaded = 0;
    for (const [tag, byte] of [[0x0c, 0xff], [0x1e, 0x41], [0x14, 0xff], [0x1c, 0xff], [0x13, 0x00], [0x16, 0x80]] as const) {
      const p2 = Buffer.from(der);
      p2[j] = tag;
      p2[j + 2] = byte;
      let x2: crypto.X509;
      try {
        x2 = crypto.loadCertificate(crypto.FILETYPE_ASN1, p2);
      } catch (e) {
        expect(e).toBeInstanceOf(OpenSSLError); // OpenSSL rejects e.g. invalid UTF8String at parse time
        continue;
      }
      loaded++;
      const n2 = x2.getSubject();
      for (const get of [() => n2.CN, () => n2.commonName, () => n2.toString(), () => n2.rfc2253(), () => n2.hash(), () => n2.der(), () => n2.getComponents()]) {
        try {
          get();
        } catch (e) {
          expect(e).toBeInstanceOf(OpenSSLError);
        }
      }
      expect(n2.getComponents()[0]![1]).toEqual(Buffer.from([byte]));
      try {
        crypto.dumpCertificate(crypto.FILETYPE_TEXT, x2);
      } catch (e) {
        expect(e).toBeInstanceOf(OpenSSLError);
      }
    }
    expect(loaded).toBeGreaterThan(0);
  });
});
