/**
 * Small utilities built directly on OpenSSL: digests and random bytes, each sync and async.
 * @module
 */
import { native } from './native.js';

/**
 * Digest `data` with the named algorithm (`"sha256"`, `"sha3-512"`, ...) in the linked OpenSSL
 * (`EVP_MD_fetch`, `EVP_DigestUpdate`, `EVP_DigestFinal_ex`; an XOF such as `"shake256"` gives
 * 32 bytes with `EVP_DigestFinalXOF`).
 * @throws an OpenSSLError for an algorithm the OpenSSL in use does not have.
 */
export function digest(algorithm: string, data: Uint8Array | string): Buffer {
  return native.digest(algorithm, data);
}

/** {@link digest} on the libuv pool; `data` is copied first (`EVP_MD_fetch`, `EVP_DigestFinal_ex`). */
export function digestAsync(algorithm: string, data: Uint8Array | string): Promise<Buffer> {
  return native.digestAsync(algorithm, data);
}

/** `size` bytes from OpenSSL's CSPRNG (`RAND_bytes`). */
export function randomBytes(size: number): Buffer {
  return native.randomBytes(size);
}

/** {@link randomBytes} on the libuv pool (`RAND_bytes`). */
export function randomBytesAsync(size: number): Promise<Buffer> {
  return native.randomBytesAsync(size);
}
