// Every input of OpenSSL's fuzz corpora through every load function for its format, and every
// accessor on everything that loads: nothing may crash, and every failure must be an
// OpenSSLError or a documented TypeError/RangeError.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OpenSSLError, crypto } from '../lib/index.js';
import { corpus, missingReason } from './corpora.js';

const { FILETYPE_PEM: PEM, FILETYPE_ASN1: DER, FILETYPE_TEXT: TEXT } = crypto;
const root = corpus('openssl-fuzz-corpora');

interface Stats {
  calls: number;
  ok: number;
  openssl: number;
  typeError: number;
  rangeError: number;
  state: number;
}
const typeErrorSites = new Set<string>();
const stats: Stats = { calls: 0, ok: 0, openssl: 0, typeError: 0, rangeError: 0, state: 0 };

/** Runs fn; a throw must be one of the documented error kinds. */
function probe<T>(what: string, fn: () => T, allowState = false): T | undefined {
  stats.calls++;
  try {
    const v = fn();
    stats.ok++;
    return v;
  } catch (e) {
    if (e instanceof OpenSSLError) stats.openssl++;
    else if (e instanceof TypeError) {
      stats.typeError++;
      typeErrorSites.add(`${what.split(' ').slice(1).join(' ')}: ${(e as Error).message}`);
    }
    else if (e instanceof RangeError) stats.rangeError++;
    else if (allowState && (e as { code?: string }).code === 'ERR_OPENSSL_NAPI_STATE') stats.state++;
    else throw new Error(`${what}: undocumented error ${String(e)}`);
    return undefined;
  }
}

function files(dir: string): string[] {
  const d = path.join(root!, dir);
  return fs
    .readdirSync(d)
    .map((f) => path.join(d, f))
    .filter((f) => fs.statSync(f).isFile());
}

function exerciseName(n: crypto.X509Name, what: string): void {
  for (const [k, fn] of Object.entries({
    CN: () => n.CN,
    O: () => n.organizationName,
    emailAddress: () => n.emailAddress,
    components: () => n.getComponents(),
    toString: () => n.toString(),
    rfc2253: () => n.rfc2253(),
    hash: () => n.hash(),
    der: () => n.der(),
    copy: () => new crypto.X509Name(n).equals(n),
  })) {
    probe(`${what} name.${k}`, fn);
  }
}

function exerciseKey(k: crypto.PKey, what: string): void {
  probe(`${what} type`, () => k.type());
  probe(`${what} bits`, () => k.bits());
  probe(`${what} equals`, () => k.equals(k));
  for (const t of [PEM, DER, TEXT] as const) probe(`${what} dumpPublickey`, () => crypto.dumpPublickey(t, k));
  if (k.hasPrivateKey()) for (const t of [PEM, DER, TEXT] as const) probe(`${what} dumpPrivatekey`, () => crypto.dumpPrivatekey(t, k));
}

function exerciseCert(c: crypto.X509, what: string): void {
  probe(`${what} version`, () => c.getVersion());
  probe(`${what} serial`, () => c.getSerialNumber());
  probe(`${what} notBefore`, () => c.getNotBefore());
  probe(`${what} notAfter`, () => c.getNotAfter());
  probe(`${what} hasExpired`, () => c.hasExpired(), true);
  const s = probe(`${what} subject`, () => c.getSubject());
  if (s) exerciseName(s, what);
  const i = probe(`${what} issuer`, () => c.getIssuer());
  if (i) exerciseName(i, what);
  const k = probe(`${what} pubkey`, () => c.getPubkey());
  if (k) {
    exerciseKey(k, what);
    probe(`${what} verifySignature`, () => c.verifySignature(k));
  }
  probe(`${what} sigalg`, () => c.getSignatureAlgorithm());
  probe(`${what} digest`, () => c.digest('sha256'));
  probe(`${what} subjectNameHash`, () => c.subjectNameHash());
  const n = probe(`${what} extcount`, () => c.getExtensionCount()) ?? 0;
  for (let x = 0; x < n; x++) {
    const e = probe(`${what} ext ${x}`, () => c.getExtension(x));
    if (!e) continue;
    probe(`${what} ext.name`, () => e.getShortName());
    probe(`${what} ext.critical`, () => e.getCritical());
    probe(`${what} ext.data`, () => e.getData());
    probe(`${what} ext.toString`, () => e.toString());
    probe(`${what} ext.toDER`, () => e.toDER());
  }
  for (const t of [PEM, DER, TEXT] as const) probe(`${what} dump`, () => crypto.dumpCertificate(t, c));
  probe(`${what} copy-sign`, () => {
    // re-signing a parsed certificate must not crash either
    const der = crypto.dumpCertificate(DER, c);
    return crypto.loadCertificate(DER, der).getExtensionCount();
  });
}

function exerciseReq(r: crypto.X509Req, what: string): void {
  probe(`${what} version`, () => r.getVersion());
  const s = probe(`${what} subject`, () => r.getSubject());
  if (s) exerciseName(s, what);
  const k = probe(`${what} pubkey`, () => r.getPubkey());
  if (k) {
    exerciseKey(k, what);
    probe(`${what} verify`, () => r.verify(k));
  }
  const exts = probe(`${what} exts`, () => r.getExtensions()) ?? [];
  for (const e of exts) probe(`${what} ext`, () => e.toString());
  probe(`${what} sigalg`, () => r.getSignatureAlgorithm());
  for (const t of [PEM, DER, TEXT] as const) probe(`${what} dump`, () => crypto.dumpCertificateRequest(t, r));
}

