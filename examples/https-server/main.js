// An HTTPS server whose TLS is openssl-napi: SSL.createServer accepts and handshakes, and each
// SSL.SecureSocket is handed to a plain node:http server (`httpServer.emit('connection', s)`),
// which parses requests and writes responses over it as over any socket. The certificate comes
// from a CA made here (crypto.X509, SAN localhost + 127.0.0.1); ALPN picks http/1.1. Each response
// names the TLS version and cipher its connection negotiated (read with getConnection()).
//
//   node examples/https-server/main.js               self-test: serves on 127.0.0.1 (a free port),
//                                                    makes a few requests to itself with node:https
//                                                    (trusting its own CA), prints them, exits 0
//   node examples/https-server/main.js --listen 8443 keeps serving on 127.0.0.1:8443 until Ctrl-C;
//                                                    it prints the CA file to use, e.g.
//                                                    curl --cacert <file> https://localhost:8443/
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { SSL, crypto } from 'openssl-napi';

// ------------------------------------------------------------------ a CA and the server certificate
function ecKey() {
  const k = new crypto.PKey();
  k.generateKey(crypto.TYPE_EC, 'prime256v1');
  return k;
}
function certificate({ cn, key, issuer, extensions, days }) {
  const cert = new crypto.X509();
  cert.setVersion(2);
  cert.setSerialNumber(BigInt('0x' + crypto.randomBytes(8).toString('hex')));
  cert.getSubject().O = 'openssl-napi https example';
  cert.getSubject().CN = cn;
  cert.setIssuer(issuer ? issuer.cert.getSubject() : cert.getSubject());
  cert.gmtimeAdjNotBefore(-60);
  cert.gmtimeAdjNotAfter(days * 86400);
  cert.setPubkey(key);
  cert.addExtensions(extensions.map(([type, critical, value]) => new crypto.X509Extension(type, critical, value)));
  cert.sign(issuer ? issuer.key : key, 'sha256');
  return cert;
}
const caKey = ecKey();
const ca = {
  key: caKey,
  cert: certificate({ cn: 'Example HTTPS Test CA', key: caKey, issuer: null, days: 30, extensions: [
    ['basicConstraints', true, 'CA:TRUE'],
    ['keyUsage', true, 'keyCertSign, cRLSign'],
  ] }),
};
const serverKey = ecKey();
const serverCert = certificate({ cn: 'localhost', key: serverKey, issuer: ca, days: 7, extensions: [
  ['basicConstraints', true, 'CA:FALSE'],
  ['keyUsage', true, 'digitalSignature'],
  ['extendedKeyUsage', false, 'serverAuth'],
  ['subjectAltName', false, 'DNS:localhost, IP:127.0.0.1'],
] });
const caPem = crypto.dumpCertificate(crypto.FILETYPE_PEM, ca.cert);

// ------------------------------------------------------------------ the server
const context = new SSL.Context(SSL.TLS_METHOD);
context.setMinProtoVersion(SSL.TLS1_2_VERSION);
context.useCertificate(serverCert);
context.usePrivatekey(serverKey);
context.checkPrivatekey();
context.setAlpnSelectCallback((_conn, offered) =>
  offered.some((p) => p.toString() === 'http/1.1') ? 'http/1.1' : SSL.NO_OVERLAPPING_PROTOCOLS);

let served = 0;
const httpServer = http.createServer({ keepAliveTimeout: 2000 }, (req, res) => {
  served++;
  const conn = req.socket.getConnection(); // req.socket is the SSL.SecureSocket
  const tls = `${conn.getProtocolVersionName()} ${conn.getCipherName()}`;
  if (req.method === 'POST' && req.url === '/echo') {
    const parts = [];
    req.on('data', (d) => parts.push(d));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-tls': tls });
      res.end(Buffer.concat(parts));
    });
    return;
  }
  if (req.url === '/' || req.url.startsWith('/hello')) {
    const who = new URL(req.url, 'https://localhost').searchParams.get('name') ?? 'world';
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'x-tls': tls });
    res.end(`hello ${who}, over ${tls} (openssl-napi)\n`);
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('not found\n');
});

