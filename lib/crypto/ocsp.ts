/**
 * OCSP: build requests, parse and verify responses (including stapled ones, which arrive as DER),
 * and build and sign responses (a responder of your own).
 * @module
 */
import { native } from '../native.js';
import { argTypeError, describe, handleOf, optionsOf, illegalConstructor } from '../handle.js';
import type { NativeOCSPRequest, NativeOCSPResponse, NativeOCSPSingle } from './trust-native.js';
import { X509 } from './x509.js';
import { X509Name } from './x509name.js';
import { X509Store } from './x509store.js';
import { hexToSerial } from './x509.js';
import { PKey } from './pkey.js';

/** OCSP constants (`OCSP_RESPONSE_STATUS_*`, `V_OCSP_CERTSTATUS_*`, `OCSP_*` verify flags). */
export const OCSPConstants: Readonly<Record<string, number>> = Object.freeze({ ...native.ocspConstants });

const RESPONSE_STATUS: Record<number, OCSPResponseStatus> = {
  0: 'successful',
  1: 'malformedRequest',
  2: 'internalError',
  3: 'tryLater',
  5: 'sigRequired',
  6: 'unauthorized',
};
const CERT_STATUS: Record<number, OCSPCertStatus> = { 0: 'good', 1: 'revoked', 2: 'unknown' };
const REASONS = ['unspecified', 'keyCompromise', 'cACompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation',
  'certificateHold', 'unused', 'removeFromCRL', 'privilegeWithdrawn', 'aACompromise'];

/** The responseStatus of an OCSP response. */
export type OCSPResponseStatus = 'successful' | 'malformedRequest' | 'internalError' | 'tryLater' | 'sigRequired' | 'unauthorized';
/** The status of one certificate. */
export type OCSPCertStatus = 'good' | 'revoked' | 'unknown';

/** What a response says about one certificate. */
export interface OCSPSingleResponse {
  /** Serial number of the certificate. */
  serialNumber: bigint;
  /** `good`, `revoked` or `unknown`. */
  status: OCSPCertStatus;
  /** Revocation time (`YYYYMMDDhhmmssZ`) when revoked, else null. */
  revocationTime: string | null;
  /** CRLReason name when revoked with a reason, else null. */
  revocationReason: string | null;
  /** Numeric CRLReason, or -1. */
  revocationReasonCode: number;
  /** thisUpdate (`YYYYMMDDhhmmssZ`). */
  thisUpdate: string | null;
  /** nextUpdate, or null when absent. */
  nextUpdate: string | null;
  /**
   * Whether the response is inside its validity window when this object was made: thisUpdate not
   * in the future and nextUpdate, when present, not past, with 5 minutes of leeway for clock skew
   * (`OCSP_check_validity`). A stale "good" is a replay: check this along with `status`.
   */
  current: boolean;
  /** The CertID hash algorithm, e.g. `"SHA1"`. */
  hashAlgorithm: string;
  /** issuerNameHash of the CertID. */
  issuerNameHash: Buffer;
  /** issuerKeyHash of the CertID. */
  issuerKeyHash: Buffer;
}

function single(s: NativeOCSPSingle): OCSPSingleResponse {
  return {
    serialNumber: hexToSerial(s.serialHex),
    status: CERT_STATUS[s.status] ?? 'unknown',
    revocationTime: s.revocationTime,
    revocationReason: s.reason >= 0 ? (REASONS[s.reason] ?? String(s.reason)) : null,
    revocationReasonCode: s.reason,
    thisUpdate: s.thisUpdate,
    nextUpdate: s.nextUpdate,
    current: s.current,
    hashAlgorithm: s.hashAlgorithm,
    issuerNameHash: s.issuerNameHash,
    issuerKeyHash: s.issuerKeyHash,
  };
}

/**
 * An OCSP request (`OCSP_REQUEST`), from {@link OCSPRequest.create} or {@link OCSPRequest.fromDER}.
 *
 * @example Asking a responder, then checking its answer
 * ```ts
 * import { crypto } from 'openssl-napi';
 *
 * // leafCert, issuerCert: X509; store: an X509Store trusting the CA; ocspUrl: the responder's URL
 * const req = crypto.OCSPRequest.create(leafCert, issuerCert);
 * const res = await fetch(ocspUrl, {
 *   method: 'POST',
 *   headers: { 'content-type': 'application/ocsp-request' },
 *   body: new Uint8Array(req.toDER()),
 * });
 * const ocsp = crypto.OCSPResponse.fromDER(new Uint8Array(await res.arrayBuffer()));
 * ocsp.verify(store); // throws an OpenSSLError if the signature or responder does not verify
 * console.log(ocsp.getStatusFor(leafCert, issuerCert)?.status); // 'good', 'revoked' or 'unknown'
 * ```
 */
