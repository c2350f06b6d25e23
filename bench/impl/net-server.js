#!/usr/bin/env node
// One server process of bench/net.js: `node net-server.js IMPL MODE` (IMPL: binding | node).
// It listens on loopback, prints {"port"} once ready, serves until stdin closes, then prints
// {"handshakes","resumed"} and exits. The two implementations are configured line by line alike:
// the same certificate and key, TLS 1.2-1.3 with each OpenSSL's defaults, and in the -noresume
// modes neither a session cache nor usable tickets.
//
// Modes:  https        http.Server answering GET / with 12 bytes (keep-alive as the client asks)
//         https-noresume  the same without resumption
//         tls          a TLS server that completes the handshake and closes at the client's EOF
//         bulk-aesgcm | bulk-chacha  writes 256 KiB chunks, as fast as the client takes them
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { constants } from 'node:crypto';
import { SSL, crypto } from '../../dist/index.js';
import { identity } from './common.js';

const [impl, mode] = process.argv.slice(2);
const id = identity('ec');
const resume = mode !== 'https-noresume';
const suite = mode === 'bulk-chacha' ? 'TLS_CHACHA20_POLY1305_SHA256' : mode === 'bulk-aesgcm' ? 'TLS_AES_128_GCM_SHA256' : null;
let handshakes = 0;
let resumed = 0;
const body = Buffer.from('hello world\n');
const chunk = Buffer.alloc(256 * 1024, 'x');

function handler(_req, res) {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
  res.end(body);
}

/** Every TLS connection, both implementations: one handshake counted, resumption noted. */
function onSecure(sock, reused) {
  handshakes++;
  if (reused) resumed++;
  sock.on('error', () => {});
  if (mode === 'tls') {
    sock.resume();
    sock.on('end', () => sock.end());
  } else if (suite) {
    const pump = () => {
      while (sock.write(chunk));
    };
    sock.on('drain', pump);
    pump();
  }
}

function bindingServer() {
  const ctx = new SSL.Context(SSL.TLS_METHOD);
  ctx.setMinProtoVersion(SSL.TLS1_2_VERSION);
  ctx.useCertificate(crypto.loadCertificate(crypto.FILETYPE_PEM, id.cert));
  ctx.usePrivatekey(crypto.loadPrivatekey(crypto.FILETYPE_PEM, id.key));
  if (suite) ctx.setTls13Ciphersuites(suite);
  if (!resume) {
    ctx.setSessionCacheMode(SSL.SESS_CACHE_OFF);
    ctx.setOptions(SSL.OP_NO_TICKET);
  }
  const httpServer = mode.startsWith('https') ? http.createServer(handler) : null;
  return SSL.createServer({ context: ctx }, (sock) => {
    onSecure(sock, sock.getConnection().sessionReused());
    if (httpServer) httpServer.emit('connection', sock);
  });
}

function nodeServer() {
  const opts = { key: id.key, cert: id.cert, minVersion: 'TLSv1.2' };
  if (suite) opts.ciphers = suite;
  if (!resume) opts.secureOptions = constants.SSL_OP_NO_TICKET;
  if (mode.startsWith('https')) {
    const server = https.createServer(opts, handler);
    server.on('secureConnection', (sock) => onSecure(sock, sock.isSessionReused()));
    return server;
  }
  return tls.createServer(opts, (sock) => onSecure(sock, sock.isSessionReused()));
}

const server = impl === 'binding' ? bindingServer() : nodeServer();
server.on('tlsClientError', () => {});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
process.on('SIGTERM', () => process.exit(0));
process.stdin.resume();
process.stdin.on('end', () => {
  console.log(JSON.stringify({ handshakes, resumed }));
  process.exit(0);
});
