// An `openssl s_client`-like TLS probe built on openssl-napi: it connects with SSL.connect, prints
// every handshake message, ChangeCipherSpec and alert the message callback sees (direction,
// record content type, handshake type / alert names, length), then the negotiated protocol,
// cipher, key-exchange group, ALPN protocol, the peer's signature, the stapled OCSP status, the
// verification result, and the peer's certificate chain (subject, issuer, validity).
//
//   node examples/probe/main.js host:port [--servername name] [--cafile file] [--alpn h2,http/1.1]
//                                         [--verify] [--tls1.2 | --tls1.3]
//   node examples/probe/main.js            (self-test: see below)
//
// --cafile adds trust anchors to the system's default ones; --verify fails the handshake when the
// chain or the host name does not verify (otherwise the result is only reported, as s_client
// does). Exit status: 0 when the handshake completed (and, with --verify, verified), else 1.
//
// With no arguments it tests itself on loopback: an SSL.createServer on 127.0.0.1 with a
// certificate made here (and an OCSP staple), probed once trusting that certificate (must
// verify), and once with --verify and a server name the certificate does not hold (must fail with
// a bad_certificate alert). Exit 0 iff both go as expected.
import { SSL, crypto } from 'openssl-napi';

// ------------------------------------------------------------------ names of what goes by
const CONTENT_TYPES = { 20: 'ChangeCipherSpec', 21: 'Alert', 22: 'Handshake', 23: 'ApplicationData', 24: 'Heartbeat' };
// OpenSSL's pseudo content types: a record header (256) and a TLS 1.3 record's inner type (257).
const SSL3_RT_HEADER = 256;
const SSL3_RT_INNER_CONTENT_TYPE = 257;
const HANDSHAKE_TYPES = {
  0: 'HelloRequest', 1: 'ClientHello', 2: 'ServerHello', 3: 'HelloVerifyRequest', 4: 'NewSessionTicket',
  5: 'EndOfEarlyData', 8: 'EncryptedExtensions', 11: 'Certificate', 12: 'ServerKeyExchange',
  13: 'CertificateRequest', 14: 'ServerHelloDone', 15: 'CertificateVerify', 16: 'ClientKeyExchange',
  20: 'Finished', 22: 'CertificateStatus', 24: 'KeyUpdate', 25: 'CompressedCertificate', 254: 'MessageHash',
};
const ALERT_LEVELS = { 1: 'warning', 2: 'fatal' };
const ALERTS = {
  0: 'close_notify', 10: 'unexpected_message', 20: 'bad_record_mac', 22: 'record_overflow', 40: 'handshake_failure',
  42: 'bad_certificate', 43: 'unsupported_certificate', 44: 'certificate_revoked', 45: 'certificate_expired',
  46: 'certificate_unknown', 47: 'illegal_parameter', 48: 'unknown_ca', 49: 'access_denied', 50: 'decode_error',
  51: 'decrypt_error', 70: 'protocol_version', 71: 'insufficient_security', 80: 'internal_error',
  86: 'inappropriate_fallback', 90: 'user_canceled', 100: 'no_renegotiation', 109: 'missing_extension',
  110: 'unsupported_extension', 112: 'unrecognized_name', 113: 'bad_certificate_status_response',
  115: 'unknown_psk_identity', 116: 'certificate_required', 120: 'no_application_protocol',
};
const VERSIONS = { 0x0300: 'SSLv3', 0x0301: 'TLSv1', 0x0302: 'TLSv1.1', 0x0303: 'TLSv1.2', 0x0304: 'TLSv1.3', 0xfeff: 'DTLSv1', 0xfefd: 'DTLSv1.2' };
const verifyCodeName = new Map(Object.entries(SSL.X509VerificationCodes).map(([k, v]) => [v, k]));

/** One line per message the callback reports; null for the record-layer pseudo messages. */
function describeMessage(direction, version, contentType, bytes) {
  if (contentType === SSL3_RT_HEADER || contentType === SSL3_RT_INNER_CONTENT_TYPE) return null;
  const arrow = direction === 'write' ? '>>>' : '<<<';
  const ver = VERSIONS[version] ?? `0x${version.toString(16)}`;
  const type = CONTENT_TYPES[contentType] ?? `content type ${contentType}`;
  let what = '';
  if (contentType === 22 && bytes.length > 0) what = HANDSHAKE_TYPES[bytes[0]] ?? `handshake type ${bytes[0]}`;
  else if (contentType === 21 && bytes.length >= 2) {
    what = `${ALERT_LEVELS[bytes[0]] ?? `level ${bytes[0]}`} ${ALERTS[bytes[1]] ?? `alert ${bytes[1]}`}`;
  }
  return `${arrow} ${ver.padEnd(7)} ${type.padEnd(16)} ${what.padEnd(24)} ${String(bytes.length).padStart(5)} bytes`;
}

const time = (t) => (t ? `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)} ${t.slice(8, 10)}:${t.slice(10, 12)}:${t.slice(12, 14)} UTC` : '?');

