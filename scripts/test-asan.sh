#!/usr/bin/env bash
# npm run test:asan: the vitest suite against the AddressSanitizer + UndefinedBehaviorSanitizer build
# of the addon (npm run build:asan -> build-asan/Release/openssl_napi.node), with LeakSanitizer on.
# Extra arguments go to `vitest run` (for example a test file filter).
#
# How it works:
# - node itself is not instrumented, so the gcc ASan and UBSan runtimes are LD_PRELOADed (the ASan
#   runtime must come first in the process). LD_PRELOAD, ASAN_OPTIONS, LSAN_OPTIONS, UBSAN_OPTIONS
#   and NODE_OPTIONS are set for the vitest command, so they reach its forked workers, which load
#   the addon.
# - Every report goes to a log file per process (log_path) in build-asan/asan-logs/; this script
#   reads them afterwards and fails on any ASan/UBSan error or unsuppressed leak, in any process,
#   whatever vitest's own exit code says.
# - LeakSanitizer checks at exit, but vitest ends its workers with SIGTERM (then SIGKILL): the
#   preload scripts/asan-preload.cjs turns that into a normal exit instead (Node then runs
#   every remaining Node-API finalizer, so objects our finalizers fail to free are reported) and
#   holds vitest's SIGKILL back. Each worker registers itself, and this script checks that each
#   one's leak check really ran (ASAN_OPTIONS=atexit=1 leaves exit statistics after a clean check).
# - scripts/asan-suppressions.txt suppresses only leaks of Node/V8 (and vitest's own bundler); a
#   leak with a frame in openssl_napi.node (our code, or the OpenSSL linked into it) is never
#   suppressed by it.
# - Programs that tests spawn (openssl s_server, curl, python3, node) inherit the runtimes, so a
#   memory error in them is still caught, but leak checking is off for them: their own exit-time
#   leaks are not ours.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

binding=${OPENSSL_NAPI_ASAN_BINDING:-build-asan/Release/openssl_napi.node}
if [ ! -f "$binding" ]; then
  echo "test-asan: $binding does not exist; run 'npm run build:asan' first" >&2
  exit 2
fi
if ! readelf -d "$binding" | grep 'NEEDED.*libasan' >/dev/null; then
  echo "test-asan: $binding is not an ASan build (no libasan in NEEDED); run 'npm run build:asan'" >&2
  exit 2
fi

runtime() {
  local f
  f=$(gcc -print-file-name="$1")
  if [ "${f#/}" = "$f" ] || [ ! -e "$f" ]; then
    echo "test-asan: gcc has no $1 (install gcc's sanitizer runtimes: libasan8, libubsan1)" >&2
    exit 2
  fi
  readlink -f "$f"
}
asan_rt=$(runtime libasan.so)
ubsan_rt=$(runtime libubsan.so)

logs="$root/build-asan/asan-logs"
rm -rf "$logs"
mkdir -p "$logs"

# Only the node command below gets these (exported, every tool this script runs would be
# sanitized too); from there they reach vitest's workers and what the tests spawn.
sanitizer_env=(
  "OPENSSL_NAPI_BINDING=$binding"
  "OPENSSL_NAPI_ASAN_LOG_DIR=$logs"
  "LD_PRELOAD=$asan_rt $ubsan_rt"
  # Tests may check this to skip what cannot hold under ASan.
  "OPENSSL_NAPI_ASAN=1"
  # detect_leaks=1: LeakSanitizer at exit. atexit=1: exit statistics, the proof a clean check ran.
  # log_path: one file per process, read below. The quarantine keeps its default (256 MB of freed
  # blocks held back to catch use-after-free); the RSS checks of the GC tests step aside under ASan.
  # OPENSSL_NAPI_ASAN_OPTIONS adds options, e.g. fast_unwind_on_malloc=0 for complete stacks through
  # OpenSSL's frame-pointer-less code in leak reports (about 5x slower).
  "ASAN_OPTIONS=detect_leaks=1:atexit=1:log_path=$logs/asan${OPENSSL_NAPI_ASAN_OPTIONS:+:$OPENSSL_NAPI_ASAN_OPTIONS}"
  "LSAN_OPTIONS=suppressions=$root/scripts/asan-suppressions.txt:print_suppressions=1"
  # -fno-sanitize-recover=undefined already makes the first UB fatal; the stack trace goes to the log.
  "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$logs/asan"
  "NODE_OPTIONS=${NODE_OPTIONS:+$NODE_OPTIONS }--require \"$root/scripts/asan-preload.cjs\""
)

