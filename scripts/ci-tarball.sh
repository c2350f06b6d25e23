#!/usr/bin/env bash
# CI proof of "npm install openssl-napi" as users get it, from the packed tarball:
#   1. the prebuilt addon against OpenSSL 3.5 (scripts/prebuild.sh, the prefix from
#      scripts/ci-openssl.sh 3.5 --prefix), then npm pack;
#   2. the tarball installed into a fresh ESM project with no compiler, make, python or pkg-config
#      on PATH (only node, npm and sh), CC=false CXX=false, no OPENSSL_* variables and, where the
#      machine allows a mount namespace, /usr/include/openssl hidden: the install script must take
#      the prebuilt addon; version() says 3.5.x and an in-memory TLS handshake works;
#      the same with --ignore-scripts (the loader finds the prebuilt addon without the script);
#   3. the same tarball in another project (its path has a space) with npm_config_openssl_dir
#      pointing at the 3.5 prefix through a path with a space in it: built from source (npm's own node-gyp, Node's headers
#      from the running node, nothing downloaded), loaded, the same checks.
#   bash scripts/ci-tarball.sh          (run by .ci/run after the OpenSSL 3.5 step)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
series=3.5
work=$(mktemp -d /tmp/openssl-napi-tarball.XXXXXX)
trap 'rm -rf "$work"' EXIT
log() { echo "ci-tarball: $*"; }
die() { echo "ci-tarball: $*" >&2; exit 1; }
t0=$(date +%s)
since() { echo "$(($(date +%s) - t0))s"; }

# --- 1. prebuild + pack ----------------------------------------------------------------------
prefix=$(bash scripts/ci-openssl.sh "$series" --prefix)
log "prebuild against $prefix"
OPENSSL_DIR=$prefix bash scripts/prebuild.sh
tarball=$work/$(npm pack --silent --pack-destination "$work" | tail -n 1)
[ -f "$tarball" ] || die "npm pack made no tarball"
log "packed $(basename "$tarball"): $(stat -c %s "$tarball") bytes ($(since))"
listing=$(tar -tzf "$tarball")
for want in package/prebuilds/linux-x64/openssl-napi.napi.glibc.node package/scripts/install.cjs \
  package/scripts/openssl-config.cjs package/binding.gyp package/dist/index.js; do
  grep -qx "$want" <<<"$listing" || die "the tarball lacks $want"
done
unwanted=$(grep -E '^package/(test|bench|\.ci|build|build-[^/]*|docs-site)/|^package/scripts/(ci-|prebuild|test-|asan-|valgrind-)' <<<"$listing" || true)
[ -z "$unwanted" ] || die "the tarball carries development files: $unwanted"

# --- the consumer projects -------------------------------------------------------------------
# Only node, npm and sh (npm runs scripts with it) on PATH for the prebuilt install; an empty
# user config (no nodedir from ~/.npmrc); node-gyp's header cache (XDG_CACHE_HOME/node-gyp) in an
# empty directory that must stay empty.
mkdir -p "$work/bin" "$work/cache"
ln -s "$(command -v node)" "$work/bin/node"
ln -s "$(command -v npm)" "$work/bin/npm"
ln -s "$(command -v sh)" "$work/bin/sh"
: >"$work/npmrc"
cat >"$work/check.mjs" <<'EOF'
// node check.mjs SERIES prebuilt|source: the installed package, as a user imports it.
import { version, SSL, crypto } from 'openssl-napi';
const [series, kind] = process.argv.slice(2);
const fail = (msg) => { console.error(`check: ${msg}`); process.exit(1); };
const v = version();
console.log(`check: version() ${JSON.stringify({ openssl: v.openssl, nodeOpenssl: v.nodeOpenssl, linkage: v.linkage, addonFile: v.addonFile })}`);
if (!v.openssl.startsWith(`${series}.`)) fail(`OpenSSL ${v.openssl}, expected ${series}.x`);
const where = kind === 'prebuilt' ? '/node_modules/openssl-napi/prebuilds/linux-x64/openssl-napi.napi.glibc.node'
  : '/node_modules/openssl-napi/build/Release/openssl_napi.node';
if (!v.addonFile.endsWith(where)) fail(`the addon is ${v.addonFile}, expected …${where}`);
if (v.sslCtxNewFile !== v.addonFile) fail(`SSL_CTX_new is served by ${v.sslCtxNewFile}`);