// ------------------------------------------------------------------ the probe
/**
 * Connects to host:port, prints what it sees, and resolves to { ok, verifyResult, alertsSent,
 * alertsReceived, error } (it never rejects: a failed handshake is a result too).
 * `trust`: X509 trust anchors to add; `cafile`: a PEM file of them.
 */
async function probe({ host, port, servername = null, cafile = null, trust = [], alpn = ['h2', 'http/1.1'], verify = false, version = null, log = console.log }) {
  const ctx = new SSL.Context(SSL.TLS_METHOD);
  if (version === '1.2') ctx.setMaxProtoVersion(SSL.TLS1_2_VERSION);
  if (version === '1.3') ctx.setMinProtoVersion(SSL.TLS1_3_VERSION);
  // Trust the system's CAs plus any given; VERIFY_NONE still verifies and records the result.
  ctx.setDefaultVerifyPaths();
  if (cafile) ctx.loadVerifyLocations(cafile);
  for (const c of trust) ctx.getCertStore().addCert(c);
  ctx.setVerify(verify ? SSL.VERIFY_PEER : SSL.VERIFY_NONE);
  ctx.setAlpnProtos(alpn);

  const alertsSent = [];
  const alertsReceived = [];
  let records = 0;
  ctx.setMsgCallback((_conn, direction, version, contentType, bytes) => {
    if (contentType === SSL3_RT_HEADER) records++;
    if (contentType === 21 && bytes.length >= 2) (direction === 'write' ? alertsSent : alertsReceived).push(ALERTS[bytes[1]] ?? bytes[1]);
    const line = describeMessage(direction, version, contentType, bytes);
    if (line) log(`  ${line}`);
  });
  let staple = null;
  ctx.setOcspClientCallback((_conn, der) => {
    staple = der.length > 0 ? der : null;
    return true; // report it, do not judge it here
  });

  const name = servername ?? (host.match(/^[\d.]+$|:/) ? null : host);
  log(`connecting to ${host}:${port}${name ? ` (SNI ${name})` : ''}, offering ALPN ${alpn.join(', ')}`);
  const sock = SSL.connect({ context: ctx, host, port, ...(name ? { servername: name } : {}), checkHost: name ?? host, requestOcsp: true });
  sock.resume(); // discard whatever the server sends (so that 'end' can come)
  // (events.once would reject on 'error': plain listeners instead)
  const closed = new Promise((resolve) => sock.once('close', resolve));
  const outcome = await Promise.race([
    new Promise((resolve) => sock.once('secureConnect', () => resolve(null))),
    new Promise((resolve) => sock.once('error', resolve)),
    new Promise((resolve) => setTimeout(() => resolve(new Error('timed out after 10 s')), 10_000).unref()),
  ]);
  const conn = sock.getConnection();
  const verifyResult = conn.getVerifyResult();
  const verifyText = `${verifyResult} (${verifyCodeName.get(verifyResult) ?? '?'})`;

  if (outcome) {
    sock.destroy();
    await closed;
    log(`\nHANDSHAKE FAILED: ${outcome.message}`);
    // (OpenSSL's result stays X509_V_OK when no certificate came to verify)
    if (verifyResult !== 0 || conn.getPeerCertChain()) log(`Verify return code: ${verifyText}`);
    return { ok: false, verifyResult, alertsSent, alertsReceived, error: outcome };
  }

  sock.on('error', (err) => log(`  (after the handshake: ${err.message})`));
  const sig = conn.getPeerSignature();
  const tmp = conn.getPeerTmpKey();
  const alpnProto = conn.getAlpnProtoNegotiated();
  log('\n---');
  log(`Protocol   : ${conn.getProtocolVersionName()}`);
  log(`Cipher     : ${conn.getCipherName()} (${conn.getCipherBits()} bits)`);
  log(`Group      : ${conn.getGroupName() ?? 'none'}${tmp ? ` (peer key ${tmp.typeName()} ${tmp.bits()} bits)` : ''}`);
  log(`ALPN       : ${alpnProto.length ? alpnProto.toString() : 'none negotiated'}`);
  log(`Signature  : ${sig ? `${sig.type ?? '?'} with ${sig.digest ?? 'no digest'}` : 'none'}`);
  if (staple) {
    const resp = crypto.OCSPResponse.fromDER(staple);
    const [leaf, second] = conn.getPeerCertChain() ?? [];
    // The issuer is the next certificate of the chain, or the leaf itself when it is self-issued.
    const issuer = second ?? (leaf && leaf.getIssuer().equals(leaf.getSubject()) ? leaf : null);
    const st = resp.hasBasicResponse() && leaf && issuer ? resp.getStatusFor(leaf, issuer) : null;
    log(`OCSP staple: ${resp.getStatus()}, ${st ? `certificate ${st.status}, this update ${time(st.thisUpdate)}` : 'no status for this certificate'}`);
  } else {
    log('OCSP staple: none');
  }
  log(`Verify return code: ${verifyText}`);
  log('\nCertificate chain');
  for (const [i, cert] of (conn.getPeerCertChain() ?? []).entries()) {
    log(` ${i} s: ${cert.getSubject().rfc2253()}`);
    log(`   i: ${cert.getIssuer().rfc2253()}`);
    log(`   v: NotBefore: ${time(cert.getNotBefore())}; NotAfter: ${time(cert.getNotAfter())}; ${cert.getPubkey().typeName()} ${cert.getPubkey().bits()} bits; ${cert.getSignatureAlgorithm()}`);
  }
  log('---\nclosing (close_notify)');
  sock.end();
  const timer = setTimeout(() => sock.destroy(), 3000);
  await closed;
  clearTimeout(timer);
  log(`${records} records seen`);
  return { ok: true, verifyResult, alertsSent, alertsReceived, error: null };
}

