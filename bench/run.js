#!/usr/bin/env node
// The benchmark suite: each line measured side by side in one run for openssl-napi, node:tls /
// node:crypto, and a C loop over the same OpenSSL the addon links (the ceiling). Several runs after
// a warm-up; the median with min-max; ratios binding/C and binding/node computed pair by pair.
// Usage: npm run bench [-- --quick] [--lines a,b] [--runs N] [--seconds S]   (--help for more)
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCeiling, canPin, CLIENT_CPU, makeFixtures, onCpu, parseCli, parseJson, progress, SERVER_CPU } from './impl/common.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Every line: its goal (binding/C ratio, or vs node), unit, and how it runs: in memory on one
 * pinned core, or over loopback TCP (`tcp`) with server and client as two processes on two cores.
 */
export const LINES = [
  { id: 'hs13-ecdsa', title: 'TLS 1.3 ECDSA P-256 full handshakes, in memory', goal: 0.9 },
  { id: 'hs12-rsa', title: 'TLS 1.2 ECDHE-RSA-2048 full handshakes, in memory', goal: 0.9 },
  { id: 'resume13', title: 'TLS 1.3 ECDSA P-256 ticket resumption, in memory', goal: 0.9 },
  { id: 'resume12-id', title: 'TLS 1.2 ECDHE-RSA-2048 session-id resumption, in memory', goal: 0.75 },
  { id: 'resume12-ticket', title: 'TLS 1.2 ECDHE-RSA-2048 ticket resumption, in memory', goal: 0.75 },
  { id: 'bulk-aesgcm', title: 'AES-128-GCM bulk, 16 KiB records, in memory', goal: 0.85 },
  { id: 'bulk-chacha', title: 'ChaCha20-Poly1305 bulk, 16 KiB records, in memory', goal: 0.85 },
  { id: 'tcp-hs13', title: 'loopback TCP TLS 1.3 handshakes, SecureSocket, two cores', goal: null, vsNode: true, stime: true, tcp: true },
  { id: 'tcp-bulk', title: 'loopback TCP bulk AES-GCM, SecureSocket, onread, two cores', goal: 0.95, tcp: true },
  // The same transfer read through 'data' events (a fresh Buffer per read): shown, no goal.
  { id: 'tcp-bulk-events', title: 'loopback TCP bulk AES-GCM, SecureSocket, data events, two cores', goal: null, info: true, tcp: true },
  { id: 'parse-pem', title: 'parse PEM certificate', goal: 0.9 },
  { id: 'selfsigned-p256', title: 'self-signed P-256 certificate, to PEM', goal: 0.9 },
  { id: 'verify-chain', title: 'verify 3-certificate P-256 chain', goal: 0.95 },
  { id: 'memory', title: 'RSS over in-memory handshakes (flat within 10%)', goal: null, memory: true },
];

const opts = parseCli(
  `Usage: node bench/run.js [options]   (npm run bench -- [options])

Measures each line for openssl-napi, node:tls / node:crypto and the C ceiling, side by side, and
writes bench/results/latest.{json,md,svg} (quick.* with --quick, partial.* with --lines).`,
  {
    quick: { type: 'boolean', help: 'fewer, shorter runs (3 x 0.4 s): about a minute' },
    lines: { type: 'list', choices: LINES.map((l) => l.id), help: `only these lines: ${LINES.map((l) => l.id).join(', ')}` },
    runs: { type: 'int', help: 'runs per implementation (default 5; 3 with --quick)' },
    seconds: { type: 'number', help: 'seconds per run (default 2; 0.4 with --quick)' },
  },
);
const quick = opts.quick;

// One set of keys and certificates for every implementation: the same bytes in, pair by pair.
const fixturesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onapi-bench-'));
makeFixtures(fixturesDir);
process.on('exit', () => fs.rmSync(fixturesDir, { recursive: true, force: true }));

/**
 * `openssl s_time -new` against `openssl s_server` (the same OpenSSL CLI as the binding when it
 * has one), each on its core. s_time verifies the chain against the CA (but has no SNI or host check).
 */
