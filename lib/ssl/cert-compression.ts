/**
 * Certificate compression (RFC 8879, TLS 1.3, OpenSSL 3.2+): the algorithm names and the
 * algorithms this OpenSSL was built with. The methods are on {@link Context} and the Connection.
 * @module
 */
import { native } from '../native.js';
import { listOf } from '../handle.js';

/** A certificate compression algorithm of RFC 8879. */
export type CertCompressionAlgorithm = 'zlib' | 'brotli' | 'zstd';

const IDS: Record<CertCompressionAlgorithm, number> = { zlib: 1, brotli: 2, zstd: 3 };

/**
 * The certificate compression algorithms the linked OpenSSL can use, best first (empty before
 * OpenSSL 3.2, or when it was built without zlib, brotli and zstd).
 */
export const CERT_COMPRESSION_ALGORITHMS: readonly CertCompressionAlgorithm[] = Object.freeze(
  (Object.keys(IDS) as CertCompressionAlgorithm[]).filter((name) => native.certCompAlgorithms.includes(IDS[name])),
);

/** @internal RFC 8879's number for `alg` (unknown names: a coded RangeError). */
export function certCompressionId(alg: unknown, what = 'algorithm'): number {
  if (typeof alg === 'string' && Object.hasOwn(IDS, alg)) return IDS[alg as CertCompressionAlgorithm];
  throw Object.assign(new RangeError(`The "${what}" argument must be 'zlib', 'brotli' or 'zstd'`), { code: 'ERR_INVALID_ARG_VALUE' });
}

/** @internal The numbers for a preference list. */
export function certCompressionIds(algs: readonly CertCompressionAlgorithm[]): number[] {
  return listOf(algs, 'algorithms').map((a, i) => certCompressionId(a, `algorithms[${i}]`));
}

/** @internal A compressed certificate as the native layer returns it, as the public result. */
export function compressedCertificate(r: [Buffer, number] | null): { data: Buffer; originalLength: number } | null {
  return r === null ? null : { data: r[0], originalLength: r[1] };
}
