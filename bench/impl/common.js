// Shared by the benchmark implementations: timing loops and fixtures.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * BENCH_OPS=N runs exactly N operations (whole batches: N rounded up to the line's batch; for the
 * MB/s lines an operation is a byte) instead of `seconds`, like ceiling.c's CEILING_OPS: a
 * deterministic amount of work, for instruction counts (valgrind --tool=callgrind).
 */
const opsLimit = Number(process.env.BENCH_OPS ?? 0);
if (!Number.isSafeInteger(opsLimit) || opsLimit < 0) throw new Error(`BENCH_OPS must be a non-negative integer, not ${process.env.BENCH_OPS}`);
function keepGoing(ops, elapsed, seconds) {
  return opsLimit > 0 ? ops < opsLimit : elapsed < seconds;
}

/**
 * Untimed warm-up before the timed window (up to 1 s): V8 keeps compiling functions to optimized
 * code until each has run often enough, which for once-per-connection code on the TCP lines takes
 * seconds; the C loop never pays this (none with BENCH_OPS: counts stay exact).
 */
function warmupSeconds(seconds) {
  return opsLimit > 0 ? 0 : Math.min(1, seconds / 2);
}

/** Runs `step` (which does `batch` operations, possibly async) until `seconds` elapse (or BENCH_OPS ops). */
export async function timed(seconds, batch, step) {
  for (const w0 = process.hrtime.bigint(), w = warmupSeconds(seconds); Number(process.hrtime.bigint() - w0) / 1e9 < w; ) await step();
  let ops = 0;
  const t0 = process.hrtime.bigint();
  let elapsed = 0;
  do {
    await step();
    ops += batch;
    elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  } while (keepGoing(ops, elapsed, seconds));
  return { ops, seconds: elapsed };
}

/** Synchronous version of {@link timed}. */
export function timedSync(seconds, batch, step) {
  for (const w0 = process.hrtime.bigint(), w = warmupSeconds(seconds); Number(process.hrtime.bigint() - w0) / 1e9 < w; ) step();
  let ops = 0;
  const t0 = process.hrtime.bigint();
  let elapsed = 0;
  do {
    step();
    ops += batch;
    elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  } while (keepGoing(ops, elapsed, seconds));
  return { ops, seconds: elapsed };
}

/** Reads a fixture written by bench/run.js (the same bytes for every implementation). */
export function fixture(name) {
  const dir = process.env.BENCH_FIXTURES;
  if (!dir) throw new Error('BENCH_FIXTURES is not set: run the suite through bench/run.js');
  return fs.readFileSync(path.join(dir, name));
}

/** The server identity of a line: `ec` (P-256) or `rsa` (2048). */
export function identity(kind) {
  return { key: fixture(`${kind}-key.pem`), cert: fixture(`${kind}-cert.pem`) };
}

/** The P-256 root -> intermediate -> leaf chain. */
export function chain() {
  return { root: fixture('root.pem'), intermediate: fixture('int.pem'), leaf: fixture('leaf.pem') };
}

/** Prints the one JSON result line the runner reads. */
export function report(line, unit, { ops, seconds }, scale = 1, extra = {}) {
  console.log(JSON.stringify({ line, ops, seconds, rate: (ops * scale) / seconds, unit, ...extra }));
}

