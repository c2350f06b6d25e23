/**
 * `PKCS7`: PKCS#7 structures loaded from PEM or DER.
 * @module
 */
import { illegalConstructor } from '../handle.js';
import { native } from '../native.js';
import type { Filetype } from './constants.js';
import type { NativePKCS7 } from './trust-native.js';
import { X509 } from './x509.js';

const nids = (native as unknown as { pkcs7Nids: Record<'signed' | 'enveloped' | 'signedAndEnveloped' | 'data', number> }).pkcs7Nids;

/** A PKCS#7 structure (`PKCS7`), from {@link loadPkcs7Data}. */
export class PKCS7 {
  /** @internal */
  _h!: NativePKCS7;

  /** Not for `new`: use crypto.loadPkcs7Data(). */
  private constructor() {
    illegalConstructor('PKCS7', 'crypto.loadPkcs7Data()');
  }

  /** @internal */
  static _wrap(h: NativePKCS7): PKCS7 {
    const p = Object.create(PKCS7.prototype) as PKCS7;
    p._h = h;
    return p;
  }

  /** True for signedData (`OBJ_obj2nid` of the type, as the `PKCS7_type_is_signed` macro). */
  typeIsSigned(): boolean {
    return this._h.typeNid() === nids.signed;
  }

  /** True for envelopedData (`OBJ_obj2nid` of the type, as `PKCS7_type_is_enveloped`). */
  typeIsEnveloped(): boolean {
    return this._h.typeNid() === nids.enveloped;
  }

  /** True for signedAndEnvelopedData (`OBJ_obj2nid` of the type, as `PKCS7_type_is_signedAndEnveloped`). */
  typeIsSignedAndEnveloped(): boolean {
    return this._h.typeNid() === nids.signedAndEnveloped;
  }

  /** True for data (`OBJ_obj2nid` of the type, as `PKCS7_type_is_data`). */
  typeIsData(): boolean {
    return this._h.typeNid() === nids.data;
  }

  /** The type's short name, e.g. `"pkcs7-signedData"` (`OBJ_nid2sn`). */
  getTypeName(): string {
    return this._h.getTypeName();
  }

  /** The certificates carried (signed types: the `certificates` field, read from the structure), or null. */
  getCertificates(): X509[] | null {
    const list = this._h.getCertificates();
    return list === null ? null : list.map((h) => X509._wrap(h));
  }

  /** The DER encoding (`i2d_PKCS7_bio`). */
  toDER(): Buffer {
    return this._h.toDER();
  }

  /** Releases the structure now (`PKCS7_free`). */
  free(): void {
    this._h.free();
  }

  /** Same as {@link PKCS7.free}, for `using` (`PKCS7_free`). */
  [Symbol.dispose](): void {
    this._h.free();
  }
}

/** Loads a PKCS#7 structure from PEM or DER (`PEM_read_bio_PKCS7`, `d2i_PKCS7_bio`); bad bytes are an OpenSSLError. */
export function loadPkcs7Data(type: Filetype, buffer: Uint8Array | string): PKCS7 {
  return PKCS7._wrap(native.loadPkcs7Data(type, buffer));
}
