/**
 * The one decoder of the number `pumpInto()` and the stream pump's `feed()` return (encoded once,
 * by PumpResult in native/ssl/connection.cc): `bytes * 32 + (finished ? 16 : 0) + (more ? 8 : 0)
 * + (-status)`. One number instead of an object: no allocation per call on the hot path.
 * @module
 */

/** {@link MemoryConnection.pumpInto} result flag: the handshake has finished. */
export const PUMP_INIT_FINISHED = 16;
/** {@link MemoryConnection.pumpInto} result flag: more ciphertext is pending than `out` took. */
export const PUMP_MORE_PENDING = 8;

/** @internal The byte count of a result (no argument check: the hot path's form). */
export function resultBytes(result: number): number {
  return Math.floor(result / 32);
}
/** @internal The status of a result: 0, or -2 ... -6 (no argument check). */
export function resultStatus(result: number): number {
  const status = result % 8;
  return status === 0 ? 0 : -status;
}
/** @internal Whether `flag` ({@link PUMP_INIT_FINISHED} or {@link PUMP_MORE_PENDING}) is set in a result. */
export function resultHas(result: number, flag: number): boolean {
  return Math.floor(result / flag) % 2 === 1;
}

function checked(result: unknown): number {
  if (typeof result !== 'number' || !Number.isInteger(result) || result < 0) {
    throw Object.assign(new TypeError(`The "result" argument must be a pumpInto() result (a non-negative integer), got ${typeof result === 'number' ? result : typeof result}`), { code: 'ERR_INVALID_ARG_TYPE' });
  }
  return result;
}

/** Bytes of ciphertext a {@link MemoryConnection.pumpInto} result says were copied into `out` (arithmetic on the number; no OpenSSL call). */
export function pumpBytes(result: number): number {
  return resultBytes(checked(result));
}
/**
 * The handshake status in a {@link MemoryConnection.pumpInto} result: 0 ok, -2 want read, -3 want
 * write, -4 X509 lookup, -5 zero return, -6 other (what `SSL_get_error` said; decoded here without
 * an OpenSSL call).
 */
export function pumpStatus(result: number): number {
  return resultStatus(checked(result));
}
/** Whether a {@link MemoryConnection.pumpInto} result says the handshake has finished (no OpenSSL call). */
export function pumpFinished(result: number): boolean {
  return resultHas(checked(result), PUMP_INIT_FINISHED);
}
/**
 * Whether a {@link MemoryConnection.pumpInto} result says more ciphertext is waiting than `out`
 * took: call again with `null` input (no OpenSSL call).
 */
export function pumpMorePending(result: number): boolean {
  return resultHas(checked(result), PUMP_MORE_PENDING);
}
