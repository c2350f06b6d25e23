// worker_threads: terminating or exiting a worker that uses the addon must never take the process
// down. Each scenario runs in a child process (test/workers/run.mjs, on dist/), so that an abort
// ("FATAL ERROR: ... napi_throw") or a segfault fails that test instead of killing the vitest
// worker. The scenarios:
//   a. terminate() on workers busy doing in-memory handshakes (no callbacks, verify/info/msg
//      callbacks, slow callbacks, stuck inside a callback), at several delays;
//   b. terminate() with async jobs pending (RSA keygen, digests, random bytes, PKCS#12);
//   c. process.exit() inside a worker with jobs pending, and from inside SSL callbacks;
//   d. 8 workers at once, some terminated or exiting, the others posting correct results;
//   e. socket-mode TLS (SSL.createServer + SSL.connect on 127.0.0.1) terminated mid-traffic;
//   f. the addon loaded only by workers, never by the parent thread (Node unloads it with them);
//   g. terminate() while the worker makes wrapped objects (X509.getSubject, ...) in a tight loop.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runner = path.join(root, 'test', 'workers', 'run.mjs');

const CHILD_TIMEOUT_MS = 40_000;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function runScenario(name: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [runner, name], {
      cwd: root,
      env: { ...process.env, WORKERS_WATCHDOG_MS: String(CHILD_TIMEOUT_MS - 5_000) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, CHILD_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** What went wrong, readable in the failure message. */
function describeRun(name: string, r: Run): string {
  const steps = r.stdout.split('\n').filter((l) => l.startsWith('  step '));
  const results = r.stdout.split('\n').filter((l) => l && !l.startsWith('  step '));
  return [
    `scenario ${name}: exit code ${r.code}, signal ${r.signal}${r.timedOut ? ' (killed after the timeout)' : ''}`,
    `last step: ${steps.at(-1)?.trim() ?? '(none)'}`,
    ...results,
    r.stderr ? `stderr:\n${r.stderr.slice(-3000)}` : 'stderr: (empty)',
  ].join('\n');
}

const scenarios: Array<[string, string]> = [
  ['f', 'the addon loaded only by workers: workers that end, are terminated, or exit'],
  ['a', 'terminate() on workers doing in-memory handshakes, with and without callbacks'],
  ['b', 'terminate() with async jobs pending (keygen, digests, random, PKCS#12)'],
  ['c', 'process.exit() in a worker with jobs pending, and from inside SSL callbacks'],
  ['d', '8 workers at once: 4 post correct results, 3 are terminated, 1 exits'],
  ['e', 'socket-mode TLS on 127.0.0.1 terminated mid-traffic; a server on the parent thread survives'],
  ['g', 'terminate() while the worker makes wrapped objects in a tight loop'],
];

describe('worker_threads never crash the process', () => {
  it('has the built package to run', () => {
    expect(fs.existsSync(path.join(root, 'dist', 'index.js')), 'dist/index.js is missing: build first').toBe(true);
  });

  for (const [name, title] of scenarios) {
    it(`${name}. ${title}`, async () => {
      const r = await runScenario(name);
      const report = describeRun(name, r);
      expect(r.signal, report).toBeNull();
      expect(r.stderr, report).not.toContain('FATAL ERROR');
      expect(r.timedOut, report).toBe(false);
      expect(r.code, report).toBe(0);
      expect(r.stdout, report).toMatch(new RegExp(`^scenario ${name}: ok`, 'm'));
      expect(r.stdout, report).toContain('workers: 1/1 scenarios ok');
    }, CHILD_TIMEOUT_MS + 5_000);
  }
});
