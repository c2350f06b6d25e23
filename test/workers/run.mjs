// The worker_threads scenarios of test/workers.test.ts, run in a child process so that an abort
// or a segfault of the addon shows as this process's signal instead of killing vitest.
//
//   node test/workers/run.mjs            # all scenarios: f a b c d e g
//   node test/workers/run.mjs a c        # some of them
//
// Scenario f runs while this thread has never loaded the addon (only workers do), so it must come
// first. Every other scenario first loads the addon here too ("pins" it, as an application that
// uses it on its main thread does), so that they test what happens inside the workers alone.
//
// Prints one "step" line before each risky step (pipes are synchronous on Linux, so the last
// line before an abort says where it happened), one "scenario X: ok|FAIL ..." line per scenario
// and a summary; exits 0 only when every scenario passed. A watchdog exits 2 after
// WORKERS_WATCHDOG_MS (default 45 s) in all.
import { Worker } from 'node:worker_threads';
import { once } from 'node:events';

// The addon on this thread, loaded on first use (scenario f needs a thread that never loaded it).
let common = null;
async function pinAddon() {
  common ??= await import('./common.mjs');
  return common;
}

const here = (f) => new URL(`./${f}`, import.meta.url);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (line) => process.stdout.write(`${line}\n`);

const WATCHDOG_MS = Number(process.env.WORKERS_WATCHDOG_MS ?? 45_000);
let current = 'startup';
setTimeout(() => {
  log(`WATCHDOG: not done within ${WATCHDOG_MS} ms (stuck at: ${current})`);
  process.exit(2);
}, WATCHDOG_MS).unref();
const started = Date.now();
function step(text) {
  current = text;
  log(`  step +${Date.now() - started}ms ${text}`);
}

class Failure extends Error {}
function check(cond, message) {
  if (!cond) throw new Failure(message);
}

/** A worker with its messages, 'error' events and exit recorded. */
function start(file, workerData) {
  const w = new Worker(here(file), { workerData, stdout: false, stderr: false });
  const h = { w, messages: [], errors: [], exitCode: undefined };
  const waiters = [];
  w.on('message', (m) => {
    h.messages.push(m);
    for (const x of [...waiters]) if (x.type === m.type) x.resolve(m);
  });
  w.on('error', (e) => h.errors.push(e));
  h.exited = new Promise((resolve) => w.once('exit', (code) => {
    h.exitCode = code;
    for (const x of [...waiters]) x.reject(new Failure(`${file} exited (${code}) before posting '${x.type}'${h.errors.length ? `: ${h.errors[0]?.stack ?? h.errors[0]}` : ''}`));
    resolve(code);
  }));
  /** The first message of `type` (already received or coming), within `ms`. */
  h.waitFor = (type, ms = 15_000) => {
    const got = h.messages.find((m) => m.type === type);
    if (got) return Promise.resolve(got);
    if (h.exitCode !== undefined) return Promise.reject(new Failure(`${file} exited (${h.exitCode}) before posting '${type}'`));
    return new Promise((resolve, reject) => {
      const x = { type, resolve: null, reject: null };
      const timer = setTimeout(() => x.reject(new Failure(`${file}: no '${type}' within ${ms} ms`)), ms);
      const done = (f) => (v) => {
        clearTimeout(timer);
        waiters.splice(waiters.indexOf(x), 1);
        f(v);
      };
      x.resolve = done(resolve);
      x.reject = done(reject);
      waiters.push(x);
    });
  };
  return h;
}

/**
 * terminate() resolves with the exit code: 1 for a running worker (a worker stopped before its
 * thread ran any JS may give 0: `early`). No 'error' may be emitted.
 */
async function terminate(h, what, early = false) {
  const code = await h.w.terminate();
  await h.exited;
  check(h.errors.length === 0, `${what}: worker emitted 'error': ${h.errors[0]?.stack ?? h.errors[0]}`);
  check(h.exitCode === 1 || (early && h.exitCode === 0), `${what}: terminated worker's exit code ${h.exitCode} (terminate() gave ${code})`);
}

async function finished(h, what, wantCode = 0) {
  const code = await h.exited;
  check(h.errors.length === 0, `${what}: worker emitted 'error': ${h.errors[0]?.stack ?? h.errors[0]}`);
  check(code === wantCode, `${what}: exit code ${code}, want ${wantCode}`);
}

const ALL_CALLBACKS = ['verify', 'info', 'msg'];
const DELAYS = [0, 5, 20, 50];

