/**
 * `CRL` and `Revoked`: certificate revocation lists (pyOpenSSL's removed API, first-class here).
 * @module
 */
import { native } from '../native.js';
import { handleOf, textOf } from '../handle.js';
import { FILETYPE_PEM, type Filetype } from './constants.js';
import type { NativeCRL, NativeRevoked } from './trust-native.js';
import { PKey } from './pkey.js';
import { X509, serialToHex, hexToSerial } from './x509.js';
import { X509Name } from './x509name.js';

const REASONS = [
  'unspecified',
  'keyCompromise',
  'CACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
] as const;

const asText = textOf;

/** One revoked certificate entry of a CRL (`X509_REVOKED`). */
export class Revoked {
  /** @internal */
  _h: NativeRevoked;

  /** An empty entry (`X509_REVOKED_new`). */
  constructor() {
    this._h = new native.Revoked();
  }

  /** @internal */
  static _wrap(h: NativeRevoked): Revoked {
    const r = Object.create(Revoked.prototype) as Revoked;
    r._h = h;
    return r;
  }

  /** The reason names {@link Revoked.setReason} accepts (pyOpenSSL's `all_reasons`; a fixed list, no OpenSSL call). */
  allReasons(): string[] {
    return [...REASONS];
  }

  /**
   * Sets the serial number from hexadecimal text, as pyOpenSSL (`"3ab"` or `Buffer.from("3ab")`;
   * `BN_hex2bn`, `X509_REVOKED_set_serialNumber`).
   * @throws a TypeError (`ERR_INVALID_ARG_VALUE`) for text that is not hexadecimal.
   */
  setSerial(hex: string | Uint8Array): void {
    this._h.setSerialHex(asText(hex, 'hex'));
  }

  /** The serial number as pyOpenSSL returns it: hex pairs (`i2a_ASN1_INTEGER`), e.g. `"03AB"`. */
  getSerial(): Buffer {
    return this._h.getSerialPairs();
  }

  /** Sets the serial number from a number or bigint (`X509_REVOKED_set_serialNumber`). */
  setSerialNumber(serial: number | bigint): void {
    this._h.setSerialHex(serialToHex(serial));
  }

  /** The serial number as a bigint (`X509_REVOKED_get0_serialNumber`). */
  getSerialNumber(): bigint {
    return hexToSerial(this._h.getSerialHex());
  }

  /**
   * Sets the reason (one of {@link Revoked.allReasons}, case and spaces ignored, so the text
   * {@link Revoked.getReason} returns is accepted too); null removes it. Writes the CRLReason
   * extension (`X509_REVOKED_add1_ext_i2d`; `X509_REVOKED_delete_ext` to remove it).
   * @throws a RangeError (`ERR_INVALID_ARG_VALUE`) for an unknown reason.
   */
  setReason(reason: string | Uint8Array | null): void {
    if (reason === null || reason === undefined) {
      this._h.setReasonCode(null);
      return;
    }
    const want = asText(reason, 'reason').replace(/ /g, '').toLowerCase();
    const idx = REASONS.findIndex((r) => r.toLowerCase() === want);
    if (idx < 0) {
      throw Object.assign(new RangeError(`Unknown revocation reason: ${asText(reason, 'reason')}`), { code: 'ERR_INVALID_ARG_VALUE' });
    }
    this._h.setReasonCode(idx);
  }

  /** The reason as OpenSSL prints it (e.g. `"Key Compromise"`; `X509V3_EXT_print`), or null when absent. */
  getReason(): string | null {
    return this._h.getReason();
  }

  /** The numeric CRLReason, or null when absent (`X509_REVOKED_get_ext_d2i`). */
  getReasonCode(): number | null {
    return this._h.getReasonCode();
  }

  /** Sets the revocation date (`YYYYMMDDhhmmssZ`; `X509_REVOKED_set_revocationDate`); a bad time string is a TypeError. */
  setRevDate(when: string | Uint8Array): void {
    this._h.setRevDate(asText(when, 'when'));
  }

  /** The revocation date (`YYYYMMDDhhmmssZ`), or null (`X509_REVOKED_get0_revocationDate`). */
  getRevDate(): string | null {
    return this._h.getRevDate();
  }

  /** Releases the entry now (`X509_REVOKED_free`). */
  free(): void {
    this._h.free();
  }

  /** Same as {@link Revoked.free}, for `using` (`X509_REVOKED_free`). */
  [Symbol.dispose](): void {
    this._h.free();
  }
}

/**
 * A certificate revocation list (`X509_CRL`).
 *
 * @example
 * ```ts
 * import { crypto } from 'openssl-napi';
 *
 * // caCert and caKey: the issuing CA's certificate and key
 * const revoked = new crypto.Revoked();
 * revoked.setSerialNumber(0x1234n);
 * revoked.setRevDate('20250101000000Z');
 * revoked.setReason('keyCompromise');
 * const crl = new crypto.CRL();
 * crl.addRevoked(revoked);
 * const pem = crl.export(caCert, caKey, crypto.FILETYPE_PEM, 7, 'sha256');
 * ```
 */
