#!/usr/bin/env bash
# Builds the prebuilt addon the published package ships: node-gyp, linked statically against a
# static OpenSSL 3.5 LTS prefix (scripts/build-openssl.sh), with its symbols hidden, into
#   prebuilds/<platform>-<arch>/openssl-napi.napi.glibc.node      (node-gyp-build's layout)
# which lib/native.ts loads when there is no build from source (glibc only: musl never picks it).
#
#   npm run build:prebuilt                     the newest 3.5.x prefix in ~/.cache/openssl-napi,
#                                              found (or built from Debian's source) by
#                                              scripts/ci-openssl.sh 3.5 --prefix
#   OPENSSL_DIR=/path npm run build:prebuilt   that prefix instead
#   bash scripts/prebuild.sh --check           (prepublishOnly) the prebuild is there, newer than
#                                              the sources, OpenSSL 3.5, exporting only the two
#                                              Node-API entry points
#
# node-gyp always builds into ./build, so the build runs in a copy of the build inputs
# (build-prebuild/<platform>-<arch>/), through scripts/install.cjs as a user's source build does;
# build/Release, the development build, is not touched.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
series=${OPENSSL_NAPI_PREBUILD_SERIES:-3.5}
target=$(node -p 'process.platform + "-" + process.arch')
out=prebuilds/$target/openssl-napi.napi.glibc.node
stage=build-prebuild/$target

log() { echo "prebuild: $*"; }
die() { echo "prebuild: $*" >&2; exit 1; }

check() {
  [ -f "$out" ] || die "$out is missing: run npm run build:prebuilt"
  local exports
  exports=$(nm -D --defined-only "$out" | awk '{print $3}' | sort | tr '\n' ' ')
  [ "$exports" = "napi_register_module_v1 node_api_module_get_api_version_v1 " ] ||
    die "$out exports more than the two Node-API entry points: $exports"
  local version
  version=$(node -e 'process.stdout.write(require(require("path").resolve(process.argv[1])).versionInfo().version)' "$out") ||
    die "$out does not load"
  case "$version" in "$series".*) ;; *) die "$out runs OpenSSL $version, not $series.x" ;; esac
  local glibc
  glibc=$(objdump -T "$out" | grep -o 'GLIBC_[0-9.]*' | sort -Vu | tail -n 1)
  log "$out: OpenSSL $version, $(stat -c %s "$out") bytes, needs $glibc, $(objdump -p "$out" | awk '/NEEDED/ {print $2}' | tr '\n' ' ')"
}

if [ "${1:-}" = "--check" ]; then
  check
  newer=$(find native binding.gyp sources.json scripts/openssl-config.cjs -newer "$out" -type f | sed -n 1,3p | tr '\n' ' ')
  [ -z "$newer" ] || die "$out is older than $newer: run npm run build:prebuilt"
  exit 0
fi

case "$target" in linux-*) ;; *) die "prebuilds are made on Linux only (this is $target)" ;; esac
ldd --version 2>&1 | sed -n 1p | grep -iE 'glibc|gnu' >/dev/null || die "prebuilds are made on glibc (ldd says: $(ldd --version 2>&1 | sed -n 1p))"

prefix=${OPENSSL_DIR:-}
[ -n "$prefix" ] || prefix=$(bash scripts/ci-openssl.sh "$series" --prefix)
[ -f "$prefix/lib/libssl.a" ] || [ -f "$prefix/lib64/libssl.a" ] || die "no static libssl.a under $prefix"
# OpenSSL bakes OPENSSLDIR (openssl.cnf, read at start-up), ENGINESDIR and MODULESDIR into libcrypto:
# on users' machines those paths must be ones only root can create, or a local user could plant a
# config that loads code into every program using the prebuilt addon.
while read -r what dir; do
  case "$dir" in /root/* | /usr/* | /etc/* | /opt/*) ;; *)
    die "$prefix has $what $dir; the prebuilt addon would read it on users' machines: build the prefix under /root, /usr, /etc or /opt" ;;
  esac
done < <("$prefix/bin/openssl" version -d -e -m | sed -E 's/^([A-Z]+): "(.*)"$/\1 \2/')

log "building against $prefix in $stage"
rm -rf "$stage"
mkdir -p "$stage/scripts"
cp -R native binding.gyp sources.json "$stage/"
cp scripts/install.cjs scripts/openssl-config.cjs "$stage/scripts/"
start=$(date +%s)
(cd "$stage" && env -u OPENSSL_INCLUDE_DIR -u OPENSSL_LIB_DIR -u OPENSSL_STATIC -u npm_config_openssl_dir \
  OPENSSL_DIR="$prefix" node scripts/install.cjs)
mkdir -p "$(dirname "$out")"
# Local symbols and any debug info out (the dynamic symbol table, two entries, stays).
strip --strip-unneeded -o "$out" "$stage/build/Release/openssl_napi.node"
log "built in $(($(date +%s) - start))s"
check
