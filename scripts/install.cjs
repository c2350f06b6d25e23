#!/usr/bin/env node
// The package's "install" script. Uses the prebuilt addon shipped in prebuilds/ when it fits this
// machine and loads (tested in a child process), and prints one line saying so; builds the addon
// from source with node-gyp instead when
//   - this is a development checkout (a .git or test/ directory: not in the published package),
//   - an OpenSSL is chosen: OPENSSL_DIR, OPENSSL_INCLUDE_DIR/OPENSSL_LIB_DIR, openssl_dir in an
//     .npmrc (npm_config_openssl_dir), OPENSSL_STATIC=0,
//   - npm install --build-from-source (npm_config_build_from_source),
//   - or no prebuilt addon fits this platform, or it does not load here.
// A missing compiler, python3 or OpenSSL is reported in one line each, before node-gyp runs.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { pathToFileURL } = require('node:url');

const root = path.resolve(__dirname, '..');
const env = process.env;

function say(line) {
  process.stdout.write(`openssl-napi: ${line}\n`);
}

/** Why to build from source, or '' to try the prebuilt addon. */
function sourceReason() {
  if (fs.existsSync(path.join(root, '.git')) || fs.existsSync(path.join(root, 'test'))) return 'a development checkout';
  if (env.OPENSSL_DIR) return `OPENSSL_DIR=${env.OPENSSL_DIR}`;
  if (env.OPENSSL_INCLUDE_DIR || env.OPENSSL_LIB_DIR) return 'OPENSSL_INCLUDE_DIR/OPENSSL_LIB_DIR are set';
  if (env.npm_config_openssl_dir) return `openssl_dir=${env.npm_config_openssl_dir} (npm config)`;
  if (/^(0|false|no)$/i.test(env.OPENSSL_STATIC || '')) return 'OPENSSL_STATIC=0';
  // --build-from-source (npm sets "true"), or a list of package names, as prebuild-install reads it.
  const fromSource = (env.npm_config_build_from_source || '').trim();
  if (/^(true|1)$/i.test(fromSource) || fromSource.split(/[\s,]+/).includes('openssl-napi')) return '--build-from-source';
  return '';
}

/**
 * Loads the package as a user would (dist/, whose loader picks prebuilds/<platform>-<arch>/ when
 * there is no build from source) in a child process, so that a prebuilt addon that does not fit
 * (another libc, too old a glibc) fails there and not in the user's program.
 */
function probePrebuilt() {
  const entry = path.join(root, 'dist', 'index.js');
  if (!fs.existsSync(entry)) return { code: 'NO_DIST', error: 'dist/ is missing, so the prebuilt addon cannot be tried' };
  const code = `
    const out = (o) => process.stdout.write('\\n' + JSON.stringify(o) + '\\n');
    try {
      const { version } = await import(${JSON.stringify(pathToFileURL(entry).href)});
      const v = version();
      out({ openssl: v.openssl, addonFile: v.addonFile });
    } catch (e) {
      // ERR_OPENSSL_NAPI_PREBUILT's cause is the loader's own message (a missing GLIBC_2.xx, say).
      const m = e && e.cause && e.cause.message || e && e.message || String(e);
      out({ code: e && e.code, error: String(m).split('\\n')[0] });
    }`;
  const childEnv = { ...env };
  delete childEnv.OPENSSL_NAPI_BINDING;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, env: childEnv, encoding: 'utf8', timeout: 120000 });
  const last = (r.stdout || '').trim().split('\n').pop() || '';
  try {
    return JSON.parse(last);
  } catch {
    const why = r.error ? r.error.message : r.signal ? `it crashed (${r.signal})` : (r.stderr || '').trim().split('\n').pop() || `exit ${r.status}`;
    return { error: why };
  }
}

/** The first executable called `cmd` on PATH, or ''. */
function which(cmd) {
  if (cmd.includes('/')) return fs.existsSync(cmd) ? cmd : '';
  for (const dir of (env.PATH || '').split(path.delimiter)) {
    const full = path.join(dir || '.', cmd);
    try {
      fs.accessSync(full, fs.constants.X_OK);
      if (fs.statSync(full).isFile()) return full;
    } catch {
      // not here
    }
  }
  return '';
}

/** Whether `command --version` (a command line such as "ccache g++") runs and exits 0. */
function runs(command, args = ['--version']) {
  const words = command.trim().split(/\s+/);
  if (!words[0] || !which(words[0])) return false;
  const r = spawnSync(words[0], [...words.slice(1), ...args], { stdio: 'ignore', timeout: 30000 });
  return r.status === 0;
}

