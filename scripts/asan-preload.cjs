// Loaded into every node process of `npm run test:asan` (NODE_OPTIONS=--require, set by
// scripts/test-asan.sh). Not used anywhere else.
//
// LeakSanitizer checks for leaks in an atexit handler, so a process must exit, not die by a signal.
// vitest ends its fork workers with SIGTERM (and SIGKILL shortly after); Node's default action for
// SIGTERM is to die by the signal, which would skip the leak check of exactly the processes that ran
// our addon. So in a vitest fork worker, SIGTERM becomes a normal process.exit().
//
// It also records "worker.<pid>" in the ASan log dir, so test-asan.sh can prove each worker's leak
// check really ran (each one must leave an ASan log: a report, or the exit statistics that
// ASAN_OPTIONS=atexit=1 prints after a clean leak check).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const logDir = process.env.OPENSSL_NAPI_ASAN_LOG_DIR;
const isVitestFork =
  typeof process.send === 'function' && /vitest[\\/]dist[\\/]workers[\\/]forks\.js$/.test(process.argv[1] || '');

if (isVitestFork && logDir) {
  process.on('SIGTERM', () => process.exit(process.exitCode ?? 0));
  fs.writeFileSync(path.join(logDir, `worker.${process.pid}`), `${process.argv.join(' ')}\n`);
}