const tlsServer = SSL.createServer({ context, handshakeTimeout: 10_000 }, (secureSocket) => {
  httpServer.emit('connection', secureSocket);
});
// A client that gives up mid-handshake (as node:https does when it does not trust the certificate)
// is reported here; the self-test's last request causes one, so only --listen mode logs them.
let listening = false;
tlsServer.on('tlsClientError', (err) => {
  if (listening) console.error(`TLS handshake failed: ${err.message}`);
});

function listen(port) {
  return new Promise((resolve, reject) => {
    tlsServer.once('error', reject);
    tlsServer.listen(port, '127.0.0.1', () => {
      tlsServer.off('error', reject);
      resolve(tlsServer.address().port);
    });
  });
}

// ------------------------------------------------------------------ --listen PORT: keep serving
async function serveForever(port) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'https-example-'));
  const caFile = path.join(dir, 'ca.pem');
  fs.writeFileSync(caFile, caPem);
  const bound = await listen(port);
  listening = true;
  console.log(`serving https://localhost:${bound}/ (and https://127.0.0.1:${bound}/) until Ctrl-C`);
  console.log(`CA certificate: ${caFile}`);
  console.log(`try: curl --cacert ${caFile} https://localhost:${bound}/hello?name=curl`);
  const stop = () => {
    console.log(`\nstopping after ${served} request(s)`);
    httpServer.closeAllConnections?.();
    tlsServer.close(() => {
      fs.rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    });
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

// ------------------------------------------------------------------ self-test: requests with node:https
function request(agent, port, { method = 'GET', path: p, body = null, trustCa = true }) {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', servername: 'localhost', port, method, path: p, agent, ...(trustCa ? { ca: caPem } : {}) }, (res) => {
      const parts = [];
      res.on('data', (d) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(parts).toString(), reused: req.reusedSocket }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}

async function selfTest() {
  const port = await listen(0);
  console.log(`HTTPS server (openssl-napi TLS, node:http) on https://127.0.0.1:${port}/`);
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
  const checks = [
    [{ path: '/' }, (r) => r.status === 200 && r.body.startsWith('hello world, over TLSv1.3')],
    [{ path: '/hello?name=openssl-napi' }, (r) => r.status === 200 && r.body.startsWith('hello openssl-napi')],
    [{ method: 'POST', path: '/echo', body: 'ping '.repeat(4000) }, (r) => r.status === 200 && r.body === 'ping '.repeat(4000)],
    [{ path: '/missing' }, (r) => r.status === 404],
  ];
  let failures = 0;
  try {
    for (const [opts, ok] of checks) {
      const r = await request(agent, port, opts);
      const good = ok(r);
      if (!good) failures++;
      const shown = r.body.length > 100 ? `(${r.body.length} bytes)` : r.body.trim();
      console.log(`${good ? 'ok  ' : 'FAIL'} ${(opts.method ?? 'GET').padEnd(4)} ${opts.path.padEnd(24)} -> ${r.status} ${shown}` +
        `${r.reused ? ' (same connection)' : ''}`);
    }
    // A client that does not trust the CA is refused by node:https itself.
    const untrusted = await request(new https.Agent(), port, { path: '/', trustCa: false }).then(() => null, (e) => e);
    const refused = untrusted?.code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' || untrusted?.code === 'SELF_SIGNED_CERT_IN_CHAIN' ||
      untrusted?.code === 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY';
    if (!refused) failures++;
    console.log(`${refused ? 'ok  ' : 'FAIL'} a client without the CA is refused: ${untrusted?.code ?? 'it was not'}`);
  } finally {
    agent.destroy();
    httpServer.closeAllConnections?.();
    await new Promise((resolve) => tlsServer.close(resolve));
  }
  console.log(failures === 0 ? `all requests answered as expected (${served} served)` : `${failures} request(s) FAILED`);
  return failures === 0;
}

// ------------------------------------------------------------------ command line
const args = process.argv.slice(2);
if (args[0] === '--listen') {
  const port = Number(args[1]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error('usage: node examples/https-server/main.js [--listen PORT]');
    process.exit(2);
  }
  await serveForever(port);
} else if (args.length > 0) {
  console.error('usage: node examples/https-server/main.js [--listen PORT]');
  process.exit(2);
} else {
  const watchdog = setTimeout(() => {
    console.error('https-server: timed out');
    process.exit(1);
  }, 30_000).unref();
  const ok = await selfTest().catch((err) => {
    console.error(err);
    return false;
  });
  clearTimeout(watchdog);
  process.exitCode = ok ? 0 : 1;
}
