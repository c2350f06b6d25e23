// A private CA in one file, with openssl-napi's crypto namespace alone:
//   - a root CA and an intermediate CA (basicConstraints with pathlen, keyUsage, SKI/AKI);
//   - a server key and a CSR (PKCS#10 with a requested subjectAltName), which the intermediate
//     checks and turns into a certificate (the CSR's subject and SAN, the CA's own constraints);
//   - a second certificate that is then revoked (keyCompromise), and a CRL for each CA;
//   - an OCSP request for both leaves, and a response signed by a delegated OCSP responder
//     (extendedKeyUsage OCSPSigning) that says "good" for one and "revoked" for the other;
//   - everything verified with the binding's X509Store / X509StoreContext (chain, purpose, host
//     name, CRL_CHECK_ALL) after reading the PEM/DER files back from disk, and a summary printed.
// Exit 0 iff every check holds.
//
//   node examples/private-ca/main.js [output-dir]
//
// Without output-dir the files go to a fresh temporary directory, removed at exit; with it they
// are written there and kept (the directory is created if missing).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crypto } from 'openssl-napi';

const { X509, X509Req, X509Extension, X509Name, PKey, CRL, Revoked, X509Store, X509StoreContext, X509StoreContextError } = crypto;
const { OCSPRequest, OCSPResponse, FILETYPE_PEM, FILETYPE_ASN1 } = crypto;

// ------------------------------------------------------------------ output directory
const givenDir = process.argv[2];
const outDir = givenDir ? path.resolve(givenDir) : fs.mkdtempSync(path.join(os.tmpdir(), 'private-ca-'));
fs.mkdirSync(outDir, { recursive: true });
const written = [];
function save(name, data) {
  const file = path.join(outDir, name);
  fs.writeFileSync(file, data, { mode: name.endsWith('.key') ? 0o600 : 0o644 });
  written.push(name);
  return file;
}
const load = (name) => fs.readFileSync(path.join(outDir, name));

// ------------------------------------------------------------------ checks
const results = [];
function check(label, fn) {
  try {
    const detail = fn();
    results.push({ ok: true, label, detail: detail ?? '' });
  } catch (err) {
    results.push({ ok: false, label, detail: err?.message ?? String(err) });
  }
}
function expectEqual(actual, expected, what) {
  if (actual !== expected) throw new Error(`${what}: expected ${expected}, got ${actual}`);
  return `${what} = ${actual}`;
}

// ------------------------------------------------------------------ helpers
const ext = (type, critical, value, subject = null, issuer = null) => new X509Extension(type, critical, value, subject, issuer);
/** `YYYYMMDDhhmmssZ` for a Date (the ASN.1 time text CRL/Revoked setters take). */
const asn1Time = (date) => date.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
const pem = (cert) => crypto.dumpCertificate(FILETYPE_PEM, cert);

function ecKey(curve = 'prime256v1') {
  const k = new PKey();
  k.generateKey(crypto.TYPE_EC, curve);
  return k;
}

let nextSerial = 0x1000n;
/**
 * A certificate for `pubkey` with `subject`, signed by `issuer` ({ cert, key }; null: self-signed
 * with `signKey`), valid for `days`, with `extensions` built by `exts(cert)` (so that SKI can hash
 * the certificate's own key).
 */
function makeCert({ subject, pubkey, issuer, signKey, days, exts }) {
  const cert = new X509();
  cert.setVersion(2);
  cert.setSerialNumber(nextSerial++);
  cert.setSubject(subject);
  cert.setIssuer(issuer ? issuer.cert.getSubject() : subject);
  cert.gmtimeAdjNotBefore(-60);
  cert.gmtimeAdjNotAfter(days * 86400);
  cert.setPubkey(pubkey);
  cert.addExtensions([...exts, ext('subjectKeyIdentifier', false, 'hash', cert)]);
  // AKI names the issuer's SKI (a root's own, which must exist first).
  cert.addExtensions([ext('authorityKeyIdentifier', false, 'keyid:always', null, issuer ? issuer.cert : cert)]);
  cert.sign(issuer ? issuer.key : signKey, 'sha256');
  return cert;
}

function name(fields) {
  const n = new X509Name();
  for (const [k, v] of Object.entries(fields)) n[k] = v;
  return n;
}