echo "test-asan: binding $binding"
echo "test-asan: LD_PRELOAD=$asan_rt $ubsan_rt"
echo "test-asan: logs in $logs"

start=$(date +%s)
set +e
env "${sanitizer_env[@]}" node "$root/node_modules/vitest/vitest.mjs" run "$@"
vitest_rc=$?
set -e

# vitest may exit before its workers have (for example after a failed test file): wait until each
# worker is gone, so its leak check has written its log.
shopt -s nullglob
for w in "$logs"/worker.*; do
  pid=${w##*.}
  case "$pid" in *[!0-9]*) continue ;; esac
  for _ in $(seq 1 1200); do
    grep -q 'forks.js' "/proc/$pid/cmdline" 2>/dev/null || break
    sleep 0.1
  done
done

status=0
rerun=()
if [ "$vitest_rc" -ne 0 ]; then
  echo "test-asan: vitest exited with $vitest_rc" >&2
  status=1
fi

# Any sanitizer report in any process fails the run.
bad=()
for f in "$logs"/asan.*; do
  if grep -q -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: UndefinedBehaviorSanitizer' "$f"; then
    bad+=("$f")
  fi
done
if [ ${#bad[@]} -gt 0 ]; then
  status=1
  for f in "${bad[@]}"; do
    pid=${f##*.}
    who=$( [ -f "$logs/worker.$pid" ] && echo "vitest worker" || echo "process" )
    echo "===== sanitizer report from $who $pid ($f) =====" >&2
    head -n 400 "$f" | grep -v -E '^(Stats:|  mallocs by size class|  [0-9]+ \(|AddressSanitizer exit stats)' >&2
  done
fi

# Every vitest worker must have finished its leak check: a report or the exit statistics.
workers=0
for w in "$logs"/worker.*; do
  case "$w" in *.no-drain) continue ;; esac
  pid=${w##*.}
  workers=$((workers + 1))
  log="$logs/asan.$pid"
  if [ -f "$logs/worker.$pid.no-drain" ]; then
    echo "test-asan: warning: worker $pid did not drain its event loop; it ended with process.exit()" >&2
  fi
  if [ -f "$log" ] && grep -q 'LeakSanitizer has encountered a fatal error' "$log" && grep -q '^Tracer caught signal' "$log"; then
    # LeakSanitizer's own tracer thread crashed while stopping V8's threads (a known LSan flake,
    # not a finding): this worker's leak check did not run, so the whole run is repeated (twice at most).
    echo "test-asan: worker $pid: LeakSanitizer's tracer crashed; its leak check did not run" >&2
    tracer_crash=1
    status=1
    if [ -s "$logs/files.$pid" ]; then
      while IFS= read -r f; do rerun+=("$f"); done <"$logs/files.$pid"
    else
      rerun_all=1
    fi
  elif [ ! -f "$log" ] || ! grep -q -E 'AddressSanitizer exit stats|ERROR: ' "$log"; then
    echo "test-asan: worker $pid ended without completing its leak check (it crashed, see above, or was killed)" >&2
    status=1
    other_failure=1
  fi
done

# Only LeakSanitizer's tracer failed: run again just the files of the workers whose check did not
# run (test/setup/asan-files.ts records them; the whole selection when a worker left no record),
# five times at most (one file alone takes seconds). Every other run of those files was clean,
# so this proves as much; a file whose check never completes fails the run.
if [ "${tracer_crash:-0}" = 1 ] && [ "${other_failure:-0}" = 0 ] && [ ${#bad[@]} -eq 0 ] && [ "$vitest_rc" -eq 0 ] &&
  [ "${OPENSSL_NAPI_ASAN_RETRIED:-0}" -lt 5 ]; then
  if [ "${rerun_all:-0}" = 1 ]; then set -- "$@"; else set -- "${rerun[@]}"; fi
  echo "test-asan: only LeakSanitizer's tracer failed; running again: ${*:-the whole suite}" >&2
  OPENSSL_NAPI_ASAN_RETRIED=$(( ${OPENSSL_NAPI_ASAN_RETRIED:-0} + 1 )) exec bash "$0" "$@"
fi

echo "test-asan: $workers vitest worker(s) leak-checked, ${#bad[@]} process(es) with sanitizer reports, $(( $(date +%s) - start ))s"
if [ "$status" -ne 0 ]; then
  echo "test-asan: FAILED (logs kept in $logs; for full stacks through OpenSSL in leak reports:" >&2
  echo "           OPENSSL_NAPI_ASAN_OPTIONS=fast_unwind_on_malloc=0 npm run test:asan)" >&2
else
  echo "test-asan: OK"
fi
exit "$status"
