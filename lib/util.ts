/**
 * Small utilities built directly on OpenSSL: digests and random bytes, each sync and async.
 * @module
 */
import { native } from './native.js';

/** Digest `data` with the named algorithm (`"sha256"`, `"sha3-512"`, ...) in the linked OpenSSL. */
export function digest(algorithm: string, data: Uint8Array | string): Buffer {
  return native.digest(algorithm, data);
}

/** {@link digest} on the libuv pool; `data` is copied first. */
export function digestAsync(algorithm: string, data: Uint8Array | string): Promise<Buffer> {
  return native.digestAsync(algorithm, data);
}

/** `size` bytes from OpenSSL's CSPRNG (`RAND_bytes`). */
export function randomBytes(size: number): Buffer {
  return native.randomBytes(size);
}

/** {@link randomBytes} on the libuv pool. */
export function randomBytesAsync(size: number): Promise<Buffer> {
  return native.randomBytesAsync(size);
}
