#!/usr/bin/env bash
# Build a static, position-independent OpenSSL into PREFIX, for OPENSSL_DIR=PREFIX npm install.
# Usage: scripts/build-openssl.sh SOURCE PREFIX
#   SOURCE: an unpacked OpenSSL source tree, or a .tar.gz/.tar.xz of one.
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 SOURCE PREFIX  (SOURCE: OpenSSL source dir or tarball)" >&2
  exit 2
fi
src=$1
prefix=$(mkdir -p "$2" && cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -f "$src" ]; then
  tar -xf "$src" -C "$work"
  src=$(find "$work" -mindepth 1 -maxdepth 1 -type d | sed -n 1p)
elif [ ! -d "$src" ]; then
  echo "build-openssl: $src is neither a directory nor a tarball" >&2
  exit 2
fi
[ -x "$src/Configure" ] || { echo "build-openssl: no Configure in $src" >&2; exit 2; }

jobs=$(nproc 2>/dev/null || echo 2)
# Bump when the options below change: cached prefixes built otherwise are rebuilt.
BUILD_OPENSSL_OPTIONS="no-shared no-module zlib no-tests no-docs -fPIC (2)"
echo "build-openssl: building $(basename "$src") into $prefix with $jobs jobs"
cd "$src"
# no-shared: static archives we link with hidden symbols; -fPIC: they go into a shared addon.
# no-module: the legacy provider is built into libcrypto, so no provider is ever loaded from a
# file (a module file would carry or bind to a second copy of OpenSSL).
# zlib: certificate compression (RFC 8879, OpenSSL 3.2+) and COMP; the addon links -lz from
# libcrypto.pc's Libs.private (scripts/openssl-config.cjs). Needs zlib1g-dev.
[ -f /usr/include/zlib.h ] || { echo "build-openssl: zlib.h is missing: install zlib1g-dev" >&2; exit 1; }
./Configure no-shared no-module zlib no-tests no-docs -fPIC \
  --prefix="$prefix" --openssldir="$prefix/ssl" --libdir=lib >"$work/configure.log" 2>&1 \
  || { cat "$work/configure.log"; exit 1; }
make -j"$jobs" >"$work/make.log" 2>&1 || { tail -n 60 "$work/make.log"; exit 1; }
make install_sw install_ssldirs >"$work/install.log" 2>&1 || { tail -n 60 "$work/install.log"; exit 1; }
# What scripts/ci-openssl.sh checks before it reuses a prefix: one built with these options.
echo "$BUILD_OPENSSL_OPTIONS" >"$prefix/.openssl-napi-build"
"$prefix/bin/openssl" version -a | sed -n 1,2p
echo "build-openssl: done; use OPENSSL_DIR=$prefix"
