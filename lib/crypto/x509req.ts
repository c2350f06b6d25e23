/**
 * `X509Req`: a certificate signing request (PKCS#10).
 * @module
 */
import { native } from '../native.js';
import { handleOf } from '../handle.js';
import type { Filetype } from './constants.js';
import type { NativeX509Req } from './native-types.js';
import { PKey } from './pkey.js';
import { X509Extension, extensionHandles } from './x509extension.js';
import { X509Name } from './x509name.js';

/**
 * A certificate signing request (`X509_REQ`).
 *
 * @example
 * ```ts
 * import { crypto } from 'openssl-napi';
 *
 * const key = new crypto.PKey();
 * key.generateKey(crypto.TYPE_EC, 'P-256');
 * const req = new crypto.X509Req();
 * req.getSubject().CN = 'www.example.com';
 * req.setPubkey(key);
 * req.addExtensions([new crypto.X509Extension('subjectAltName', false, 'DNS:www.example.com')]);
 * req.sign(key, 'sha256');
 * const pem = crypto.dumpCertificateRequest(crypto.FILETYPE_PEM, req);
 * ```
 */
export class X509Req {
  /** @internal */
  _h: NativeX509Req;

  /** An empty request to fill in and sign, version 1 (`X509_REQ_new`, `X509_REQ_set_version`). */
  constructor() {
    this._h = new native.X509Req();
  }

  /** @internal Wraps a native handle. */
  static _wrap(h: NativeX509Req): X509Req {
    const r = Object.create(X509Req.prototype) as X509Req;
    r._h = h;
    return r;
  }

  /** Sets the public key (`X509_REQ_set_pubkey`). */
  setPubkey(pkey: PKey): void {
    this._h.setPubkey(handleOf(pkey, PKey, 'pkey'));
  }

  /** The request's public key (a public-only PKey; `X509_REQ_get_pubkey`). */
  getPubkey(): PKey {
    return PKey._wrap(this._h.getPubkey());
  }

  /** Sets the version; 0 (v1) is the only valid value, anything else a RangeError (`X509_REQ_set_version`). */
  setVersion(version: number): void {
    this._h.setVersion(version);
  }

  /** The 0-based version (`X509_REQ_get_version`). */
  getVersion(): number {
    return this._h.getVersion();
  }

  /** A live view of the subject name (writes go through; keeps the request alive; `X509_REQ_get_subject_name`). */
  getSubject(): X509Name {
    return X509Name._wrap(this._h.getSubject());
  }

  /** Copies `name` in as the subject; earlier subject views become stale (`X509_REQ_set_subject_name`). */
  setSubject(name: X509Name): void {
    this._h.setSubject(handleOf(name, X509Name, 'name'));
  }

  /**
   * Adds extensions to the request's extensionRequest attribute: the ones already there are kept
   * and the attribute is written again (`X509_REQ_get_extensions`, `X509_REQ_add_extensions`).
   */
  addExtensions(extensions: X509Extension[]): void {
    this._h.addExtensions(extensionHandles(extensions));
  }

  /** The requested extensions (copies; `X509_REQ_get_extensions`). */
  getExtensions(): X509Extension[] {
    return this._h.getExtensions().map((h) => X509Extension._wrap(h));
  }

  /** Signs with `pkey` and `digest` (`"sha256"`, ...; null for Ed25519/Ed448; `X509_REQ_sign`). */
  sign(pkey: PKey, digest: string | null = null): void {
    this._h.sign(handleOf(pkey, PKey, 'pkey'), digest);
  }

  /**
   * Checks the signature with `pkey`: returns true, or throws `crypto.Error` if it does not verify
   * (pyOpenSSL; `X509_REQ_verify`).
   * @throws an OpenSSLError when the signature does not verify.
   */
  verify(pkey: PKey): boolean {
    return this._h.verify(handleOf(pkey, PKey, 'pkey'));
  }

  /** The signature algorithm's long name, e.g. `"sha256WithRSAEncryption"` (`X509_REQ_get_signature_nid`). */
  getSignatureAlgorithm(): string {
    return this._h.getSignatureAlgorithm();
  }

  /** Releases the request now instead of at garbage collection (`X509_REQ_free`). */
  free(): void {
    this._h.free();
  }

  /** Same as {@link X509Req.free}, for `using` (`X509_REQ_free`). */
  [Symbol.dispose](): void {
    this._h.free();
  }
}

/** Loads a certificate request from PEM or DER (`PEM_read_bio_X509_REQ`, `d2i_X509_REQ_bio`); bad bytes are an OpenSSLError. */
export function loadCertificateRequest(type: Filetype, buffer: Uint8Array | string): X509Req {
  return X509Req._wrap(native.loadCertificateRequest(type, buffer));
}

/** Dumps a certificate request as PEM, DER or text (`PEM_write_bio_X509_REQ`, `i2d_X509_REQ_bio`, `X509_REQ_print_ex`). */
export function dumpCertificateRequest(type: Filetype, req: X509Req): Buffer {
  return native.dumpCertificateRequest(type, handleOf(req, X509Req, 'req'));
}
