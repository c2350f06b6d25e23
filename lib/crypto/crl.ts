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

  /** An empty entry. */
  constructor() {
    this._h = new native.Revoked();
  }

  /** @internal */
  static _wrap(h: NativeRevoked): Revoked {
    const r = Object.create(Revoked.prototype) as Revoked;
    r._h = h;
    return r;
  }

  /** The reason names {@link Revoked.setReason} accepts (pyOpenSSL's `all_reasons`). */
  allReasons(): string[] {
    return [...REASONS];
  }

  /** Sets the serial number from hexadecimal text, as pyOpenSSL (`"3ab"` or `Buffer.from("3ab")`). */
  setSerial(hex: string | Uint8Array): void {
    this._h.setSerialHex(asText(hex, 'hex'));
  }

  /** The serial number as pyOpenSSL returns it: hex pairs (`i2a_ASN1_INTEGER`), e.g. `"03AB"`. */
  getSerial(): Buffer {
    return this._h.getSerialPairs();
  }

  /** Sets the serial number from a number or bigint. */
  setSerialNumber(serial: number | bigint): void {
    this._h.setSerialHex(serialToHex(serial));
  }

  /** The serial number as a bigint. */
  getSerialNumber(): bigint {
    return hexToSerial(this._h.getSerialHex());
  }

  /**
   * Sets the reason (one of {@link Revoked.allReasons}, case and spaces ignored, so the text
   * {@link Revoked.getReason} returns is accepted too); null removes it.
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

  /** The reason as OpenSSL prints it (e.g. `"Key Compromise"`), or null when absent. */
  getReason(): string | null {
    return this._h.getReason();
  }

  /** The numeric CRLReason, or null when absent. */
  getReasonCode(): number | null {
    return this._h.getReasonCode();
  }

  /** Sets the revocation date (`YYYYMMDDhhmmssZ`). */
  setRevDate(when: string | Uint8Array): void {
    this._h.setRevDate(asText(when, 'when'));
  }

  /** The revocation date (`YYYYMMDDhhmmssZ`), or null. */
  getRevDate(): string | null {
    return this._h.getRevDate();
  }

  /** Releases the entry now. */
  free(): void {
    this._h.free();
  }

  /** Same as {@link Revoked.free}, for `using`. */
  [Symbol.dispose](): void {
    this._h.free();
  }
}

/** A certificate revocation list (`X509_CRL`). */
export class CRL {
  /** @internal */
  _h: NativeCRL;

  /** An empty CRL to fill in and sign. */
  constructor() {
    this._h = new native.CRL();
  }

  /** @internal */
  static _wrap(h: NativeCRL): CRL {
    const c = Object.create(CRL.prototype) as CRL;
    c._h = h;
    return c;
  }

  /** Copies of the revoked entries, or null when there are none. */
  getRevoked(): Revoked[] | null {
    const list = this._h.getRevoked();
    return list === null ? null : list.map((h) => Revoked._wrap(h));
  }

  /** Adds (a copy of) an entry. */
  addRevoked(revoked: Revoked): void {
    this._h.addRevoked(handleOf(revoked, Revoked, 'revoked'));
  }

  /** A live view of the issuer name. */
  getIssuer(): X509Name {
    return X509Name._wrap(this._h.getIssuer());
  }

  /** The 0-based version (1 means v2). */
  getVersion(): number {
    return this._h.getVersion();
  }

  /** Sets the 0-based version (0 or 1). */
  setVersion(version: number): void {
    this._h.setVersion(version);
  }

  /** thisUpdate (`YYYYMMDDhhmmssZ`), or null. */
  getLastUpdate(): string | null {
    return this._h.getTime(0);
  }

  /** nextUpdate (`YYYYMMDDhhmmssZ`), or null. */
  getNextUpdate(): string | null {
    return this._h.getTime(1);
  }

  /** Sets thisUpdate (`YYYYMMDDhhmmssZ`). */
  setLastUpdate(when: string | Uint8Array): void {
    this._h.setTime(0, asText(when, 'when'));
  }

  /** Sets nextUpdate (`YYYYMMDDhhmmssZ`). */
  setNextUpdate(when: string | Uint8Array): void {
    this._h.setTime(1, asText(when, 'when'));
  }

  /** Sets the issuer name from `issuerCert` and signs with `issuerKey`. */
  sign(issuerCert: X509, issuerKey: PKey, digest: string | null): void {
    this._h.sign(handleOf(issuerCert, X509, 'issuerCert'), handleOf(issuerKey, PKey, 'issuerKey'), digest);
  }

  /**
   * pyOpenSSL's export: v2, lastUpdate now, nextUpdate in `days` days, issuer from `cert`,
   * signed with `key`, dumped as `type`.
   */
  export(cert: X509, key: PKey, type: Filetype = FILETYPE_PEM, days = 100, digest: string = 'sha256'): Buffer {
    return this._h.export(handleOf(cert, X509, 'cert'), handleOf(key, PKey, 'key'), type, days, digest);
  }

  /** True if the CRL's signature verifies with `pkey`. */
  verify(pkey: PKey): boolean {
    return this._h.verify(handleOf(pkey, PKey, 'pkey'));
  }

  /** The DER encoding. */
  toDER(): Buffer {
    return this._h.toDER();
  }

  /** Releases the CRL now. */
  free(): void {
    this._h.free();
  }

  /** Same as {@link CRL.free}, for `using`. */
  [Symbol.dispose](): void {
    this._h.free();
  }
}

/** Loads a CRL from PEM or DER. */
export function loadCrl(type: Filetype, buffer: Uint8Array | string): CRL {
  return CRL._wrap(native.loadCrl(type, buffer));
}

/** Dumps a CRL as PEM, DER or text. */
export function dumpCrl(type: Filetype, crl: CRL): Buffer {
  return native.dumpCrl(type, handleOf(crl, CRL, 'crl'));
}