// ------------------------------------------------------------------ 1. root and intermediate
const rootKey = ecKey('secp384r1');
const rootCert = makeCert({
  subject: name({ C: 'NL', O: 'Example Private PKI', CN: 'Example Root CA' }),
  pubkey: rootKey,
  issuer: null,
  signKey: rootKey,
  days: 3650,
  exts: [ext('basicConstraints', true, 'CA:TRUE'), ext('keyUsage', true, 'keyCertSign, cRLSign')],
});
const root = { cert: rootCert, key: rootKey };

const intKey = ecKey();
const intCert = makeCert({
  subject: name({ C: 'NL', O: 'Example Private PKI', CN: 'Example Issuing CA 1' }),
  pubkey: intKey,
  issuer: root,
  days: 1825,
  exts: [ext('basicConstraints', true, 'CA:TRUE, pathlen:0'), ext('keyUsage', true, 'keyCertSign, cRLSign')],
});
const intermediate = { cert: intCert, key: intKey };

save('root-ca.pem', pem(rootCert));
save('root-ca.key', crypto.dumpPrivatekey(FILETYPE_PEM, rootKey));
save('intermediate-ca.pem', pem(intCert));
save('intermediate-ca.key', crypto.dumpPrivatekey(FILETYPE_PEM, intKey));

// ------------------------------------------------------------------ 2. a CSR, as a server operator makes it
const serverKey = ecKey();
const req = new X509Req();
req.setVersion(0);
req.getSubject().O = 'Example Shop';
req.getSubject().CN = 'www.example.test';
req.setPubkey(serverKey);
req.addExtensions([ext('subjectAltName', false, 'DNS:www.example.test, DNS:example.test, IP:127.0.0.1')]);
req.sign(serverKey, 'sha256');
save('server.key', crypto.dumpPrivatekey(FILETYPE_PEM, serverKey));
save('server.csr', crypto.dumpCertificateRequest(FILETYPE_PEM, req));

// ------------------------------------------------------------------ 3. the CA issues from the CSR
/** What a CA does with a CSR it received as a file: check its signature, keep only the SAN. */
function issueFromCsr(csrPem, ca, usage) {
  const csr = crypto.loadCertificateRequest(FILETYPE_PEM, csrPem);
  csr.verify(csr.getPubkey()); // throws crypto.Error when the proof of possession fails
  const requested = csr.getExtensions().filter((e) => e.getShortName() === 'subjectAltName');
  return makeCert({
    subject: csr.getSubject(),
    pubkey: csr.getPubkey(),
    issuer: ca,
    days: 90,
    exts: [
      ext('basicConstraints', true, 'CA:FALSE'),
      ext('keyUsage', true, 'digitalSignature'),
      ext('extendedKeyUsage', false, usage),
      ...requested,
      ext('crlDistributionPoints', false, 'URI:http://127.0.0.1:8080/issuing-ca-1.crl'),
      ext('authorityInfoAccess', false, 'OCSP;URI:http://127.0.0.1:8080/ocsp'),
    ],
  });
}
const serverCert = issueFromCsr(load('server.csr'), intermediate, 'serverAuth');
save('server.pem', Buffer.concat([pem(serverCert), pem(intCert)])); // leaf + chain, as a server loads it

// A second leaf (a client certificate of a retired host), through the same path, to revoke.
const retiredKey = ecKey();
const retiredReq = new X509Req();
retiredReq.getSubject().CN = 'retired-host.example.test';
retiredReq.setPubkey(retiredKey);
retiredReq.addExtensions([ext('subjectAltName', false, 'DNS:retired-host.example.test')]);
retiredReq.sign(retiredKey, 'sha256');
const retiredCert = issueFromCsr(crypto.dumpCertificateRequest(FILETYPE_PEM, retiredReq), intermediate, 'clientAuth');
save('retired-host.pem', pem(retiredCert));

// ------------------------------------------------------------------ 4. revocation and CRLs
const now = new Date();
function makeCrl(ca, revokedEntries) {
  const crl = new CRL();
  crl.setVersion(1); // v2
  crl.setLastUpdate(asn1Time(new Date(now.getTime() - 60_000)));
  crl.setNextUpdate(asn1Time(new Date(now.getTime() + 7 * 86400_000)));
  for (const { cert, reason } of revokedEntries) {
    const r = new Revoked();
    r.setSerialNumber(cert.getSerialNumber());
    r.setRevDate(asn1Time(new Date(now.getTime() - 30_000)));
    r.setReason(reason);
    crl.addRevoked(r);
  }
  crl.sign(ca.cert, ca.key, 'sha256');
  return crl;
}
save('issuing-ca-1.crl', crypto.dumpCrl(FILETYPE_PEM, makeCrl(intermediate, [{ cert: retiredCert, reason: 'keyCompromise' }])));
save('root-ca.crl', crypto.dumpCrl(FILETYPE_PEM, makeCrl(root, [])));