function runStime(seconds, ceiling) {
  const cli = fs.existsSync(path.join(ceiling.cfg.libdir, '..', 'bin', 'openssl')) ? path.join(ceiling.cfg.libdir, '..', 'bin', 'openssl') : 'openssl';
  const port = 20000 + Math.floor(Math.random() * 20000);
  const cert = path.join(fixturesDir, 'ec-cert.pem');
  const server = spawn(...onCpu(SERVER_CPU, cli, ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', cert, '-key', path.join(fixturesDir, 'ec-key.pem'), '-tls1_3', '-naccept', '1000000', '-quiet']), { stdio: 'ignore' });
  try {
    spawnSync('sleep', ['0.3']);
    // s_time's first line divides by its own user CPU time; the fair rate is per wall-clock second
    const [cmd, argv] = onCpu(CLIENT_CPU, cli, ['s_time', '-connect', `127.0.0.1:${port}`, '-new', '-tls1_3', '-CAfile', cert, '-time', String(Math.max(2, Math.round(seconds)))]);
    // (its "real seconds" are whole seconds, so the wall clock is taken here).
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, argv, { encoding: 'utf8', timeout: 120_000 });
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const m = /(\d+) connections in \d+ real seconds/.exec(r.stdout);
    if (!m) return { error: `s_time: ${(r.stdout + r.stderr).trim().split('\n').slice(-2).join(' | ')}` };
    const ops = Number(m[1]);
    return { line: 'tcp-hs13', ops, seconds: secs, rate: ops / secs, unit: 'handshakes/s' };
  } finally {
    server.kill('SIGKILL');
  }
}

/**
 * One run of one implementation. In memory, every implementation on the same one core, so the
 * comparison is pair by pair. Over TCP, the client on the client core and its server on the other
 * (the JS implementations start their own server, common.js tcpLine; the C loop forks it).
 */
function runImpl(impl, line, seconds, ceiling) {
  if (impl === 'stime') return runStime(seconds, ceiling);
  const cpu = line.tcp ? CLIENT_CPU : SERVER_CPU;
  const [cmd, argv] =
    impl === 'c'
      ? onCpu(cpu, ceiling.bin, [line.id, String(seconds), fixturesDir])
      : onCpu(cpu, process.execPath, [path.join(here, 'impl', `${impl}.js`), line.id, String(seconds)]);
  const env = { ...process.env, BENCH_FIXTURES: fixturesDir, ...(line.tcp && { CEILING_SERVER_CPU: SERVER_CPU, CEILING_CLIENT_CPU: CLIENT_CPU }) };
  return parseJson(spawnSync(cmd, argv, { encoding: 'utf8', timeout: 600_000, env }));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Ratios pair by pair (run r of `a` over run r of `b`), then the median of those. */
function pairRatioOf(samples, a, b) {
  const rs = samples[a].map((s, i) => (s.rate && samples[b][i]?.rate ? s.rate / samples[b][i].rate : null)).filter((x) => x !== null);
  return rs.length ? median(rs) : null;
}

function summarize(samples) {
  const rates = samples.filter((s) => typeof s.rate === 'number').map((s) => s.rate);
  if (rates.length === 0) {
    const unsupported = samples.some((s) => s.unsupported);
    return { unsupported, error: unsupported ? null : samples.find((s) => s.error)?.error ?? 'no result' };
  }
  return { median: median(rates), min: Math.min(...rates), max: Math.max(...rates), unit: samples.find((s) => s.unit)?.unit, runs: rates.length };
}

function fmt(x) {
  if (x === undefined || x === null || Number.isNaN(x)) return '—';
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

/**
 * The binding runs between the two implementations its goal compares it with, and they swap sides
 * every run: on a shared machine whose speed drifts, each ratio's pair is then as close in time as
 * it can be, and a drift favours neither side.
 */
function runOrder(line, impls, r) {
  if (line.memory) return impls;
  const [a, b] = line.stime ? ['node', 'stime'] : ['node', 'c'];
  const rest = impls.filter((i) => i !== 'binding' && i !== a && i !== b);
  return r % 2 === 0 ? [a, 'binding', b, ...rest] : [b, 'binding', a, ...rest];
}

function main() {
  const runs = opts.runs ?? (quick ? 3 : 5);
  const seconds = opts.seconds ?? (quick ? 0.4 : 2);
  const ceiling = buildCeiling();
  const lines = LINES.filter((l) => !opts.lines || opts.lines.includes(l.id));
  const results = [];
  const started = Date.now();
  process.stderr.write(`openssl-napi bench: ${lines.length} lines, ${runs} runs x ${seconds}s per implementation after a warm-up; OpenSSL ${ceiling.cfg.version} (${ceiling.cfg.linkage}); node:tls on ${process.versions.openssl}\n`);
  for (const [n, line] of lines.entries()) {
    const at = `[${n + 1}/${lines.length}] ${line.id.padEnd(16)}`;
    const samples = { binding: [], node: [], c: [], stime: [] };
    const impls = line.memory ? ['binding', 'node'] : line.stime ? ['binding', 'node', 'c', 'stime'] : ['binding', 'node', 'c'];
    for (const impl of impls) {
      progress(`${at} warm-up ${impl}`);
      runImpl(impl, line, Math.min(seconds, 0.2), ceiling); // disk cache, CPU clocks
    }
    for (let r = 0; r < runs; r++) {
      for (const impl of runOrder(line, impls, r)) {
        progress(`${at} run ${r + 1}/${runs} ${impl}`);
        samples[impl].push(runImpl(impl, line, seconds, ceiling));
      }
    }
    const entry = { ...line, binding: summarize(samples.binding), node: summarize(samples.node), c: summarize(samples.c) };
    if (line.stime) {
      entry.stime = summarize(samples.stime);
      entry.ratioStime = pairRatioOf(samples, 'binding', 'stime');
    }
    if (line.memory) entry.memory = { binding: samples.binding.at(-1), node: samples.node.at(-1) };
    const pairRatio = (a, b) => pairRatioOf(samples, a, b);
    entry.ratioC = pairRatio('binding', 'c');
    entry.ratioNode = pairRatio('binding', 'node');
    entry.nodeRatioC = pairRatio('node', 'c');
    entry.met = line.info
      ? null
      : line.memory
      ? entry.memory?.binding?.flat ?? null
      : line.vsNode
        ? entry.ratioNode !== null && entry.ratioNode >= 1 && (!line.stime || (entry.ratioStime ?? 0) >= 1)
        : entry.ratioC !== null && entry.goal !== null && entry.ratioC >= entry.goal;
    results.push(entry);
    const errors = impls.filter((i) => entry[i].error).map((i) => `${i}: ${entry[i].error}`);
    progress(`${at} binding ${fmt(entry.binding.median)} ${entry.binding.unit ?? ''}  x${fmt(entry.ratioC)} of C  x${fmt(entry.ratioNode)} of node${errors.length ? `  (${errors.join('; ')})` : ''}`, { done: true });
  }
  const meta = {
    date: new Date().toISOString(),
    quick,
    runs,
    seconds,
    machine: `${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}`,
    node: process.version,
    nodeOpenssl: process.versions.openssl,
    bindingOpenssl: ceiling.cfg.version,
    linkage: ceiling.cfg.linkage,
    pinned: canPin(),
    durationSeconds: (Date.now() - started) / 1000,
  };
  const outDir = path.join(here, 'results');
  fs.mkdirSync(outDir, { recursive: true });
  const stem = opts.lines ? 'partial' : quick ? 'quick' : 'latest';
  fs.writeFileSync(path.join(outDir, `${stem}.json`), JSON.stringify({ meta, results }, null, 2) + '\n');
  fs.writeFileSync(path.join(outDir, `${stem}.md`), markdown(meta, results, stem));
  fs.writeFileSync(path.join(outDir, `${stem}.svg`), svg(meta, results));
  console.log(table(results));
  console.log(`\nwrote bench/results/${stem}.{json,md,svg} in ${meta.durationSeconds.toFixed(0)} s`);
}

function row(r) {
  if (r.memory) {
    const b = r.memory.binding ?? {};
    const n = r.memory.node ?? {};
    return [r.title, b.rssMB ? `${b.rssMB.map((x) => x.toFixed(0)).join('→')} MB (${b.growthPct?.toFixed(1)}%)` : (b.error ?? '—'), n.rssMB ? `${n.rssMB.map((x) => x.toFixed(0)).join('→')} MB (${n.growthPct?.toFixed(1)}%)` : (n.error ?? '—'), '—', '—', '—', 'flat ±10%', r.met === null ? '—' : r.met ? 'yes' : 'NO'];
  }
  const cell = (s) => (s.median !== undefined ? `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})` : s.unsupported ? 'n/a' : `error: ${String(s.error).slice(0, 60)}`);
  const goal = r.vsNode ? `≥ node:tls${r.stime ? ` and s_time (${r.stime?.median !== undefined ? fmt(r.stime.median) : '?'}; x${fmt(r.ratioStime)})` : ''}` : r.goal !== null ? `≥ ${r.goal.toFixed(2)}x C` : '—';
  return [`${r.title} [${r.binding.unit ?? r.c.unit ?? ''}]`, cell(r.binding), cell(r.node), cell(r.c), fmt(r.ratioC), fmt(r.ratioNode), goal, r.met === null ? '—' : r.met ? 'yes' : 'NO'];
}

const HEAD = ['line', 'openssl-napi', 'node:tls/crypto', 'C ceiling', 'napi/C', 'napi/node', 'goal', 'met'];

function table(results) {
  const rows = [HEAD, ...results.map(row)];
  const widths = HEAD.map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r, j) => r.map((c, i) => String(c).padEnd(widths[i])).join('  ') + (j === 0 ? '\n' + widths.map((w) => '-'.repeat(w)).join('  ') : '')).join('\n');
}

function markdown(meta, results, stem) {
  const lines = [
    `# openssl-napi benchmark${meta.quick ? ' (quick)' : ''}`,
    '',
    `${meta.date} · ${meta.machine} · Node ${meta.node} (node:tls on OpenSSL ${meta.nodeOpenssl}) · binding and C on OpenSSL ${meta.bindingOpenssl} (${meta.linkage}) · ${meta.runs} runs × ${meta.seconds}s after a warm-up${meta.pinned ? '; in memory pinned to one core, over TCP server and client on two' : ''}. Median (min–max); ratios are medians of run-by-run pairs.`,
    '',
    `| ${HEAD.join(' | ')} |`,
    `|${HEAD.map(() => '---').join('|')}|`,
    ...results.map((r) => `| ${row(r).join(' | ')} |`),
    '',
    `![ratios](${stem}.svg)`,
    '',
  ];
  return lines.join('\n');
}

function svg(meta, results) {
  const rs = results.filter((r) => !r.memory);
  const W = 860;
  const rowH = 46;
  const left = 330;
  const H = 70 + rs.length * rowH + 30;
  const max = Math.max(1.2, ...rs.flatMap((r) => [r.ratioC ?? 0, r.nodeRatioC ?? 0]).map((x) => Math.min(x, 3)));
  const x = (v) => left + (Math.min(v, 3) / max) * (W - left - 40);
  const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="22" font-size="15" font-weight="bold">Throughput relative to a C loop over the same OpenSSL (C = 1.0)</text>`,
    `<text x="10" y="40" fill="#555">${esc(meta.machine)} · ${esc(meta.date.slice(0, 10))} · openssl-napi (blue) vs node:tls (grey); tick = goal</text>`,
    `<line x1="${x(1)}" y1="50" x2="${x(1)}" y2="${H - 25}" stroke="#222" stroke-dasharray="4 3"/>`,
    `<text x="${x(1) + 3}" y="${H - 12}" fill="#222">C = 1.0</text>`,
  ];
  rs.forEach((r, i) => {
    const y = 60 + i * rowH;
    parts.push(`<text x="10" y="${y + 18}">${esc(r.title.length > 50 ? r.title.slice(0, 49) + '…' : r.title)}</text>`);
    const b = r.ratioC ?? (r.vsNode ? null : null);
    const n = r.nodeRatioC;
    if (b !== null && b !== undefined) {
      parts.push(`<rect x="${left}" y="${y + 4}" width="${Math.max(1, x(b) - left)}" height="16" fill="#2f6fdb"/>`);
      parts.push(`<text x="${x(b) + 4}" y="${y + 17}" fill="#2f6fdb">${fmt(b)}x</text>`);
    } else {
      parts.push(`<text x="${left + 4}" y="${y + 17}" fill="#999">${r.vsNode && r.ratioNode ? `binding/node ${fmt(r.ratioNode)}x` : 'not measured'}</text>`);
    }
    if (n !== null && n !== undefined) {
      parts.push(`<rect x="${left}" y="${y + 22}" width="${Math.max(1, x(n) - left)}" height="12" fill="#aaa"/>`);
      parts.push(`<text x="${x(n) + 4}" y="${y + 33}" fill="#777">${fmt(n)}x</text>`);
    }
    if (r.goal) parts.push(`<line x1="${x(r.goal)}" y1="${y + 1}" x2="${x(r.goal)}" y2="${y + 37}" stroke="#d33" stroke-width="2"/>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

main();