export class OCSPRequest {
  /** @internal */
  _h!: NativeOCSPRequest;

  /** Not for `new`: use OCSPRequest.create() or OCSPRequest.fromDER(). */
  private constructor() {
    illegalConstructor('OCSPRequest', 'OCSPRequest.create() or OCSPRequest.fromDER()');
  }

  /** @internal */
  static _wrap(h: NativeOCSPRequest): OCSPRequest {
    const r = Object.create(OCSPRequest.prototype) as OCSPRequest;
    r._h = h;
    return r;
  }

  /**
   * A request about `certificate` issued by `issuer` (or several `[certificate, issuer]` pairs);
   * with `nonce` (default true) a random nonce extension is added. `digest` is the CertID hash
   * (default SHA-1, what responders expect) (`OCSP_cert_to_id`, `OCSP_request_add0_id`,
   * `OCSP_request_add1_nonce`). An unknown digest is a RangeError.
   */
  static create(
    certificate: X509 | [X509, X509][],
    issuer?: X509 | null,
    options: { nonce?: boolean; digest?: string } = {},
  ): OCSPRequest {
    let pairs: [X509, X509][];
    if (Array.isArray(certificate)) pairs = certificate;
    else pairs = [[certificate, issuer as X509]];
    const handles = pairs.map((p, k) => {
      if (!Array.isArray(p) || p.length !== 2) throw argTypeError(`The "certificate[${k}]" argument must be a [certificate, issuer] pair of X509`);
      return [handleOf(p[0], X509, `certificate[${k}]`), handleOf(p[1], X509, `issuer[${k}]`)] as [never, never];
    });
    return OCSPRequest._wrap(native.createOcspRequest(handles, options.nonce ?? true, options.digest ?? null));
  }

  /** Parses a DER request (`d2i_OCSP_REQUEST`); malformed data is an OpenSSLError. */
  static fromDER(der: Uint8Array): OCSPRequest {
    return OCSPRequest._wrap(native.loadOcspRequest(der));
  }

  /** The DER encoding (the body of an HTTP POST with `application/ocsp-request`; `i2d_OCSP_REQUEST`). */
  toDER(): Buffer {
    return this._h.toDER();
  }

  /** True when the request carries a nonce (`OCSP_REQUEST_get_ext_by_NID`). */
  hasNonce(): boolean {
    return this._h.hasNonce();
  }

  /** Number of certificates asked about (`OCSP_request_onereq_count`). */
  getCertificateCount(): number {
    return this._h.idCount();
  }

  /** Releases the request now (`OCSP_REQUEST_free`). */
  free(): void {
    this._h.free();
  }

  /** Same as {@link OCSPRequest.free}, for `using` (`OCSP_REQUEST_free`). */
  [Symbol.dispose](): void {
    this._h.free();
  }
}

/** Options of {@link OCSPResponse.verify}. */
export interface OCSPVerifyOptions {
  /** Extra untrusted certificates to find the responder's certificate and chain. */
  untrusted?: X509[];
  /** `OCSP_*` flags from {@link OCSPConstants} (e.g. `OCSP_NOCHECKS`). */
  flags?: number;
}

/** One certificate's status in a response you build ({@link OCSPResponse.create}). */
export interface OCSPResponseEntry {
  /** The certificate the status is about. */
  certificate: X509;
  /** Its issuer (the CertID names it by name and key hash, SHA-1 as responders expect). */
  issuer: X509;
  /** `good`, `revoked` or `unknown`. */
  status: OCSPCertStatus;
  /** When revoked: since when (`YYYYMMDDhhmmssZ`; default now). */
  revocationTime?: string;
  /** When revoked: the CRLReason, by name (`keyCompromise`, ...) or number; default none. */
  revocationReason?: string | number;
}

/** Options of {@link OCSPResponse.create}. */
export interface OCSPResponseOptions {
  /** The responder's certificate: the issuing CA itself, or one it delegated with the OCSPSigning extended key usage. */
  responderCert: X509;
  /** The responder's private key. */
  responderKey: PKey;
  /** The signature digest (default SHA-256; none for Ed25519, ML-DSA, ...). */
  digest?: string | null;
  /** Certificates to include besides the responder's (a delegated responder's issuer chain, say). */
  certificates?: X509[];
  /** The request answered: its nonce is copied into the response. */
  request?: OCSPRequest | null;
  /** nextUpdate, in seconds after thisUpdate (default 3600; 0: no nextUpdate). */
  validitySeconds?: number;
  /**
   * thisUpdate: when the statuses were known to be correct (default now; earlier for a response
   * produced ahead of time, within ten years), to the second.
   */
  thisUpdate?: Date;
  /** Name the responder by its key hash instead of its subject. */
  responderIdByKey?: boolean;
}

