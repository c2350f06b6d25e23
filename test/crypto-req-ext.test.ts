import { describe, expect, it } from 'vitest';
import { OpenSSLError, crypto } from '../lib/index.js';
import { ecKey, edKey, makeCert, openssl, opensslStatus, rsa, throws, throwsFreed, throwsOpenSSL, tmpFile } from './crypto-helpers.js';

const { FILETYPE_PEM: PEM, FILETYPE_ASN1: DER, FILETYPE_TEXT: TEXT } = crypto;

describe('X509Extension', () => {
  it('builds the common extensions from config strings', () => {
    const bc = new crypto.X509Extension('basicConstraints', true, 'CA:TRUE, pathlen:0');
    expect(bc.getCritical()).toBe(true);
    expect(bc.getShortName()).toBe('basicConstraints');
    expect(bc.toString()).toBe('CA:TRUE, pathlen:0');
    expect(bc.getData()).toEqual(Buffer.from('30060101ff020100', 'hex'));
    const ku = new crypto.X509Extension(Buffer.from('keyUsage'), false, Buffer.from('digitalSignature, keyCertSign'));
    expect(ku.getCritical()).toBe(false);
    expect(ku.toString()).toBe('Digital Signature, Certificate Sign');
    const eku = new crypto.X509Extension('extendedKeyUsage', false, 'serverAuth,clientAuth');
    expect(eku.toString()).toBe('TLS Web Server Authentication, TLS Web Client Authentication');
    const san = new crypto.X509Extension('subjectAltName', false, 'DNS:example.com, IP:10.0.0.1, IP:::1, URI:https://x.example/, email:a@b.example');
    expect(san.getShortName()).toBe('subjectAltName');
    expect(san.toString()).toBe('DNS:example.com, IP Address:10.0.0.1, IP Address:0:0:0:0:0:0:0:1, URI:https://x.example/, email:a@b.example');
    expect(new crypto.X509Extension('nsComment', false, 'hello').toString()).toBe('hello');
    // DER of the whole extension parses
    expect(openssl(['asn1parse', '-inform', 'DER', '-in', tmpFile('e.der', san.toDER())])).toContain('X509v3 Subject Alternative Name');
  });

  it('subjectKeyIdentifier=hash needs a subject; authorityKeyIdentifier needs an issuer', () => {
    const key = rsa();
    const ca = new crypto.X509();
    ca.getSubject().CN = 'ca';
    ca.setPubkey(key);
    const ski = new crypto.X509Extension('subjectKeyIdentifier', false, 'hash', ca);
    // OpenSSL 3.0 needs the issuer's own subjectKeyIdentifier for keyid:always
    throwsOpenSSL(() => new crypto.X509Extension('authorityKeyIdentifier', false, 'keyid:always', null, ca));
    ca.addExtensions([ski]);
    ca.gmtimeAdjNotBefore(0);
    ca.gmtimeAdjNotAfter(60);
    ca.setIssuer(ca.getSubject());
    ca.sign(key, 'sha256');
    expect(ski.getData().length).toBe(22); // OCTET STRING of a 20-byte SHA-1
    const aki = new crypto.X509Extension('authorityKeyIdentifier', false, 'keyid:always', null, ca);
    expect(aki.toString()).toContain(ski.toString().trim());
    throwsOpenSSL(() => new crypto.X509Extension('authorityKeyIdentifier', false, 'keyid:always'));
    throwsOpenSSL(() => new crypto.X509Extension('subjectKeyIdentifier', false, 'hash'));
  });

  it('bad names and values', () => {
    throwsOpenSSL(() => new crypto.X509Extension('noSuchExtension', false, 'x'));
    throwsOpenSSL(() => new crypto.X509Extension('subjectAltName', false, '@alt_names')); // no config sections
    throwsOpenSSL(() => new crypto.X509Extension('1.2.3.4', false, 'not-der'));
    throwsOpenSSL(() => new crypto.X509Extension('basicConstraints', false, ''));
    const oid = new crypto.X509Extension('1.2.3.4', true, 'DER:0500');
    expect(oid.getShortName()).toBe('1.2.3.4');
    expect(oid.getCritical()).toBe(true);
    expect(oid.getData()).toEqual(Buffer.from('0500', 'hex'));
    throwsOpenSSL(() => new crypto.X509Extension('basicConstraints', false, 'CA:maybe'));
    throwsOpenSSL(() => new crypto.X509Extension('subjectAltName', false, 'BOGUS:foo'));
    throwsOpenSSL(() => new crypto.X509Extension('keyUsage', false, 'flying'));
    throws(() => new crypto.X509Extension(5 as unknown as string, false, 'x'), TypeError);
    throws(() => new crypto.X509Extension('basicConstraints', 'yes' as unknown as boolean, 'CA:TRUE'), TypeError);
    throws(() => new crypto.X509Extension('basicConstraints', false, null as unknown as string), TypeError);
    throws(() => new crypto.X509Extension('basicConstraints', false, 'CA:TRUE\0'), TypeError);
    throws(() => new crypto.X509Extension('subjectKeyIdentifier', false, 'hash', {} as crypto.X509), TypeError);
    const dead = new crypto.X509();
    dead.free();
    throwsFreed(() => new crypto.X509Extension('subjectKeyIdentifier', false, 'hash', dead));
    const e = new crypto.X509Extension('basicConstraints', false, 'CA:FALSE');
    e.free();
    for (const fn of [() => e.getCritical(), () => e.getShortName(), () => e.getData(), () => e.toString(), () => e.toDER()]) throwsFreed(fn);
  });

  it('extensions read back from certificates, including unknown OIDs', () => {
    const cert = crypto.loadCertificate(
      PEM,
      openssl(['req', '-x509', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', '/dev/null', '-subj', '/CN=ext', '-addext', '1.2.3.4=DER:0500', '-addext', 'subjectAltName=DNS:x.example']),
    );
    const names = Array.from({ length: cert.getExtensionCount() }, (_, i) => cert.getExtension(i).getShortName());
    expect(names).toContain('1.2.3.4');
    expect(names).toContain('subjectAltName');
    const unk = cert.getExtension(names.indexOf('1.2.3.4'));
    expect(unk.getData()).toEqual(Buffer.from('0500', 'hex'));
    expect(typeof unk.toString()).toBe('string');
  });
});

describe('X509Req', () => {
  const key = rsa();

  function makeReq(k: crypto.PKey = key, digest: string | null = 'sha256'): crypto.X509Req {
    const req = new crypto.X509Req();
    req.setVersion(0);
    req.getSubject().CN = 'req.example';
    req.getSubject().O = 'Org';
    req.setPubkey(k);
    req.addExtensions([new crypto.X509Extension('subjectAltName', false, 'DNS:req.example')]);
    req.addExtensions([new crypto.X509Extension('basicConstraints', true, 'CA:FALSE')]);
    req.sign(k, digest);
    return req;
  }

  it('builds, signs, verifies; openssl req -verify agrees', () => {
    const req = makeReq();
    expect(req.getVersion()).toBe(0);
    expect(req.verify(key)).toBe(true);
    expect(req.getPubkey().equals(key)).toBe(true);
    expect(req.getSignatureAlgorithm()).toBe('sha256WithRSAEncryption');
    const exts = req.getExtensions();
    expect(exts.map((e) => e.getShortName())).toEqual(['subjectAltName', 'basicConstraints']);
    expect(exts[1]!.getCritical()).toBe(true);
    const pem = crypto.dumpCertificateRequest(PEM, req);
    const f = tmpFile('r.pem', pem);
    const v = opensslStatus(['req', '-in', f, '-verify', '-noout']);
    expect(v.status).toBe(0);
    expect(v.out).toMatch(/verify OK|Certificate request self-signature verify OK/);
    const text = crypto.dumpCertificateRequest(TEXT, req).toString();
    expect(text).toContain('Certificate Request');
    expect(text).toContain('DNS:req.example');
    expect(openssl(['req', '-in', f, '-noout', '-subject'])).toContain('req.example');
    expect(text).toBe(openssl(['req', '-in', f, '-noout', '-text', '-nameopt', 'compat']));
  });

  it('verify throws OpenSSLError for the wrong key; sign/verify failures', () => {
    const req = makeReq();
    const other = ecKey();
    const e = throwsOpenSSL(() => req.verify(other));
    expect(e.operation).toBe('X509_REQ_verify');
    throwsOpenSSL(() => new crypto.X509Req().verify(key));
    throws(() => req.sign(req.getPubkey(), 'sha256'), TypeError);
    throws(() => req.sign(key, 'md-nope'), RangeError);
    throws(() => req.sign(key, null), TypeError);
    throws(() => req.setVersion(1), RangeError);
    throws(() => req.setVersion('0' as unknown as number), TypeError);
    throws(() => req.setPubkey(null as unknown as crypto.PKey), TypeError);
    throws(() => req.addExtensions([null as unknown as crypto.X509Extension]), TypeError);
    throwsOpenSSL(() => new crypto.X509Req().getPubkey());
    throws(() => new crypto.X509Req().getSignatureAlgorithm(), TypeError);
    expect(new crypto.X509Req().getExtensions()).toEqual([]);
  });

  it('EdDSA and EC CSRs', () => {
    for (const k of [edKey(), edKey(crypto.TYPE_ED448)]) {
      const r = makeReq(k, null);
      expect(r.verify(k)).toBe(true);
      expect(opensslStatus(['req', '-in', tmpFile('ed.pem', crypto.dumpCertificateRequest(PEM, r)), '-verify', '-noout']).status).toBe(0);
    }
    const ek = ecKey('secp521r1');
    expect(makeReq(ek, 'sha512').verify(ek)).toBe(true);
  });

  it('PEM <-> DER <-> object round trip; loads openssl-made CSRs', () => {
    const req = makeReq();
    const der = crypto.dumpCertificateRequest(DER, req);
    const pem = crypto.dumpCertificateRequest(PEM, req);
    expect(crypto.dumpCertificateRequest(DER, crypto.loadCertificateRequest(PEM, pem)).equals(der)).toBe(true);
    expect(crypto.dumpCertificateRequest(PEM, crypto.loadCertificateRequest(DER, der)).equals(pem)).toBe(true);
    const cli = openssl(['req', '-new', '-newkey', 'rsa:1024', '-nodes', '-keyout', '/dev/null', '-subj', '/CN=cli/O=x', '-addext', 'keyUsage=digitalSignature']);
    const r = crypto.loadCertificateRequest(PEM, cli);
    expect(r.getSubject().CN).toBe('cli');
    expect(r.verify(r.getPubkey())).toBe(true);
    expect(r.getExtensions()[0]!.getShortName()).toBe('keyUsage');
    throwsOpenSSL(() => crypto.loadCertificateRequest(PEM, 'junk'));
    throwsOpenSSL(() => crypto.loadCertificateRequest(DER, Buffer.from([0x30, 0])));
    throws(() => crypto.loadCertificateRequest(TEXT, pem), RangeError);
    throws(() => crypto.dumpCertificateRequest(PEM, {} as crypto.X509Req), TypeError);
    // dumps of an empty request never crash
    for (const t of [PEM, DER, TEXT] as const) {
      try {
        expect(crypto.dumpCertificateRequest(t, new crypto.X509Req())).toBeInstanceOf(Buffer);
      } catch (e) {
        expect(e).toBeInstanceOf(OpenSSLError);
      }
    }
  });

  it('subject view: live, stale after setSubject, outlives a dropped request, freed', () => {
    const req = makeReq();
    const v = req.getSubject();
    v.L = 'City';
    expect(req.getSubject().L).toBe('City');
    const n = new crypto.X509Name();
    n.CN = 'new';
    req.setSubject(n);
    throws(() => v.CN, Error, 'ERR_OPENSSL_NAPI_STALE_VIEW');
    expect(req.getSubject().CN).toBe('new');
    const view = makeReq().getSubject();
    globalThis.gc?.();
    expect(view.CN).toBe('req.example');
    req.free();
    for (const fn of [
      () => req.getVersion(),
      () => req.setVersion(0),
      () => req.getPubkey(),
      () => req.setPubkey(key),
      () => req.getSubject(),
      () => req.setSubject(n),
      () => req.addExtensions([]),
      () => req.getExtensions(),
      () => req.sign(key, 'sha256'),
      () => req.verify(key),
      () => req.getSignatureAlgorithm(),
      () => crypto.dumpCertificateRequest(PEM, req),
    ]) {
      throwsFreed(fn);
    }
  });
});

describe('NetscapeSPKI', () => {
  const key = rsa();
  it('sign, verify, b64 round trip; openssl spkac agrees', () => {
    const s = new crypto.NetscapeSPKI();
    s.setPubkey(key);
    s.sign(key, 'sha256');
    expect(s.verify(key)).toBe(true);
    expect(s.getPubkey().equals(key)).toBe(true);
    const b64 = s.b64Encode();
    expect(b64).toMatch(/^[A-Za-z0-9+/=]+$/);
    const back = crypto.NetscapeSPKI.fromBase64(b64);
    expect(back.verify(key)).toBe(true);
    expect(back.toDER().equals(s.toDER())).toBe(true);
    const f = tmpFile('spkac.txt', `SPKAC=${b64}\n`);
    expect(openssl(['spkac', '-in', f, '-verify', '-noout'])).toBe('');
    const cli = openssl(['spkac', '-key', tmpFile('k.pem', crypto.dumpPrivatekey(PEM, key)), '-challenge', 'hi']).trim().replace(/^SPKAC=/, '');
    const parsed = crypto.NetscapeSPKI.fromBase64(cli);
    expect(parsed.verify(parsed.getPubkey())).toBe(true);
    expect(parsed.getPubkey().equals(key)).toBe(true);
  });

  it('failures', () => {
    const s = new crypto.NetscapeSPKI();
    throwsOpenSSL(() => s.getPubkey());
    throwsOpenSSL(() => s.verify(key));
    try {
      expect(typeof s.b64Encode()).toBe('string');
    } catch (e) {
      expect(e).toBeInstanceOf(OpenSSLError); // an empty SPKAC has no key to encode
    }
    throws(() => s.sign(key.equals(key) ? crypto.loadPublickey(PEM, crypto.dumpPublickey(PEM, key)) : key, 'sha256'), TypeError);
    throws(() => s.sign(key, 'nope'), RangeError);
    s.setPubkey(key);
    s.sign(key, 'sha256');
    throwsOpenSSL(() => s.verify(ecKey()));
    throwsOpenSSL(() => crypto.NetscapeSPKI.fromBase64('!!!not base64'));
    throwsOpenSSL(() => crypto.NetscapeSPKI.fromBase64(''));
    throws(() => crypto.NetscapeSPKI.fromBase64(5 as unknown as string), TypeError);
    const ed = edKey();
    const e = new crypto.NetscapeSPKI();
    e.setPubkey(ed);
    e.sign(ed, null);
    expect(e.verify(ed)).toBe(true);
    s.free();
    for (const fn of [() => s.b64Encode(), () => s.getPubkey(), () => s.setPubkey(key), () => s.sign(key, 'sha256'), () => s.verify(key), () => s.toDER()]) throwsFreed(fn);
  });
});

describe('elliptic curves', () => {
  it('lists builtin curves as unique objects', () => {
    const all = crypto.getEllipticCurves();
    expect(all.size).toBeGreaterThan(50);
    const names = [...all].map((c) => c.name);
    expect(names).toContain('prime256v1');
    expect(names).toContain('secp384r1');
    const p = crypto.getEllipticCurve('prime256v1');
    expect(p.name).toBe('prime256v1');
    expect(p).toBe(crypto.getEllipticCurve('prime256v1'));
    expect(p.equals(crypto.getEllipticCurve('prime256v1'))).toBe(true);
    expect(p.equals(crypto.getEllipticCurve('secp384r1'))).toBe(false);
    expect(all.has(p)).toBe(true);
    expect(String(p)).toBe("<EllipticCurve 'prime256v1'>");
    throws(() => crypto.getEllipticCurve('nope'), RangeError);
    throws(() => crypto.getEllipticCurve(1 as unknown as string), TypeError);
    // every listed curve can make a key
    for (const n of ['prime256v1', 'secp521r1', 'secp256k1']) {
      const k = new crypto.PKey();
      k.generateKey(crypto.TYPE_EC, crypto.getEllipticCurve(n).name);
      expect(k.type()).toBe(crypto.TYPE_EC);
    }
  });
});

describe('X509Extension with a config database (@section references)', () => {
  it('certificatePolicies with CPS and user notice sections, as openssl x509 -extfile makes them', () => {
    const ext = new crypto.X509Extension('certificatePolicies', false, '1.2.3.4, @pol', null, null, {
      config: {
        pol: { policyIdentifier: '1.3.5.8', 'CPS.1': 'http://cps.example/', 'userNotice.1': '@notice' },
        notice: { explicitText: 'A $literal "text" #1', organization: 'Org', noticeNumbers: '1, 2' },
      },
    });
    const text = ext.toString();
    expect(text).toContain('Policy: 1.2.3.4');
    expect(text).toContain('Policy: 1.3.5.8');
    expect(text).toContain('CPS: http://cps.example/');
    expect(text).toContain('Explicit Text: A $literal "text" #1');
    expect(text).toContain('Organization: Org');
    // The same through the CLI: the DER is the same.
    const conf = tmpFile('pol.cnf', '[ext]\ncertificatePolicies = 1.2.3.4, @pol\n[pol]\npolicyIdentifier = 1.3.5.8\nCPS.1 = http://cps.example/\nuserNotice.1 = @notice\n[notice]\nexplicitText = "A \\$literal \\"text\\" #1"\norganization = Org\nnoticeNumbers = 1, 2\n');
    const keyFile = tmpFile('k.pem', crypto.dumpPrivatekey(crypto.FILETYPE_PEM, rsa()));
    // (x509 -new: OpenSSL 4.0 takes -extfile only when it makes a new certificate.)
    const pem = openssl(['x509', '-new', '-key', keyFile, '-subj', '/CN=cli', '-extfile', conf, '-extensions', 'ext']);
    const fromCli = crypto.loadCertificate(crypto.FILETYPE_PEM, pem);
    const found = Array.from({ length: fromCli.getExtensionCount() }, (_, i) => fromCli.getExtension(i)).find(
      (e) => e.getShortName() === 'certificatePolicies',
    );
    expect(found?.getData().equals(ext.getData())).toBe(true);
  });

  it('subjectAltName from an @section, and config text given as is', () => {
    const a = new crypto.X509Extension('subjectAltName', false, '@alt', null, null, { config: { alt: { 'DNS.1': 'a.example', 'DNS.2': 'b.example', 'IP.1': '127.0.0.1' } } });
    expect(a.toString()).toBe('DNS:a.example, DNS:b.example, IP Address:127.0.0.1');
    const b = new crypto.X509Extension('subjectAltName', false, '@alt', null, null, { config: '[alt]\nDNS.1 = c.example\n' });
    expect(b.toString()).toBe('DNS:c.example');
  });

  it('errors: a missing section, bad config text, bad section objects; no config is still "no config database"', () => {
    expect(() => new crypto.X509Extension('subjectAltName', false, '@missing', null, null, { config: { alt: { 'DNS.1': 'x' } } })).toThrow(crypto.Error);
    expect(() => new crypto.X509Extension('subjectAltName', false, '@alt', null, null, { config: '[alt\nDNS.1 = x\n' })).toThrow(/line 1/);
    expect(() => new crypto.X509Extension('subjectAltName', false, '@alt', null, null, { config: { 'bad name': {} } })).toThrow(TypeError);
    expect(() => new crypto.X509Extension('subjectAltName', false, '@alt', null, null, { config: { alt: { k: {} as never } } })).toThrow(TypeError);
    expect(() => new crypto.X509Extension('subjectAltName', false, '@alt')).toThrow(crypto.Error);
  });
});
