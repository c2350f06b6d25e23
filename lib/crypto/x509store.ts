/**
 * `X509Store`: trusted certificates and CRLs, and the default verification parameters; plus the
 * verification constants of the linked OpenSSL.
 * @module
 */
import { native } from '../native.js';
import { handleOf } from '../handle.js';
import type { NativeVerifyParams, NativeX509Store } from './trust-native.js';
import { X509 } from './x509.js';
import { CRL } from './crl.js';

/** Every `X509_V_FLAG_*` of the linked OpenSSL, by short name (`CRL_CHECK`, `PARTIAL_CHAIN`, ...). */
export const X509StoreFlags: Readonly<{
  CB_ISSUER_CHECK: number;
  USE_CHECK_TIME: number;
  CRL_CHECK: number;
  CRL_CHECK_ALL: number;
  IGNORE_CRITICAL: number;
  X509_STRICT: number;
  ALLOW_PROXY_CERTS: number;
  POLICY_CHECK: number;
  EXPLICIT_POLICY: number;
  INHIBIT_ANY: number;
  INHIBIT_MAP: number;
  NOTIFY_POLICY: number;
  EXTENDED_CRL_SUPPORT: number;
  USE_DELTAS: number;
  CHECK_SS_SIGNATURE: number;
  TRUSTED_FIRST: number;
  SUITEB_128_LOS_ONLY: number;
  SUITEB_192_LOS: number;
  SUITEB_128_LOS: number;
  PARTIAL_CHAIN: number;
  NO_ALT_CHAINS: number;
  NO_CHECK_TIME: number;
  POLICY_MASK: number;
  [name: string]: number;
}> = Object.freeze({ ...native.x509StoreFlags }) as never;

/** `X509_PURPOSE_*` values for `setPurpose`. */
export const X509Purpose: Readonly<{
  SSL_CLIENT: number;
  SSL_SERVER: number;
  NS_SSL_SERVER: number;
  SMIME_SIGN: number;
  SMIME_ENCRYPT: number;
  CRL_SIGN: number;
  ANY: number;
  OCSP_HELPER: number;
  TIMESTAMP_SIGN: number;
}> = Object.freeze({ ...native.x509Purpose }) as never;

/** `X509_CHECK_FLAG_*` host-check flags for `setHostFlags`. */
export const X509CheckFlags: Readonly<{
  ALWAYS_CHECK_SUBJECT: number;
  NO_WILDCARDS: number;
  NO_PARTIAL_WILDCARDS: number;
  MULTI_LABEL_WILDCARDS: number;
  SINGLE_LABEL_SUBDOMAINS: number;
  NEVER_CHECK_SUBJECT: number;
}> = Object.freeze({ ...native.x509CheckFlags }) as never;

/** `X509_TRUST_*` values for `setTrust`. */
export const X509Trust: Readonly<Record<'DEFAULT' | 'COMPAT' | 'SSL_CLIENT' | 'SSL_SERVER' | 'EMAIL' | 'OBJECT_SIGN' | 'OCSP_SIGN' | 'OCSP_REQUEST' | 'TSA', number>> =
  Object.freeze({ ...native.x509Trust }) as never;

/** Every `X509_V_OK` / `X509_V_ERR_*` verification result code of the linked OpenSSL, by full name. */
export const X509VerificationCodes: Readonly<Record<string, number>> = Object.freeze({ ...native.x509VerifyCodes });

/** Converts a Date to whole seconds since the epoch. @internal */
export function dateToSeconds(when: Date, name = 'when'): number {
  if (!(when instanceof Date) || Number.isNaN(when.getTime())) {
    throw Object.assign(new TypeError(`The "${name}" argument must be a valid Date`), { code: 'ERR_INVALID_ARG_TYPE' });
  }
  return Math.floor(when.getTime() / 1000);
}

/** Verification parameters shared by {@link X509Store} and `X509StoreContext`: their common setters. */
export abstract class VerifyParams {
  /** @internal */
  abstract _h: NativeVerifyParams;

  /** Adds `X509_V_FLAG_*` flags (ORed in; see {@link X509StoreFlags}; `X509_VERIFY_PARAM_set_flags`). */
  setFlags(flags: number): void {
    this._h.setFlags(flags);
  }

  /** Clears `X509_V_FLAG_*` flags (`X509_VERIFY_PARAM_clear_flags`). */
  clearFlags(flags: number): void {
    this._h.clearFlags(flags);
  }

  /** Verifies as of `when` instead of now (`X509_VERIFY_PARAM_set_time`). */
  setTime(when: Date): void {
    this._h.setTime(dateToSeconds(when));
  }

  /** Maximum number of intermediate certificates (`X509_VERIFY_PARAM_set_depth`). */
  setDepth(depth: number): void {
    this._h.setDepth(depth);
  }

