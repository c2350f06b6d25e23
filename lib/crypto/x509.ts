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

/**
 * A certificate (`X509`).
 *
 * @example A self-signed certificate
 * ```ts
 * import { crypto } from 'openssl-napi';
 *
 * const key = new crypto.PKey();
 * key.generateKey(crypto.TYPE_EC, 'P-256');
 * const cert = new crypto.X509();
 * cert.setVersion(2); // X.509 v3
 * cert.setSerialNumber(1n);
 * cert.getSubject().CN = 'example.com';
 * cert.setIssuer(cert.getSubject());
 * cert.gmtimeAdjNotBefore(0);
 * cert.gmtimeAdjNotAfter(365 * 86400);
 * cert.setPubkey(key);
 * cert.addExtensions([new crypto.X509Extension('subjectAltName', false, 'DNS:example.com')]);
 * cert.sign(key, 'sha256');
 * const pem = crypto.dumpCertificate(crypto.FILETYPE_PEM, cert);
 * ```
 */
export class X509 {
  /** @internal */
  _h: NativeX509;

  /** An empty certificate to fill in and sign (`X509_new`). */
  constructor() {
    this._h = new native.X509();
  }

  /** @internal Wraps a native handle. */
  static _wrap(h: NativeX509): X509 {
    const x = Object.create(X509.prototype) as X509;
    x._h = h;
    return x;
  }

  /** The version field, 0-based (2 means X.509 v3; `X509_get_version`). */
  getVersion(): number {
    return this._h.getVersion();
  }

  /** Sets the 0-based version (0, 1 or 2; `X509_set_version`). */
  setVersion(version: number): void {
    this._h.setVersion(version);
  }

  /** The serial number (any size; `X509_get0_serialNumber`, `ASN1_INTEGER_to_BN`). */
  getSerialNumber(): bigint {
    return hexToSerial(this._h.getSerialHex());
  }

  /**
   * Sets the serial number (`BN_to_ASN1_INTEGER`, `X509_set_serialNumber`).
   * @throws a RangeError (`ERR_OUT_OF_RANGE`) for a number that is not a safe integer.
   */
  setSerialNumber(serial: number | bigint): void {
    this._h.setSerialHex(serialToHex(serial));
  }

  /** Sets notBefore to now plus `seconds` (`X509_gmtime_adj`). */
  gmtimeAdjNotBefore(seconds: number): void {
    this._h.gmtimeAdj(NOT_BEFORE, seconds);
  }

  /** Sets notAfter to now plus `seconds` (`X509_gmtime_adj`). */
  gmtimeAdjNotAfter(seconds: number): void {
    this._h.gmtimeAdj(NOT_AFTER, seconds);
  }

  /** notBefore as `YYYYMMDDhhmmssZ`, or null if unset (`X509_get0_notBefore`, `ASN1_TIME_to_generalizedtime`). */
  getNotBefore(): string | null {
    return this._h.getTime(NOT_BEFORE);
  }

  /** notAfter as `YYYYMMDDhhmmssZ`, or null if unset (`X509_get0_notAfter`, `ASN1_TIME_to_generalizedtime`). */
  getNotAfter(): string | null {
    return this._h.getTime(NOT_AFTER);
  }

  /**
   * Sets notBefore from `YYYYMMDDhhmmssZ` (`ASN1_TIME_set_string_X509`, `X509_set1_notBefore`).
   * @throws a TypeError (`ERR_INVALID_ARG_VALUE`) for a string that is not a time.
   */
  setNotBefore(when: string | Uint8Array): void {
    this._h.setTime(NOT_BEFORE, textOf(when, 'when'));
  }

  /**
   * Sets notAfter from `YYYYMMDDhhmmssZ` (`ASN1_TIME_set_string_X509`, `X509_set1_notAfter`).
   * @throws a TypeError (`ERR_INVALID_ARG_VALUE`) for a string that is not a time.
   */
  setNotAfter(when: string | Uint8Array): void {
    this._h.setTime(NOT_AFTER, textOf(when, 'when'));
  }

  /**
   * True when notAfter is in the past (`X509_cmp_current_time`).
   * @throws an Error (`ERR_OPENSSL_NAPI_STATE`) when the certificate has no notAfter.
   */
  hasExpired(): boolean {
    return this._h.hasExpired();
  }

  /** A live view of the subject name (writes go through; `X509_get_subject_name`). */
  getSubject(): X509Name {
    return X509Name._wrap(this._h.getName(SUBJECT));
  }

