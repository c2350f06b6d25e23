#!/usr/bin/env node
// Soak: a loopback TLS server (SSL.createServer, 127.0.0.1 only) under a steady mix of good clients
// and faulty ones, for a fixed time, reporting the server's health as it goes.
//
//   node bench/soak.js [--minutes 10] [--interval 30] [--concurrency 16] [--idle-clients 4]
//                      [--handshake-timeout 3] [--max-clients N] [--key ec|rsa]   (--help)
//   npm run soak -- --minutes 1 --interval 10
//
// The server runs in a child process (this file with --server), so its RSS and open descriptors
// are its own; it reports them over IPC. The load generator (this process) keeps
//   --concurrency  slots busy with short clients, each a random pick of
//       good-napi   SSL.connect: full handshake (TLS 1.2 or 1.3, certificate verified), echo, end
//       good-node   node:tls connect: the same through Node's own TLS
//       reset       a real ClientHello, then socket.resetAndDestroy() (at once, or after the
//                   server's reply arrives)
//       garbage     bytes that are not TLS (an HTTP request, random bytes, or a TLS record of
//                   random bytes): the server must close at once
//   --idle-clients slots busy with slow faults, each
//       half-hello  the first half of a ClientHello, then silence
//       silent      connect and never send
//     which the server must drop after its handshake timeout; a client that is still open
//     --handshake-timeout + 5 s later gives up and counts as an error.
// Every --interval seconds (and at the end) it prints handshakes served, faults injected per kind,
// the server's RSS, heap and open fds, and errors (failed good clients, give-ups, server crashes).
// At the end it stops the load, lets in-flight clients finish, and checks that the server's fd
// count is back to where it started. Exit code 0 when there were no errors and the server lived.
import { fork } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { parseCli, usageError } from './impl/common.js';

const HOST = '127.0.0.1'; // loopback only, server and clients

const args = process.argv.slice(2); // handed on to the server process
const MAX_MINUTES = 24 * 60;
const opts = parseCli(
  `Usage: node bench/soak.js [options]   (npm run soak -- [options])

A loopback TLS server under a steady mix of good and faulty clients for a fixed time, reporting its
RSS, heap, open fds and errors every interval; exit code 0 when there were no errors.`,
  {
    minutes: { type: 'number', default: 10, help: `how long to run, at most ${MAX_MINUTES}` },
    interval: { type: 'number', default: 30, help: 'seconds between reports, at least 1' },
    concurrency: { type: 'int', default: 16, help: 'slots busy with short clients, good and faulty' },
    'idle-clients': { type: 'count', default: 4, help: 'slots busy with stalled clients: half a ClientHello, or silent' },
    'handshake-timeout': { type: 'number', default: 3, help: "seconds: the server's handshake timeout" },
    'max-clients': { type: 'int', help: 'stop after this many clients (default no limit)' },
    key: { type: 'string', choices: ['ec', 'rsa'], default: 'ec', help: "the server's key: ec (P-256) or rsa (2048)" },
    server: { type: 'boolean', hidden: true }, // the server process
  },
);
if (opts.minutes > MAX_MINUTES) usageError(`--minutes must be at most ${MAX_MINUTES}`);
// The addon once the command line is good: --help and usage errors need no build.
const { SSL, WantReadError, crypto: ossl } = await import('../dist/index.js');

const MINUTES = opts.minutes;
const INTERVAL_S = Math.max(1, opts.interval);
const CONCURRENCY = opts.concurrency;
const IDLE_CLIENTS = opts['idle-clients'];
const HANDSHAKE_TIMEOUT_S = opts['handshake-timeout'];
const MAX_CLIENTS = opts['max-clients'] ?? Infinity;
const KEY = opts.key;
const GOOD_TIMEOUT_MS = 15_000; // a good client that takes longer is an error
const GIVE_UP_MS = HANDSHAKE_TIMEOUT_S * 1000 + 5_000; // a stalled client's wait for the server

if (opts.server) await server();
else await loadGenerator();

// ------------------------------------------------------------------------------------------------
// Server (child process)

