// Shared by the benchmark implementations: timing loops and fixtures.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Runs `step` (which does `batch` operations, possibly async) until `seconds` elapse. */
export async function timed(seconds, batch, step) {
  let ops = 0;
  const t0 = process.hrtime.bigint();
  let elapsed = 0;
  do {
    await step();
    ops += batch;
    elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  } while (elapsed < seconds);
  return { ops, seconds: elapsed };
}

/** Synchronous version of {@link timed}. */
export function timedSync(seconds, batch, step) {
  let ops = 0;
  const t0 = process.hrtime.bigint();
  let elapsed = 0;
  do {
    step();
    ops += batch;
    elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  } while (elapsed < seconds);
  return { ops, seconds: elapsed };
}

/** PEM key + self-signed cert made by the openssl CLI (identical inputs for every implementation). */
export function cliIdentity(kind) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onapi-bench-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  const alg = kind === 'rsa' ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  execFileSync('openssl', ['req', '-x509', ...alg, '-nodes', '-keyout', key, '-out', cert, '-subj', '/CN=bench', '-days', '365'], { stdio: 'ignore' });
  const out = { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
  fs.rmSync(dir, { recursive: true, force: true });
  return out;
}

/** Prints the one JSON result line the runner reads. */
export function report(line, unit, { ops, seconds }, scale = 1, extra = {}) {
  console.log(JSON.stringify({ line, ops, seconds, rate: (ops * scale) / seconds, unit, ...extra }));
}
