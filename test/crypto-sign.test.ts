import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OpenSSLError, crypto } from '../lib/index.js';
import { corpus, missingReason } from './corpora.js';
import { ecKey, edKey, makeCert, openssl, opensslStatus, rsa, throws, throwsFreed, throwsOpenSSL, tmpFile } from './crypto-helpers.js';

const { FILETYPE_PEM: PEM, FILETYPE_ASN1: DER } = crypto;
const data = Buffer.from('the quick brown fox');

describe('sign / verify', () => {
  const key = rsa();
  const cert = makeCert('signer', key);

  it('RSA PKCS#1 v1.5: sign, verify with cert and key; openssl dgst -verify agrees', () => {
    const sig = crypto.sign(key, data, 'sha256');
    expect(sig.length).toBe(256);
    expect(crypto.verify(cert, sig, data, 'sha256')).toBeUndefined();
    expect(crypto.verifyWithKey(key, sig, data, 'sha256')).toBeUndefined();
    expect(crypto.verifyWithKey(cert.getPubkey(), sig, 'the quick brown fox', 'SHA256')).toBeUndefined();
    expect(crypto.sign(key, data, 'sha256').equals(sig)).toBe(true); // deterministic
    const pub = tmpFile('pub.pem', crypto.dumpPublickey(PEM, key));
    const r = opensslStatus(['dgst', '-sha256', '-verify', pub, '-signature', tmpFile('s.bin', sig), tmpFile('d.bin', data)]);
    expect(r.status).toBe(0);
    expect(r.out).toContain('Verified OK');
    // openssl's signature verifies here
    const out = tmpFile('cli.sig', '');
    openssl(['dgst', '-sha384', '-sign', tmpFile('k2.pem', crypto.dumpPrivatekey(PEM, key)), '-out', out, tmpFile('d3.bin', data)]);
    crypto.verify(cert, fs.readFileSync(out), data, 'sha384');
  });

  it('bad signatures are OpenSSLError', () => {
    const sig = crypto.sign(key, data, 'sha256');
    const bad = Buffer.from(sig);
    bad[10] ^= 1;
    const e = throwsOpenSSL(() => crypto.verify(cert, bad, data, 'sha256'));
    expect(e.operation).toBe('verify');
    throwsOpenSSL(() => crypto.verify(cert, sig, Buffer.from('other'), 'sha256'));
    throwsOpenSSL(() => crypto.verify(cert, sig, data, 'sha384'));
    throwsOpenSSL(() => crypto.verify(cert, Buffer.alloc(0), data, 'sha256'));
    throwsOpenSSL(() => crypto.verify(cert, sig.subarray(1), data, 'sha256'));
    throwsOpenSSL(() => crypto.verifyWithKey(ecKey(), sig, data, 'sha256'));
  });

  it('argument errors', () => {
    const sig = crypto.sign(key, data, 'sha256');
    throws(() => crypto.sign(key, data, 'nodigest'), RangeError);
    throws(() => crypto.sign(key, data, null), TypeError);
    throws(() => crypto.sign(cert.getPubkey(), data, 'sha256'), TypeError);
    throws(() => crypto.sign(new crypto.PKey(), data, 'sha256'), TypeError);
    throws(() => crypto.sign({} as crypto.PKey, data, 'sha256'), TypeError);
    throws(() => crypto.sign(key, 5 as unknown as string, 'sha256'), TypeError);
    throws(() => crypto.verify(key as unknown as crypto.X509, sig, data, 'sha256'), TypeError);
    throws(() => crypto.verify(cert, 'sig' as unknown as Uint8Array, data, 'sha256'), TypeError);
    throws(() => crypto.verify(cert, sig, data, 'nodigest'), RangeError);
    throws(() => crypto.sign(key, data, 'sha256', { padding: 'oaep' as 'pss' }), RangeError);
    throws(() => crypto.sign(key, data, 'sha256', { saltLength: -5 }), RangeError);
    throws(() => crypto.sign(key, data, 'sha256', { saltLength: 'lots' as 'max' }), TypeError);
    throws(() => crypto.sign(key, data, 'sha256', { padding: 'pkcs1', saltLength: 5 }), TypeError);
    throws(() => crypto.sign(ecKey(), data, 'sha256', { padding: 'pss' }), TypeError);
    throws(() => crypto.sign(key, data, 'sha256', { padding: 'pss', mgf1Digest: 'nope' }), RangeError);
    throws(() => crypto.sign(key, data, 'sha256', 'pss' as unknown as crypto.SignatureOptions), TypeError);
    const noKey = new crypto.X509();
    throwsOpenSSL(() => crypto.verify(noKey, sig, data, 'sha256'));
    const dead = new crypto.PKey();
    dead.free();
    throwsFreed(() => crypto.sign(dead, data, 'sha256'));
    throwsFreed(() => crypto.verifyWithKey(dead, sig, data, 'sha256'));
    const deadCert = makeCert('dead', key);
    deadCert.free();
    throwsFreed(() => crypto.verify(deadCert, sig, data, 'sha256'));
  });

  it('RSA-PSS: salt lengths, MGF1 digest, openssl agrees', () => {
    const sig = crypto.sign(key, data, 'sha256', { padding: 'pss' });
    crypto.verify(cert, sig, data, 'sha256', { padding: 'pss' });
    crypto.verify(cert, sig, data, 'sha256', { padding: 'pss', saltLength: 32 });
    crypto.verify(cert, sig, data, 'sha256', { padding: 'pss', saltLength: 'digest' });
    throwsOpenSSL(() => crypto.verify(cert, sig, data, 'sha256', { padding: 'pss', saltLength: 20 }));
    throwsOpenSSL(() => crypto.verify(cert, sig, data, 'sha256')); // PKCS#1 v1.5 does not accept PSS
    const s2 = crypto.sign(key, data, 'sha256', { padding: 'pss', saltLength: 0 });
    expect(crypto.sign(key, data, 'sha256', { padding: 'pss', saltLength: 0 }).equals(s2)).toBe(true);
    crypto.verify(cert, s2, data, 'sha256', { padding: 'pss', saltLength: 0 });
    const s3 = crypto.sign(key, data, 'sha512', { padding: 'pss', saltLength: 'max', mgf1Digest: 'sha1' });
    crypto.verify(cert, s3, data, 'sha512', { padding: 'pss', mgf1Digest: 'sha1' });
    throwsOpenSSL(() => crypto.verify(cert, s3, data, 'sha512', { padding: 'pss' }));
    const pub = tmpFile('pss.pem', crypto.dumpPublickey(PEM, key));
    const r = opensslStatus(['dgst', '-sha256', '-verify', pub, '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:-1', '-signature', tmpFile('pss.sig', sig), tmpFile('pss.dat', data)]);
    expect(r.out).toContain('Verified OK');
  });

  it('ECDSA (DER), DSA, Ed25519/Ed448 (null digest)', () => {
    const ek = ecKey('secp384r1');
    const ec = makeCert('ec', ek, { digest: 'sha384' });
    const esig = crypto.sign(ek, data, 'sha384');
    expect(esig[0]).toBe(0x30);
    crypto.verify(ec, esig, data, 'sha384');
    const r = opensslStatus(['dgst', '-sha384', '-verify', tmpFile('ec.pem', crypto.dumpPublickey(PEM, ek)), '-signature', tmpFile('ec.sig', esig), tmpFile('ec.dat', data)]);
    expect(r.out).toContain('Verified OK');
    const dk = new crypto.PKey();
    dk.generateKey(crypto.TYPE_DSA, 1024);
    crypto.verifyWithKey(dk, crypto.sign(dk, data, 'sha256'), data, 'sha256');
    for (const t of [crypto.TYPE_ED25519, crypto.TYPE_ED448]) {
      const k = edKey(t);
      const s = crypto.sign(k, data, null);
      expect(s.length).toBe(t === crypto.TYPE_ED25519 ? 64 : 114);
      crypto.verify(makeCert('ed', k, { digest: null }), s, data, null);
      crypto.verifyWithKey(k, s, data, 'sha256'); // digest ignored for EdDSA
      throwsOpenSSL(() => crypto.verifyWithKey(k, s, Buffer.from('x'), null));
      const rr = opensslStatus(['pkeyutl', '-verify', '-pubin', '-inkey', tmpFile('ed.pem', crypto.dumpPublickey(PEM, k)), '-rawin', '-in', tmpFile('ed.dat', data), '-sigfile', tmpFile('ed.sig', s)]);
      expect(rr.out).toContain('Signature Verified Successfully');
    }
    throwsOpenSSL(() => {
      const x = new crypto.PKey();
      x.generateKey(crypto.TYPE_X25519);
      crypto.sign(x, data, 'sha256');
    });
  });
});

