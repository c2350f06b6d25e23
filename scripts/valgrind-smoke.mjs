// A short run of the paths issue 16 hardened, for valgrind's memcheck (plain malloc is the
// default allocator, so memcheck sees every OpenSSL allocation):
//   valgrind --error-exitcode=99 --errors-for-leak-kinds=definite --leak-check=full \
//     node scripts/valgrind-smoke.mjs
// Handshakes with every yes/no callback, a callback that frees the Context mid-call, thrown
// primitives, every byte-view shape, PKCS#12 jobs and a freed DTLS server context.
import { SSL, crypto, digest, digestAsync } from '../dist/index.js';

const key = new crypto.PKey();
key.generateKey(crypto.TYPE_EC, 'prime256v1');
const cert = new crypto.X509();
cert.getSubject().CN = 'localhost';
cert.setIssuer(cert.getSubject());
cert.gmtimeAdjNotBefore(0);
cert.gmtimeAdjNotAfter(3600);
cert.setPubkey(key);
cert.sign(key, 'sha256');

const pump = (a, b) => {
  while (a.bioPending() > 0) b.bioWrite(a.bioRead(65536));
};
const step = (c) => {
  try {
    c.doHandshake();
    return true;
  } catch (e) {
    if (e instanceof SSL.WantReadError) return false;
    throw e;
  }
};
function handshake(verify) {
  const sctx = new SSL.Context(SSL.TLS_METHOD);
  sctx.useCertificate(cert);
  sctx.usePrivatekey(key);
  sctx.setClientHelloCallback(() => true);
  const cctx = new SSL.Context(SSL.TLS_METHOD);
  if (verify) cctx.setVerify(SSL.VERIFY_PEER, verify);
  const s = new SSL.Connection(sctx);
  s.setAcceptState();
  const c = new SSL.Connection(cctx);
  c.setConnectState();
  try {
    for (let i = 0, done = false; !done && i < 20; i++) {
      const a = step(c);
      pump(c, s);
      const b = step(s);
      pump(s, c);
      done = a && b;
    }
    return 'ok';
  } catch (e) {
    return typeof e;
  } finally {
    c.free();
    s.free();
  }
}

const results = [];
results.push(handshake(() => true), handshake(async () => true), handshake(() => 'no'));
for (const v of ['s', 1, undefined, null]) {
  results.push(
    handshake(() => {
      throw v;
    }),
  );
}
const ctx = new SSL.Context(SSL.TLS_METHOD);
const doomed = new crypto.PKey();
doomed.generateKey(crypto.TYPE_EC, 'prime256v1');
const encrypted = crypto.dumpPrivatekey(crypto.FILETYPE_PEM, doomed, 'aes-128-cbc', () => {
  doomed.free(); // released when dumpPrivatekey returns, not under OpenSSL's feet
  return 'pw';
});
results.push(crypto.loadPrivatekey(crypto.FILETYPE_PEM, encrypted, 'pw').bits());
const ab = new ArrayBuffer(32);
for (const v of [new DataView(ab, 2, 8), new Uint16Array(ab, 4, 2), ab, new Float64Array(ab)]) digest('sha256', v);
results.push((await digestAsync('sha256', new DataView(ab))).length);
const p12 = new crypto.PKCS12();
p12.setPrivatekey(key);
p12.setCertificate(cert);
const pending = p12.exportAsync('pw', 1000, 1);
cert.getSubject().CN = 'changed';
results.push(crypto.loadPkcs12(await pending, 'pw').getCertificate().getSubject().CN);
ctx.setSessionCallbacks({ removeSession: () => ctx.free() });
ctx.flushSessions(0);
console.log(JSON.stringify(results));
