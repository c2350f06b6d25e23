/**
 * `X509StoreContext`: verifies one certificate against an {@link X509Store}.
 * @module
 */
import { native } from '../native.js';
import { handleOf } from '../handle.js';
import type { NativeX509StoreContext } from './trust-native.js';
import { X509 } from './x509.js';
import { CRL } from './crl.js';
import { VerifyParams, X509Store } from './x509store.js';
import { messageText } from '../errors.js';

/**
 * A certificate failed verification. `errors` is pyOpenSSL's `[code, depth, message]` (message
 * from `X509_verify_cert_error_string`), `certificate` the certificate that failed (a copy),
 * `codeName` the `X509_V_ERR_*` name of `code`.
 */
export class X509StoreContextError extends Error {
  /** `[code, depth, message]`. */
  readonly errors: [number, number, string];
  /** The certificate at which verification failed, or null. */
  readonly certificate: X509 | null;
  /** The `X509_V_ERR_*` name of the code, e.g. `X509_V_ERR_CERT_REVOKED`. */
  readonly codeName: string;
  /** The numeric `X509_V_ERR_*` code. */
  readonly verifyCode: number;
  /** The depth in the chain of the failing certificate (0 = leaf). */
  readonly depth: number;
  /** Node-style code: `ERR_X509_VERIFY`. */
  readonly code = 'ERR_X509_VERIFY';

  /**
   * Made by {@link X509StoreContext.verifyCertificate} and {@link X509StoreContext.getVerifiedChain}
   * from a failed `X509_verify_cert` (`X509_STORE_CTX_get_error`, `X509_STORE_CTX_get_error_depth`,
   * `X509_STORE_CTX_get_current_cert`); rarely built by hand.
   */
  constructor(message: string, errors: [number, number, string], certificate: X509 | null, codeName: string) {
    super(messageText(message));
    this.name = 'X509StoreContextError';
    this.errors = Array.isArray(errors) ? errors : [0, 0, ''];
    this.certificate = certificate ?? null;
    this.codeName = messageText(codeName);
    this.verifyCode = this.errors[0];
    this.depth = this.errors[1];
  }
}

/**
 * A verification of `certificate` against `store`, with optional untrusted intermediates.
 * Parameters set here override the store's for this context only. Each verification is a fresh
 * `X509_STORE_CTX` (`X509_STORE_CTX_init`, `X509_verify_cert`).
 *
 * @example
 * ```ts
 * import { crypto } from 'openssl-napi';
 *
 * const store = new crypto.X509Store();
 * store.addCert(rootCert);
 * const ctx = new crypto.X509StoreContext(store, leafCert, [intermediateCert]);
 * ctx.setHost('www.example.com');
 * ctx.setTime(new Date('2030-01-01'));
 * ctx.verifyCertificate(); // throws crypto.X509StoreContextError if invalid
 * ```
 */
export class X509StoreContext extends VerifyParams {
  /** @internal */
  _h: NativeX509StoreContext;

  /**
   * Holds references to `store`, `certificate` and `chain` (untrusted intermediates) until a
   * verification; its own parameters start empty (`X509_VERIFY_PARAM_new`).
   */
  constructor(store: X509Store, certificate: X509, chain?: X509[] | null) {
    super();
    this._h = new native.X509StoreContext(
      handleOf(store, X509Store, 'store'),
      handleOf(certificate, X509, 'certificate'),
      chainHandles(chain),
    );
  }

  /** Replaces the store (a reference, used by the next `X509_STORE_CTX_init`). */
  setStore(store: X509Store): void {
    this._h.setStore(handleOf(store, X509Store, 'store'));
  }

  /** Replaces the certificate to verify (a reference, used by the next `X509_STORE_CTX_init`). */
  setCertificate(certificate: X509): void {
    this._h.setCertificate(handleOf(certificate, X509, 'certificate'));
  }

  /** Replaces the untrusted intermediates (null: none; used by the next `X509_STORE_CTX_init`). */
  setChain(chain: X509[] | null): void {
    this._h.setChain(chainHandles(chain));
  }

  /** CRLs for this verification only (`X509_STORE_CTX_set0_crls`); the only way indirect CRLs are found. */
  setCrls(crls: CRL[] | null): void {
    if (crls === null || crls === undefined) {
      this._h.setCrls(null);
      return;
    }
    if (!Array.isArray(crls)) {
      throw Object.assign(new TypeError('The "crls" argument must be an array of CRL'), { code: 'ERR_INVALID_ARG_TYPE' });
    }
    this._h.setCrls(crls.map((c, i) => handleOf(c, CRL, `crls[${i}]`)));
  }

  private run(wantChain: boolean): X509[] {
    const r = this._h.verify(wantChain);
    if (r === true) return [];
    if (r.ok) return r.chain.map((h) => X509._wrap(h));
    const cert = r.certificate ? X509._wrap(r.certificate) : null;
    throw new X509StoreContextError(r.message, [r.code, r.depth, r.message], cert, r.codeName);
  }

  /**
   * Verifies (`X509_verify_cert`).
   * @throws {@link X509StoreContextError} if the certificate is not valid; an OpenSSLError if
   * OpenSSL failed without a verification error.
   */
  verifyCertificate(): void {
    this.run(false);
  }

  /**
   * Verifies and returns the chain built, leaf first, trust anchor last (`X509_verify_cert`,
   * `X509_STORE_CTX_get0_chain`).
   * @throws {@link X509StoreContextError} if the certificate is not valid.
   */
  getVerifiedChain(): X509[] {
    return this.run(true);
  }

  /** Releases the context now: its parameters (`X509_VERIFY_PARAM_free`) and its references to the store, certificate, chain and CRLs. */
  free(): void {
    this._h.free();
  }

  /** Same as {@link X509StoreContext.free}, for `using` (`X509_VERIFY_PARAM_free`). */
  [Symbol.dispose](): void {
    this._h.free();
  }
}

function chainHandles(chain: X509[] | null | undefined) {
  if (chain === null || chain === undefined) return null;
  if (!Array.isArray(chain)) {
    throw Object.assign(new TypeError('The "chain" argument must be an array of X509'), { code: 'ERR_INVALID_ARG_TYPE' });
  }
  return chain.map((c, i) => handleOf(c, X509, `chain[${i}]`));
}