export class CRL {
  /** @internal */
  _h: NativeCRL;

  /** An empty CRL to fill in and sign (`X509_CRL_new`). */
  constructor() {
    this._h = new native.CRL();
  }

  /** @internal */
  static _wrap(h: NativeCRL): CRL {
    const c = Object.create(CRL.prototype) as CRL;
    c._h = h;
    return c;
  }

  /** Copies of the revoked entries, or null when there are none (`X509_CRL_get_REVOKED`, `X509_REVOKED_dup`). */
  getRevoked(): Revoked[] | null {
    const list = this._h.getRevoked();
    return list === null ? null : list.map((h) => Revoked._wrap(h));
  }

  /** Adds (a copy of) an entry (`X509_CRL_add0_revoked`). */
  addRevoked(revoked: Revoked): void {
    this._h.addRevoked(handleOf(revoked, Revoked, 'revoked'));
  }

  /** A live view of the issuer name (`X509_CRL_get_issuer`). */
  getIssuer(): X509Name {
    return X509Name._wrap(this._h.getIssuer());
  }

  /** The 0-based version (1 means v2; `X509_CRL_get_version`). */
  getVersion(): number {
    return this._h.getVersion();
  }

  /** Sets the 0-based version (0 or 1; `X509_CRL_set_version`). */
  setVersion(version: number): void {
    this._h.setVersion(version);
  }

  /** thisUpdate (`YYYYMMDDhhmmssZ`), or null (`X509_CRL_get0_lastUpdate`). */
  getLastUpdate(): string | null {
    return this._h.getTime(0);
  }

  /** nextUpdate (`YYYYMMDDhhmmssZ`), or null (`X509_CRL_get0_nextUpdate`). */
  getNextUpdate(): string | null {
    return this._h.getTime(1);
  }

  /** Sets thisUpdate (`YYYYMMDDhhmmssZ`; `X509_CRL_set1_lastUpdate`); a bad time string is a TypeError. */
  setLastUpdate(when: string | Uint8Array): void {
    this._h.setTime(0, asText(when, 'when'));
  }

  /** Sets nextUpdate (`YYYYMMDDhhmmssZ`; `X509_CRL_set1_nextUpdate`); a bad time string is a TypeError. */
  setNextUpdate(when: string | Uint8Array): void {
    this._h.setTime(1, asText(when, 'when'));
  }

  /**
   * Sets the issuer name from `issuerCert`, sorts the entries and signs with `issuerKey`
   * (`X509_CRL_set_issuer_name`, `X509_CRL_sort`, `X509_CRL_sign`). `digest` is null for Ed25519/Ed448.
   */
  sign(issuerCert: X509, issuerKey: PKey, digest: string | null): void {
    this._h.sign(handleOf(issuerCert, X509, 'issuerCert'), handleOf(issuerKey, PKey, 'issuerKey'), digest);
  }

  /**
   * pyOpenSSL's export: v2, lastUpdate now, nextUpdate in `days` days, issuer from `cert`,
   * signed with `key`, dumped as `type` (`X509_gmtime_adj`, `X509_CRL_set1_lastUpdate`,
   * `X509_CRL_set1_nextUpdate`, `X509_CRL_sign`, then as {@link dumpCrl}).
   */
  export(cert: X509, key: PKey, type: Filetype = FILETYPE_PEM, days = 100, digest: string = 'sha256'): Buffer {
    return this._h.export(handleOf(cert, X509, 'cert'), handleOf(key, PKey, 'key'), type, days, digest);
  }

  /** True if the CRL's signature verifies with `pkey` (`X509_CRL_verify`). */
  verify(pkey: PKey): boolean {
    return this._h.verify(handleOf(pkey, PKey, 'pkey'));
  }

  /** The DER encoding (`i2d_X509_CRL_bio`). */
  toDER(): Buffer {
    return this._h.toDER();
  }

  /** Releases the CRL now (`X509_CRL_free`). */
  free(): void {
    this._h.free();
  }

  /** Same as {@link CRL.free}, for `using` (`X509_CRL_free`). */
  [Symbol.dispose](): void {
    this._h.free();
  }
}

/** Loads a CRL from PEM or DER (`PEM_read_bio_X509_CRL`, `d2i_X509_CRL_bio`); bad bytes are an OpenSSLError. */
export function loadCrl(type: Filetype, buffer: Uint8Array | string): CRL {
  return CRL._wrap(native.loadCrl(type, buffer));
}

/** Dumps a CRL as PEM, DER or text (`PEM_write_bio_X509_CRL`, `i2d_X509_CRL_bio`, `X509_CRL_print`). */
export function dumpCrl(type: Filetype, crl: CRL): Buffer {
  return native.dumpCrl(type, handleOf(crl, CRL, 'crl'));
}
