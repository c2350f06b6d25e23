// Property-style API fuzzer: every exported class and function of the package (constructors,
// statics, prototype methods and getters along the prototype chains) is called on real, freed and
// orphaned objects with adversarial arguments, in child processes (test/fuzz/api-fuzz-child.mjs).
// Properties checked: no crash (signal, non-zero exit, "FATAL ERROR"), no hang, and every thrown
// error or rejection is an Error with a non-empty string `code`.
//
// Environment:
//   API_FUZZ_BUDGET_MS        wall-clock budget of the whole run (default 120000)
//   API_FUZZ_SEED             PRNG seed (default 24301): the same seed makes the same calls
//   API_FUZZ_CONCURRENCY      children at a time (default 2)
//   API_FUZZ_CALL_TIMEOUT_MS  one call running longer than this is a hang (default 20000)
//   API_FUZZ_ONLY             a regular expression: fuzz only the entries whose id matches
//   API_FUZZ_SELFTEST         crash:<re> | hang:<re> | uncoded:<re>: matching entries abort, spin or
//                             throw an uncoded error instead of running (checks this test's reporting)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const CHILD = path.join(here, 'fuzz', 'api-fuzz-child.mjs');

const BUDGET_MS = Number(process.env.API_FUZZ_BUDGET_MS ?? 120_000);
const SEED = Number(process.env.API_FUZZ_SEED ?? 24301);
const CONCURRENCY = Math.max(1, Number(process.env.API_FUZZ_CONCURRENCY ?? 2));
const CALL_TIMEOUT_MS = Number(process.env.API_FUZZ_CALL_TIMEOUT_MS ?? 20_000);
const ONLY = process.env.API_FUZZ_ONLY ? new RegExp(process.env.API_FUZZ_ONLY) : null;
/** Restarts of one shard after crashes before it gives up. */
const MAX_RESTARTS = 40;
/** Crashes of one entry after which a shard stops calling it (to reach the others). */
const CRASHES_PER_ENTRY = 3;
/** Crashes minimised by replaying them alone (each replay is one child). */
const MAX_MINIMISED = 24;

interface CallSpec {
  id: string;
  recv: number;
  wrongRecv: number;
  args: number[];
  attr: number;
  freeAfter?: boolean;
  gcAfter?: boolean;
  burst?: boolean;
}

/** The child's shrinking steps (test/fuzz/api-fuzz-child.mjs shrinkSteps), for crashes. */
function shrinkSteps(call: CallSpec): Array<(b: CallSpec) => CallSpec | null> {
  const steps: Array<(b: CallSpec) => CallSpec | null> = [
    (b) => (b.freeAfter || b.gcAfter || b.burst ? { ...b, freeAfter: false, gcAfter: false, burst: false } : null),
    (b) => (b.recv > 0 ? { ...b, recv: 0 } : null),
  ];
  for (let pos = call.args.length - 1; pos >= 0; pos--) {
    steps.push((b) => {
      if (pos >= b.args.length) return null;
      if (pos === b.args.length - 1) return { ...b, args: b.args.slice(0, pos) };
      return b.args[pos] === 0 ? null : { ...b, args: b.args.map((a, k) => (k === pos ? 0 : a)) };
    });
  }
  return steps;
}
interface Progress {
  i: number;
  t: number;
  call: CallSpec | null;
  desc: string;
}
interface ChildStats {
  calls: number;
  threw: number;
  coded: number;
  uncoded: number;
  promises: number;
  pending: number;
  rejected: number;
  asyncErrors: number;
  skipped: number;
  crashOnlyCalls: number;
}
type ResultLine =
  | { type: 'uncoded'; key: string; desc: string; how: string; error: string }
  | { type: 'cov'; id: string }
  | { type: 'stats'; stats: ChildStats; final?: boolean }
  | { type: 'done'; stats: ChildStats }
  | { type: 'setupError'; variant: string; error: string }
  | { type: 'replay'; desc: string };
interface ChildOutcome {
  kind: 'ok' | 'crash' | 'hang' | 'timeout';
  signal: NodeJS.Signals | null;
  code: number | null;
  fatal: string;
  progress: Progress | null;
  results: ResultLine[];
  stderr: string;
}
interface Crash {
  kind: 'crash' | 'hang';
  desc: string;
  minimised: string | null;
  reproducible: boolean | null;
  how: string;
  call: CallSpec | null;
}