describe.skipIf(!root)(`OpenSSL fuzz corpora${root ? '' : ` (skipped: ${missingReason('openssl-fuzz-corpora')})`}`, () => {
  let certs = 0;
  let keys = 0;
  let reqs = 0;
  let inputs = 0;

  function loadAll(file: string): void {
    const buf = fs.readFileSync(file);
    inputs++;
    for (const t of [PEM, DER] as const) {
      const c = probe(`${file} loadCertificate`, () => crypto.loadCertificate(t, buf));
      if (c) {
        certs++;
        exerciseCert(c, file);
        c.free();
      }
      const k = probe(`${file} loadPrivatekey`, () => crypto.loadPrivatekey(t, buf));
      if (k) {
        keys++;
        exerciseKey(k, file);
      }
      const p = probe(`${file} loadPublickey`, () => crypto.loadPublickey(t, buf));
      if (p) {
        keys++;
        exerciseKey(p, file);
      }
      const r = probe(`${file} loadCertificateRequest`, () => crypto.loadCertificateRequest(t, buf));
      if (r) {
        reqs++;
        exerciseReq(r, file);
      }
    }
    // a passphrase callback that throws never leaks into another input
    probe(`${file} loadPrivatekey cb`, () => crypto.loadPrivatekey(PEM, buf, () => 'pw'));
  }

  for (const dir of ['x509', 'pem', 'asn1', 'decoder']) {
    it(`${dir}: every input through every loader`, () => {
      const list = files(dir);
      expect(list.length).toBeGreaterThan(10);
      for (const f of list) loadAll(f);
    });
  }

  it('mutated CSRs, certificates and SPKACs (deterministic byte flips)', () => {
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const key = new crypto.PKey();
    key.generateKey(crypto.TYPE_EC, 'prime256v1');
    const req = new crypto.X509Req();
    req.getSubject().CN = 'mutant';
    req.setPubkey(key);
    req.addExtensions([
      new crypto.X509Extension('subjectAltName', false, 'DNS:a.example, IP:1.2.3.4, email:x@y.z'),
      new crypto.X509Extension('keyUsage', true, 'digitalSignature'),
    ]);
    req.sign(key, 'sha256');
    const reqDer = crypto.dumpCertificateRequest(DER, req);
    const cert = new crypto.X509();
    cert.setVersion(2);
    cert.getSubject().CN = 'mutant';
    cert.setIssuer(cert.getSubject());
    cert.setPubkey(key);
    cert.gmtimeAdjNotBefore(0);
    cert.gmtimeAdjNotAfter(60);
    cert.addExtensions([
      new crypto.X509Extension('basicConstraints', true, 'CA:TRUE'),
      new crypto.X509Extension('subjectAltName', false, 'DNS:a.example, URI:http://u/'),
      new crypto.X509Extension('extendedKeyUsage', false, 'serverAuth'),
    ]);
    cert.sign(key, 'sha256');
    const certDer = crypto.dumpCertificate(DER, cert);
    const spki = new crypto.NetscapeSPKI();
    spki.setPubkey(key);
    spki.sign(key, 'sha256');
    const spkiDer = spki.toDER();
    let loadedReqs = 0;
    let loadedCerts = 0;
    for (let i = 0; i < 1500; i++) {
      for (const [base, kind] of [[reqDer, 'req'], [certDer, 'cert'], [spkiDer, 'spki']] as const) {
        const m = Buffer.from(base);
        const flips = 1 + rnd(3);
        for (let f = 0; f < flips; f++) m[rnd(m.length)] = rnd(256);
        if (kind === 'req') {
          const r = probe('mut loadCertificateRequest', () => crypto.loadCertificateRequest(DER, m));
          if (r) {
            loadedReqs++;
            exerciseReq(r, 'mut');
          }
        } else if (kind === 'cert') {
          const c = probe('mut loadCertificate', () => crypto.loadCertificate(DER, m));
          if (c) {
            loadedCerts++;
            exerciseCert(c, 'mut');
          }
        } else {
          const s = probe('mut spki', () => crypto.NetscapeSPKI.fromBase64(m.toString('base64')));
          if (s) {
            probe('mut spki pubkey', () => s.getPubkey());
            probe('mut spki verify', () => s.verify(key));
            probe('mut spki b64', () => s.b64Encode());
          }
        }
      }
    }
    expect(loadedReqs).toBeGreaterThan(100);
    expect(loadedCerts).toBeGreaterThan(100);
    reqs += loadedReqs;
  });

  it('totals', () => {
    expect(inputs).toBe(849 + 25 + 648 + 359);
    expect(certs).toBeGreaterThan(100);
    expect(stats.openssl).toBeGreaterThan(1000);
    expect(stats.calls).toBe(stats.ok + stats.openssl + stats.typeError + stats.rangeError + stats.state);
    // the only TypeError is getSignatureAlgorithm on an algorithm OpenSSL does not know
    expect([...typeErrorSites].every((t) => /sigalg: Undefined signature algorithm/.test(t)), [...typeErrorSites].join('\n')).toBe(true);
    console.log(`fuzz corpora: ${inputs} inputs, ${certs} certificates, ${keys} keys, ${reqs} CSRs loaded; ${JSON.stringify(stats)}`);
  });
});
