// Shared fixtures for the crypto tests: keys, certificates, temp files and the openssl CLI.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { OpenSSLError, crypto } from '../lib/index.js';

let rsaKey: crypto.PKey | null = null;
/** One RSA-2048 key per test file (generation is slow). */
export function rsa(): crypto.PKey {
  if (rsaKey === null) {
    rsaKey = new crypto.PKey();
    rsaKey.generateKey(crypto.TYPE_RSA, 2048);
  }
  return rsaKey;
}

export function ecKey(curve = 'prime256v1'): crypto.PKey {
  const k = new crypto.PKey();
  k.generateKey(crypto.TYPE_EC, curve);
  return k;
}

export function edKey(type: number = crypto.TYPE_ED25519): crypto.PKey {
  const k = new crypto.PKey();
  k.generateKey(type);
  return k;
}

/** A self-signed (or issuer-signed) v3 certificate. */
export function makeCert(
  cn: string,
  key: crypto.PKey,
  opts: { issuer?: crypto.X509; issuerKey?: crypto.PKey; digest?: string | null; serial?: number | bigint; exts?: crypto.X509Extension[] } = {},
): crypto.X509 {
  const cert = new crypto.X509();
  cert.setVersion(2);
  cert.setSerialNumber(opts.serial ?? 1);
  cert.getSubject().CN = cn;
  cert.setIssuer(opts.issuer ? opts.issuer.getSubject() : cert.getSubject());
  cert.gmtimeAdjNotBefore(0);
  cert.gmtimeAdjNotAfter(3600);
  cert.setPubkey(key);
  if (opts.exts) cert.addExtensions(opts.exts);
  cert.sign(opts.issuerKey ?? key, opts.digest === undefined ? 'sha256' : opts.digest);
  return cert;
}

let tmp: string | null = null;
/** Writes `data` to a fresh temp file and returns its path. */
export function tmpFile(name: string, data: Uint8Array | string): string {
  if (tmp === null) tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'openssl-napi-crypto-'));
  const p = path.join(tmp, `${process.pid}-${Math.random().toString(36).slice(2)}-${name}`);
  fs.writeFileSync(p, data);
  return p;
}

/**
 * The openssl CLI the binding is compared with: the one of its own build when
 * OPENSSL_NAPI_OPENSSL_BIN says where (scripts/ci-openssl.sh sets it: text output differs between
 * versions), else the one on PATH.
 */
export const OPENSSL_CLI = process.env.OPENSSL_NAPI_OPENSSL_BIN || 'openssl';

/** Runs the openssl CLI, returns stdout (throws on a non-zero exit). */
export function openssl(args: string[], input?: Uint8Array | string): string {
  return execFileSync(OPENSSL_CLI, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Runs openssl, returns the exit status and combined stdout+stderr. */
export function opensslStatus(args: string[]): { status: number; out: string } {
  const r = spawnSync(OPENSSL_CLI, args, { encoding: 'utf8' });
  return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

/** Asserts that fn throws an instance of cls, and returns the error. */
export function throws<T extends Error>(fn: () => unknown, cls: abstract new (...a: never[]) => T, code?: string | RegExp): T {
  let caught: unknown = null;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a throw').toBeInstanceOf(cls);
  if (code !== undefined) expect((caught as { code?: string }).code).toMatch(code);
  return caught as T;
}

export function throwsOpenSSL(fn: () => unknown): OpenSSLError {
  return throws(fn, OpenSSLError);
}

/** The error "X has been freed". */
export function throwsFreed(fn: () => unknown): void {
  const e = throws(fn, Error);
  expect((e as { code?: string }).code).toBe('ERR_OPENSSL_NAPI_FREED');
}