const distIndex = path.join(root, 'dist', 'index.js');
function bindingPresent(): boolean {
  if (process.env.OPENSSL_NAPI_BINDING) return fs.existsSync(path.resolve(root, process.env.OPENSSL_NAPI_BINDING));
  return ['build/Release/openssl_napi.node', 'build-cmake/Release/openssl_napi.node', 'build/Debug/openssl_napi.node'].some((p) =>
    fs.existsSync(path.join(root, p)),
  );
}

function readProgress(file: string): Progress | null {
  try {
    const fd = fs.openSync(file, 'r');
    const buf = Buffer.alloc(4096);
    const n = fs.readSync(fd, buf, 0, 4096, 0);
    fs.closeSync(fd);
    const line = buf.subarray(0, n).toString('utf8').split('\n')[0]!.trim();
    return line ? (JSON.parse(line) as Progress) : null;
  } catch {
    return null;
  }
}

function readResults(file: string): ResultLine[] {
  if (!fs.existsSync(file)) return [];
  const out: ResultLine[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    try {
      out.push(JSON.parse(line) as ResultLine);
    } catch {
      // a line cut by a crash
    }
  }
  return out;
}

/** The lines of a child's stderr that say why it died. */
function fatalLines(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '');
  const hits = lines.filter((l) => /FATAL ERROR|Check failed|Assertion|assert|Segmentation|Aborted|napi_|Fatal|terminate|double free|corrupt|AddressSanitizer|core dumped|driver error/i.test(l));
  return (hits.length ? hits : lines.slice(-3)).slice(0, 4).map((l) => l.trim().slice(0, 300)).join(' | ');
}

let seq = 0;
/** Runs one child with `config`; watches its progress record for hangs. */
function runChild(workDir: string, config: Record<string, unknown>, hardDeadline: number): Promise<ChildOutcome> {
  const n = seq++;
  const progressFile = path.join(workDir, `progress-${n}`);
  const resultFile = path.join(workDir, `results-${n}.jsonl`);
  const cfgFile = path.join(workDir, `config-${n}.json`);
  fs.writeFileSync(cfgFile, JSON.stringify({ ...config, progressFile, resultFile, tmpDir: workDir }));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--expose-gc', CHILD, 'run', cfgFile], { cwd: root, env: process.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.length > 64_000) stderr = stderr.slice(0, 16_000) + '\n...\n' + stderr.slice(-32_000);
    });
    let killedFor: 'hang' | 'timeout' | null = null;
    let last: { key: string; since: number } | null = null;
    const watch = setInterval(() => {
      const p = readProgress(progressFile);
      const now = Date.now();
      if (p) {
        const key = `${p.i}|${p.desc}`;
        if (!last || last.key !== key) last = { key, since: now };
        else if (now - last.since > CALL_TIMEOUT_MS && killedFor === null) {
          killedFor = 'hang';
          child.kill('SIGKILL');
        }
      }
      if (now > hardDeadline && killedFor === null) {
        killedFor = 'timeout';
        child.kill('SIGKILL');
      }
    }, 500);
    child.on('close', (code, signal) => {
      clearInterval(watch);
      const progress = readProgress(progressFile);
      const results = readResults(resultFile);
      const fatal = /FATAL ERROR/.test(stderr);
      let kind: ChildOutcome['kind'] = 'ok';
      if (killedFor) kind = killedFor;
      else if (signal !== null || code !== 0 || fatal) kind = 'crash';
      resolve({ kind, signal, code, fatal: fatalLines(stderr), progress, results, stderr });
    });
  });
}

function shuffle<T>(items: T[], seed: number): T[] {
  let a = seed >>> 0 || 1;
  const rnd = (): number => {
    a ^= a << 13;
    a >>>= 0;
    a ^= a >>> 17;
    a ^= a << 5;
    a >>>= 0;
    return a / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function listCatalog(): Promise<{ ids: string[]; skipped: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', CHILD, 'list'], { cwd: root, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code, signal) => {
      if (code !== 0) reject(new Error(`api-fuzz: listing the API failed (exit ${code ?? signal}): ${err.slice(-2000)}`));
      else resolve(JSON.parse(out) as { ids: string[]; skipped: string[] });
    });
  });
}

const outcomeHow = (o: ChildOutcome): string =>
  o.kind === 'hang'
    ? `hang: no progress for ${CALL_TIMEOUT_MS} ms`
    : `${o.signal ? `signal ${o.signal}` : `exit code ${o.code}`}${o.fatal ? `: ${o.fatal}` : ''}`;

