#!/usr/bin/env bash
# Proves "npm install against a local OpenSSL build" for one OpenSSL series: builds the newest
# OpenSSL of that series from Debian's source packages (Debian 12 ships 3.0.x; trixie's source
# package is 3.5.x, sid's and experimental's 3.6.x and 4.0.x), builds the binding against it with
# OPENSSL_DIR, and runs the test suite on that binding while Node itself stays on its own 3.0.x.
#
#   bash scripts/ci-openssl.sh 3.5      (root or sudo is needed only to add the deb-src entry)
#   bash scripts/ci-openssl.sh 4.0
#   bash scripts/ci-openssl.sh 3.5 --prefix   only steps 1 and 2: prints the prefix's path (the one
#                                             line on stdout; the log goes to stderr), for
#                                             scripts/prebuild.sh and scripts/ci-tarball.sh
#
# Environment:
#   OPENSSL_NAPI_CACHE   where sources and builds are kept (default ~/.cache/openssl-napi);
#                        a built prefix openssl-<version> there is reused (building takes minutes)
#   OPENSSL_NAPI_OUT     the cmake-js build dir of this binding (default build/ossl<series>)
# Extra arguments go to `vitest run`. The tests get OPENSSL_NAPI_OPENSSL_BIN, the openssl CLI of
# the same build, for their interop peers (s_server, s_client, verify).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
cache=${OPENSSL_NAPI_CACHE:-$HOME/.cache/openssl-napi}
series=${1:-${OPENSSL_SERIES:-3.5}}
[ $# -gt 0 ] && shift
case "$series" in [0-9]*.[0-9]*) ;; *) echo "ci-openssl: the series must look like 3.5 or 4.0, not '$series'" >&2; exit 2 ;; esac
out=${OPENSSL_NAPI_OUT:-build/ossl${series//./}}
prefix_only=""
if [ "${1:-}" = "--prefix" ]; then
  prefix_only=1
  shift
  exec 3>&1 1>&2
fi
series_re="^${series//./\\.}\\."
mkdir -p "$cache/src"

log() { echo "ci-openssl $series: $*"; }
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    log "need root (or sudo) for: $*" >&2
    return 1
  fi
}

# A prefix is usable when its libraries, headers and openssl binary are all there and agree.
prefix_ok() {
  local p=$1 up=$2
  grep -qs "no-module" "$p/.openssl-napi-build" && [ -f "$p/lib/libssl.a" ] && [ -f "$p/lib/libcrypto.a" ] && [ -f "$p/include/openssl/opensslv.h" ] &&
    [ -x "$p/bin/openssl" ] && "$p/bin/openssl" version 2>/dev/null | grep "^OpenSSL $up " >/dev/null
}

candidates() {
  apt-cache showsrc openssl 2>/dev/null | awk '/^Version:/ {print $2}' | grep -E "$series_re" | sort -Vru || true
}

# --- 1. Debian's source indexes: trixie (3.5.x), sid and experimental (3.6.x, 4.0.x) ----------
# Only source indexes are added: the machine's binary packages stay Debian 12's.
sources_file=/etc/apt/sources.list.d/openssl-napi-src.sources
if [ -z "$(candidates)" ]; then
  if ! grep -qs 'experimental' "$sources_file"; then
    log "adding deb-src for Debian trixie, sid and experimental ($sources_file)"
    printf '%s\n' \
      'Types: deb-src' \
      'URIs: http://deb.debian.org/debian' \
      'Suites: trixie sid experimental' \
      'Components: main' \
      'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' |
      as_root tee "$sources_file" >/dev/null
  fi
  log "apt-get update"
  as_root apt-get update -qq || log "warning: apt-get update failed; using what is cached" >&2
fi

# --- 2. the newest version of the series that is built already, or that downloads --------------------------------
prefix=""
version=""
for v in $(candidates); do
  up=${v%%-*}
  up=${up#*:}
  if prefix_ok "$cache/openssl-$up" "$up"; then
    prefix=$cache/openssl-$up
    version=$v
    log "reusing $prefix (Debian source $v)"
    break
  fi
  log "downloading Debian source package openssl=$v"
  if (cd "$cache/src" && apt-get source --download-only -qq "openssl=$v" >/dev/null 2>"$cache/src/apt-source.log"); then
    tarball=$(find "$cache/src" -maxdepth 1 -name "openssl_${up}.orig.tar.*" ! -name '*.asc' | sed -n 1p)
    if [ -n "$tarball" ]; then
      prefix=$cache/openssl-$up
      version=$v
      log "building OpenSSL $up from $tarball into $prefix"
      rm -rf "$prefix"
      bash "$root/scripts/build-openssl.sh" "$tarball" "$prefix"
      prefix_ok "$prefix" "$up" || { log "build of $up did not produce a usable prefix" >&2; exit 1; }
      break
    fi
    log "openssl=$v downloaded but has no openssl_${up}.orig.tar.*; trying an older one" >&2
  else
    log "openssl=$v does not download ($(tail -n 1 "$cache/src/apt-source.log")); trying an older one" >&2
  fi
done
if [ -z "$prefix" ]; then
  # Offline or no index: the newest prefix of the series already in the cache.
  for p in $(find "$cache" -maxdepth 1 -type d -name "openssl-${series}.*" | sort -Vr); do
    up=${p##*/openssl-}
    if prefix_ok "$p" "$up"; then prefix=$p; version=$up; log "no source index; reusing $p"; break; fi
  done
fi
[ -n "$prefix" ] || { log "no OpenSSL $series.x source package could be downloaded or found in $cache" >&2; exit 1; }
if [ -n "$prefix_only" ]; then
  echo "$prefix" >&3
  exit 0
fi

# --- 3. the binding against it ---------------------------------------------------------------
log "building the binding against $prefix into $out"
OPENSSL_DIR=$prefix "$root/node_modules/.bin/cmake-js" rebuild --out "$out" --parallel 2 >"$cache/cmake-js-ossl${series//./}.log" 2>&1 ||
  { tail -n 60 "$cache/cmake-js-ossl${series//./}.log"; exit 1; }
binding=$out/Release/openssl_napi.node
exports=$(nm -D --defined-only "$binding" | awk '{print $3}' | sort | tr '\n' ' ')
if [ "$exports" != "napi_register_module_v1 node_api_module_get_api_version_v1 " ]; then
  log "the binding exports more than the two Node-API entry points: $exports" >&2
  exit 1
fi
[ -f dist/index.js ] || "$root/node_modules/.bin/tsc" -p tsconfig.json

# What it really runs on: OpenSSL $series from the addon itself, Node's own 3.0 beside it.
OPENSSL_NAPI_BINDING=$binding OPENSSL_NAPI_EXPECT_SERIES=$series node --input-type=module -e '
  const { version } = await import(process.cwd() + "/dist/index.js");
  const v = version();
  console.table({ openssl: v.openssl, linkage: v.linkage, sslCtxNewFile: v.sslCtxNewFile,
    opensslDir: v.opensslDir, nodeOpenssl: v.nodeOpenssl });
  if (!v.openssl.startsWith(process.env.OPENSSL_NAPI_EXPECT_SERIES + ".")) {
    console.error(`ci-openssl: version() says ${v.openssl}, expected ${process.env.OPENSSL_NAPI_EXPECT_SERIES}.x`);
    process.exit(1);
  }
  if (v.sslCtxNewFile === process.execPath) {
    console.error("ci-openssl: SSL_CTX_new is served by the node binary, not the addon");
    process.exit(1);
  }'

# --- 4. the test suite on it -----------------------------------------------------------------
log "vitest with OPENSSL_NAPI_BINDING=$binding OPENSSL_NAPI_EXPECT_VERSION=$series (Debian source $version)"
OPENSSL_NAPI_BINDING=$binding OPENSSL_NAPI_EXPECT_VERSION=$series OPENSSL_NAPI_OPENSSL_BIN=$prefix/bin/openssl \
  "$root/node_modules/.bin/vitest" run "$@"
