// Shared by the benchmark scripts and implementations: timing loops, fixtures, cores, the TCP
// lines, and the command line.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

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

/**
 * The server identity of a line: `ec` (P-256) or `rsa` (2048). Its certificate is self-signed, so
 * it is also what the clients load as their CA.
 */
export function identity(kind) {
  return { key: fixture(`${kind}-key.pem`), cert: fixture(`${kind}-cert.pem`) };
}

/** The name every client sends as SNI and checks the server certificate against (its SAN). */
export const SERVER_NAME = 'bench.local';

/** The TLS 1.2 cipher every client offers, by identity (ceiling.c spells the same). */
export const TLS12_CIPHER = { ec: 'ECDHE-ECDSA-AES128-GCM-SHA256', rsa: 'ECDHE-RSA-AES128-GCM-SHA256' };

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
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', p('rsa-key.pem'), '-out', p('rsa-cert.pem'), '-subj', '/CN=bench', '-addext', 'subjectAltName=DNS:bench.local', '-days', '365');
  for (const n of ['root', 'int', 'leaf']) run('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', p(`${n}.key`));
  run('req', '-x509', '-new', '-key', p('root.key'), '-subj', '/CN=root', '-days', '3650', '-out', p('root.pem'), '-config', p('ext.cnf'), '-extensions', 'ca');
  run('req', '-new', '-key', p('int.key'), '-subj', '/CN=intermediate', '-out', p('int.csr'));
  run('x509', '-req', '-in', p('int.csr'), '-CA', p('root.pem'), '-CAkey', p('root.key'), '-CAcreateserial', '-days', '3650', '-extfile', p('ext.cnf'), '-extensions', 'ca', '-out', p('int.pem'));
  run('req', '-new', '-key', p('leaf.key'), '-subj', '/CN=leaf', '-out', p('leaf.csr'));
  run('x509', '-req', '-in', p('leaf.csr'), '-CA', p('int.pem'), '-CAkey', p('int.key'), '-CAcreateserial', '-days', '3650', '-extfile', p('ext.cnf'), '-extensions', 'leaf', '-out', p('leaf.pem'));
}

/**
 * Two cores, two roles: a benchmark's server on the last core, its client on the first (as
 * bench/net.js deploys them); the in-memory lines run on the server core alone.
 */
export const SERVER_CPU = String(os.cpus().length - 1);
export const CLIENT_CPU = '0';
let taskset;
/** Whether processes can be pinned here (taskset). */
export function canPin() {
  return (taskset ??= spawnSync('taskset', ['-c', '0', 'true']).status === 0);
}
/** `[cmd, argv]` running `cmd` pinned to `cpu` (unpinned where it cannot be). */
export function onCpu(cpu, cmd, argv) {
  return canPin() ? ['taskset', ['-c', cpu, cmd, ...argv]] : [cmd, argv];
}

/**
 * The loopback TCP lines for any TLS stack, server and client as two processes on two cores: the
 * runner starts the implementation as the client on the client core, which starts the same script
 * again (LINE SECONDS serve) as the server on the server core.
 *   tcp-hs13         new connection, verified full handshake, close; one after the other (as s_time -new)
 *   tcp-bulk         the server writes 256 KiB chunks; the client counts what arrives, reading into
 *                    one reused 64 KiB buffer with `onread` (as node's own TLS throughput benchmark)
 *   tcp-bulk-events  the same read through 'data' events (a fresh Buffer per read)
 * `stack.createServer(onSecureSocket)` gives a net.Server; `stack.connect(port, onread, onSecure)`
 * a client stream.
 */
