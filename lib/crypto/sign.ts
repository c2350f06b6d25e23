/**
 * Raw signatures: pyOpenSSL's removed `crypto.sign` / `crypto.verify`, plus RSA-PSS and
 * verification with a bare public key.
 * @module
 */
import { native } from '../native.js';
import { handleOf } from '../handle.js';
import './native-types.js';
import { PKey } from './pkey.js';
import { X509 } from './x509.js';

/** Options for RSA keys. */
export interface SignatureOptions {
  /** `'pkcs1'` (RSASSA-PKCS1-v1_5, the default for RSA keys) or `'pss'` (RSASSA-PSS). */
  padding?: 'pkcs1' | 'pss';
  /**
   * PSS salt length in bytes, or `'digest'` (the digest size; the default for signing), `'max'`, or
   * `'auto'` (detect it when verifying; the default for verifying).
   */
  saltLength?: number | 'digest' | 'max' | 'auto';
  /** MGF1 digest for PSS (defaults to the message digest). */
  mgf1Digest?: string;
}

const C = native.signConstants;

function opts(o: SignatureOptions | undefined): [number | null, number | null, string | null] {
  if (o === undefined || o === null) return [null, null, null];
  if (typeof o !== 'object') {
    throw Object.assign(new TypeError('The "options" argument must be an object'), { code: 'ERR_INVALID_ARG_TYPE' });
  }
  let padding: number | null = null;
  if (o.padding === 'pss') padding = C.RSA_PKCS1_PSS_PADDING!;
  else if (o.padding === 'pkcs1') padding = C.RSA_PKCS1_PADDING!;
  else if (o.padding !== undefined) {
    throw Object.assign(new RangeError(`The "padding" option must be 'pkcs1' or 'pss'`), { code: 'ERR_INVALID_ARG_VALUE' });
  }
  let salt: number | null = null;
  const s = o.saltLength;
  if (s === 'digest') salt = C.RSA_PSS_SALTLEN_DIGEST!;
  else if (s === 'auto') salt = C.RSA_PSS_SALTLEN_AUTO!;
  else if (s === 'max') salt = C.RSA_PSS_SALTLEN_MAX!;
  else if (typeof s === 'number') {
    if (!Number.isInteger(s) || s < 0) {
      throw Object.assign(new RangeError('The "saltLength" option must be a non-negative integer'), { code: 'ERR_OUT_OF_RANGE' });
    }
    salt = s;
  } else if (s !== undefined) {
    throw Object.assign(new TypeError(`The "saltLength" option must be a number or 'digest' | 'max' | 'auto'`), { code: 'ERR_INVALID_ARG_TYPE' });
  }
  return [padding, salt, o.mgf1Digest ?? null];
}

/**
 * Signs `data` with `pkey` (a private key) hashing with `digest` (`"sha256"`, ...; null for
 * Ed25519/Ed448). ECDSA and DSA signatures are DER. Returns the signature (`EVP_DigestSignInit`,
 * `EVP_DigestSign`; RSA options through `EVP_PKEY_CTX_set_rsa_padding`,
 * `EVP_PKEY_CTX_set_rsa_pss_saltlen`, `EVP_PKEY_CTX_set_rsa_mgf1_md`).
 * @throws a TypeError for RSA options with a non-RSA key or a missing digest, a RangeError for an
 * unknown digest, an OpenSSLError when OpenSSL cannot sign.
 * @example
 * ```ts
 * const sig = crypto.sign(key, 'hello', 'sha256', { padding: 'pss' });
 * crypto.verify(cert, sig, 'hello', 'sha256', { padding: 'pss' }); // throws if it does not verify
 * ```
 */
export function sign(pkey: PKey, data: Uint8Array | string, digest: string | null, options?: SignatureOptions): Buffer {
  return native.signData(handleOf(pkey, PKey, 'pkey'), data, digest, ...opts(options));
}

/**
 * Verifies `signature` over `data` with the public key of `cert`. Returns nothing on success and
 * throws `crypto.Error` (OpenSSLError) on a bad signature, as pyOpenSSL does (`X509_get_pubkey`,
 * `EVP_DigestVerifyInit`, `EVP_DigestVerify`).
 * @throws an OpenSSLError when the signature does not verify.
 */
export function verify(cert: X509, signature: Uint8Array, data: Uint8Array | string, digest: string | null, options?: SignatureOptions): void {
  native.verifyCert(handleOf(cert, X509, 'cert'), signature, data, digest, ...opts(options));
}

/** Like {@link verify} but with a public (or private) key instead of a certificate (`EVP_DigestVerifyInit`, `EVP_DigestVerify`). */
export function verifyWithKey(pkey: PKey, signature: Uint8Array, data: Uint8Array | string, digest: string | null, options?: SignatureOptions): void {
  native.verifyData(handleOf(pkey, PKey, 'pkey'), signature, data, digest, ...opts(options));
}
