#!/usr/bin/env node
// Flood: does a long-lived server's memory stay flat under rounds of failing clients mixed with
// good ones? (Issue 21.) A benchmark-style run, not a test: it prints the server's RSS after every
// round and the verdict: the largest RSS after the warm-up rounds within 10% of the warm level.
//
//   node bench/flood.js [--server socket|memory|both] [--failing 50000] [--good 50000]
//                       [--rounds 10] [--concurrency 32]   (--help)
//   npm run flood -- --server socket --failing 10000 --good 10000
//
// Servers (each in a child process of its own, 127.0.0.1 only, its RSS its own):
//   socket   SSL.createServer: the native socket pump
//   memory   net.createServer + a memory-BIO SSL.Connection per socket, driven with pump()
//            (no free(): a connection is left to the binding and the GC, as most users leave it)
// Clients (this process): each round sends its share of failing clients (half a ClientHello that
// OpenSSL must reject after parsing it: no shared cipher; half one cut short: decode_error), each
// reading until the server's alert and close, then its share of good ones (node:tls, full
// handshake, certificate verified, one echo, end). The warm level is the RSS after the second round.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { parseCli } from './impl/common.js';

const HOST = '127.0.0.1';
const opts = parseCli(
  `Usage: node bench/flood.js [options]   (npm run flood -- [options])

Does a long-lived server's memory stay flat under rounds of failing clients mixed with good ones?
Prints the server's RSS after every round; exit code 0 when it stays within 10% of the warm level
and every client got its alert or echo.`,
  {
    server: { type: 'string', choices: ['socket', 'memory', 'both'], default: 'both', help: 'SSL.createServer, a memory-BIO Connection per net.Socket, or both' },
    failing: { type: 'count', default: 50000, help: 'failing clients in all: bad ClientHellos' },
    good: { type: 'count', default: 50000, help: 'good clients in all: a handshake, one echo' },
    rounds: { type: 'int', default: 10, help: 'rounds, RSS after each; at least 2' },
    concurrency: { type: 'int', default: 32, help: 'clients at a time' },
    child: { type: 'string', choices: ['socket', 'memory'], hidden: true }, // the server process
  },
);
// The addon once the command line is good: --help and usage errors need no build.
const { SSL, crypto: ossl } = await import('../dist/index.js');

// ------------------------------------------------------------------------------------------------
// The server (child process)

function identity() {
  const key = new ossl.PKey();
  key.generateKey(ossl.TYPE_EC, 'P-256');
  const cert = new ossl.X509();
  cert.setSerialNumber(1);
  cert.getSubject().CN = 'localhost';
  cert.gmtimeAdjNotBefore(-60);
  cert.gmtimeAdjNotAfter(24 * 3600);
  cert.setIssuer(cert.getSubject());
  cert.setPubkey(key);
  cert.sign(key, 'sha256');
  const context = new SSL.Context(SSL.TLS_METHOD);
  context.useCertificate(cert);
  context.usePrivatekey(key);
  return { context, certPem: ossl.dumpCertificate(ossl.FILETYPE_PEM, cert).toString() };
}

async function serve(kind) {
  const { context, certPem } = identity();
  const stats = { handshakes: 0, failures: 0 };
  let srv;
  if (kind === 'socket') {
    srv = SSL.createServer({ context }, (s) => {
      stats.handshakes++;
      s.on('error', () => {});
      s.pipe(s);
    });
    srv.on('tlsClientError', () => stats.failures++);
  } else {
    srv = net.createServer((sock) => {
      const conn = new SSL.Connection(context);
      conn.setAcceptState();
      let up = false;
      sock.on('error', () => {});
      sock.on('data', (d) => {
        let out;
        try {
          out = conn.pump(d);
          if (!up && conn.lastStatus() === 0) {
            up = true;
            stats.handshakes++;
          }
          if (up) {
            for (;;) {
              let plain;
              try {
                plain = conn.recv(16384);
              } catch {
                break; // want read, or the peer's close_notify
              }
              conn.send(plain);
            }
            const more = conn.bioPending() > 0 ? conn.bioRead(conn.bioPending()) : null;
            out = out && more ? Buffer.concat([out, more]) : (out ?? more);
          }
        } catch {
          stats.failures++;
          const alert = conn.bioPending() > 0 ? conn.bioRead(conn.bioPending()) : undefined;
          sock.end(alert);
          return;
        }
        if (out) sock.write(out);
      });
      sock.on('end', () => sock.end());
    });
  }
  srv.listen(0, HOST);
  await new Promise((r) => srv.once('listening', r));
  process.on('message', (m) => {
    if (m?.type !== 'stats') return;
    const mem = process.memoryUsage();
    const fds = fs.readdirSync('/proc/self/fd').length;
    process.send({ type: 'stats', rss: mem.rss, heapUsed: mem.heapUsed, external: mem.external, fds, ...stats });
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ type: 'listening', port: srv.address().port, certPem });
}

