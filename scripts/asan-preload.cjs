// Loaded into every node process of `npm run test:asan` (NODE_OPTIONS=--require, set by
// scripts/test-asan.sh; it does nothing unless OPENSSL_NAPI_ASAN_LOG_DIR is set). Not used
// anywhere else.
//
// LeakSanitizer checks for leaks in an atexit handler, so a process must exit, not die by a signal.
// vitest ends each fork worker with SIGTERM and, 500 ms later, SIGKILL. Node's default action for
// SIGTERM is to die by the signal, which would skip the leak check of exactly the processes that
// ran our addon; a leak check (with symbolisation) can also take longer than 500 ms; and a worker
// that is already exiting by itself has no SIGTERM handler left (Node removes it while tearing
// down), so a SIGTERM then kills it in the middle of its leak check.
//
// - In the vitest main process: vitest's SIGTERM to a worker is sent as SIGURG instead, a signal
//   whose default action is to be ignored, so it is harmless whenever it lands; vitest's SIGKILL is
//   held back (a 120 s one replaces it), so the worker's leak check can finish.
// - In a vitest fork worker: SIGURG lets the process end the normal way. The IPC channel is closed
//   and every handle unref'd, so the event loop drains and Node tears the environment down
//   (FreeEnvironment): Node-API runs the finalizer of every object still wrapped, V8 frees its heap,
//   and then LeakSanitizer checks. A native object that its finalizer does not free is reported.
//   If the loop does not drain, process.exit() after 20 s still runs the check.
//   Programs a test spawns: node (a peer or an example that may load the addon) keeps the
//   sanitizer runtimes, with detect_leaks=0 (it is usually ended by a signal anyway); anything
//   else (openssl, curl, python3) runs without them: system programs are not built for an
//   LD_PRELOADed ASan (curl --version deadlocks in setlocale under it), and their leaks are not ours.
//   The worker also records "worker.<pid>" in the log dir, so test-asan.sh can prove that each
//   worker's leak check ran (ASAN_OPTIONS=atexit=1 makes a clean check leave its exit statistics).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const childProcess = require('node:child_process');

const logDir = process.env.OPENSSL_NAPI_ASAN_LOG_DIR;
const forksEntry = /vitest[\\/]dist[\\/]workers[\\/]forks\.js$/;
const STOP_SIGNAL = 'SIGURG';

function isNode(file) {
  return file === process.execPath || /^(node|nodejs)$/.test(path.basename(String(file)));
}

function passRuntimesToNodeChildrenOnly() {
  const preload = process.env.LD_PRELOAD;
  const asanOptions = `${process.env.ASAN_OPTIONS || ''}:detect_leaks=0`;
  delete process.env.LD_PRELOAD;
  process.env.ASAN_OPTIONS = asanOptions;
  if (!preload) return;
  // Async spawns (spawn, exec, execFile, fork) all go through ChildProcess.prototype.spawn.
  const spawn = childProcess.ChildProcess.prototype.spawn;
  childProcess.ChildProcess.prototype.spawn = function spawnWithRuntimes(options) {
    if (options && isNode(options.file) && Array.isArray(options.envPairs)) {
      options.envPairs = options.envPairs.filter((kv) => !kv.startsWith('LD_PRELOAD='));
      options.envPairs.push(`LD_PRELOAD=${preload}`);
    }
    return spawn.call(this, options);
  };
  // Sync spawns of node: spawnSync(file, [args], [options]) and execFileSync(file, [args], [options]).
  for (const name of ['spawnSync', 'execFileSync']) {
    const original = childProcess[name];
    childProcess[name] = function withRuntimes(file, args, options) {
      if (!isNode(file)) return original.apply(this, arguments);
      if (!Array.isArray(args)) {
        options = args;
        args = [];
      }
      const env = { ...((options && options.env) || process.env), LD_PRELOAD: preload };
      return original.call(this, file, args, { ...options, env });
    };
  }
}

if (logDir && typeof process.send === 'function' && forksEntry.test(process.argv[1] || '')) {
  fs.writeFileSync(path.join(logDir, `worker.${process.pid}`), `${process.argv.join(' ')}\n`);
  passRuntimesToNodeChildrenOnly();
  let stopping = false;
  process.on(STOP_SIGNAL, () => {
    if (stopping) return;
    stopping = true;
    if (process.connected) process.disconnect();
    for (const handle of process._getActiveHandles()) {
      if (handle && typeof handle.unref === 'function') handle.unref();
    }
    setTimeout(() => {
      fs.writeFileSync(path.join(logDir, `worker.${process.pid}.no-drain`), 'event loop did not drain in 20 s\n');
      process.exit(process.exitCode ?? 0);
    }, 20_000).unref();
  });
} else if (logDir) {
  const kill = childProcess.ChildProcess.prototype.kill;
  childProcess.ChildProcess.prototype.kill = function killAfterLeakCheck(signal) {
    const isWorker = (this.spawnargs || []).some((arg) => forksEntry.test(String(arg)));
    if (!isWorker) return kill.call(this, signal);
    if (signal === undefined || signal === 'SIGTERM' || signal === 15) return kill.call(this, STOP_SIGNAL);
    if (signal === 'SIGKILL' || signal === 9) {
      if (this.exitCode === null && this.signalCode === null) {
        setTimeout(() => kill.call(this, 'SIGKILL'), 120_000).unref();
      }
      return true;
    }
    return kill.call(this, signal);
  };
}
