/**
 * `X509`: a certificate, with pyOpenSSL's whole API including the setters it deprecated.
 * @module
 */
import { X509Certificate } from 'node:crypto';
import { native } from '../native.js';
import { handleOf, textOf } from '../handle.js';
import { FILETYPE_ASN1, type Filetype } from './constants.js';
import type { NativeX509 } from './native-types.js';
import { PKey } from './pkey.js';
import { X509Name } from './x509name.js';
import { X509Extension, extensionHandles } from './x509extension.js';

const NOT_BEFORE = 0;
const NOT_AFTER = 1;
const SUBJECT = 0;
const ISSUER = 1;

/** Converts a serial number argument to OpenSSL hex. @internal */
export function serialToHex(serial: number | bigint, name = 'serial'): string {
  if (typeof serial === 'number') {
    if (!Number.isSafeInteger(serial)) {
      throw Object.assign(new RangeError(`The "${name}" argument must be a safe integer or a bigint`), { code: 'ERR_OUT_OF_RANGE' });
    }
    serial = BigInt(serial);
  } else if (typeof serial !== 'bigint') {
    throw Object.assign(new TypeError(`The "${name}" argument must be a number or bigint`), { code: 'ERR_INVALID_ARG_TYPE' });
  }
  return serial < 0n ? '-' + (-serial).toString(16) : serial.toString(16);
}

/** Converts OpenSSL hex (possibly negative) to a bigint. @internal */
export function hexToSerial(hex: string): bigint {
  return hex.startsWith('-') ? -BigInt('0x' + hex.slice(1)) : BigInt('0x' + hex);
}

/** A certificate (`X509`). */
export class X509 {
  /** @internal */
  _h: NativeX509;

  /** An empty certificate to fill in and sign. */
  constructor() {
    this._h = new native.X509();
  }

  /** @internal Wraps a native handle. */
  static _wrap(h: NativeX509): X509 {
    const x = Object.create(X509.prototype) as X509;
    x._h = h;
    return x;
  }

  /** The version field, 0-based (2 means X.509 v3). */
  getVersion(): number {
    return this._h.getVersion();
  }

  /** Sets the 0-based version (0, 1 or 2). */
  setVersion(version: number): void {
    this._h.setVersion(version);
  }

  /** The serial number (any size). */
  getSerialNumber(): bigint {
    return hexToSerial(this._h.getSerialHex());
  }

  /** Sets the serial number. */
  setSerialNumber(serial: number | bigint): void {
    this._h.setSerialHex(serialToHex(serial));
  }

  /** Sets notBefore to now plus `seconds`. */
  gmtimeAdjNotBefore(seconds: number): void {
    this._h.gmtimeAdj(NOT_BEFORE, seconds);
  }

  /** Sets notAfter to now plus `seconds`. */
  gmtimeAdjNotAfter(seconds: number): void {
    this._h.gmtimeAdj(NOT_AFTER, seconds);
  }

  /** notBefore as `YYYYMMDDhhmmssZ`, or null if unset. */
  getNotBefore(): string | null {
    return this._h.getTime(NOT_BEFORE);
  }

  /** notAfter as `YYYYMMDDhhmmssZ`, or null if unset. */
  getNotAfter(): string | null {
    return this._h.getTime(NOT_AFTER);
  }

  /** Sets notBefore from `YYYYMMDDhhmmssZ`. */
  setNotBefore(when: string | Uint8Array): void {
    this._h.setTime(NOT_BEFORE, textOf(when, 'when'));
  }

  /** Sets notAfter from `YYYYMMDDhhmmssZ`. */
  setNotAfter(when: string | Uint8Array): void {
    this._h.setTime(NOT_AFTER, textOf(when, 'when'));
  }

  /** True when notAfter is in the past. */
  hasExpired(): boolean {
    return this._h.hasExpired();
  }

  /** A live view of the subject name (writes go through). */
  getSubject(): X509Name {
    return X509Name._wrap(this._h.getName(SUBJECT));
  }

  /** A live view of the issuer name (writes go through). */
  getIssuer(): X509Name {
    return X509Name._wrap(this._h.getName(ISSUER));
  }

  /** Copies `name` in as the subject; earlier subject views become stale. */
  setSubject(name: X509Name): void {
    this._h.setName(SUBJECT, handleOf(name, X509Name, 'name'));
  }

  /** Copies `name` in as the issuer; earlier issuer views become stale. */
  setIssuer(name: X509Name): void {
    this._h.setName(ISSUER, handleOf(name, X509Name, 'name'));
  }

  /** The certificate's public key (a public-only PKey). */
  getPubkey(): PKey {
    return PKey._wrap(this._h.getPubkey());
  }

  /** Sets the public key. */
  setPubkey(pkey: PKey): void {
    this._h.setPubkey(handleOf(pkey, PKey, 'pkey'));
  }

  /** Signs with `pkey` and `digest` (`"sha256"`, ...); `digest` is ignored/null for Ed25519 and Ed448. */
  sign(pkey: PKey, digest: string | null = null): void {
    this._h.sign(handleOf(pkey, PKey, 'pkey'), digest);
  }

  /** True when the certificate's signature verifies with `pkey`. */
  verifySignature(pkey: PKey): boolean {
    return this._h.verifySignature(handleOf(pkey, PKey, 'pkey'));
  }

  /** The signature algorithm's long name, e.g. `"sha256WithRSAEncryption"`. */
  getSignatureAlgorithm(): string {
    return this._h.getSignatureAlgorithm();
  }

  /** The fingerprint with digest `name`, as `"AB:CD:..."`. */
  digest(name: string): string {
    return this._h.digest(name);
  }

  /** `X509_subject_name_hash` (as `openssl x509 -subject_hash`). */
  subjectNameHash(): number {
    return this._h.subjectNameHash();
  }

  /** Number of extensions. */
  getExtensionCount(): number {
    return this._h.getExtensionCount();
  }

  /** A copy of extension number `index` (0-based); out of range is a RangeError. */
  getExtension(index: number): X509Extension {
    return X509Extension._wrap(this._h.getExtension(index));
  }

  /** Appends extensions (copied in). */
  addExtensions(extensions: X509Extension[]): void {
    this._h.addExtensions(extensionHandles(extensions));
  }

  /** A `node:crypto` X509Certificate of the same certificate. */
  toX509Certificate(): X509Certificate {
    return new X509Certificate(this._h.toDER());
  }

  /** An X509 from a `node:crypto` X509Certificate. */
  static fromX509Certificate(cert: X509Certificate): X509 {
    if (!(cert instanceof X509Certificate)) {
      throw Object.assign(new TypeError('The "cert" argument must be an X509Certificate'), { code: 'ERR_INVALID_ARG_TYPE' });
    }
    return X509._wrap(native.loadCertificate(FILETYPE_ASN1, cert.raw));
  }

  /** Releases the certificate now instead of at garbage collection. */
  free(): void {
    this._h.free();
  }

  /** Same as {@link X509.free}, for `using`. */
  [Symbol.dispose](): void {
    this._h.free();
  }
}

/** Loads a certificate from PEM or DER. */
export function loadCertificate(type: Filetype, buffer: Uint8Array | string): X509 {
  return X509._wrap(native.loadCertificate(type, buffer));
}

/** Dumps a certificate as PEM, DER or text. */
export function dumpCertificate(type: Filetype, cert: X509): Buffer {
  return native.dumpCertificate(type, handleOf(cert, X509, 'cert'));
}
