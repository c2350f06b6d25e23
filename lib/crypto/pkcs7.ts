/**
 * `PKCS7`: PKCS#7 structures loaded from PEM or DER.
 * @module
 */
import { native } from '../native.js';
import type { Filetype } from './constants.js';
import type { NativePKCS7 } from './trust-native.js';
import { X509 } from './x509.js';

const nids = (native as unknown as { pkcs7Nids: Record<'signed' | 'enveloped' | 'signedAndEnveloped' | 'data', number> }).pkcs7Nids;

/** A PKCS#7 structure. */
export class PKCS7 {
  /** @internal */
  _h!: NativePKCS7;

  /** @internal */
  static _wrap(h: NativePKCS7): PKCS7 {
    const p = Object.create(PKCS7.prototype) as PKCS7;
    p._h = h;
    return p;
  }

  /** True for signedData. */
  typeIsSigned(): boolean {
    return this._h.typeNid() === nids.signed;
  }

  /** True for envelopedData. */
  typeIsEnveloped(): boolean {
    return this._h.typeNid() === nids.enveloped;
  }

  /** True for signedAndEnvelopedData. */
  typeIsSignedAndEnveloped(): boolean {
    return this._h.typeNid() === nids.signedAndEnveloped;
  }

  /** True for data. */
  typeIsData(): boolean {
    return this._h.typeNid() === nids.data;
  }

  /** The type's short name, e.g. `"pkcs7-signedData"`. */
  getTypeName(): string {
    return this._h.getTypeName();
  }

  /** The certificates carried (signed types), or null. */
  getCertificates(): X509[] | null {
    const list = this._h.getCertificates();
    return list === null ? null : list.map((h) => X509._wrap(h));
  }

  /** The DER encoding. */
  toDER(): Buffer {
    return this._h.toDER();
  }

  /** Releases the structure now. */
  free(): void {
    this._h.free();
  }

  /** Same as {@link PKCS7.free}, for `using`. */
  [Symbol.dispose](): void {
    this._h.free();
  }
}

/** Loads a PKCS#7 structure from PEM or DER. */
export function loadPkcs7Data(type: Filetype, buffer: Uint8Array | string): PKCS7 {
  return PKCS7._wrap(native.loadPkcs7Data(type, buffer));
}
