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

function bindingPath(): string {
  const override = process.env.OPENSSL_NAPI_BINDING;
  if (override) return path.resolve(packageRoot, override);
  for (const candidate of ['build/Release/openssl_napi.node', 'build-cmake/Release/openssl_napi.node', 'build/Debug/openssl_napi.node']) {
    const full = path.join(packageRoot, candidate);
    if (fs.existsSync(full)) return full;
  }
  throw Object.assign(
    new Error(
      `openssl-napi: the native addon is not built (looked in ${packageRoot}/build). Run "npm rebuild openssl-napi" in your ` +
        'project (it compiles the addon: build-essential, python3 and libssl-dev, or OPENSSL_DIR). If install scripts are ' +
        'blocked (npm --ignore-scripts, pnpm without onlyBuiltDependencies), allow them for openssl-napi, or run that command.',
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

function load(): NativeBinding {
  const file = bindingPath();
  if (isDynamic(file)) {
    // Dynamic opt-in: bind libssl's symbols inside the addon's own scope, not Node's bundled copy.
    const module = { exports: {} as NativeBinding };
    const flags = os.constants.dlopen.RTLD_NOW | (os.constants.dlopen.RTLD_DEEPBIND ?? 0);
    process.dlopen(module, file, flags);
    return module.exports;
  }
  return createRequire(import.meta.url)(file) as NativeBinding;
}

/** The loaded addon. @internal */
export const native: NativeBinding = load();
/** Absolute path of the loaded addon file. @internal */
export const nativePath: string = bindingPath();