// ------------------------------------------------------------------------------------------------
// The clients (this process)

/** A TLS 1.2 ClientHello offering only TLS_NULL_WITH_NULL_NULL: parsed, then handshake_failure. */
function noSharedCipherHello() {
  const body = Buffer.concat([Buffer.from([3, 3]), randomBytes(32), Buffer.from([0, 0, 2, 0, 0, 1, 0, 0, 0])]);
  const hs = Buffer.concat([Buffer.from([1, 0, 0, body.length]), body]);
  return Buffer.concat([Buffer.from([0x16, 3, 1, 0, hs.length]), hs]);
}
/** A ClientHello cut short after its version: decode_error. */
const SHORT_HELLO = Buffer.from('16030100080100000403030000', 'hex');

function failingClient(port, i) {
  return new Promise((resolve) => {
    const sock = net.connect(port, HOST);
    let alert = false;
    sock.on('data', (d) => (alert ||= d[0] === 0x15));
    sock.on('error', () => {});
    sock.on('close', () => resolve(alert));
    sock.on('connect', () => sock.write(i % 2 === 0 ? noSharedCipherHello() : SHORT_HELLO));
  });
}

function goodClient(port, ca) {
  return new Promise((resolve) => {
    const sock = tls.connect({ host: HOST, port, ca, servername: 'localhost', session: undefined });
    let echoed = false;
    sock.on('secureConnect', () => sock.end('ping'));
    sock.on('data', (d) => (echoed ||= d.toString() === 'ping'));
    sock.on('error', () => {});
    sock.on('close', () => resolve(echoed));
  });
}

async function runMany(n, concurrency, one) {
  let next = 0;
  let ok = 0;
  const lane = async () => {
    while (next < n) {
      if (await one(next++)) ok++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, lane));
  return ok;
}

async function flood(kind, failing, good, rounds, concurrency) {
  const child = fork(fileURLToPath(import.meta.url), ['--child', kind], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const hello = await new Promise((resolve) => child.once('message', resolve));
  const stats = () =>
    new Promise((resolve) => {
      child.once('message', resolve);
      child.send({ type: 'stats' });
    });
  const mb = (b) => (b / 1048576).toFixed(1);
  const start = await stats();
  console.log(`\n${kind} server: ${failing} failing + ${good} good clients in ${rounds} rounds, ${concurrency} at a time`);
  console.log(`  start       rss ${mb(start.rss)} MB`);
  const rss = [];
  let alerts = 0;
  let echoes = 0;
  for (let r = 0; r < rounds; r++) {
    const f = Math.floor(failing / rounds) + (r < failing % rounds ? 1 : 0);
    const g = Math.floor(good / rounds) + (r < good % rounds ? 1 : 0);
    alerts += await runMany(f, concurrency, (i) => failingClient(hello.port, i));
    echoes += await runMany(g, concurrency, () => goodClient(hello.port, hello.certPem));
    await new Promise((res) => setTimeout(res, 200));
    const s = await stats();
    rss.push(s.rss);
    console.log(
      `  round ${String(r + 1).padStart(2)}    rss ${mb(s.rss)} MB  heap ${mb(s.heapUsed)} MB  external ${mb(s.external)} MB  ` +
        `fds ${s.fds}  handshakes ${s.handshakes}  failures ${s.failures}`,
    );
  }
  child.disconnect();
  const warm = rss[Math.min(1, rss.length - 1)];
  const peak = Math.max(...rss.slice(Math.min(1, rss.length - 1)));
  const ratio = peak / warm;
  const flat = ratio <= 1.1;
  console.log(
    `  ${kind}: alerts received ${alerts}/${failing}, echoes ${echoes}/${good}; warm rss ${mb(warm)} MB, ` +
      `peak after warm-up ${mb(peak)} MB (${((ratio - 1) * 100).toFixed(1)}%): ${flat ? 'FLAT (within 10%)' : 'GROWS (over 10%)'}`,
  );
  return flat && alerts === failing && echoes === good;
}

async function main() {
  const kinds = opts.server === 'both' ? ['socket', 'memory'] : [opts.server];
  const rounds = Math.max(2, opts.rounds);
  let ok = true;
  for (const k of kinds) ok = (await flood(k, opts.failing, opts.good, rounds, opts.concurrency)) && ok;
  process.exit(ok ? 0 : 1);
}

if (opts.child) await serve(opts.child);
else await main();