const scenarios = {
  // a. terminate() on a worker busy doing in-memory handshakes.
  async a() {
    await pinAddon();
    let n = 0;
    const modes = [
      { name: 'plain', callbacks: [] },
      { name: 'callbacks', callbacks: ALL_CALLBACKS },
      { name: 'slow-callbacks', callbacks: ALL_CALLBACKS, spinUs: 200 },
    ];
    for (const mode of modes) {
      for (const delay of DELAYS) {
        step(`a: ${mode.name}, terminate ${delay} ms after the first handshake`);
        const h = start('handshake-worker.mjs', { callbacks: mode.callbacks, spinUs: mode.spinUs ?? 0 });
        await h.waitFor('ready');
        await sleep(delay);
        await terminate(h, `${mode.name}/${delay}ms`);
        n++;
      }
    }
    const REPEATS = 30; // a race: the more terminations at varied points, the likelier it shows
    for (let i = 0; i < REPEATS; i++) {
      const delay = (i * 7) % 13;
      step(`a: callbacks, repeat ${i + 1}/${REPEATS}: terminate ${delay} ms after the first handshake`);
      const h = start('handshake-worker.mjs', { callbacks: ALL_CALLBACKS });
      await h.waitFor('ready');
      await sleep(delay);
      await terminate(h, `callbacks repeat ${i + 1}/${delay}ms`);
      n++;
    }
    for (const delay of DELAYS) {
      step(`a: callbacks, terminate ${delay} ms after new Worker() (during start-up)`);
      const h = start('handshake-worker.mjs', { callbacks: ALL_CALLBACKS });
      await sleep(delay);
      await terminate(h, `start-up/${delay}ms`, true);
      n++;
    }
    // Deterministic: the worker is inside a callback that native code called when terminate() comes.
    for (const kind of ALL_CALLBACKS) {
      for (const delay of [0, 20]) {
        step(`a: terminate ${delay} ms after the worker got stuck inside its ${kind} callback`);
        const h = start('handshake-worker.mjs', { callbacks: ALL_CALLBACKS, stuckIn: kind, stuckAfter: 2 });
        await h.waitFor('stuck');
        await sleep(delay);
        await terminate(h, `stuck in ${kind}/${delay}ms`);
        n++;
      }
    }
    step('a: a worker that finishes 20 handshakes with callbacks');
    const h = start('handshake-worker.mjs', { callbacks: ALL_CALLBACKS, count: 20 });
    const done = await h.waitFor('done');
    await finished(h, 'finishing worker');
    check(done.handshakes === 20, `finishing worker: ${done.handshakes} handshakes`);
    check(done.protocol === 'TLSv1.3', `finishing worker: protocol ${done.protocol}`);
    check(done.counts.verify >= 20 && done.counts.info > 0 && done.counts.msg > 0, `finishing worker: callback counts ${JSON.stringify(done.counts)}`);
    return `${n} workers terminated, 1 finished`;
  },

  // b. terminate() while async jobs are pending in the worker.
  async b() {
    await pinAddon();
    let n = 0;
    for (const delay of [0, 5, 20, 50, 200]) {
      const rsa4096 = delay === 0 ? 1 : 0; // one RSA-4096 (seconds of work) is enough
      step(`b: terminate ${delay} ms after queueing jobs (RSA-4096 x${rsa4096}, RSA-2048 x1, EC, digests, random, PKCS#12)`);
      const h = start('async-worker.mjs', { rsa4096, rsa2048: 1, digests: 8 });
      await h.waitFor('ready');
      await sleep(delay);
      await terminate(h, `async/${delay}ms`);
      n++;
    }
    for (const delay of [0, 10]) {
      step(`b: terminate ${delay} ms after new Worker() (jobs being queued)`);
      const h = start('async-worker.mjs', { rsa4096: 0, rsa2048: 2, digests: 8 });
      await sleep(delay);
      await terminate(h, `async start-up/${delay}ms`, true);
      n++;
    }
    step('b: a worker that awaits all its jobs and checks the results');
    const h = start('async-worker.mjs', { rsa4096: 0, rsa2048: 1, digests: 4, verify: true });
    const done = await h.waitFor('done', 30_000);
    await finished(h, 'finishing async worker');
    check(done.bad.length === 0, `finishing async worker: ${done.bad.join('; ')}`);
    return `${n} workers terminated with jobs pending, 1 finished (${done.jobs} jobs correct)`;
  },

  // c. process.exit() inside a worker while async jobs are pending (and from inside SSL callbacks).
  async c() {
    await pinAddon();
    let n = 0;
    for (const exitAfter of [0, 5, 20, 50, -1]) {
      step(`c: process.exit(7) ${exitAfter < 0 ? 'from a settled job\'s reaction' : `${exitAfter} ms after queueing jobs`}`);
      const h = start('async-worker.mjs', { rsa4096: 0, rsa2048: 1, digests: 8, exitAfter, exitCode: 7 });
      await finished(h, `exit/${exitAfter}`, 7);
      n++;
    }
    for (const kind of ALL_CALLBACKS) {
      step(`c: process.exit(9) from inside the ${kind} callback during a handshake`);
      const h = start('handshake-worker.mjs', { callbacks: ALL_CALLBACKS, exitIn: kind, stuckAfter: 1 });
      await finished(h, `exit in ${kind}`, 9);
      n++;
    }
    return `${n} workers exited with the code they gave`;
  },

  // d. 8 workers at once: some finish with correct results, some are terminated or exit.
  async d() {
    await pinAddon();
    step('d: 8 workers at once');
    const hs = [
      start('handshake-worker.mjs', { callbacks: ALL_CALLBACKS, count: 30 }),
      start('handshake-worker.mjs', { callbacks: [], count: 30 }),
      start('async-worker.mjs', { rsa4096: 0, rsa2048: 1, digests: 4, verify: true }),
      start('async-worker.mjs', { rsa4096: 0, rsa2048: 1, digests: 4, verify: true }),
      start('handshake-worker.mjs', { callbacks: ALL_CALLBACKS }),
      start('async-worker.mjs', { rsa4096: 0, rsa2048: 2, digests: 16 }),
      start('handshake-worker.mjs', { callbacks: ALL_CALLBACKS, stuckIn: 'msg', stuckAfter: 3 }),
      start('async-worker.mjs', { rsa4096: 0, rsa2048: 2, digests: 16, exitAfter: 5, exitCode: 7 }),
    ];
    const kills = (async () => {
      await hs[4].waitFor('ready');
      await sleep(30);
      step('d: terminate the busy handshake worker');
      await terminate(hs[4], 'd/handshakes');
      await hs[5].waitFor('ready');
      await sleep(10);
      step('d: terminate the worker with jobs pending');
      await terminate(hs[5], 'd/jobs');
      await hs[6].waitFor('stuck');
      step('d: terminate the worker stuck in its msg callback');
      await terminate(hs[6], 'd/stuck');
    })();
    kills.catch(() => {}); // awaited below; not an unhandled rejection meanwhile
    const results = await Promise.all([0, 1, 2, 3].map((i) => hs[i].waitFor('done', 30_000)));
    await kills;
    for (const i of [0, 1]) {
      await finished(hs[i], `d/worker ${i}`);
      check(results[i].handshakes === 30 && results[i].protocol === 'TLSv1.3', `d/worker ${i}: ${JSON.stringify(results[i])}`);
    }
    check(results[0].counts.verify >= 30 && results[0].counts.info > 0, `d/worker 0 callbacks: ${JSON.stringify(results[0].counts)}`);
    for (const i of [2, 3]) {
      await finished(hs[i], `d/worker ${i}`);
      check(results[i].bad.length === 0, `d/worker ${i}: ${results[i].bad.join('; ')}`);
    }
    await finished(hs[7], 'd/exit', 7);
    return '4 finished with correct results, 3 terminated, 1 exited';
  },

  // e. socket-mode TLS (SSL.createServer + SSL.connect on 127.0.0.1) terminated mid-traffic.
  async e() {
    const { SSL, contexts } = await pinAddon();
    let n = 0;
    const variants = [
      ...[0, 20, 50].map((delay) => ({ delay, nativeIo: true })),
      { delay: 20, nativeIo: false },
    ];
    for (const { delay, nativeIo } of variants) {
      step(`e: server and clients in the worker (nativeIo ${nativeIo}), terminate ${delay} ms into the traffic`);
      const h = start('socket-worker.mjs', { port: null, conns: 2, nativeIo, churn: true });
      await h.waitFor('ready');
      await sleep(delay);
      await terminate(h, `socket/${nativeIo}/${delay}ms`);
      n++;
    }
    step('e: terminate 30 ms after new Worker() (listening, first handshakes)');
    {
      const h = start('socket-worker.mjs', { port: null });
      await sleep(30);
      await terminate(h, 'socket start-up', true);
      n++;
    }
    // A server on this thread, clients in workers: the workers die under it mid-traffic.
    const ctxs = contexts();
    let served = 0;
    let clientErrors = 0;
    const server = SSL.createServer({ context: ctxs.server, handshakeTimeout: 5000 }, (s) => {
      served++;
      s.on('error', () => {});
      s.pipe(s);
    });
    server.on('tlsClientError', () => clientErrors++);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = server.address().port;
    for (const delay of [0, 20]) {
      step(`e: clients in a worker against this thread's server, terminate ${delay} ms into the traffic`);
      const h = start('socket-worker.mjs', { port, conns: 3, churn: true });
      await h.waitFor('ready');
      await sleep(delay);
      await terminate(h, `socket client/${delay}ms`);
      n++;
    }
    step('e: this thread\'s server still serves a new client');
    const c = SSL.connect({ context: ctxs.client, host: '127.0.0.1', port });
    await once(c, 'secureConnect');
    const parts = [];
    c.on('data', (d) => parts.push(d));
    c.end('still alive');
    await once(c, 'end');
    check(Buffer.concat(parts).toString() === 'still alive', `server after terminations echoed ${JSON.stringify(Buffer.concat(parts).toString())}`);
    c.destroy();
    server.close();
    return `${n} workers terminated mid-traffic; the server here served ${served} connections (${clientErrors} client errors) and still echoes`;
  },
};