/** `thisUpdate` as seconds from now, or null for now. */
function thisUpdateOffset(when: Date | undefined): number | null {
  if (when === undefined) return null;
  if (!(when instanceof Date) || Number.isNaN(when.getTime())) throw argTypeError('The "thisUpdate" option must be a valid Date');
  return Math.round((when.getTime() - Date.now()) / 1000);
}

const STATUS_CODE: Record<OCSPResponseStatus, number> = {
  successful: 0,
  malformedRequest: 1,
  internalError: 2,
  tryLater: 3,
  sigRequired: 5,
  unauthorized: 6,
};

/**
 * An OCSP response (`OCSP_RESPONSE`; e.g. the raw DER a stapling callback receives). The getters
 * of the body read its BasicOCSPResponse (`OCSP_response_get1_basic`, decoded once) and throw an
 * OpenSSLError when there is none (a response whose status is not `successful`).
 */
export class OCSPResponse {
  /** @internal */
  _h!: NativeOCSPResponse;

  /** Not for `new`: use OCSPResponse.create(), createError() or fromDER(). */
  private constructor() {
    illegalConstructor('OCSPResponse', 'OCSPResponse.create(), createError() or fromDER()');
  }

  /** @internal */
  static _wrap(h: NativeOCSPResponse): OCSPResponse {
    const r = Object.create(OCSPResponse.prototype) as OCSPResponse;
    r._h = h;
    return r;
  }

  /**
   * Builds and signs a basic OCSP response (`OCSP_basic_add1_status`, `OCSP_copy_nonce`,
   * `OCSP_basic_sign`, `OCSP_response_create`): what an OCSP responder sends, or a server staples.
   */
  static create(entries: OCSPResponseEntry[], options: OCSPResponseOptions): OCSPResponse {
    if (!Array.isArray(entries) || entries.length === 0) throw argTypeError('The "entries" argument must be a non-empty array');
    const o = optionsOf(options, 'options');
    const rows = entries.map((e, k) => {
      const entry = optionsOf(e, `entries[${k}]`);
      const code = entry.status === 'good' ? 0 : entry.status === 'revoked' ? 1 : entry.status === 'unknown' ? 2 : -1;
      if (code < 0) throw argTypeError(`The "entries[${k}].status" must be 'good', 'revoked' or 'unknown'`);
      let reason = -1;
      if (typeof entry.revocationReason === 'number') reason = entry.revocationReason;
      else if (typeof entry.revocationReason === 'string') {
        reason = REASONS.indexOf(entry.revocationReason);
        if (reason < 0) throw Object.assign(new RangeError(`Unknown revocation reason: ${entry.revocationReason}`), { code: 'ERR_INVALID_ARG_VALUE' });
      }
      return [handleOf(entry.certificate, X509, `entries[${k}].certificate`), handleOf(entry.issuer, X509, `entries[${k}].issuer`), code, reason,
        entry.revocationTime ?? null] as [never, never, number, number, string | null];
    });
    const certs = (o.certificates ?? []).map((c, k) => handleOf(c, X509, `certificates[${k}]`));
    return OCSPResponse._wrap(
      native.createOcspResponse(0, rows, handleOf(o.responderCert, X509, 'responderCert'), handleOf(o.responderKey, PKey, 'responderKey'),
        o.digest ?? null, certs, o.request ? handleOf(o.request, OCSPRequest, 'request') : null, o.validitySeconds ?? 3600,
        o.responderIdByKey ?? false, thisUpdateOffset(o.thisUpdate)),
    );
  }

  /** A response without a body that says why there is none: `tryLater`, `unauthorized`, ... (`OCSP_response_create`). */
  static createError(status: Exclude<OCSPResponseStatus, 'successful'>): OCSPResponse {
    if (typeof status !== 'string') throw argTypeError(`The "status" argument must be a string, not ${describe(status)}`);
    const code = Object.hasOwn(STATUS_CODE, status) ? STATUS_CODE[status] : undefined;
    if (code === undefined || code === 0) throw Object.assign(new RangeError(`Not an error status: ${status}`), { code: 'ERR_INVALID_ARG_VALUE' });
    return OCSPResponse._wrap(native.createOcspResponse(code, null, null, null, null, null, null, 0, false));
  }