// ---------------------------------------------------------------------------------------------
const wdir = corpus('wycheproof/testvectors_v1');

interface WTest {
  tcId: number;
  msg: string;
  sig: string;
  result: 'valid' | 'invalid' | 'acceptable';
}
interface WGroup {
  publicKeyDer?: string;
  privateKeyPkcs8?: string;
  sha?: string;
  mgfSha?: string;
  sLen?: number;
  tests: WTest[];
}

function mdName(sha: string | undefined): string | null {
  if (sha === undefined) return null;
  return sha.toLowerCase().replace('/', '-').replace(/^sha-(\d)/, 'sha$1');
}

interface Tally {
  valid: number;
  invalid: number;
  acceptable: number;
  acceptableVerified: number;
  keyLoadFailures: number;
}

function runVerifyFile(file: string, pss: boolean): Tally {
  const j = JSON.parse(fs.readFileSync(path.join(wdir!, file), 'utf8')) as { testGroups: WGroup[] };
  const t: Tally = { valid: 0, invalid: 0, acceptable: 0, acceptableVerified: 0, keyLoadFailures: 0 };
  for (const g of j.testGroups) {
    let key: crypto.PKey;
    try {
      key = crypto.loadPublickey(DER, Buffer.from(g.publicKeyDer!, 'hex'));
    } catch (e) {
      expect(e).toBeInstanceOf(OpenSSLError);
      t.keyLoadFailures += g.tests.length;
      continue;
    }
    const md = mdName(g.sha);
    const opts: crypto.SignatureOptions | undefined = pss ? { padding: 'pss', saltLength: g.sLen!, mgf1Digest: mdName(g.mgfSha)! } : undefined;
    for (const tc of g.tests) {
      const msg = Buffer.from(tc.msg, 'hex');
      const sig = Buffer.from(tc.sig, 'hex');
      let ok = true;
      try {
        crypto.verifyWithKey(key, sig, msg, md, opts);
      } catch (e) {
        if (!(e instanceof OpenSSLError)) throw new Error(`${file} tc ${tc.tcId}: ${String(e)}`);
        ok = false;
      }
      if (tc.result === 'valid') {
        expect(ok, `${file} tc ${tc.tcId} valid`).toBe(true);
        t.valid++;
      } else if (tc.result === 'invalid') {
        expect(ok, `${file} tc ${tc.tcId} invalid`).toBe(false);
        t.invalid++;
      } else {
        t.acceptable++;
        if (ok) t.acceptableVerified++;
      }
    }
  }
  return t;
}

