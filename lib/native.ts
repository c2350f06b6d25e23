/**
 * The one place that loads the native addon. Every area declares the native members it uses by
 * augmenting {@link NativeBinding} in its own file, so areas never edit a shared list.
 * @internal
 * @module
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Shape of `version()`'s native half. @internal */
export interface NativeVersionInfo {
  version: string;
  text: string;
  number: number;
  headerVersion: string;
  headerText: string;
  headerNumber: number;
  opensslDir: string;
  modulesDir: string;
  cflags: string;
  platform: string;
  builtOn: string;
  linkage: 'static' | 'dynamic';
  allocator: 'block-cache' | 'malloc';
  sslCtxNewFile: string;
  addonFile: string;
}

/** Native members; areas add theirs by declaration merging. @internal */
export interface NativeBinding {
  setupErrors(classes: Record<string, unknown>): void;
  versionInfo(): NativeVersionInfo;
  openSSLVersionText(type: number): string;
  versionConstants: Record<string, number>;
  digest(algorithm: string, data: Uint8Array | string): Buffer;
  digestAsync(algorithm: string, data: Uint8Array | string): Promise<Buffer>;
  randomBytes(size: number): Buffer;
  randomBytesAsync(size: number): Promise<Buffer>;
}

const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Builds from source, in the order the loader tries them. */
const sourceBuilds = ['build/Release/openssl_napi.node', 'build-cmake/Release/openssl_napi.node', 'build/Debug/openssl_napi.node'];

/**
 * The C library this Node runs on ('glibc' or 'musl'; '' off Linux), as detect-libc finds it:
 * the system's ldd script first (cheap), then the process report, which names glibc's version
 * only when Node runs on glibc.
 */
function libc(): string {
  if (process.platform !== 'linux') return '';
  try {
    const ldd = fs.readFileSync('/usr/bin/ldd', 'latin1');
    if (ldd.includes('musl')) return 'musl';
    if (ldd.includes('GNU C Library')) return 'glibc';
  } catch {
    // no ldd: ask the process report
  }
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return report?.header?.glibcVersionRuntime ? 'glibc' : 'musl';
}

/**
 * The prebuilt addon shipped for this platform, or '' (node-gyp-build's layout:
 * `prebuilds/<platform>-<arch>/<name>.napi.<libc>.node`; today only linux-x64 glibc).
 */
function prebuiltPath(): string {
  const dir = path.join(packageRoot, 'prebuilds', `${process.platform}-${process.arch}`);
  if (!fs.existsSync(dir)) return '';
  const tag = libc();
  const file = path.join(dir, `openssl-napi.napi${tag ? `.${tag}` : ''}.node`);
  return fs.existsSync(file) ? file : '';
}

/**
 * The addon to load: OPENSSL_NAPI_BINDING, else a build from source (node-gyp's build/Release,
 * cmake-js's build-cmake/Release, build/Debug), else the prebuilt one for this platform.
 */
function bindingPath(): string {
  const override = process.env.OPENSSL_NAPI_BINDING;
  if (override) return path.resolve(packageRoot, override);
  for (const candidate of sourceBuilds) {
    const full = path.join(packageRoot, candidate);
    if (fs.existsSync(full)) return full;
  }
  const prebuilt = prebuiltPath();
  if (prebuilt) return prebuilt;
  const target = `${process.platform}-${process.arch}${process.platform === 'linux' ? ` (${libc()})` : ''}`;
  throw Object.assign(
    new Error(
      `openssl-napi: the native addon is not built (looked in ${packageRoot}/build), and no prebuilt addon fits ${target}. ` +
        'Run "npm rebuild openssl-napi" in your project (it compiles the addon: build-essential, python3 and libssl-dev, ' +
        'or OPENSSL_DIR). If install scripts are blocked (npm --ignore-scripts or allowScripts, pnpm without ' +
        'onlyBuiltDependencies), allow them for openssl-napi, or run that command.',
    ),
    { code: 'ERR_OPENSSL_NAPI_NOT_BUILT' },
  );
}

function isDynamic(file: string): boolean {
  // Written by scripts/openssl-config.cjs at build time.
  try {
    const cfg = JSON.parse(fs.readFileSync(path.join(path.dirname(file), '..', 'openssl.json'), 'utf8')) as { linkage?: string };
    return cfg.linkage === 'dynamic';
  } catch {
    return false;
  }
}

function load(file: string): NativeBinding {
  if (isDynamic(file)) {
    // Dynamic opt-in: bind libssl's symbols inside the addon's own scope, not Node's bundled copy.
    const module = { exports: {} as NativeBinding };
    const flags = os.constants.dlopen.RTLD_NOW | (os.constants.dlopen.RTLD_DEEPBIND ?? 0);
    process.dlopen(module, file, flags);
    return module.exports;
  }
  try {
    return createRequire(import.meta.url)(file) as NativeBinding;
  } catch (err) {
    if (!file.startsWith(path.join(packageRoot, 'prebuilds') + path.sep)) throw err;
    throw Object.assign(
      new Error(
        `openssl-napi: the prebuilt addon ${file} does not load here (${(err as Error).message}). Build it from source: ` +
          '"npm rebuild openssl-napi --build-from-source" (build-essential, python3 and libssl-dev, or OPENSSL_DIR).',
        { cause: err },
      ),
      { code: 'ERR_OPENSSL_NAPI_PREBUILT' },
    );
  }
}

const file = bindingPath();
/** The loaded addon. @internal */
export const native: NativeBinding = load(file);
/** Absolute path of the loaded addon file. @internal */
export const nativePath: string = file;