// ------------------------------------------------------------------ 5. OCSP: request, delegated responder, response
const responderKey = ecKey();
const responderCert = makeCert({
  subject: name({ O: 'Example Private PKI', CN: 'Example Issuing CA 1 OCSP Responder' }),
  pubkey: responderKey,
  issuer: intermediate,
  days: 30,
  exts: [
    ext('basicConstraints', true, 'CA:FALSE'),
    ext('keyUsage', true, 'digitalSignature'),
    ext('extendedKeyUsage', true, 'OCSPSigning'),
    ext('noCheck', false, 'ignored'), // id-pkix-ocsp-nocheck: do not check the responder's own status
  ],
});
save('ocsp-responder.pem', pem(responderCert));

const ocspReq = OCSPRequest.create([
  [serverCert, intCert],
  [retiredCert, intCert],
]);
save('ocsp-request.der', ocspReq.toDER());

// The responder receives the DER request and answers it (its nonce copied into the response).
const received = OCSPRequest.fromDER(load('ocsp-request.der'));
const ocspResp = OCSPResponse.create(
  [
    { certificate: serverCert, issuer: intCert, status: 'good' },
    {
      certificate: retiredCert,
      issuer: intCert,
      status: 'revoked',
      revocationTime: asn1Time(new Date(now.getTime() - 30_000)),
      revocationReason: 'keyCompromise',
    },
  ],
  { responderCert, responderKey, certificates: [intCert], request: received, validitySeconds: 3600 },
);
save('ocsp-response.der', ocspResp.toDER());

// ------------------------------------------------------------------ 6. verify everything, from the files
const L = {
  root: crypto.loadCertificate(FILETYPE_PEM, load('root-ca.pem')),
  int: crypto.loadCertificate(FILETYPE_PEM, load('intermediate-ca.pem')),
  server: crypto.loadCertificate(FILETYPE_PEM, load('server.pem')), // the first certificate of the file
  retired: crypto.loadCertificate(FILETYPE_PEM, load('retired-host.pem')),
  intCrl: crypto.loadCrl(FILETYPE_PEM, load('issuing-ca-1.crl')),
  rootCrl: crypto.loadCrl(FILETYPE_PEM, load('root-ca.crl')),
  ocsp: OCSPResponse.fromDER(load('ocsp-response.der')),
};

check('CSR signature (proof of possession)', () => {
  const csr = crypto.loadCertificateRequest(FILETYPE_PEM, load('server.csr'));
  csr.verify(csr.getPubkey());
  return `${csr.getSubject().CN}, ${csr.getSignatureAlgorithm()}`;
});

check('server certificate keeps the CSR subject and SAN', () => {
  expectEqual(L.server.getSubject().CN, 'www.example.test', 'CN');
  const san = L.server.getExtensionCount() &&
    [...Array(L.server.getExtensionCount()).keys()].map((i) => L.server.getExtension(i)).find((e) => e.getShortName() === 'subjectAltName');
  if (!san) throw new Error('no subjectAltName');
  if (!san.toString().includes('IP Address:127.0.0.1')) throw new Error(`SAN is ${san}`);
  return san.toString();
});

// A store that trusts the root only; the intermediate comes along as an untrusted chain.
function trustStore({ crls = false } = {}) {
  const store = new X509Store();
  store.loadLocations(path.join(outDir, 'root-ca.pem')); // the trust anchor, from its file
  if (crls) {
    store.addCrl(L.intCrl);
    store.addCrl(L.rootCrl);
    store.setFlags(crypto.X509StoreFlags.CRL_CHECK | crypto.X509StoreFlags.CRL_CHECK_ALL);
  }
  return store;
}
const chainText = (chain) => chain.map((c) => c.getSubject().CN).join(' -> ');

check('server chain to the root, purpose sslserver, host www.example.test', () => {
  const ctx = new X509StoreContext(trustStore(), L.server, [L.int]);
  ctx.setPurpose(crypto.X509Purpose.SSL_SERVER);
  ctx.setHost('www.example.test');
  return chainText(ctx.getVerifiedChain());
});

check('server certificate, IP 127.0.0.1 from its SAN', () => {
  const ctx = new X509StoreContext(trustStore(), L.server, [L.int]);
  ctx.setIpAddress('127.0.0.1');
  ctx.verifyCertificate();
  return 'ok';
});