describe.skipIf(!wdir)(`Wycheproof signature vectors${wdir ? '' : ` (skipped: ${missingReason('wycheproof/testvectors_v1')})`}`, () => {
  const cases: [string, boolean, { valid: number; invalid: number; acceptable: number }][] = [
    ['ecdsa_secp256r1_sha256_test.json', false, { valid: 174, invalid: 310, acceptable: 0 }],
    ['ecdsa_secp256k1_sha256_test.json', false, { valid: 168, invalid: 308, acceptable: 0 }],
    ['ecdsa_secp384r1_sha384_test.json', false, { valid: 194, invalid: 310, acceptable: 0 }],
    ['ecdsa_secp521r1_sha512_test.json', false, { valid: 232, invalid: 310, acceptable: 0 }],
    ['rsa_signature_2048_sha256_test.json', false, { valid: 9, invalid: 249, acceptable: 1 }],
    ['rsa_signature_3072_sha384_test.json', false, { valid: 7, invalid: 251, acceptable: 1 }],
    ['rsa_signature_4096_sha512_test.json', false, { valid: 7, invalid: 251, acceptable: 1 }],
    ['rsa_pss_2048_sha256_mgf1_32_test.json', true, { valid: 63, invalid: 45, acceptable: 0 }],
    ['rsa_pss_misc_test.json', true, { valid: 150, invalid: 0, acceptable: 0 }],
    ['ed25519_test.json', false, { valid: 88, invalid: 63, acceptable: 0 }],
    ['ed448_test.json', false, { valid: 17, invalid: 70, acceptable: 0 }],
    ['dsa_2048_224_sha224_test.json', false, { valid: 52, invalid: 283, acceptable: 1 }],
  ];
  for (const [file, pss, want] of cases) {
    it(file, () => {
      const t = runVerifyFile(file, pss);
      const j = JSON.parse(fs.readFileSync(path.join(wdir!, file), 'utf8')) as { numberOfTests: number };
      expect(t.valid + t.invalid + t.acceptable + t.keyLoadFailures).toBe(j.numberOfTests);
      expect(t.keyLoadFailures).toBe(0);
      expect({ valid: t.valid, invalid: t.invalid, acceptable: t.acceptable }).toEqual(want);
    });
  }

  it('counts add up to every vector of the 12 verify files', () => {
    const total = cases.reduce((n, [, , w]) => n + w.valid + w.invalid + w.acceptable, 0);
    expect(total).toBe(3615);
  });

  it('RSA PKCS#1 v1.5 signature generation (deterministic: exact signatures)', () => {
    const j = JSON.parse(fs.readFileSync(path.join(wdir!, 'rsa_pkcs1_2048_sig_gen_test.json'), 'utf8')) as { testGroups: WGroup[]; numberOfTests: number };
    let n = 0;
    for (const g of j.testGroups) {
      const key = crypto.loadPrivatekey(DER, Buffer.from(g.privateKeyPkcs8!, 'hex'));
      for (const tc of g.tests) {
        const sig = crypto.sign(key, Buffer.from(tc.msg, 'hex'), mdName(g.sha));
        expect(sig.toString('hex'), `tc ${tc.tcId}`).toBe(tc.sig);
        crypto.verifyWithKey(key, sig, Buffer.from(tc.msg, 'hex'), mdName(g.sha));
        n++;
      }
    }
    expect(n).toBe(j.numberOfTests);
    expect(n).toBe(43);
  });
});
