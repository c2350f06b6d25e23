// Zero-trust service mesh in miniature, with openssl-napi alone:
//   - a private root CA and an intermediate CA (basicConstraints, keyUsage, SKI, AKI);
//   - short-lived service certificates whose identity is a URI SAN (SPIFFE style);
//   - an mTLS server on 127.0.0.1 that requires a client certificate, verifies the chain to the
//     root, checks the intermediate's CRL (CRL_CHECK on the context's own X509Store), and
//     authorises each caller by its URI identity after the handshake;
//   - the server staples an OCSP response its issuer signed (made here with OCSPResponse.create),
//     and every client requires it: no staple, a bad signature or a status other than good, and
//     the client refuses the server;
//   - six clients, each outcome printed with OpenSSL's reason. Exit 0 iff every outcome is expected.
//
//   npm start   (= node examples/zero-trust/main.js, after `npm run build`)
import { SSL, crypto } from 'openssl-napi';

const TRUST_DOMAIN = 'spiffe://example.internal';
const id = (name) => `${TRUST_DOMAIN}/service/${name}`;
const AUTHORISED = new Set([id('billing'), id('frontend')]);

// ---------------------------------------------------------------- a tiny CA toolkit
let serial = 1;
const ext = (type, critical, value, subject = null, issuer = null) => new crypto.X509Extension(type, critical, value, subject, issuer);

function ecKey() {
  const k = new crypto.PKey();
  k.generateKey(crypto.TYPE_EC, 'prime256v1');
  return k;
}

/** Issues a certificate; `issuer` is { cert, key } or null for self-signed. */
function issue({ cn, key, issuer, ca = false, uri = null, usage = null, notBefore = -60, notAfter = 3600 }) {
  const cert = new crypto.X509();
  cert.setVersion(2);
  cert.setSerialNumber(serial++);
  cert.getSubject().CN = cn;
  cert.getSubject().O = 'example.internal';
  cert.gmtimeAdjNotBefore(notBefore);
  cert.gmtimeAdjNotAfter(notAfter);
  cert.setIssuer(issuer ? issuer.cert.getSubject() : cert.getSubject());
  cert.setPubkey(key);
  const exts = [
    ext('basicConstraints', true, ca ? 'CA:TRUE' : 'CA:FALSE'),
    ext('keyUsage', true, ca ? 'keyCertSign, cRLSign' : 'digitalSignature'),
    ext('subjectKeyIdentifier', false, 'hash', cert),
  ];
  // AKI from the issuer (for a root, from itself: its SKI must be added first).
  cert.addExtensions(exts);
  cert.addExtensions([ext('authorityKeyIdentifier', false, 'keyid:always', null, issuer ? issuer.cert : cert)]);
  if (uri) cert.addExtensions([ext('subjectAltName', false, `URI:${uri}`)]);
  if (usage) cert.addExtensions([ext('extendedKeyUsage', false, usage)]);
  cert.sign(issuer ? issuer.key : key, 'sha256');
  return cert;
}

function asn1Time(date) {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
}

function uriOf(cert) {
  if (!cert) return null;
  for (let i = 0; i < cert.getExtensionCount(); i++) {
    const e = cert.getExtension(i);
    if (e.getShortName() === 'subjectAltName') {
      const m = /(?:^|, )URI:([^,\s]+)/.exec(e.toString());
      if (m) return m[1];
    }
  }
  return null;
}

const verifyName = new Map(Object.entries(SSL.X509VerificationCodes).map(([k, v]) => [v, k]));

// ---------------------------------------------------------------- the PKI
const rootKey = ecKey();
const root = { key: rootKey, cert: issue({ cn: 'Example Root CA', key: rootKey, issuer: null, ca: true, notAfter: 86400 }) };
const intKey = ecKey();
const intermediate = { key: intKey, cert: issue({ cn: 'Example Services CA', key: intKey, issuer: root, ca: true, notAfter: 86400 }) };

function service(name, opts = {}) {
  const key = ecKey();
  const cert = issue({ cn: name, key, issuer: opts.issuer ?? intermediate, uri: id(name), usage: opts.usage ?? 'clientAuth', ...opts });
  return { key, cert, chain: [(opts.issuer ?? intermediate).cert] };
}

const api = service('api', { usage: 'serverAuth' });
const billing = service('billing');
const revoked = service('payroll');
const expired = service('frontend', { notBefore: -7200, notAfter: -3600 });
const intruder = service('intruder'); // valid chain, identity not on the allow list
const rogueKey = ecKey();
const rogueCa = { key: rogueKey, cert: issue({ cn: 'Rogue CA', key: rogueKey, issuer: null, ca: true }) };
const foreign = service('billing', { issuer: rogueCa });

// The intermediate's CRL: payroll is revoked.
const crl = new crypto.CRL();
crl.setVersion(1);
const now = new Date();
crl.setLastUpdate(asn1Time(new Date(now.getTime() - 60_000)));
crl.setNextUpdate(asn1Time(new Date(now.getTime() + 3_600_000)));
const rev = new crypto.Revoked();
rev.setSerialNumber(revoked.cert.getSerialNumber());
rev.setRevDate(asn1Time(new Date(now.getTime() - 30_000)));
rev.setReason('keyCompromise');
crl.addRevoked(rev);
crl.sign(intermediate.cert, intermediate.key, 'sha256');

// ---------------------------------------------------------------- the mTLS server
const serverCtx = new SSL.Context(SSL.TLS_METHOD);
serverCtx.setMinProtoVersion(SSL.TLS1_3_VERSION);
serverCtx.useCertificate(api.cert);
serverCtx.usePrivatekey(api.key);
serverCtx.addExtraChainCert(intermediate.cert);
serverCtx.setVerify(SSL.VERIFY_PEER | SSL.VERIFY_FAIL_IF_NO_PEER_CERT);
const store = serverCtx.getCertStore();
store.addCert(root.cert);
store.addCrl(crl);
store.setFlags(crypto.X509StoreFlags.CRL_CHECK);
serverCtx.setClientCaList([root.cert.getSubject()]);