  /** Parses a DER response (`d2i_OCSP_RESPONSE`); malformed data is an OpenSSLError. */
  static fromDER(der: Uint8Array): OCSPResponse {
    return OCSPResponse._wrap(native.loadOcspResponse(der));
  }

  /** The responseStatus (`successful`, `tryLater`, ...; `OCSP_response_status`). */
  getStatus(): OCSPResponseStatus {
    const s = this._h.status();
    return RESPONSE_STATUS[s] ?? (String(s) as OCSPResponseStatus);
  }

  /** The numeric responseStatus (`OCSP_response_status`). */
  getStatusCode(): number {
    return this._h.status();
  }

  /** True when the response carries a BasicOCSPResponse (only then do the getters below work; `OCSP_response_get1_basic`). */
  hasBasicResponse(): boolean {
    return this._h.hasBasic();
  }

  /** producedAt (`YYYYMMDDhhmmssZ`; `OCSP_resp_get0_produced_at`). */
  getProducedAt(): string | null {
    return this._h.producedAt();
  }

  /** The responder id: by name (an X509Name copy) or by key hash (`OCSP_resp_get0_id`). */
  getResponderId(): { name: X509Name | null; keyHash: Buffer | null } {
    const r = this._h.responderId();
    return { name: r && r.name ? X509Name._wrap(r.name) : null, keyHash: r ? r.keyHash : null };
  }

  /** Every SingleResponse (`OCSP_resp_get0`, `OCSP_single_get0_status`, `OCSP_id_get0_info`). */
  getResponses(): OCSPSingleResponse[] {
    return this._h.responses().map(single);
  }

  /** The certificates the responder included (`OCSP_resp_get0_certs`). */
  getCertificates(): X509[] {
    return this._h.certificates().map((h) => X509._wrap(h));
  }

  /**
   * The SingleResponse about `certificate` (issued by `issuer`), or null when absent
   * (`OCSP_cert_to_id` with `digest`, default SHA-1; `OCSP_resp_find`).
   */
  getStatusFor(certificate: X509, issuer: X509, digest?: string): OCSPSingleResponse | null {
    const s = this._h.findStatus(handleOf(certificate, X509, 'certificate'), handleOf(issuer, X509, 'issuer'), digest ?? null);
    return s === null ? null : single(s);
  }

  /**
   * Verifies the response signature and the responder's authority against `store` (the
   * store's time and flags apply to the responder chain; `OCSP_basic_verify`). Throws an
   * OpenSSLError when it fails. It does not look at the certificate statuses: see
   * {@link OCSPResponse.getStatusFor}.
   * @throws an OpenSSLError when the signature or the responder's chain does not verify, or the
   * response has no body.
   */
  verify(store: X509Store, options: OCSPVerifyOptions | null = {}): void {
    const o = optionsOf(options);
    if (o.untrusted != null && !Array.isArray(o.untrusted)) throw argTypeError('The "untrusted" option must be an array of X509');
    const untrusted = o.untrusted ? o.untrusted.map((c, i) => handleOf(c, X509, `untrusted[${i}]`)) : null;
    this._h.verify(handleOf(store, X509Store, 'store'), untrusted, o.flags ?? 0);
  }

  /** Like {@link OCSPResponse.verify} (`OCSP_basic_verify`) but returns false instead of throwing on a bad signature/chain. */
  isValid(store: X509Store, options: OCSPVerifyOptions | null = {}): boolean {
    try {
      this.verify(store, options);
      return true;
    } catch (e) {
      if (e instanceof TypeError || (e as { code?: string }).code === 'ERR_OPENSSL_NAPI_FREED') throw e;
      return false;
    }
  }

  /**
   * Compares nonces with `request` (`OCSP_check_nonce`): 1 equal, 2 both absent, 3 only in the
   * response, -1 only in the request, 0 different.
   */
  checkNonce(request: OCSPRequest): number {
    return this._h.checkNonce(handleOf(request, OCSPRequest, 'request'));
  }

  /** The DER encoding (`i2d_OCSP_RESPONSE`). */
  toDER(): Buffer {
    return this._h.toDER();
  }

  /** Releases the response now (`OCSP_RESPONSE_free`). */
  free(): void {
    this._h.free();
  }

  /** Same as {@link OCSPResponse.free}, for `using` (`OCSP_RESPONSE_free`). */
  [Symbol.dispose](): void {
    this._h.free();
  }
}

/** Parses a DER OCSP response (e.g. a stapled one; `d2i_OCSP_RESPONSE`); malformed data is an OpenSSLError. */
export function loadOcspResponse(der: Uint8Array): OCSPResponse {
  return OCSPResponse.fromDER(der);
}