export async function tcpLine(line, seconds, role, stack) {
  if (role === 'serve') return tcpServe(line, stack);
  const server = spawn(...onCpu(SERVER_CPU, process.execPath, [process.argv[1], line, String(seconds), 'serve']), { stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    const port = await new Promise((resolve, reject) => {
      readline.createInterface({ input: server.stdout }).once('line', (l) => resolve(JSON.parse(l).port));
      server.once('exit', (code) => reject(new Error(`${line} server exited (${code})`)));
    });
    if (line === 'tcp-hs13') {
      const connectOnce = () =>
        new Promise((resolve, reject) => {
          const c = stack.connect(port, undefined, () => {
            c.destroy();
            resolve();
          });
          c.on('error', reject);
        });
      report(line, 'handshakes/s', await timed(seconds, 1, connectOnce));
    } else {
      report(line, 'MB/s', await tcpReceive(line, seconds, port, stack), 1e-6);
    }
  } finally {
    server.stdin.end(); // the server exits at its stdin's end
  }
}

function tcpServe(line, stack) {
  const chunk = Buffer.alloc(256 * 1024, 'x');
  const server = stack.createServer((sock) => {
    sock.on('error', () => {}); // the client closes when it is done
    if (line === 'tcp-hs13') return sock.end();
    const pump = () => {
      while (sock.write(chunk));
    };
    sock.on('drain', pump);
    pump();
  });
  server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
}

/** The bulk client: counts what arrives for `seconds` after the untimed warm-up. */
function tcpReceive(line, seconds, port, stack) {
  return new Promise((resolve, reject) => {
    const warm = warmupSeconds(seconds);
    let first = 0n;
    let t0 = 0n;
    let received = 0;
    const count = (n) => {
      const now = process.hrtime.bigint();
      if (t0 === 0n) {
        first ||= now;
        if (Number(now - first) / 1e9 < warm) return;
        t0 = now;
      }
      received += n;
      if (Number(now - t0) / 1e9 >= seconds) {
        sock.destroy();
        resolve({ ops: received, seconds: Number(now - t0) / 1e9 });
      }
    };
    const onread = line === 'tcp-bulk' ? { buffer: Buffer.alloc(64 * 1024), callback: count } : undefined;
    const sock = stack.connect(port, onread);
    if (!onread) sock.on('data', (d) => count(d.length));
    sock.on('error', reject);
  });
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
  // Linked as the addon is (cfg.libs: the archives and what they need, -lz for a zlib build).
  execFileSync('cc', ['-O2', '-o', out, path.join(root, 'bench', 'c', 'ceiling.c'), `-I${cfg.include}`, ...cfg.libs], { stdio: 'inherit' });
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

/**
 * The command line of a bench script, through util.parseArgs (strict: an unknown option is an
 * error). `options` maps each name to { type, default, help, choices, hidden }: type `boolean`,
 * `string` (one of `choices` if given), `int` (a positive integer), `count` (an integer >= 0),
 * `number` (a positive number) or `list` (comma-separated, each one of `choices`).
 * --help prints `usage` and the options, and exits 0; a bad command line exits 2 with one line.
 */
export function parseCli(usage, options) {
  let values;
  try {
    const spec = Object.fromEntries(Object.entries(options).map(([k, o]) => [k, { type: o.type === 'boolean' ? 'boolean' : 'string' }]));
    ({ values } = parseArgs({ options: { ...spec, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (e) {
    usageError(e.message.replace(/\s*\n\s*/g, ' '));
  }
  if (values.help) {
    console.log(helpText(usage, options));
    process.exit(0);
  }
  return Object.fromEntries(Object.entries(options).map(([k, o]) => [k, values[k] === undefined ? o.default : cliValue(k, o, values[k])]));
}

function cliValue(name, o, v) {
  const bad = (what) => usageError(`--${name} takes ${what}, not '${v}'`);
  const n = Number(v);
  switch (o.type) {
    case 'int':
      return /^\d+$/.test(v) && n > 0 ? n : bad('a positive integer');
    case 'count':
      return /^\d+$/.test(v) ? n : bad('an integer >= 0');
    case 'number':
      return v.trim() !== '' && Number.isFinite(n) && n > 0 ? n : bad('a positive number');
    case 'list': {
      const xs = v.split(',').filter(Boolean);
      const unknown = xs.find((x) => !o.choices.includes(x));
      if (unknown !== undefined) usageError(`--${name}: unknown '${unknown}' (known: ${o.choices.join(', ')})`);
      return xs.length ? xs : bad('a comma-separated list');
    }
    default:
      return !o.choices || o.choices.includes(v) ? v : bad(`one of ${o.choices.join(', ')}`);
  }
}

function helpText(usage, options) {
  const arg = (o) => (o.type === 'boolean' ? '' : o.type === 'list' ? ' <a,b>' : o.choices ? ` <${o.choices.join('|')}>` : o.type === 'string' ? ' <value>' : ' <n>');
  const rows = Object.entries(options)
    .filter(([, o]) => !o.hidden)
    .map(([k, o]) => [`--${k}${arg(o)}`, o.help + (o.default !== undefined && o.type !== 'boolean' ? ` (default ${o.default})` : '')]);
  rows.push(['-h, --help', 'this help']);
  const w = Math.max(...rows.map(([l]) => l.length));
  return `${usage.trim()}\n\nOptions:\n${rows.map(([l, h]) => `  ${l.padEnd(w)}  ${h}`).join('\n')}`;
}

/** A bad command line: one line on stderr, exit code 2. */
export function usageError(message) {
  console.error(`${path.basename(process.argv[1])}: ${message} (--help for usage)`);
  process.exit(2);
}

/** Where a long run is, on stderr: rewritten in place on a terminal, one line each otherwise. */
export function progress(text, { done = false } = {}) {
  if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${text}${done ? '\n' : ''}`);
  else process.stderr.write(`${text}\n`);
}
