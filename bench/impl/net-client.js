#!/usr/bin/env node
// One client process of bench/net.js: `node net-client.js IMPL LINE PORT SECONDS` (IMPL: binding |
// node). Prints one JSON result line. Both clients do what a real client does: verify the server's
// chain against the CA, check the host name and send SNI.
//   handshakes  new connection, full handshake, close; one after the other (as s_time -new)
//   bulk        one connection; count what the server sends, into one reused 64 KiB buffer
import tls from 'node:tls';
import { SSL, crypto } from '../../dist/index.js';
import { fixture, report, SERVER_NAME as servername } from './common.js';

const [impl, line, portArg, secondsArg] = process.argv.slice(2);
const port = Number(portArg);
const seconds = Number(secondsArg);
const ca = fixture('ec-cert.pem');

function bindingConnect(ctx, onread, onSecure) {
  return SSL.connect({ context: ctx, port, servername, checkHost: true, onread }, onSecure);
}
function bindingContext() {
  const ctx = new SSL.Context(SSL.TLS_METHOD);
  ctx.setMinProtoVersion(SSL.TLS1_2_VERSION);
  ctx.setVerify(SSL.VERIFY_PEER);
  ctx.getCertStore().addCert(crypto.loadCertificate(crypto.FILETYPE_PEM, ca));
  // No client-side session cache: every handshake of the line is a full one.
  ctx.setSessionCacheMode(SSL.SESS_CACHE_OFF);
  return ctx;
}
// One SecureContext for every connection (the CA parsed once), as the binding's one Context.
const nodeOptions = { port, host: '127.0.0.1', servername, secureContext: tls.createSecureContext({ ca, minVersion: 'TLSv1.2' }) };

/**
 * One connection: a full, verified handshake, then close at once, as `openssl s_time -new` does
 * (it reads nothing after SSL_connect, so neither side waits for tickets or close_notify).
 */
function once(ctx) {
  return new Promise((resolve, reject) => {
    const done = () => {
      sock.destroy();
      resolve();
    };
    const sock = impl === 'binding' ? bindingConnect(ctx, undefined, done) : tls.connect(nodeOptions, done);
    sock.on('error', reject);
  });
}

async function handshakes() {
  const ctx = impl === 'binding' ? bindingContext() : null;
  const t0 = performance.now();
  let ops = 0;
  while (performance.now() - t0 < seconds * 1000) {
    await once(ctx);
    ops++;
  }
  report(line, 'handshakes/s', { ops, seconds: (performance.now() - t0) / 1000 });
}

function bulk() {
  return new Promise((resolve, reject) => {
    let received = 0;
    let t0 = 0;
    const buffer = Buffer.alloc(64 * 1024);
    const callback = (n) => {
      if (t0 === 0) t0 = performance.now();
      received += n;
      if (performance.now() - t0 >= seconds * 1000) {
        report(line, 'MB/s', { ops: received, seconds: (performance.now() - t0) / 1000 }, 1e-6);
        sock.destroy();
        resolve();
      }
      return true;
    };
    const sock = impl === 'binding' ? bindingConnect(bindingContext(), { buffer, callback }) : tls.connect({ ...nodeOptions, onread: { buffer, callback } });
    sock.on('error', reject);
  });
}

await (line === 'bulk' ? bulk() : handshakes());
process.exit(0);