check('wrong host name is refused', () => {
  const ctx = new X509StoreContext(trustStore(), L.server, [L.int]);
  ctx.setHost('evil.example.test');
  try {
    ctx.verifyCertificate();
  } catch (e) {
    if (e instanceof X509StoreContextError) return expectEqual(e.codeName, 'X509_V_ERR_HOSTNAME_MISMATCH', 'error');
    throw e;
  }
  throw new Error('verified although the host name does not match');
});

check('CRL signatures (issuing CA, root)', () => {
  if (!L.intCrl.verify(L.int.getPubkey())) throw new Error('issuing CA CRL signature');
  if (!L.rootCrl.verify(L.root.getPubkey())) throw new Error('root CRL signature');
  const entries = L.intCrl.getRevoked() ?? [];
  return `${entries.length} revoked on the issuing CA's CRL: serial ${entries.map((r) => '0x' + r.getSerialNumber().toString(16)).join(', ')} (${entries[0]?.getReason()})`;
});

check('server certificate with CRL_CHECK_ALL', () => {
  new X509StoreContext(trustStore({ crls: true }), L.server, [L.int]).verifyCertificate();
  return 'not revoked';
});

check('revoked certificate with CRL_CHECK_ALL', () => {
  try {
    new X509StoreContext(trustStore({ crls: true }), L.retired, [L.int]).verifyCertificate();
  } catch (e) {
    if (e instanceof X509StoreContextError) return expectEqual(e.codeName, 'X509_V_ERR_CERT_REVOKED', 'error');
    throw e;
  }
  throw new Error('a revoked certificate verified');
});

check('revoked certificate verifies without CRLs (why CRLs matter)', () => {
  new X509StoreContext(trustStore(), L.retired, [L.int]).verifyCertificate();
  return 'ok without revocation data';
});

check('OCSP response signature (delegated responder, chain to the root)', () => {
  expectEqual(L.ocsp.getStatus(), 'successful', 'responseStatus');
  L.ocsp.verify(trustStore()); // responder + intermediate are in the response's certificates
  const signer = L.ocsp.getCertificates()[0];
  return `signed by ${signer.getSubject().CN}`;
});

check('OCSP nonce matches the request', () => expectEqual(L.ocsp.checkNonce(ocspReq), 1, 'checkNonce'));

check('OCSP status of the server certificate', () => expectEqual(L.ocsp.getStatusFor(L.server, L.int)?.status, 'good', 'status'));

check('OCSP status of the revoked certificate', () => {
  const s = L.ocsp.getStatusFor(L.retired, L.int);
  expectEqual(s?.status, 'revoked', 'status');
  return `revoked at ${s.revocationTime} (${s.revocationReason})`;
});

check('OCSP response refused under another root', () => {
  const otherKey = ecKey();
  const otherRoot = makeCert({
    subject: name({ CN: 'Some Other Root' }),
    pubkey: otherKey,
    issuer: null,
    signKey: otherKey,
    days: 1,
    exts: [ext('basicConstraints', true, 'CA:TRUE'), ext('keyUsage', true, 'keyCertSign, cRLSign')],
  });
  const store = new X509Store();
  store.addCert(otherRoot);
  if (L.ocsp.isValid(store)) throw new Error('verified under the wrong root');
  return 'refused';
});

// ------------------------------------------------------------------ summary
const line = (c) => `  ${c.getSubject().CN.padEnd(36)} serial 0x${c.getSerialNumber().toString(16).padEnd(6)} ` +
  `issuer ${c.getIssuer().CN.padEnd(22)} until ${c.getNotAfter()}`;
console.log('Certificates');
for (const c of [rootCert, intCert, responderCert, serverCert, retiredCert]) console.log(line(c));
console.log(`\nFiles in ${outDir}${givenDir ? '' : ' (temporary, removed at exit; pass a directory to keep them)'}`);
console.log(`  ${written.join(', ')}`);
console.log('\nChecks');
for (const r of results) console.log(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.label}${r.detail ? `: ${r.detail}` : ''}`);
const failed = results.filter((r) => !r.ok).length;
console.log(failed === 0 ? `\nall ${results.length} checks passed` : `\n${failed} of ${results.length} checks FAILED`);

if (!givenDir) fs.rmSync(outDir, { recursive: true, force: true });
process.exitCode = failed === 0 ? 0 : 1;