// f. The addon loaded only by workers, never by this thread: workers that end normally, are
// terminated, or call process.exit(). Node unloads (dlclose) an addon with the last environment
// that loaded it, so nothing the addon registered may outlive that (thread-exit destructors, atexit).
scenarios.f = async function f() {
  check(common === null, 'scenario f must run before anything loads the addon on this thread');
  step('f: a worker that loads the addon, does 5 handshakes and ends normally');
  {
    const h = start('handshake-worker.mjs', { callbacks: ALL_CALLBACKS, count: 5 });
    const done = await h.waitFor('done');
    await finished(h, 'f/normal end');
    check(done.handshakes === 5, `f/normal end: ${done.handshakes} handshakes`);
  }
  step('f: a second worker after the first one is gone (the addon loads again)');
  {
    const h = start('handshake-worker.mjs', { count: 5 });
    await h.waitFor('done');
    await finished(h, 'f/second worker');
  }
  step('f: a worker terminated mid-handshakes');
  {
    const h = start('handshake-worker.mjs', { callbacks: ALL_CALLBACKS });
    await h.waitFor('ready');
    await sleep(10);
    await terminate(h, 'f/terminated');
  }
  step('f: a worker terminated with async jobs pending');
  {
    const h = start('async-worker.mjs', { rsa4096: 0, rsa2048: 1, digests: 4 });
    await h.waitFor('ready');
    await terminate(h, 'f/jobs');
  }
  step('f: a worker calling process.exit(7) with async jobs pending');
  {
    const h = start('async-worker.mjs', { rsa4096: 0, rsa2048: 1, digests: 4, exitAfter: 5, exitCode: 7 });
    await finished(h, 'f/exit', 7);
  }
  return '2 workers ended normally, 2 terminated, 1 exited, the addon never loaded here';
};