  /** The purpose to check (an {@link X509Purpose} value; `X509_VERIFY_PARAM_set_purpose`); an unknown one is a RangeError. */
  setPurpose(purpose: number): void {
    this._h.setPurpose(purpose);
  }

  /** The trust setting to check (an {@link X509Trust} value; `X509_VERIFY_PARAM_set_trust`); an unknown one is a RangeError. */
  setTrust(trust: number): void {
    this._h.setTrust(trust);
  }

  /** The expected DNS name of the leaf (`X509_VERIFY_PARAM_set1_host`); null clears it ("" is a RangeError: OpenSSL would check nothing). */
  setHost(name: string | null): void {
    this._h.setHost(name);
  }

  /** Host-name check flags ({@link X509CheckFlags}; `X509_VERIFY_PARAM_set_hostflags`). */
  setHostFlags(flags: number): void {
    this._h.setHostFlags(flags);
  }

  /**
   * The expected IP address of the leaf (text form, v4 or v6); null clears it
   * (`X509_VERIFY_PARAM_set1_ip_asc`).
   * @throws a TypeError (`ERR_INVALID_ARG_VALUE`) for text that is not an IP address.
   */
  setIpAddress(ip: string | null): void {
    this._h.setIpAddress(ip);
  }

  /** The expected e-mail address of the leaf; null clears it (`X509_VERIFY_PARAM_set1_email`). */
  setEmail(email: string | null): void {
    this._h.setEmail(email);
  }

  /** The security level for keys and signatures in the chain (`X509_VERIFY_PARAM_set_auth_level`). */
  setAuthLevel(level: number): void {
    this._h.setAuthLevel(level);
  }

  /**
   * The acceptable policies (the user-initial-policy-set); turns on policy checking. Combine
   * with `EXPLICIT_POLICY`, `INHIBIT_MAP` and `INHIBIT_ANY` flags as needed
   * (`X509_VERIFY_PARAM_set1_policies`). An OID that does not parse is a TypeError.
   */
  setPolicies(oids: string[]): void {
    if (!Array.isArray(oids)) {
      throw Object.assign(new TypeError('The "oids" argument must be an array of strings'), { code: 'ERR_INVALID_ARG_TYPE' });
    }
    this._h.setPolicies(oids);
  }
}

/**
 * A store of trusted certificates and CRLs (`X509_STORE`). Its verification parameters (the
 * setters it shares with {@link X509StoreContext}) are the store's own (`X509_STORE_get0_param`).
 *
 * @example Verifying a chain
 * ```ts
 * import { crypto } from 'openssl-napi';
 *
 * const store = new crypto.X509Store();
 * store.addCert(rootCert);
 * store.setFlags(crypto.X509StoreFlags.X509_STRICT);
 * const ctx = new crypto.X509StoreContext(store, leafCert, [intermediateCert]);
 * try {
 *   const chain = ctx.getVerifiedChain(); // leaf first, root last
 * } catch (e) {
 *   if (e instanceof crypto.X509StoreContextError) console.log(e.codeName, e.depth);
 * }
 * ```
 */
export class X509Store extends VerifyParams {
  /** @internal */
  _h: NativeX509Store;

  /** An empty store (`X509_STORE_new`). */
  constructor() {
    super();
    this._h = new native.X509Store();
  }

  /** @internal Wraps an existing native store (e.g. a Context's). */
  static _wrap(h: NativeX509Store): X509Store {
    const s = Object.create(X509Store.prototype) as X509Store;
    s._h = h;
    return s;
  }

  /** Trusts `cert` (`X509_STORE_add_cert`). */
  addCert(cert: X509): void {
    this._h.addCert(handleOf(cert, X509, 'cert'));
  }

  /** Adds a CRL (used with the `CRL_CHECK` flags; `X509_STORE_add_crl`). */
  addCrl(crl: CRL): void {
    this._h.addCrl(handleOf(crl, CRL, 'crl'));
  }

  /**
   * Loads trusted certificates (and CRLs) from a PEM file and/or a hashed directory
   * (`X509_STORE_load_locations`).
   * @throws a TypeError when both are null, an OpenSSLError when OpenSSL cannot load them.
   */
  loadLocations(cafile: string | null, capath?: string | null): void {
    this._h.loadLocations(cafile ?? null, capath ?? null);
  }

  /**
   * Uses OpenSSL's default certificate file and directory (`X509_STORE_set_default_paths`), with
   * the platform's CA bundle as the fallback described at `Context.setDefaultVerifyPaths`.
   */
  setDefaultPaths(): void {
    this._h.setDefaultPaths();
  }

  /** Releases the store now (`X509_STORE_free`; a Context using it keeps its reference). */
  free(): void {
    this._h.free();
  }

  /** Same as {@link X509Store.free}, for `using` (`X509_STORE_free`). */
  [Symbol.dispose](): void {
    this._h.free();
  }
}