// ------------------------------------------------------------------ self-test
async function selfTest() {
  const key = new crypto.PKey();
  key.generateKey(crypto.TYPE_EC, 'prime256v1');
  const cert = new crypto.X509();
  cert.setVersion(2);
  cert.setSerialNumber(BigInt(Date.now()));
  cert.getSubject().O = 'openssl-napi probe';
  cert.getSubject().CN = 'localhost';
  cert.setIssuer(cert.getSubject());
  cert.gmtimeAdjNotBefore(-60);
  cert.gmtimeAdjNotAfter(3600);
  cert.setPubkey(key);
  cert.addExtensions([
    new crypto.X509Extension('basicConstraints', true, 'CA:FALSE'),
    new crypto.X509Extension('subjectAltName', false, 'DNS:localhost, IP:127.0.0.1'),
  ]);
  cert.sign(key, 'sha256');

  const sctx = new SSL.Context(SSL.TLS_METHOD);
  sctx.useCertificate(cert);
  sctx.usePrivatekey(key);
  sctx.setAlpnSelectCallback((_c, offered) => (offered.some((p) => p.toString() === 'http/1.1') ? 'http/1.1' : SSL.NO_OVERLAPPING_PROTOCOLS));
  // A staple for the certificate, signed by itself (it is its own issuer).
  const staple = crypto.OCSPResponse.create([{ certificate: cert, issuer: cert, status: 'good' }], { responderCert: cert, responderKey: key }).toDER();
  sctx.setOcspServerCallback(() => staple);

  const server = SSL.createServer({ context: sctx, handshakeTimeout: 5000 }, (s) => {
    s.on('error', () => {});
    s.resume();
  });
  const serverErrors = [];
  server.on('tlsClientError', (err) => serverErrors.push(err.message));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();

  let failures = 0;
  console.log(`== self-test 1: probe 127.0.0.1:${port}, trusting the server's certificate\n`);
  const r1 = await probe({ host: '127.0.0.1', port, servername: 'localhost', trust: [cert] });
  if (!r1.ok || r1.verifyResult !== 0) {
    console.log('!! expected a verified handshake');
    failures++;
  }

  console.log(`\n== self-test 2: probe 127.0.0.1:${port} --verify --servername wrong.example (must be refused)\n`);
  const r2 = await probe({ host: '127.0.0.1', port, servername: 'wrong.example', trust: [cert], verify: true });
  const expectedCode = SSL.X509VerificationCodes.ERR_HOSTNAME_MISMATCH;
  if (r2.ok || r2.verifyResult !== expectedCode || r2.alertsSent.length === 0) {
    console.log(`!! expected a refusal with ${verifyCodeName.get(expectedCode)} and an alert sent`);
    failures++;
  }
  await new Promise((resolve) => server.close(resolve));
  console.log(`\nserver saw ${serverErrors.length} failed handshake(s): ${serverErrors.join('; ') || 'none'}`);
  console.log(failures === 0 ? 'self-test passed' : `self-test FAILED (${failures})`);
  return failures === 0;
}

// ------------------------------------------------------------------ command line
function usage(msg) {
  if (msg) console.error(msg);
  console.error('usage: node examples/probe/main.js host:port [--servername name] [--cafile file] [--alpn p1,p2] [--verify] [--tls1.2|--tls1.3]');
  process.exit(2);
}

async function main(argv) {
  if (argv.length === 0) return selfTest();
  const opts = { verify: false };
  let target = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i] ?? usage(`${a} needs a value`);
    if (a === '--servername') opts.servername = value();
    else if (a === '--cafile') opts.cafile = value();
    else if (a === '--alpn') opts.alpn = value().split(',').filter(Boolean);
    else if (a === '--verify') opts.verify = true;
    else if (a === '--tls1.2') opts.version = '1.2';
    else if (a === '--tls1.3') opts.version = '1.3';
    else if (a === '-h' || a === '--help') usage();
    else if (!a.startsWith('-') && target === null) target = a;
    else usage(`unknown argument ${a}`);
  }
  // host:port, [v6]:port
  const m = target && /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(target);
  if (!m) usage('expected host:port');
  const r = await probe({ host: m[1] ?? m[2], port: Number(m[3]), ...opts });
  return r.ok;
}

const watchdog = setTimeout(() => {
  console.error('probe: timed out');
  process.exit(1);
}, 30_000).unref();
main(process.argv.slice(2)).then(
  (ok) => {
    clearTimeout(watchdog);
    process.exitCode = ok ? 0 : 1;
  },
  (err) => {
    console.error(err);
    process.exitCode = 1;
  },
);