async function server() {
  const key = new ossl.PKey();
  if (KEY === 'rsa') key.generateKey(ossl.TYPE_RSA, 2048);
  else key.generateKey(ossl.TYPE_EC, 'P-256');
  const cert = new ossl.X509();
  cert.setSerialNumber(1);
  cert.getSubject().CN = 'localhost';
  cert.gmtimeAdjNotBefore(-60);
  cert.gmtimeAdjNotAfter(7 * 24 * 3600);
  cert.setIssuer(cert.getSubject());
  cert.setPubkey(key);
  cert.sign(key, 'sha256');
  const context = new SSL.Context(SSL.TLS_METHOD);
  context.useCertificate(cert);
  context.usePrivatekey(key);

  const stats = { handshakes: 0, echoedBytes: 0, open: 0, clientErrors: 0, errorKinds: {}, uncaught: 0, lastUncaught: null };
  const kindOf = (err) => {
    // A short, stable label: the code, or the OpenSSL reason, or the message's first words.
    if (err?.code) return String(err.code);
    const r = err?.errors?.[0]?.reason ?? err?.reason;
    if (r) return String(r);
    return String(err?.message ?? err).split(/[:(\n]/)[0].slice(0, 60);
  };
  process.on('uncaughtException', (err) => {
    stats.uncaught++;
    stats.lastUncaught = String(err?.stack ?? err).slice(0, 2000);
  });

  const srv = SSL.createServer({ context, handshakeTimeout: HANDSHAKE_TIMEOUT_S * 1000 }, (s) => {
    stats.handshakes++;
    s.on('error', () => {}); // a client vanishing after the handshake; counted below via tlsClientError
    s.on('data', (d) => {
      stats.echoedBytes += d.length;
    });
    s.pipe(s);
  });
  srv.on('connection', (sock) => {
    stats.open++;
    sock.once('close', () => stats.open--);
  });
  srv.on('tlsClientError', (err) => {
    stats.clientErrors++;
    const k = kindOf(err);
    stats.errorKinds[k] = (stats.errorKinds[k] ?? 0) + 1;
  });
  srv.listen(0, HOST);
  await new Promise((r) => srv.once('listening', r));

  const fdCount = () => fs.readdirSync('/proc/self/fd').length;
  process.on('message', (m) => {
    if (m?.type === 'stats') {
      if (m.gc && typeof globalThis.gc === 'function') globalThis.gc();
      const mem = process.memoryUsage();
      process.send({ type: 'stats', id: m.id, rss: mem.rss, heapUsed: mem.heapUsed, external: mem.external, fds: fdCount(), ...stats });
    } else if (m?.type === 'stop') {
      srv.close();
      process.exit(0);
    }
  });
  process.on('disconnect', () => process.exit(0)); // the load generator is gone
  process.send({ type: 'listening', port: srv.address().port, certPem: ossl.dumpCertificate(ossl.FILETYPE_PEM, cert).toString() });
}

// ------------------------------------------------------------------------------------------------
// Load generator (this process)

async function loadGenerator() {
  const started = Date.now();
  const deadline = started + MINUTES * 60_000;

  const child = fork(fileURLToPath(import.meta.url), ['--server', ...args], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let serverGone = null;
  child.on('exit', (code, signal) => {
    serverGone = `server exited (code ${code}, signal ${signal})`;
  });
  const hello = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', () => reject(new Error(serverGone)));
  });
  const port = hello.port;

  // IPC stats requests.
  let nextId = 1;
  const pendingStats = new Map();
  child.on('message', (m) => {
    if (m?.type === 'stats' && pendingStats.has(m.id)) {
      pendingStats.get(m.id)(m);
      pendingStats.delete(m.id);
    }
  });
  const serverStats = (gc = false) =>
    new Promise((resolve) => {
      if (serverGone || !child.connected) return resolve(null);
      const id = nextId++;
      const timer = setTimeout(() => {
        pendingStats.delete(id);
        resolve(null);
      }, 10_000);
      pendingStats.set(id, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
      child.send({ type: 'stats', id, gc });
    });

  // Client-side material: the server certificate as the only trust anchor for both client kinds.
  const serverCert = ossl.loadCertificate(ossl.FILETYPE_PEM, hello.certPem);
  const napiCtx = (max) => {
    const ctx = new SSL.Context(SSL.TLS_METHOD);
    ctx.setVerify(SSL.VERIFY_PEER);
    ctx.getCertStore().addCert(serverCert);
    if (max) ctx.setMaxProtoVersion(max);
    return ctx;
  };
  const napiCtx13 = napiCtx(null);
  const napiCtx12 = napiCtx(SSL.TLS1_2_VERSION);
  const helloCtx = new SSL.Context(SSL.TLS_METHOD);

  /** A real ClientHello (fresh random and key share each time), from a memory-BIO client. */
  function clientHello() {
    const c = new SSL.Connection(helloCtx);
    c.setConnectState();
    try {
      c.doHandshake();
    } catch (e) {
      if (!(e instanceof WantReadError)) throw e;
    }
    const bytes = c.bioRead(65536);
    c.free?.();
    return bytes;
  }

  const counts = {
    good: { 'good-napi': 0, 'good-node': 0 },
    faults: { reset: 0, garbage: 0, 'half-hello': 0, silent: 0 },
    // How the server dealt with each stalled or bad client: closed quickly / after its timeout.
    closedFast: 0,
    closedOnTimeout: 0,
    errors: 0,
    errorKinds: {},
  };
  const errorSamples = [];
  function error(kind, detail) {
    counts.errors++;
    counts.errorKinds[kind] = (counts.errorKinds[kind] ?? 0) + 1;
    if (errorSamples.length < 10) errorSamples.push(`${kind}: ${detail}`);
  }

  /** Resolves when the socket closes, or after `ms` (then destroys it): { closed, ms }. */
  function waitClose(sock, ms) {
    const t0 = Date.now();
    return new Promise((resolve) => {
      if (sock.destroyed && sock.closed) return resolve({ closed: true, ms: 0 });
      const timer = setTimeout(() => {
        sock.destroy();
        resolve({ closed: false, ms: Date.now() - t0 });
      }, ms);
      sock.once('close', () => {
        clearTimeout(timer);
        resolve({ closed: true, ms: Date.now() - t0 });
      });
    });
  }

  let seq = 0;
  async function goodNapi() {
    const msg = `napi-${++seq}-${crypto.randomBytes(8).toString('hex')}`;
    const ctx = seq % 3 === 0 ? napiCtx12 : napiCtx13;
    await new Promise((resolve) => {
      let got = '';
      let settled = false;
      const done = (err) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) error('good-napi', err);
        else counts.good['good-napi']++;
        c.destroy();
        resolve();
      };
      const c = SSL.connect({ context: ctx, host: HOST, port });
      const timer = setTimeout(() => done(`no echo within ${GOOD_TIMEOUT_MS} ms`), GOOD_TIMEOUT_MS);
      c.on('error', (e) => done(e?.message ?? String(e)));
      c.on('secureConnect', () => c.write(msg));
      c.on('data', (d) => {
        got += d.toString();
        if (got.length >= msg.length) {
          if (got !== msg) return done(`echo mismatch: ${JSON.stringify(got.slice(0, 80))}`);
          c.end();
        }
      });
      c.on('close', () => done(got === msg ? null : `closed before the echo (${got.length}/${msg.length} bytes)`));
    });
  }

  async function goodNode() {
    const msg = `node-${++seq}-${crypto.randomBytes(8).toString('hex')}`;
    await new Promise((resolve) => {
      let got = '';
      let settled = false;
      const done = (err) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) error('good-node', err);
        else counts.good['good-node']++;
        c.destroy();
        resolve();
      };
      const c = tls.connect({
        host: HOST,
        port,
        ca: hello.certPem,
        checkServerIdentity: () => undefined, // the self-signed certificate names localhost, not an IP
        maxVersion: seq % 2 ? 'TLSv1.3' : 'TLSv1.2',
      });
      const timer = setTimeout(() => done(`no echo within ${GOOD_TIMEOUT_MS} ms`), GOOD_TIMEOUT_MS);
      c.on('error', (e) => done(e?.message ?? String(e)));
      c.on('secureConnect', () => c.write(msg));
      c.on('data', (d) => {
        got += d.toString();
        if (got.length >= msg.length) {
          if (got !== msg) return done(`echo mismatch: ${JSON.stringify(got.slice(0, 80))}`);
          c.end();
        }
      });
      c.on('close', () => done(got === msg ? null : `closed before the echo (${got.length}/${msg.length} bytes)`));
    });
  }

  /** Connects a plain TCP socket; resolves once connected (or null on failure, counted). */
  function rawConnect(kind) {
    return new Promise((resolve) => {
      const s = net.connect({ host: HOST, port });
      const failed = (e) => {
        error(kind, `could not connect: ${e?.message ?? e}`);
        resolve(null);
      };
      s.once('error', failed);
      s.once('connect', () => {
        s.off('error', failed);
        s.on('error', () => {}); // resets and closes are the point here
        s.resume(); // read (and drop) what the server sends, alerts included, so its FIN is seen
        resolve(s);
      });
    });
  }

  async function reset() {
    counts.faults.reset++;
    const s = await rawConnect('reset');
    if (!s) return;
    s.write(clientHello());
    if (seq++ % 2 === 0) {
      // Right after the ClientHello: the server may not even have read it.
      s.resetAndDestroy();
    } else {
      // After the server answered (ServerHello and its flight), or 200 ms.
      await new Promise((r) => {
        const t = setTimeout(r, 200);
        s.once('data', () => {
          clearTimeout(t);
          r();
        });
      });
      s.resetAndDestroy();
    }
    await waitClose(s, 1000);
  }

  async function garbage() {
    counts.faults.garbage++;
    const s = await rawConnect('garbage');
    if (!s) return;
    const variant = seq++ % 3;
    let bytes;
    if (variant === 0) {
      bytes = Buffer.from(`GET / HTTP/1.1\r\nHost: localhost\r\n\r\n`);
    } else if (variant === 1) {
      // Random bytes whose first is no TLS content type (and no SSLv2 length byte).
      bytes = crypto.randomBytes(1 + crypto.randomInt(2048));
      bytes[0] = 0x20 + crypto.randomInt(0x5f);
    } else {
      // A complete handshake record of random bytes.
      const body = crypto.randomBytes(4 + crypto.randomInt(1024));
      bytes = Buffer.concat([Buffer.from([0x16, 0x03, 0x01, body.length >> 8, body.length & 0xff]), body]);
    }
    s.write(bytes);
    const r = await waitClose(s, GIVE_UP_MS);
    if (!r.closed) error('garbage', `the server kept the connection open ${GIVE_UP_MS} ms (variant ${variant})`);
    else if (r.ms < 1000) counts.closedFast++;
    else counts.closedOnTimeout++;
  }

  async function halfHello() {
    counts.faults['half-hello']++;
    const s = await rawConnect('half-hello');
    if (!s) return;
    const ch = clientHello();
    s.write(ch.subarray(0, ch.length >> 1));
    const r = await waitClose(s, GIVE_UP_MS);
    if (!r.closed) error('half-hello', `the server did not time the connection out within ${GIVE_UP_MS} ms`);
    else if (r.ms < 1000) counts.closedFast++;
    else counts.closedOnTimeout++;
  }

  async function silent() {
    counts.faults.silent++;
    const s = await rawConnect('silent');
    if (!s) return;
    const r = await waitClose(s, GIVE_UP_MS);
    if (!r.closed) error('silent', `the server did not time the connection out within ${GIVE_UP_MS} ms`);
    else if (r.ms < 1000) counts.closedFast++;
    else counts.closedOnTimeout++;
  }

  // Weights of the fast mix: mostly good clients.
  const FAST = [
    [goodNapi, 45],
    [goodNode, 25],
    [reset, 18],
    [garbage, 12],
  ];
  const fastTotal = FAST.reduce((a, [, w]) => a + w, 0);
  function pickFast() {
    let x = crypto.randomInt(fastTotal);
    for (const [fn, w] of FAST) {
      if ((x -= w) < 0) return fn;
    }
    return goodNapi;
  }

  let clientsStarted = 0;
  let stopping = false;
  const more = () => !stopping && !serverGone && Date.now() < deadline && clientsStarted < MAX_CLIENTS;
  async function slot(pick) {
    while (more()) {
      clientsStarted++;
      try {
        await pick()();
      } catch (e) {
        error('generator', e?.stack ?? String(e));
      }
    }
  }

  // Reports.
  const series = [];
  let last = { t: started, handshakes: 0 };
  const mb = (b) => (b / 1048576).toFixed(1);
  const fmtKinds = (o) =>
    Object.entries(o)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none';
  async function report(label, gc = false) {
    const st = await serverStats(gc);
    const now = Date.now();
    const el = Math.round((now - started) / 1000);
    const lines = [];
    if (!st) {
      lines.push(`[${label} ${el}s] server not answering: ${serverGone ?? 'IPC timeout'}`);
      console.log(lines.join('\n'));
      return null;
    }
    const rate = ((st.handshakes - last.handshakes) / Math.max(0.001, (now - last.t) / 1000)).toFixed(0);
    last = { t: now, handshakes: st.handshakes };
    series.push({ t: el, rss: st.rss, fds: st.fds, heap: st.heapUsed });
    const f = counts.faults;
    lines.push(`[${label} ${String(el).padStart(4)}s] handshakes served ${st.handshakes} (${rate}/s); good clients ok: napi ${counts.good['good-napi']}, node ${counts.good['good-node']}`);
    lines.push(`    faults injected: reset ${f.reset}, garbage ${f.garbage}, half-hello ${f['half-hello']}, silent ${f.silent}; server closed them: ${counts.closedFast} at once, ${counts.closedOnTimeout} on its timeout`);
    lines.push(`    server: rss ${mb(st.rss)} MB, heap ${mb(st.heapUsed)} MB, external ${mb(st.external)} MB, open fds ${st.fds}, open connections ${st.open}; client errors seen ${st.clientErrors} (${fmtKinds(st.errorKinds)})`);
    lines.push(`    errors: ${counts.errors}${counts.errors ? ` (${fmtKinds(counts.errorKinds)})` : ''}; server uncaught exceptions: ${st.uncaught}`);
    console.log(lines.join('\n'));
    return st;
  }

  console.log(
    `soak: server pid ${child.pid} on ${HOST}:${port} (${KEY === 'rsa' ? 'RSA-2048' : 'ECDSA P-256'} certificate), ` +
      `${MINUTES} min, report every ${INTERVAL_S} s, ${CONCURRENCY} client slots + ${IDLE_CLIENTS} idle-fault slots, ` +
      `server handshake timeout ${HANDSHAKE_TIMEOUT_S} s${Number.isFinite(MAX_CLIENTS) ? `, at most ${MAX_CLIENTS} clients` : ''}; node ${process.version}, ${os.cpus().length} cpus`,
  );
  const baseline = await serverStats(true);
  console.log(`[start    0s] server: rss ${mb(baseline.rss)} MB, open fds ${baseline.fds}`);

  const timer = setInterval(() => void report('soak'), INTERVAL_S * 1000);
  const slots = [];
  for (let i = 0; i < CONCURRENCY; i++) slots.push(slot(pickFast));
  for (let i = 0; i < IDLE_CLIENTS; i++) slots.push(slot(() => (i % 2 ? silent : halfHello)));
  const onSignal = () => {
    console.log('soak: interrupted, stopping');
    stopping = true;
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  // Every slot ends by itself at the deadline; each client has its own time limit.
  await Promise.all(slots);
  clearInterval(timer);
  stopping = true;

  // Drained: every client has closed. Give the server a moment to close its side, then compare.
  let final = null;
  for (let i = 0; i < 10; i++) {
    await new Promise((r) => setTimeout(r, 500));
    final = await serverStats(true);
    if (!final || (final.open === 0 && final.fds <= baseline.fds)) break;
  }
  console.log('soak: load stopped, in-flight clients done');
  await report('end', true);

  let failed = counts.errors > 0;
  console.log('summary:');
  if (series.length) {
    const first = series[0];
    const lastS = series[series.length - 1];
    const peak = Math.max(...series.map((s) => s.rss));
    console.log(`    server rss: ${series.map((s) => mb(s.rss)).join(' -> ')} MB (first report ${mb(first.rss)}, last ${mb(lastS.rss)}, peak ${mb(peak)}; ${(((lastS.rss - first.rss) / first.rss) * 100).toFixed(1)}% first to last)`);
    console.log(`    server open fds: ${series.map((s) => s.fds).join(' -> ')} (baseline ${baseline.fds})`);
  }
  if (!final) {
    console.log(`    FAIL: the server is gone: ${serverGone ?? 'no answer over IPC'}`);
    failed = true;
  } else {
    if (final.fds > baseline.fds || final.open !== 0) {
      console.log(`    FAIL: after the load the server holds ${final.fds} fds (baseline ${baseline.fds}) and ${final.open} connections`);
      failed = true;
    } else {
      console.log(`    server fds back to baseline (${final.fds}), no connection left open`);
    }
    if (final.uncaught) {
      console.log(`    FAIL: ${final.uncaught} uncaught exceptions in the server; last:\n${final.lastUncaught}`);
      failed = true;
    }
  }
  for (const s of errorSamples) console.log(`    error: ${s}`);
  console.log(`soak: ${failed ? 'FAILED' : 'ok'} (${counts.errors} errors, ${clientsStarted} clients in ${Math.round((Date.now() - started) / 1000)} s)`);

  if (!serverGone) {
    child.send({ type: 'stop' });
    await Promise.race([new Promise((r) => child.once('exit', r)), new Promise((r) => setTimeout(r, 3000))]);
    if (!serverGone) child.kill('SIGKILL');
  }
  process.exit(failed ? 1 : 0);
}