describe('API fuzz (child processes)', () => {
  it(
    'no call crashes or hangs, and every error thrown is coded',
    async () => {
      const t0 = Date.now();
      expect(fs.existsSync(distIndex), `${distIndex} is missing: build the package first (npm run build:ts)`).toBe(true);
      expect(bindingPresent(), 'the native addon is not built (npm run build:native)').toBe(true);
      const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-fuzz-run-'));
      const catalog = await listCatalog();
      const ids = ONLY ? catalog.ids.filter((id) => ONLY.test(id)) : catalog.ids;
      expect(ids.length, 'no API entries to fuzz').toBeGreaterThan(0);

      const fuzzEnd = t0 + Math.max(10_000, BUDGET_MS * 0.8);
      const shards: string[][] = Array.from({ length: CONCURRENCY }, () => []);
      shuffle(ids, SEED).forEach((id, k) => shards[k % CONCURRENCY]!.push(id));

      const crashes = new Map<string, Crash>();
      const uncoded = new Map<string, { desc: string; how: string; error: string }>();
      const setupErrors = new Set<string>();
      const covered = new Set<string>();
      const driverErrors: string[] = [];
      const totals = { calls: 0, threw: 0, coded: 0, promises: 0, pending: 0, rejected: 0, asyncErrors: 0, crashOnlyCalls: 0, children: 0 };

      const absorb = (o: ChildOutcome): void => {
        totals.children++;
        let last: ChildStats | null = null;
        for (const r of o.results) {
          if (r.type === 'cov') covered.add(r.id);
          else if (r.type === 'uncoded' && !uncoded.has(r.key)) uncoded.set(r.key, { desc: r.desc, how: r.how, error: r.error });
          else if (r.type === 'setupError') setupErrors.add(`${r.variant}: ${r.error}`);
          else if (r.type === 'stats' || r.type === 'done') last = r.stats;
        }
        if (last) {
          const s: ChildStats = last;
          totals.calls += s.calls;
          totals.threw += s.threw;
          totals.coded += s.coded;
          totals.promises += s.promises;
          totals.pending += s.pending;
          totals.rejected += s.rejected;
          totals.asyncErrors += s.asyncErrors;
          totals.crashOnlyCalls += s.crashOnlyCalls;
        }
      };

      const runShard = async (shardIds: string[], shard: number): Promise<void> => {
        const skipKeys: string[] = [];
        const skipIds: string[] = [];
        const crashesOf = new Map<string, number>();
        let resumeAt = 0;
        for (let restarts = 0; restarts <= MAX_RESTARTS && Date.now() < fuzzEnd - 3000; restarts++) {
          const o = await runChild(workDir, { mode: 'fuzz', seed: SEED + shard, ids: shardIds, deadline: fuzzEnd, skipKeys, skipIds, resumeAt },
            fuzzEnd + CALL_TIMEOUT_MS + 30_000);
          absorb(o);
          if (o.kind === 'ok') return;
          if (o.kind === 'timeout') {
            driverErrors.push(`shard ${shard}: the child overran its deadline (last call: ${o.progress?.desc ?? '?'})`);
            return;
          }
          const p = o.progress;
          if (o.code === 70 && o.signal === null) {
            driverErrors.push(`shard ${shard}: fuzz driver error: ${o.stderr.slice(-1500)}`);
            return;
          }
          if (!p || p.i < 0 || p.desc.startsWith('setup:')) {
            const desc = `(during setup) ${p?.desc ?? 'before the first progress record'}`;
            crashes.set(desc, { kind: o.kind === 'hang' ? 'hang' : 'crash', desc, minimised: null, reproducible: null, how: outcomeHow(o), call: null });
            return; // every restart would die the same way
          }
          const k = p.desc;
          if (!crashes.has(k)) {
            crashes.set(k, { kind: o.kind === 'hang' ? 'hang' : 'crash', desc: k, minimised: null, reproducible: null, how: outcomeHow(o), call: p.call });
          }
          skipKeys.push(k);
          resumeAt = p.i + 1;
          if (p.call) {
            const n = (crashesOf.get(p.call.id) ?? 0) + 1;
            crashesOf.set(p.call.id, n);
            if (n >= CRASHES_PER_ENTRY) skipIds.push(p.call.id);
          }
        }
      };
      await Promise.all(shards.map((s, i) => runShard(s, i)));

      // Minimise crashes: replay each alone, then with each argument dropped or made undefined.
      const replayEnd = t0 + BUDGET_MS;
      const replay = async (call: CallSpec): Promise<{ crashed: boolean; desc: string | null; how: string }> => {
        const o = await runChild(workDir, { mode: 'replay', call }, Date.now() + CALL_TIMEOUT_MS + 30_000);
        const d = o.results.find((r): r is Extract<ResultLine, { type: 'replay' }> => r.type === 'replay');
        return { crashed: o.kind === 'crash' || o.kind === 'hang', desc: d?.desc ?? null, how: outcomeHow(o) };
      };
      const toMinimise = [...crashes.values()].filter((c) => c.call !== null && c.kind === 'crash').slice(0, MAX_MINIMISED);
      const minimiseOne = async (c: Crash): Promise<void> => {
        if (Date.now() > replayEnd) return;
        let call = c.call!;
        const first = await replay(call);
        c.reproducible = first.crashed;
        if (!first.crashed) return;
        let best = first;
        for (const step of shrinkSteps(call)) {
          if (Date.now() > replayEnd) break;
          const cand = step(call);
          if (cand === null) continue;
          const r = await replay(cand);
          if (r.crashed) {
            call = cand;
            best = r;
          }
        }
        c.minimised = best.desc;
        c.how = c.how || best.how;
      };
      const queue = [...toMinimise];
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let c = queue.shift(); c; c = queue.shift()) await minimiseOne(c);
        }),
      );
      fs.rmSync(workDir, { recursive: true, force: true });

      // Report.
      const seconds = ((Date.now() - t0) / 1000).toFixed(1);
      const crashList = [...crashes.values()];
      const distinctCrashes = new Map<string, Crash[]>();
      for (const c of crashList) {
        const k = c.minimised ?? c.desc;
        if (!distinctCrashes.has(k)) distinctCrashes.set(k, []);
        distinctCrashes.get(k)!.push(c);
      }
      const byGroup = new Map<string, string[]>();
      for (const [key, u] of uncoded) {
        const method = key.split(/ \[this=| \.|\(/)[0]!;
        const g = `${method} -> ${u.how}: ${u.error}`;
        if (!byGroup.has(g)) byGroup.set(g, []);
        byGroup.get(g)!.push(key);
      }
      console.log(
        `api-fuzz: seed ${SEED}, ${covered.size}/${ids.length} API entries covered (${catalog.skipped.length} internal skipped), ` +
          `${totals.calls} calls (${totals.threw} threw, ${totals.promises} promises, ${totals.pending} still pending after the timeout, ` +
          `${totals.crashOnlyCalls} crash-only), ${totals.children} children, ` +
          `${distinctCrashes.size} distinct crashes/hangs, ${uncoded.size} uncoded errors in ${byGroup.size} groups, ${seconds} s`,
      );
      for (const s of setupErrors) console.log(`api-fuzz: receiver setup failed (not a finding by itself): ${s}`);

      const lines: string[] = [];
      for (const d of driverErrors) lines.push(`DRIVER: ${d}`);
      if (distinctCrashes.size) lines.push(`CRASHES AND HANGS (${distinctCrashes.size} distinct):`);
      for (const [k, cs] of distinctCrashes) {
        const c = cs[0]!;
        const repro = c.reproducible === null ? '' : c.reproducible ? ' [reproduces alone]' : ' [did not reproduce alone: depends on earlier calls or GC]';
        lines.push(`  ${c.kind.toUpperCase()} ${k}${repro}`);
        lines.push(`      ${c.how}`);
        for (const o of cs) if (o.desc !== k) lines.push(`      seen as: ${o.desc}`);
      }
      if (byGroup.size) lines.push(`UNCODED ERRORS (${uncoded.size} distinct calls in ${byGroup.size} groups):`);
      for (const [g, keys] of [...byGroup].sort(([a], [b]) => a.localeCompare(b))) {
        lines.push(`  ${g}`);
        for (const k of keys.sort()) lines.push(`      ${k}`);
      }
      if (lines.length) console.log(lines.join('\n'));
      expect(covered.size, `the fuzzer reached only ${covered.size} of ${ids.length} API entries`).toBeGreaterThanOrEqual(Math.ceil(ids.length * 0.5));
      expect(lines.length, `api-fuzz (seed ${SEED}) found problems:\n${lines.join('\n')}\n`).toBe(0);
    },
    BUDGET_MS + CALL_TIMEOUT_MS + 120_000,
  );
});
