#!/usr/bin/env node
// Finds the OpenSSL to build against, in this order (rust-openssl's variable names):
//   OPENSSL_INCLUDE_DIR / OPENSSL_LIB_DIR, then OPENSSL_DIR (a prefix with include/ and lib/ or
//   lib64/), then pkg-config, then the system prefix.
// OPENSSL_STATIC (default 1) links libssl.a/libcrypto.a with hidden symbols; OPENSSL_STATIC=0 is
// the opt-in dynamic mode (loaded with RTLD_DEEPBIND so Node's own copy does not win).
// Usage: openssl-config.cjs include|libdir|libs|linkage|defines|json|gyp-cflags|gyp-libs
//   libs: the link flags, each quoted for a POSIX shell when it needs it (CMake's
//   separate_arguments(UNIX_COMMAND) and gyp's <!@ both split them that way).
//   gyp-cflags / gyp-libs: for binding.gyp. gyp's make generator pastes include dirs, flags and
//   libraries into the Makefile's shell commands unquoted, so a path with a space (an OPENSSL_DIR
//   under "/opt/my openssl") must reach it quoted already: these print each item quoted for the
//   shell and escaped for make (and gyp-libs once more for gyp's own splitting).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

function tryExec(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

function hasLib(dir, isStatic) {
  const ext = isStatic ? '.a' : '.so';
  return fs.existsSync(path.join(dir, 'libssl' + ext)) && fs.existsSync(path.join(dir, 'libcrypto' + ext));
}

/**
 * What a static libcrypto.a needs besides itself: its pkg-config file's Libs.private (-lz for an
 * OpenSSL configured with zlib, say), plus -ldl and -lpthread, which every build needs.
 */
function staticDeps(libdir) {
  const deps = ['-ldl', '-lpthread'];
  let pc = '';
  try {
    pc = fs.readFileSync(path.join(libdir, 'pkgconfig', 'libcrypto.pc'), 'utf8');
  } catch {
    return deps;
  }
  const m = pc.match(/^Libs\.private:(.*)$/m);
  for (const flag of m ? m[1].trim().split(/\s+/) : []) {
    const lib = flag === '-pthread' ? '-lpthread' : flag;
    if (/^-l[\w.+-]+$/.test(lib) && !deps.includes(lib)) deps.push(lib);
  }
  return deps;
}

function find() {
  const env = process.env;
  const isStatic = !/^(0|false|no)$/i.test(env.OPENSSL_STATIC || '1');
  let include = env.OPENSSL_INCLUDE_DIR || '';
  let libdir = env.OPENSSL_LIB_DIR || '';
  let source = include || libdir ? 'OPENSSL_INCLUDE_DIR/OPENSSL_LIB_DIR' : '';
  // OPENSSL_DIR, or openssl_dir in an .npmrc / --openssl-dir on npm's command line.
  const opensslDir = env.OPENSSL_DIR || env.npm_config_openssl_dir;
  if (opensslDir) {
    const prefix = path.resolve(opensslDir);
    include = include || path.join(prefix, 'include');
    if (!libdir) {
      libdir = ['lib64', 'lib'].map((d) => path.join(prefix, d)).find((d) => hasLib(d, isStatic)) || path.join(prefix, 'lib');
    }
    source = source || `OPENSSL_DIR=${prefix}`;
  }
  if (!include || !libdir) {
    const pcInclude = tryExec('pkg-config', ['--variable=includedir', 'openssl']);
    const pcLib = tryExec('pkg-config', ['--variable=libdir', 'openssl']);
    if (pcInclude && pcLib) {
      include = include || pcInclude;
      libdir = libdir || pcLib;
      source = source || 'pkg-config';
    }
  }
  if (!include || !libdir) {
    const multiarch = tryExec('gcc', ['-print-multiarch']);
    include = include || '/usr/include';
    libdir = libdir || [multiarch && `/usr/lib/${multiarch}`, '/usr/lib64', '/usr/lib'].find((d) => d && hasLib(d, isStatic)) || '/usr/lib';
    source = source || 'system prefix';
  }
  if (!fs.existsSync(path.join(include, 'openssl', 'ssl.h'))) {
    throw new Error(`openssl-napi: no openssl/ssl.h under ${include} (from ${source}). Install libssl-dev or set OPENSSL_DIR.`);
  }
  if (!hasLib(libdir, isStatic)) {
    throw new Error(
      `openssl-napi: no libssl${isStatic ? '.a' : '.so'}/libcrypto${isStatic ? '.a' : '.so'} in ${libdir} (from ${source}). ` +
        'Install libssl-dev, build one with scripts/build-openssl.sh, or set OPENSSL_STATIC=0 for dynamic linking.',
    );
  }
  const header = fs.readFileSync(path.join(include, 'openssl', 'opensslv.h'), 'utf8');
  const m = header.match(/#\s*define\s+OPENSSL_VERSION_STR\s+"([^"]+)"/);
  const version = m ? m[1] : 'unknown';
  // OPENSSL_VERSION_STR is 3.0's; an older header has none.
  if (!m || Number(version.split('.')[0]) < 3) {
    throw new Error(`openssl-napi: the OpenSSL under ${include} (from ${source}) is ${m ? version : 'older than 3.0'}; openssl-napi needs 3.0 or later. Install libssl-dev 3.x or set OPENSSL_DIR.`);
  }
  const libs = isStatic
    ? [path.join(libdir, 'libssl.a'), path.join(libdir, 'libcrypto.a'), '-Wl,--exclude-libs,ALL', ...staticDeps(libdir)]
    : [`-L${libdir}`, `-Wl,-rpath,${libdir}`, '-lssl', '-lcrypto'];
  return { source, include, libdir, linkage: isStatic ? 'static' : 'dynamic', version, libs };
}

/** A word as a POSIX shell reads it: unchanged when it is plain, else in single quotes. */
function shellQuote(word) {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A shell word as GNU make passes it through to the shell: `$` doubled, `#` escaped. */
function makeEscape(word) {
  return word.replace(/\$/g, '$$$$').replace(/#/g, '\\#');
}

/** Records the configuration for lib/native.ts and prints the one status line of a build. */
function record(cfg) {
  process.stderr.write(`openssl-napi: OpenSSL ${cfg.version} from ${cfg.source}: ${cfg.include}, ${cfg.libdir} (${cfg.linkage})\n`);
  // Recorded for lib/native.ts (dynamic mode needs RTLD_DEEPBIND) and for version() cross-checks.
  const out = path.join(__dirname, '..', 'build', 'openssl.json');
  try {
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify(cfg, null, 2) + '\n');
  } catch {
    // read-only checkouts still build; the loader falls back to the static default
  }
}

const what = process.argv[2] || 'json';
let cfg;
try {
  cfg = find();
} catch (err) {
  // One clear line for the person installing, not a stack trace inside node-gyp's output.
  process.stderr.write(`\n${err.message}\n\n`);
  process.exit(1);
}
if (what === 'include') {
  record(cfg);
  console.log(cfg.include);
} else if (what === 'gyp-cflags') {
  record(cfg);
  console.log(makeEscape(shellQuote(`-I${cfg.include}`)));
} else if (what === 'gyp-libs') console.log(cfg.libs.map((l) => shellQuote(makeEscape(shellQuote(l)))).join(' '));
else if (what === 'libdir') console.log(cfg.libdir);
else if (what === 'libs') console.log(cfg.libs.map(shellQuote).join(' '));
else if (what === 'linkage') console.log(cfg.linkage);
else if (what === "defines") console.log(`OPENSSL_NAPI_STATIC=${cfg.linkage === "static" ? 1 : 0}`);
else console.log(JSON.stringify(cfg, null, 2));