// The server's own certificate status, signed by its issuer, stapled to every handshake (a real
// deployment would renew it before nextUpdate).
const staple = crypto.OCSPResponse.create([{ certificate: api.cert, issuer: intermediate.cert, status: 'good' }], {
  responderCert: intermediate.cert,
  responderKey: intermediate.key,
  validitySeconds: 600,
}).toDER();
serverCtx.setOcspServerCallback(() => staple);

/** Server-side reasons by client port, for the table. */
const serverReasons = new Map();
const server = SSL.createServer({ context: serverCtx, handshakeTimeout: 5000 }, (s) => {
  s.on('error', () => {});
  const peer = s.getConnection().getPeerCertificate();
  const who = uriOf(peer);
  if (who && AUTHORISED.has(who)) {
    s.end(`200 hello ${who}\n`);
  } else {
    serverReasons.set(s.remotePort, `identity ${who} not authorised`);
    s.end(`403 ${who} is not authorised\n`);
  }
});
server.on('tlsClientError', (err, s) => {
  const conn = s.getConnection?.();
  const vr = conn ? conn.getVerifyResult() : 0;
  const detail = vr !== 0 ? ` (${verifyName.get(vr) ?? vr})` : '';
  serverReasons.set(s.remotePort, `${err.message.replace(/^SSL_\w+: /, '')}${detail}`);
});

await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = server.address().port;

// ---------------------------------------------------------------- the clients
// What the clients saw of the staple, for the summary.
const staples = [];
const ocspTrust = new crypto.X509Store();
ocspTrust.addCert(root.cert);

function clientContext(svc) {
  const ctx = new SSL.Context(SSL.TLS_METHOD);
  ctx.setVerify(SSL.VERIFY_PEER);
  ctx.getCertStore().addCert(root.cert);
  // A zero-trust client does not take the server's word for its status: it requires a stapled
  // OCSP response, signed under the same root, current (not a replay of an old one), that says
  // "good" for the certificate presented. The issuer is the verified chain's, not the one sent.
  ctx.setOcspClientCallback((conn, der) => {
    if (der.length === 0) return false;
    const [leaf, issuer] = conn.getVerifiedChain() ?? [];
    const resp = crypto.OCSPResponse.fromDER(der);
    const single = leaf && issuer && resp.isValid(ocspTrust) ? resp.getStatusFor(leaf, issuer) : undefined;
    const status = single === undefined ? 'unverified' : single === null ? 'absent' : single.current ? single.status : 'stale';
    staples.push(status);
    return status === 'good';
  });
  if (svc) {
    ctx.useCertificate(svc.cert);
    ctx.usePrivatekey(svc.key);
    for (const c of svc.chain) ctx.addExtraChainCert(c);
  }
  return ctx;
}

function call(name, svc) {
  return new Promise((resolve) => {
    const s = SSL.connect({ context: clientContext(svc), port, requestOcsp: true });
    let body = '';
    let done = false;
    let localPort;
    const finish = (outcome, reason) => {
      if (done) return;
      done = true;
      s.destroy();
      // Prefer the verifying side's reason (the server's), which names the X509 error.
      setTimeout(() => resolve({ name, outcome, reason: serverReasons.get(localPort) ?? reason }), 20);
    };
    s.on('connect', () => (localPort = s.localPort));
    s.on('secureConnect', () => {
      localPort = s.localPort;
      if (uriOf(s.getConnection().getPeerCertificate()) !== id('api')) finish('refused', 'server identity mismatch');
    });
    s.on('data', (d) => (body += d));
    s.on('end', () => {
      if (body.startsWith('200')) finish('accepted', body.trim());
      else finish('refused', body.trim() || 'closed');
    });
    s.on('error', (err) => finish('refused', err.message.replace(/^SSL_\w+: /, '')));
  });
}

const cases = [
  ['billing (valid, authorised)', billing, 'accepted'],
  ['anonymous (no certificate)', null, 'refused'],
  ['billing from a rogue CA', foreign, 'refused'],
  ['payroll (revoked)', revoked, 'refused'],
  ['frontend (expired)', expired, 'refused'],
  ['intruder (not authorised)', intruder, 'refused'],
];

const rows = [];
for (const [name, svc, expected] of cases) {
  const r = await call(name, svc);
  rows.push({ client: name, expected, outcome: r.outcome, reason: r.reason, ok: r.outcome === expected });
}
await new Promise((resolve) => server.close(resolve));

const w = [28, 9, 9];
const line = (a, b, c, d) => `${a.padEnd(w[0])} ${b.padEnd(w[1])} ${c.padEnd(w[2])} ${d}`;
console.log(line('client', 'expected', 'outcome', 'reason'));
console.log(line('-'.repeat(w[0]), '-'.repeat(w[1]), '-'.repeat(w[2]), '-'.repeat(40)));
for (const r of rows) console.log(line(r.client, r.expected, r.outcome + (r.ok ? '' : ' !!'), r.reason));
const verified = staples.filter((st) => st === 'good').length;
console.log(`\nOCSP staple: ${verified} of ${staples.length} clients verified the server's stapled status (good, signed by Example Services CA)`);
const bad = rows.filter((r) => !r.ok).length + (verified === cases.length && staples.length === cases.length ? 0 : 1);
console.log(bad === 0 ? '\nall outcomes as expected' : `\n${bad} unexpected outcome(s)`);
process.exitCode = bad === 0 ? 0 : 1;