// g. terminate() while the worker creates wrapped native objects in a tight loop, so that it
// lands inside the native code that builds a JS object around an OpenSSL one.
scenarios.g = async function g() {
  await pinAddon();
  let n = 0;
  for (let i = 0; i < 20; i++) {
    const delay = (i * 3) % 7;
    step(`g: terminate ${delay} ms into a loop of X509.getSubject/getPubkey/getPeerCertificate (${i + 1}/20)`);
    const h = start('objects-worker.mjs', {});
    await h.waitFor('ready');
    await sleep(delay);
    await terminate(h, `objects/${i + 1}/${delay}ms`);
    n++;
  }
  return `${n} workers terminated`;
};

const ORDER = ['f', 'a', 'b', 'c', 'd', 'e', 'g'];
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : ORDER;
let failed = 0;
const t0 = Date.now();
for (const name of wanted) {
  const fn = scenarios[name];
  if (!fn) {
    log(`scenario ${name}: FAIL unknown scenario`);
    failed++;
    continue;
  }
  log(`scenario ${name}: start`);
  const t = Date.now();
  try {
    const what = await fn();
    log(`scenario ${name}: ok (${Date.now() - t} ms) ${what}`);
  } catch (e) {
    failed++;
    log(`scenario ${name}: FAIL (${Date.now() - t} ms) ${e instanceof Failure ? e.message : (e?.stack ?? e)}`);
  }
}
log(`workers: ${wanted.length - failed}/${wanted.length} scenarios ok in ${Date.now() - t0} ms`);
process.exit(failed ? 1 : 0);
