#!/usr/bin/env node
// The deployment benchmark: server and client as separate processes on separate cores (server on
// the last core, client on the first), over loopback TCP. Each line is measured side by side in one
// run for openssl-napi, node:tls / node:https and the C references (openssl s_server / s_time and
// the C loop of bench/c/ceiling.c), several runs alternating the order, medians and run-by-run
// ratios. `wrk` is the HTTP load generator (ensureWrk installs it from Debian's packages on first use).
// Usage: npm run bench:net [-- --quick] [--lines a,b] [--runs N] [--seconds S]   (--help for more)
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { buildCeiling, CLIENT_CPU, makeFixtures, onCpu as on, parseCli, parseJson, progress, readBuildConfig, SERVER_CPU } from './impl/common.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');

/** wrk from Debian's packages, installed on first use when we may (root, or sudo without a password). */
function ensureWrk() {
  if (spawnSync('wrk', ['--version']).error === undefined) return;
  const asRoot = process.getuid?.() === 0 ? [] : spawnSync('sudo', ['-n', 'true']).status === 0 ? ['sudo', '-n'] : null;
  if (asRoot !== null && spawnSync('apt-get', ['--version']).status === 0) {
    const apt = (...args) => spawnSync(asRoot[0] ?? 'apt-get', asRoot[0] ? [...asRoot.slice(1), 'apt-get', ...args] : args, { stdio: 'inherit' });
    console.error('installing wrk (apt-get install -y wrk)');
    apt('update', '-qq');
    if (apt('install', '-y', '--no-install-recommends', 'wrk').status === 0) return;
  }
  throw new Error('bench/net.js needs wrk (Debian: apt-get install wrk)');
}

/**
 * Every line: who is compared with whom, and the goal. `a` is the binding's side, `refs` the
 * references; `goal` is the least ratio binding/`vs`. `cpu` also compares server CPU per handshake.
 */
export const LINES = [
  { id: 'https-ka-8', title: 'HTTPS keep-alive GET /, 8 connections (wrk)', kind: 'wrk', conns: 8, vs: 'node', goal: 1.3 },
  { id: 'https-ka-64', title: 'HTTPS keep-alive GET /, 64 connections (wrk)', kind: 'wrk', conns: 64, vs: 'node', goal: 1.3 },
  { id: 'https-ka-256', title: 'HTTPS keep-alive GET /, 256 connections (wrk)', kind: 'wrk', conns: 256, vs: 'node', goal: 1.3 },
  { id: 'https-new', title: 'HTTPS new connection per request, no resumption (wrk)', kind: 'wrk', conns: 8, close: true, noresume: true, vs: 'node', goal: 1.3 },
  { id: 'https-new-resume', title: 'HTTPS new connection per request, resumption as wrk does it', kind: 'wrk', conns: 8, close: true, vs: 'node', goal: null },
  { id: 'stime-server', title: 'openssl s_time -new against the server (TLS 1.3 P-256)', kind: 'stime', vs: 's_server', goal: 0.95, cpu: 1.15 },
  { id: 'client-hs', title: 'client full handshakes against openssl s_server, verified', kind: 'client', vs: 's_time', goal: 0.95 },
  { id: 'bulk-aesgcm', title: 'bulk AES-128-GCM, server to client', kind: 'bulk', vs: 'c', goal: 0.95 },
  { id: 'bulk-chacha', title: 'bulk ChaCha20-Poly1305, server to client', kind: 'bulk', vs: 'c', goal: 0.95 },
];

const opts = parseCli(
  `Usage: node bench/net.js [options]   (npm run bench:net -- [options])

The deployment benchmark: server and client as two processes on two cores, over loopback TCP, for
openssl-napi, node:tls / node:https and the C references; writes bench/results/net-latest.{json,md}
(net-quick.* with --quick, net-partial.* with --lines).`,
  {
    quick: { type: 'boolean', help: 'one run of 2 s per implementation, 1 s server warm-up' },
    lines: { type: 'list', choices: LINES.map((l) => l.id), help: `only these lines: ${LINES.map((l) => l.id).join(', ')}` },
    runs: { type: 'int', help: 'runs per implementation (default 3; 1 with --quick)' },
    seconds: { type: 'number', help: 'seconds per run (default 5; 2 with --quick)' },
  },
);
const quick = opts.quick;
const runs = opts.runs ?? (quick ? 1 : 3);
const seconds = opts.seconds ?? (quick ? 2 : 5);

const fixturesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onapi-net-'));
makeFixtures(fixturesDir);
process.on('exit', () => fs.rmSync(fixturesDir, { recursive: true, force: true }));
const fx = (f) => path.join(fixturesDir, f);
const env = { ...process.env, BENCH_FIXTURES: fixturesDir };
const { cfg } = readBuildConfig();
// The openssl CLI of the OpenSSL the addon links, when that build has one.
const cli = fs.existsSync(path.join(cfg.libdir, '..', 'bin', 'openssl')) ? path.join(cfg.libdir, '..', 'bin', 'openssl') : 'openssl';

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

/**
 * A server is measured as it runs in production: warm. A Node server's first seconds go to V8
 * compiling its hot functions (on a compiler thread, on the same core); the C server has none.
 * So each Node server first serves the same load for WARMUP seconds, untimed.
 */
const WARMUP = quick ? 1 : 2;
function warmUp(impl, run) {
  if (impl === 'binding' || impl === 'node') run();
}

/** Starts a server on the server core; resolves with its port, its pid and a stop() giving its stats. */
async function startServer(impl, mode) {
  let child;
  if (impl === 's_server') {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const [cmd, argv] = on(SERVER_CPU, cli, ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', fx('ec-cert.pem'), '-key', fx('ec-key.pem'), '-naccept', '100000000', '-quiet']);
    child = spawn(cmd, argv, { stdio: ['pipe', 'ignore', 'ignore'] });
    await waitForPort(port);
    return { port, pid: child.pid, stop: async () => (child.kill('SIGKILL'), {}) };
  }
  const [cmd, argv] = on(SERVER_CPU, process.execPath, [path.join(here, 'impl', 'net-server.js'), impl, mode]);
  child = spawn(cmd, argv, { env, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout });
  const next = () => new Promise((resolve, reject) => {
    lines.once('line', (l) => resolve(JSON.parse(l)));
    child.once('exit', (code) => reject(new Error(`${impl} server exited (${code})`)));
  });
  const { port } = await next();
  return {
    port,
    pid: child.pid,
    stop: async () => {
      const stats = next();
      child.stdin.end();
      return stats.catch(() => ({}));
    },
  };
}

async function waitForPort(port) {
  const net = await import('node:net');
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise((r) => {
      const s = net.connect(port, '127.0.0.1', () => (s.destroy(), r(true)));
      s.on('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

function runClient(cmd, argv) {
  const r = spawnSync(...on(CLIENT_CPU, cmd, argv), { encoding: 'utf8', env, timeout: 300_000 });
  return r;
}

/** wrk on the client core: requests per second, and the server's handshake count. */
async function wrkLine(line, impl) {
  const server = await startServer(impl, line.noresume ? 'https-noresume' : 'https');
  const argv = ['-t1', `-c${line.conns}`, `-d${seconds}s`, ...(line.close ? ['-H', 'Connection: close'] : []), `https://127.0.0.1:${server.port}/`];
  warmUp(impl, () => runClient('wrk', argv.map((a) => (a === `-d${seconds}s` ? `-d${WARMUP}s` : a))));
  const cpu0 = cpuSeconds(server.pid);
  const t0 = process.hrtime.bigint();
  const r = runClient('wrk', argv);
  const busy = (cpuSeconds(server.pid) - cpu0) / (Number(process.hrtime.bigint() - t0) / 1e9);
  const stats = await server.stop();
  const m = /Requests\/sec:\s+([\d.]+)/.exec(r.stdout);
  const errors = /Non-2xx|Socket errors: (.*)/.exec(r.stdout);
  if (!m) return { error: `wrk: ${(r.stdout + r.stderr).trim().split('\n').slice(-2).join(' | ')}` };
  // The server's CPU per request: what the server spends, whoever the bottleneck is.
  const rate = Number(m[1]);
  return { rate, unit: 'req/s', serverBusy: busy, cpuPerOp: (busy / rate) * 1e6, resumedShare: stats.handshakes ? stats.resumed / stats.handshakes : undefined, note: errors ? errors[0] : undefined };
}

/** openssl s_time -new on the client core against a server on the server core. */
async function stimeAgainst(impl) {
  const server = await startServer(impl, 'tls');
  warmUp(impl, () => runClient(cli, ['s_time', '-connect', `127.0.0.1:${server.port}`, '-new', '-time', String(WARMUP)]));
  const cpu0 = cpuSeconds(server.pid);
  const t0 = process.hrtime.bigint();
  const r = runClient(cli, ['s_time', '-connect', `127.0.0.1:${server.port}`, '-new', '-time', String(Math.max(2, Math.round(seconds)))]);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = cpuSeconds(server.pid) - cpu0;
  await server.stop();
  const m = /(\d+) connections in \d+ real seconds/.exec(r.stdout);
  if (!m) return { error: `s_time: ${(r.stdout + r.stderr).trim().split('\n').slice(-2).join(' | ')}` };
  const ops = Number(m[1]);
  return { rate: ops / secs, unit: 'handshakes/s', cpuPerOp: (cpu / ops) * 1e6 };
}

/** A client process (binding, node, or s_time) making full handshakes against s_server. */
async function clientLine(impl) {
  if (impl === 's_time') return stimeClientOnly();
  const server = await startServer('s_server');
  const r = runClient(process.execPath, [path.join(here, 'impl', 'net-client.js'), impl, 'handshakes', String(server.port), String(seconds)]);
  await server.stop();
  return parseJson(r);
}
async function stimeClientOnly() {
  const server = await startServer('s_server');
  const t0 = process.hrtime.bigint();
  const r = runClient(cli, ['s_time', '-connect', `127.0.0.1:${server.port}`, '-new', '-CAfile', fx('ec-cert.pem'), '-time', String(Math.max(2, Math.round(seconds)))]);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  await server.stop();
  const m = /(\d+) connections in \d+ real seconds/.exec(r.stdout);
  if (!m) return { error: `s_time: ${(r.stdout + r.stderr).trim().split('\n').slice(-2).join(' | ')}` };
  return { rate: Number(m[1]) / secs, unit: 'handshakes/s' };
}

let ceilingBin = null;
/** Bulk: a server process writing, a client process counting; the C pair forks onto two cores. */
async function bulkLine(line, impl) {
  if (impl === 'c') {
    ceilingBin ??= buildCeiling().bin;
    const r = spawnSync(ceilingBin, [line.id === 'bulk-chacha' ? 'tcp-bulk-chacha' : 'tcp-bulk', String(seconds), fixturesDir], {
      encoding: 'utf8',
      env: { ...env, CEILING_SERVER_CPU: SERVER_CPU, CEILING_CLIENT_CPU: CLIENT_CPU },
      timeout: 300_000,
    });
    return parseJson(r);
  }
  const server = await startServer(impl, line.id);
  const r = runClient(process.execPath, [path.join(here, 'impl', 'net-client.js'), impl, 'bulk', String(server.port), String(seconds)]);
  await server.stop();
  return parseJson(r);
}

function implsOf(line) {
  switch (line.kind) {
    case 'wrk': return ['binding', 'node'];
    case 'stime': return ['binding', 'node', 's_server'];
    case 'client': return ['binding', 'node', 's_time'];
    case 'bulk': return ['binding', 'node', 'c'];
    default: throw new Error(line.kind);
  }
}

function measure(line, impl) {
  switch (line.kind) {
    case 'wrk': return wrkLine(line, impl);
    case 'stime': return stimeAgainst(impl);
    case 'client': return clientLine(impl);
    case 'bulk': return bulkLine(line, impl);
    default: throw new Error(line.kind);
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const pairRatio = (a, b, key = 'rate') => {
  const rs = a.map((s, i) => (s[key] && b[i]?.[key] ? s[key] / b[i][key] : null)).filter((x) => x !== null);
  return rs.length ? median(rs) : null;
};
const fmt = (x) => (x === undefined || x === null || Number.isNaN(x) ? '—' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const pct = (x) => (x === undefined ? '—' : `${Math.round(x * 100)}%`);

async function main() {
  ensureWrk();
  const lines = LINES.filter((l) => !opts.lines || opts.lines.includes(l.id));
  const results = [];
  for (const [n, line] of lines.entries()) {
    const at = `[${n + 1}/${lines.length}] ${line.id}`;
    const impls = implsOf(line);
    const samples = Object.fromEntries(impls.map((i) => [i, []]));
    for (let r = 0; r < runs; r++) {
      // The order alternates run by run, so a drift of the machine's speed favours no side.
      for (const impl of r % 2 ? [...impls].reverse() : impls) {
        progress(`${at} run ${r + 1}/${runs} ${impl}`);
        const s = await measure(line, impl);
        samples[impl].push(s);
        if (s.error) progress(`${at} ${impl}: ${s.error}`, { done: true });
      }
    }
    const med = (impl, key = 'rate') => {
      const xs = samples[impl].map((s) => s[key]).filter((x) => typeof x === 'number');
      return xs.length ? median(xs) : undefined;
    };
    const ratio = pairRatio(samples.binding, samples[line.vs]);
    const res = {
      id: line.id,
      title: line.title,
      unit: samples.binding.find((s) => s.unit)?.unit ?? samples[line.vs].find((s) => s.unit)?.unit,
      rates: Object.fromEntries(impls.map((i) => [i, med(i)])),
      vs: line.vs,
      ratio,
      vsNode: line.vs === 'node' ? ratio : pairRatio(samples.binding, samples.node),
      goal: line.goal,
      met: line.goal == null ? null : ratio != null && ratio >= line.goal,
    };
    if (line.kind === 'wrk') {
      res.resumed = Object.fromEntries(impls.map((i) => [i, med(i, 'resumedShare')]));
      res.serverBusy = Object.fromEntries(impls.map((i) => [i, med(i, 'serverBusy')]));
      res.cpuPerRequestUs = Object.fromEntries(impls.map((i) => [i, med(i, 'cpuPerOp')]));
    }
    if (line.cpu) {
      res.cpuPerHandshakeUs = Object.fromEntries(impls.map((i) => [i, med(i, 'cpuPerOp')]));
      res.cpuRatio = pairRatio(samples.binding, samples[line.vs], 'cpuPerOp');
      res.cpuMet = res.cpuRatio != null && res.cpuRatio <= line.cpu;
    }
    results.push(res);
    progress(`${at}: ${impls.map((i) => `${i} ${fmt(res.rates[i])}`).join(', ')} ${res.unit}; binding/${line.vs} ${fmt(ratio)}` +
      (res.resumed ? `; resumed binding ${pct(res.resumed.binding)} node ${pct(res.resumed.node)}` : '') +
      (res.cpuPerRequestUs ? `; server CPU/request ${fmt(res.cpuPerRequestUs.binding)} vs ${fmt(res.cpuPerRequestUs.node)} µs, busy ${pct(res.serverBusy.binding)} vs ${pct(res.serverBusy.node)}` : '') +
      (res.cpuRatio ? `; server CPU/handshake ${fmt(res.cpuPerHandshakeUs.binding)} vs ${fmt(res.cpuPerHandshakeUs[line.vs])} µs (${fmt(res.cpuRatio)}x)` : ''), { done: true });
  }
  writeReport(results);
}

function writeReport(results) {
  const out = path.join(here, 'results', opts.lines ? 'net-partial' : quick ? 'net-quick' : 'net-latest');
  const version = JSON.parse(execFileSync(process.execPath, ['-e', "import('./dist/index.js').then(m => console.log(JSON.stringify(m.version())))"], { cwd: root, encoding: 'utf8' }));
  const head = `${new Date().toISOString()} · ${os.cpus()[0].model.trim().split(' ').slice(0, 2).join(' ')} x${os.cpus().length} · Node ${process.version} · binding on ${version.openssl ?? JSON.stringify(version)} · server on core ${SERVER_CPU}, client on core ${CLIENT_CPU} · ${runs} run(s) × ${seconds}s, medians; ratios are medians of run-by-run pairs.`;
  const rows = results.map((r) => {
    const others = Object.entries(r.rates).filter(([i]) => i !== 'binding').map(([i, v]) => `${i} ${fmt(v)}`).join(', ');
    const extra = [r.resumed ? `resumed: binding ${pct(r.resumed.binding)}, node ${pct(r.resumed.node)}` : '',
      r.cpuPerRequestUs ? `server CPU/request ${fmt(r.cpuPerRequestUs.binding)} vs ${fmt(r.cpuPerRequestUs.node)} µs (busy ${pct(r.serverBusy.binding)} vs ${pct(r.serverBusy.node)})` : '', r.cpuRatio ? `server CPU/handshake ${fmt(r.cpuPerHandshakeUs.binding)} vs ${fmt(r.cpuPerHandshakeUs[r.vs])} µs = ${fmt(r.cpuRatio)}x (goal ≤ 1.15x: ${r.cpuMet ? 'yes' : 'no'})` : ''].filter(Boolean).join('; ');
    return `| ${r.title} [${r.unit}] | ${fmt(r.rates.binding)} | ${others} | ${fmt(r.ratio)} vs ${r.vs} | ${fmt(r.vsNode)} | ${r.goal ? `≥ ${r.goal}x` : '—'} | ${r.met == null ? '—' : r.met ? 'yes' : 'no'} | ${extra} |`;
  });
  const md = `# openssl-napi deployment benchmark (two processes, two cores)\n\n${head}\n\n| line | openssl-napi | references | ratio | vs node | goal | met | notes |\n|---|---|---|---|---|---|---|---|\n${rows.join('\n')}\n`;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(`${out}.md`, md);
  fs.writeFileSync(`${out}.json`, JSON.stringify({ head, results }, null, 2));
  console.log(md);
}

await main();