/** node-gyp: this package's own (a development checkout), the package manager's, one on PATH, or npm's. */
function nodeGyp() {
  try {
    return require.resolve('node-gyp/bin/node-gyp.js', { paths: [root] });
  } catch {
    // not installed beside us
  }
  if (env.npm_config_node_gyp && fs.existsSync(env.npm_config_node_gyp)) return env.npm_config_node_gyp;
  const onPath = which('node-gyp');
  if (onPath) return onPath;
  // run by hand (node scripts/install.cjs): the node-gyp inside the npm installed beside this node
  const npms = path.resolve(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  return fs.existsSync(npms) ? npms : '';
}

/**
 * The headers of the running Node (official tarballs, nodesource, nvm and volta ship
 * <prefix>/include/node with common.gypi), so that node-gyp needs no download; '' when npm's
 * nodedir is set already or there are none (node-gyp then downloads them once into its cache).
 */
function localNodedir() {
  if (env.npm_config_nodedir) return '';
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  const include = path.join(prefix, 'include', 'node');
  try {
    const h = fs.readFileSync(path.join(include, 'node_version.h'), 'utf8');
    const v = ['MAJOR', 'MINOR', 'PATCH'].map((k) => h.match(new RegExp(`#define\\s+NODE_${k}_VERSION\\s+(\\d+)`))[1]).join('.');
    if (`v${v}` === process.version && fs.existsSync(path.join(include, 'common.gypi'))) return prefix;
  } catch {
    // no headers beside this node
  }
  return '';
}

function buildFromSource(reason) {
  const missing = [];
  const cxx = env.CXX || 'g++';
  if (!runs(cxx)) {
    missing.push(
      env.CXX
        ? `no working C++ compiler: CXX=${env.CXX} does not run; install build-essential (apt-get install build-essential) or fix CXX`
        : 'no C++ compiler (g++): install build-essential (apt-get install build-essential)',
    );
  }
  const make = env.MAKE || 'make';
  if (!runs(make)) missing.push(`no ${make}: install build-essential (apt-get install build-essential)`);
  const pythons = [env.NODE_GYP_FORCE_PYTHON, env.npm_config_python, env.PYTHON, 'python3', 'python'].filter(Boolean);
  if (!pythons.some((p) => runs(p))) missing.push('no python3 (node-gyp runs gyp with it): install python3 (apt-get install python3) or set PYTHON');
  const gyp = nodeGyp();
  if (!gyp) missing.push('no node-gyp: run the install with npm (it brings node-gyp), or npm install -g node-gyp');
  const ossl = spawnSync(process.execPath, [path.join(root, 'scripts', 'openssl-config.cjs'), 'json'], { cwd: root, encoding: 'utf8' });
  if (ossl.status !== 0) {
    // openssl-config.cjs says it in one line: no headers (install libssl-dev or set OPENSSL_DIR), no libraries, too old.
    missing.push((ossl.stderr || '').trim().replace(/^openssl-napi: /, '') || 'no usable OpenSSL: install libssl-dev or set OPENSSL_DIR');
  }
  if (missing.length > 0) {
    for (const line of missing) process.stderr.write(`openssl-napi: building from source (${reason}): ${line}\n`);
    process.exit(1);
  }

  const args = ['rebuild'];
  // Every core unless the user chose (JOBS, or jobs in an .npmrc, which node-gyp reads itself).
  if (!env.JOBS && !env.npm_config_jobs) args.push('--jobs', 'max');
  const nodedir = localNodedir();
  if (nodedir) args.push(`--nodedir=${nodedir}`);
  const [cmd, cmdArgs] = gyp.endsWith('.js') ? [process.execPath, [gyp, ...args]] : [gyp, args];
  say(`building the addon from source (${reason}): node-gyp ${args.join(' ')}`);
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`openssl-napi: node-gyp rebuild failed (${r.error ? r.error.message : `exit ${r.status}`}); its messages are above\n`);
    process.exit(1);
  }
  say(`built ${path.join('build', 'Release', 'openssl_napi.node')} from source`);
}

let reason = sourceReason();
if (!reason) {
  // A build from source left by an earlier install would be loaded first: the prebuilt is chosen now.
  fs.rmSync(path.join(root, 'build'), { recursive: true, force: true });
  const probe = probePrebuilt();
  if (probe.openssl) {
    say(`using the prebuilt addon ${path.relative(root, probe.addonFile)} (OpenSSL ${probe.openssl}); OPENSSL_DIR or --build-from-source compiles one instead`);
    process.exit(0);
  }
  if (probe.code === 'ERR_OPENSSL_NAPI_NOT_BUILT') {
    const fits = /no prebuilt addon fits ([^.]+?)\. /.exec(probe.error || '');
    reason = `no prebuilt addon for ${fits ? fits[1] : `${process.platform}-${process.arch}`}`;
  } else if (probe.code === 'NO_DIST') {
    reason = probe.error;
  } else {
    reason = `the prebuilt addon does not load here: ${probe.error}`;
  }
}
buildFromSource(reason);