// A TLS 1.3 handshake between two in-memory connections, and a record each way.
const pkey = new crypto.PKey();
pkey.generateKey(crypto.TYPE_EC, 'prime256v1');
const cert = new crypto.X509();
cert.setSerialNumber(1);
cert.getSubject().CN = 'tarball.test';
cert.gmtimeAdjNotBefore(0);
cert.gmtimeAdjNotAfter(3600);
cert.setIssuer(cert.getSubject());
cert.setPubkey(pkey);
cert.sign(pkey, 'sha256');
const serverCtx = new SSL.Context(SSL.TLS_METHOD);
serverCtx.useCertificate(cert);
serverCtx.usePrivatekey(pkey);
const server = new SSL.Connection(serverCtx);
server.setAcceptState();
const client = new SSL.Connection(new SSL.Context(SSL.TLS_METHOD));
client.setConnectState();
const pump = (from, to) => { while (from.bioPending() > 0) to.bioWrite(from.bioRead(65536)); };
const step = (conn) => {
  try { conn.doHandshake(); return true; } catch (e) { if (e instanceof SSL.WantReadError) return false; throw e; }
};
for (let i = 0, done = false; !done; i++) {
  if (i > 20) fail('the handshake does not finish');
  const c = step(client); pump(client, server);
  const s = step(server); pump(server, client);
  done = c && s;
}
client.send(Buffer.from('ping'));
pump(client, server);
if (server.recv(100).toString() !== 'ping') fail('the record did not arrive');
// Post-quantum, which is why the prebuilt is 3.5: an ML-DSA key.
const pq = new crypto.PKey();
pq.generateKey('ML-DSA-65');
console.log(`check: ${kind} OK: ${client.getProtocolVersionName()} ${client.getCipherName()}, ${pq.typeName()} key`);
EOF
# An ESM project that allows the package's install script (npm 11's allowScripts, keyed by source).
new_project() {
  mkdir -p "$1"
  printf '{ "name": "%s", "private": true, "type": "module", "allowScripts": { "file:%s": true } }\n' "$(basename "$1" | tr ' ' -)" "$tarball" >"$1/package.json"
  cp "$work/check.mjs" "$1/"
}
# npm with the calling environment's OPENSSL_*, npm_config_* and compiler variables left out.
clean_npm() {
  local path=$1
  shift
  env -i HOME="$HOME" PATH="$path" TMPDIR="${TMPDIR:-/tmp}" LANG=C.UTF-8 CI=true \
    ${http_proxy:+http_proxy=$http_proxy} ${https_proxy:+https_proxy=$https_proxy} ${no_proxy:+no_proxy=$no_proxy} \
    XDG_CACHE_HOME="$work/cache" npm_config_userconfig="$work/npmrc" npm_config_update_notifier=false \
    npm_config_fund=false npm_config_audit=false "$@"
}

# --- 2. the prebuilt: no compiler, no headers ------------------------------------------------
app=$work/app-prebuilt
new_project "$app"
install_cmd=(npm install --prefer-offline --foreground-scripts "$tarball")
hide=()
if [ -d /usr/include/openssl ] && unshare -m --propagation private true 2>/dev/null; then
  mkdir -p "$work/empty"
  hide=("$(command -v unshare)" -m --propagation private /bin/sh -c "$(command -v mount)"' --bind "$0" /usr/include/openssl && exec "$@"' "$work/empty")
  log "installing the tarball with no compiler on PATH and /usr/include/openssl hidden (mount namespace)"
else
  log "installing the tarball with no compiler on PATH (no mount namespace here: /usr/include/openssl stays, unread)"
fi
(cd "$app" && clean_npm "$work/bin" CC=false CXX=false "${hide[@]}" "${install_cmd[@]}") 2>&1 | tee "$work/prebuilt.log"
grep -q '^openssl-napi: using the prebuilt addon prebuilds/linux-x64/openssl-napi.napi.glibc.node (OpenSSL 3\.5\.' "$work/prebuilt.log" ||
  die "the install script did not take the prebuilt addon"
[ ! -e "$app/node_modules/openssl-napi/build" ] || die "the prebuilt install made a build/ directory (it looked for OpenSSL)"
(cd "$app" && env -i PATH="$work/bin" node check.mjs "$series" prebuilt)
log "prebuilt install OK ($(since))"

# Install scripts blocked (--ignore-scripts, or npm/pnpm not allowing them): the loader takes the
# prebuilt addon by itself.
app=$work/app-ignore-scripts
new_project "$app"
(cd "$app" && clean_npm "$work/bin" npm install --prefer-offline --ignore-scripts "$tarball")
(cd "$app" && env -i PATH="$work/bin" node check.mjs "$series" prebuilt)
log "prebuilt install with --ignore-scripts OK ($(since))"

# --- 3. from source: npm_config_openssl_dir, through a path with a space ---------------------
mkdir -p "$work/open ssl"
ln -s "$prefix" "$work/open ssl/openssl-$series"
app="$work/app source"
new_project "$app"
log "installing the tarball with npm_config_openssl_dir='$work/open ssl/openssl-$series'"
(cd "$app" && clean_npm "$PATH" npm_config_openssl_dir="$work/open ssl/openssl-$series" JOBS="${JOBS:-max}" "${install_cmd[@]}") 2>&1 |
  tee "$work/source.log"
grep -qF "openssl-napi: building the addon from source (openssl_dir=$work/open ssl/openssl-$series (npm config))" "$work/source.log" ||
  die "the install script did not build from source"
grep -qF 'CXX(target) Release/obj.target/openssl_napi/native/addon.o' "$work/source.log" || die "node-gyp's progress was not shown"
binding=$app/node_modules/openssl-napi/build/Release/openssl_napi.node
exports=$(nm -D --defined-only "$binding" | awk '{print $3}' | sort | tr '\n' ' ')
[ "$exports" = "napi_register_module_v1 node_api_module_get_api_version_v1 " ] || die "$binding exports $exports"
[ -z "$(ls -A "$work/cache")" ] || die "node-gyp downloaded Node's headers into $work/cache: $(ls "$work/cache")"
(cd "$app" && env -i PATH="$work/bin" node check.mjs "$series" source)
log "source install OK; all done in $(since)"
