/**
 * OCSP: build requests, parse and verify responses (including stapled ones, which arrive as DER).
 * @module
 */
import { native } from '../native.js';
import { argTypeError, handleOf, optionsOf } from '../handle.js';
import type { NativeOCSPRequest, NativeOCSPResponse, NativeOCSPSingle } from './trust-native.js';
import { X509 } from './x509.js';
import { X509Name } from './x509name.js';
import { X509Store } from './x509store.js';
import { hexToSerial } from './x509.js';

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
    hashAlgorithm: s.hashAlgorithm,
    issuerNameHash: s.issuerNameHash,
    issuerKeyHash: s.issuerKeyHash,
  };
}

/** An OCSP request. */
export class OCSPRequest {
  /** @internal */
  _h!: NativeOCSPRequest;

  /** @internal */
  static _wrap(h: NativeOCSPRequest): OCSPRequest {
    const r = Object.create(OCSPRequest.prototype) as OCSPRequest;
    r._h = h;
    return r;
  }

  /**
   * A request about `certificate` issued by `issuer` (or several `[certificate, issuer]` pairs);
   * with `nonce` (default true) a random nonce extension is added. `digest` is the CertID hash
   * (default SHA-1, what responders expect).
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

  /** Parses a DER request. */
  static fromDER(der: Uint8Array): OCSPRequest {
    return OCSPRequest._wrap(native.loadOcspRequest(der));
  }

  /** The DER encoding (the body of an HTTP POST with `application/ocsp-request`). */
  toDER(): Buffer {
    return this._h.toDER();
  }

  /** True when the request carries a nonce. */
  hasNonce(): boolean {
    return this._h.hasNonce();
  }

  /** Number of certificates asked about. */
  getCertificateCount(): number {
    return this._h.idCount();
  }

  /** Releases the request now. */
  free(): void {
    this._h.free();
  }

  /** Same as {@link OCSPRequest.free}, for `using`. */
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

/** An OCSP response (e.g. the raw DER a stapling callback receives). */
export class OCSPResponse {
  /** @internal */
  _h!: NativeOCSPResponse;

  /** @internal */
  static _wrap(h: NativeOCSPResponse): OCSPResponse {
    const r = Object.create(OCSPResponse.prototype) as OCSPResponse;
    r._h = h;
    return r;
  }

  /** Parses a DER response; malformed data is an OpenSSLError. */
  static fromDER(der: Uint8Array): OCSPResponse {
    return OCSPResponse._wrap(native.loadOcspResponse(der));
  }

  /** The responseStatus (`successful`, `tryLater`, ...). */
  getStatus(): OCSPResponseStatus {
    const s = this._h.status();
    return RESPONSE_STATUS[s] ?? (String(s) as OCSPResponseStatus);
  }

  /** The numeric responseStatus. */
  getStatusCode(): number {
    return this._h.status();
  }

  /** True when the response carries a BasicOCSPResponse (only then do the getters below work). */
  hasBasicResponse(): boolean {
    return this._h.hasBasic();
  }

  /** producedAt (`YYYYMMDDhhmmssZ`). */
  getProducedAt(): string | null {
    return this._h.producedAt();
  }

  /** The responder id: by name (an X509Name copy) or by key hash. */
  getResponderId(): { name: X509Name | null; keyHash: Buffer | null } {
    const r = this._h.responderId();
    return { name: r && r.name ? X509Name._wrap(r.name) : null, keyHash: r ? r.keyHash : null };
  }

  /** Every SingleResponse. */
  getResponses(): OCSPSingleResponse[] {
    return this._h.responses().map(single);
  }

  /** The certificates the responder included. */
  getCertificates(): X509[] {
    return this._h.certificates().map((h) => X509._wrap(h));
  }

  /** The SingleResponse about `certificate` (issued by `issuer`), or null when absent. */
  getStatusFor(certificate: X509, issuer: X509, digest?: string): OCSPSingleResponse | null {
    const s = this._h.findStatus(handleOf(certificate, X509, 'certificate'), handleOf(issuer, X509, 'issuer'), digest ?? null);
    return s === null ? null : single(s);
  }

  /**
   * Verifies the response signature and the responder's authority against `store` (the
   * store's time and flags apply to the responder chain). Throws an OpenSSLError when it fails.
   */
  verify(store: X509Store, options: OCSPVerifyOptions | null = {}): void {
    const o = optionsOf(options);
    if (o.untrusted != null && !Array.isArray(o.untrusted)) throw argTypeError('The "untrusted" option must be an array of X509');
    const untrusted = o.untrusted ? o.untrusted.map((c, i) => handleOf(c, X509, `untrusted[${i}]`)) : null;
    this._h.verify(handleOf(store, X509Store, 'store'), untrusted, o.flags ?? 0);
  }

  /** Like {@link OCSPResponse.verify} but returns false instead of throwing on a bad signature/chain. */
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

  /** The DER encoding. */
  toDER(): Buffer {
    return this._h.toDER();
  }

  /** Releases the response now. */
  free(): void {
    this._h.free();
  }

  /** Same as {@link OCSPResponse.free}, for `using`. */
  [Symbol.dispose](): void {
    this._h.free();
  }
}

/** Parses a DER OCSP response (e.g. a stapled one). */
export function loadOcspResponse(der: Uint8Array): OCSPResponse {
  return OCSPResponse.fromDER(der);
}