/** Writes every fixture the lines use into `dir`, with the openssl CLI. */
export function makeFixtures(dir) {
  const p = (f) => path.join(dir, f);
  const run = (...a) => execFileSync('openssl', a, { stdio: 'ignore' });
  fs.writeFileSync(p('ext.cnf'), '[ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n[leaf]\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nsubjectAltName=DNS:leaf.example\n');
  run('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', p('ec-key.pem'), '-out', p('ec-cert.pem'), '-subj', '/CN=bench', '-addext', 'subjectAltName=DNS:bench.local', '-days', '365');
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('rsa-key.pem'), '-out', p('rsa-cert.pem'), '-subj', '/CN=bench', '-days', '365');
  for (const n of ['root', 'int', 'leaf']) run('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', p(`${n}.key`));
  run('req', '-x509', '-new', '-key', p('root.key'), '-subj', '/CN=root', '-days', '3650', '-out', p('root.pem'), '-config', p('ext.cnf'), '-extensions', 'ca');
  run('req', '-new', '-key', p('int.key'), '-subj', '/CN=intermediate', '-out', p('int.csr'));
  run('x509', '-req', '-in', p('int.csr'), '-CA', p('root.pem'), '-CAkey', p('root.key'), '-CAcreateserial', '-days', '3650', '-extfile', p('ext.cnf'), '-extensions', 'ca', '-out', p('int.pem'));
  run('req', '-new', '-key', p('leaf.key'), '-subj', '/CN=leaf', '-out', p('leaf.csr'));
  run('x509', '-req', '-in', p('leaf.csr'), '-CA', p('int.pem'), '-CAkey', p('int.key'), '-CAcreateserial', '-days', '3650', '-extfile', p('ext.cnf'), '-extensions', 'leaf', '-out', p('leaf.pem'));
}

/**
 * The loopback TCP bulk lines for any TLS stack: the server writes 256 KiB chunks for `seconds`,
 * the client counts what arrives, reading into one reused 64 KiB buffer with `onread` (tcp-bulk,
 * as node's own TLS throughput benchmark and as the C loop's one buffer) or through 'data' events
 * (tcp-bulk-events). `createServer(onSecureSocket)` gives a net.Server; `connect(port, onread)` a
 * client stream.
 */
export async function tcpBulkLine(line, seconds, createServer, connect) {
  let received = 0;
  const count = (n) => void (received += n);
  const onread = line === 'tcp-bulk' ? { buffer: Buffer.alloc(64 * 1024), callback: count } : undefined;
  let client = null;
  const result = await new Promise((resolve, reject) => {
    const server = createServer(async (sock) => {
      sock.on('error', () => {});
      const chunk = Buffer.alloc(256 * 1024, 'x');
      const t0 = process.hrtime.bigint();
      const deadline = t0 + BigInt(Math.round(seconds * 1e9));
      while (process.hrtime.bigint() < deadline) {
        if (!sock.write(chunk)) await new Promise((r) => sock.once('drain', r));
      }
      resolve({ ops: received, seconds: Number(process.hrtime.bigint() - t0) / 1e9 });
      sock.destroy();
      server.close();
    });
    server.listen(0, '127.0.0.1', () => {
      client = connect(server.address().port, onread);
      if (!onread) client.on('data', (d) => count(d.length));
      client.on('error', reject);
    });
  });
  client?.destroy();
  report(line, 'MB/s', result, 1e-6);
}

/** The OpenSSL the addon was built against (build/openssl.json, written by the build). */
export function readBuildConfig() {
  return { cfg: JSON.parse(fs.readFileSync(path.join(root, 'build', 'openssl.json'), 'utf8')) };
}

/** Compiles bench/c/ceiling.c against the addon's OpenSSL, linked the same way; returns { bin, cfg }. */
export function buildCeiling() {
  const { cfg } = readBuildConfig();
  const out = path.join(root, 'build', 'bench', 'ceiling');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const link = cfg.linkage === 'static'
    ? [path.join(cfg.libdir, 'libssl.a'), path.join(cfg.libdir, 'libcrypto.a'), '-ldl', '-lpthread']
    : [`-L${cfg.libdir}`, `-Wl,-rpath,${cfg.libdir}`, '-lssl', '-lcrypto'];
  execFileSync('cc', ['-O2', '-o', out, path.join(root, 'bench', 'c', 'ceiling.c'), `-I${cfg.include}`, ...link], { stdio: 'inherit' });
  return { bin: out, cfg };
}

/** The one JSON result line a line's process printed last (spawnSync result), or { error }. */
export function parseJson(r) {
  const last = (r.stdout || '').trim().split('\n').filter(Boolean).pop();
  if (r.status !== 0 || !last) return { error: (r.stderr || r.stdout || `exit ${r.status}`).trim().split('\n').slice(-3).join(' | ') };
  try {
    return JSON.parse(last);
  } catch {
    return { error: `unparsable output: ${last}` };
  }
}