  /** A live view of the issuer name (writes go through; `X509_get_issuer_name`). */
  getIssuer(): X509Name {
    return X509Name._wrap(this._h.getName(ISSUER));
  }

  /** Copies `name` in as the subject; earlier subject views become stale (`X509_set_subject_name`). */
  setSubject(name: X509Name): void {
    this._h.setName(SUBJECT, handleOf(name, X509Name, 'name'));
  }

  /** Copies `name` in as the issuer; earlier issuer views become stale (`X509_set_issuer_name`). */
  setIssuer(name: X509Name): void {
    this._h.setName(ISSUER, handleOf(name, X509Name, 'name'));
  }

  /** The certificate's public key (a public-only PKey; `X509_get_pubkey`). */
  getPubkey(): PKey {
    return PKey._wrap(this._h.getPubkey());
  }

  /** Sets the public key (`X509_set_pubkey`). */
  setPubkey(pkey: PKey): void {
    this._h.setPubkey(handleOf(pkey, PKey, 'pkey'));
  }

  /**
   * Signs with `pkey` and `digest` (`"sha256"`, ...); `digest` is ignored/null for Ed25519, Ed448
   * and the other algorithms that hash internally (ML-DSA, SLH-DSA) (`X509_sign`).
   * @throws a TypeError (`ERR_INVALID_ARG_VALUE`) when `digest` is missing for a key that needs one,
   * a RangeError for an unknown digest, an OpenSSLError when OpenSSL fails to sign.
   */
  sign(pkey: PKey, digest: string | null = null): void {
    this._h.sign(handleOf(pkey, PKey, 'pkey'), digest);
  }

  /** True when the certificate's signature verifies with `pkey` (`X509_verify`). */
  verifySignature(pkey: PKey): boolean {
    return this._h.verifySignature(handleOf(pkey, PKey, 'pkey'));
  }

  /** The signature algorithm's long name, e.g. `"sha256WithRSAEncryption"` (`X509_get_signature_nid`). */
  getSignatureAlgorithm(): string {
    return this._h.getSignatureAlgorithm();
  }

  /** The fingerprint with digest `name`, as `"AB:CD:..."` (`X509_digest`). */
  digest(name: string): string {
    return this._h.digest(name);
  }

  /** `X509_subject_name_hash` (as `openssl x509 -subject_hash`). */
  subjectNameHash(): number {
    return this._h.subjectNameHash();
  }

  /** Number of extensions (`X509_get_ext_count`). */
  getExtensionCount(): number {
    return this._h.getExtensionCount();
  }

  /** A copy of extension number `index` (0-based; `X509_get_ext`, `X509_EXTENSION_dup`); out of range is a RangeError. */
  getExtension(index: number): X509Extension {
    return X509Extension._wrap(this._h.getExtension(index));
  }

  /** Appends extensions (copied in; `X509_add_ext`). */
  addExtensions(extensions: X509Extension[]): void {
    this._h.addExtensions(extensionHandles(extensions));
  }

  /** A `node:crypto` X509Certificate of the same certificate (through DER, `i2d_X509`). */
  toX509Certificate(): X509Certificate {
    return new X509Certificate(this._h.toDER());
  }

  /** An X509 from a `node:crypto` X509Certificate (through DER, `d2i_X509_bio`). */
  static fromX509Certificate(cert: X509Certificate): X509 {
    if (!(cert instanceof X509Certificate)) {
      throw Object.assign(new TypeError('The "cert" argument must be an X509Certificate'), { code: 'ERR_INVALID_ARG_TYPE' });
    }
    return X509._wrap(native.loadCertificate(FILETYPE_ASN1, cert.raw));
  }

  /** Releases the certificate now instead of at garbage collection (`X509_free`). */
  free(): void {
    this._h.free();
  }

  /** Same as {@link X509.free}, for `using` (`X509_free`). */
  [Symbol.dispose](): void {
    this._h.free();
  }
}

/**
 * Loads a certificate from PEM or DER (`PEM_read_bio_X509`, `d2i_X509_bio`).
 * @throws an OpenSSLError when the bytes are not a certificate.
 */
export function loadCertificate(type: Filetype, buffer: Uint8Array | string): X509 {
  return X509._wrap(native.loadCertificate(type, buffer));
}

/** Dumps a certificate as PEM, DER or text (`PEM_write_bio_X509`, `i2d_X509_bio`, `X509_print_ex`). */
export function dumpCertificate(type: Filetype, cert: X509): Buffer {
  return native.dumpCertificate(type, handleOf(cert, X509, 'cert'));
}
