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

/** A certificate signing request (`X509_REQ`). */
export class X509Req {
  /** @internal */
  _h: NativeX509Req;

  /** An empty request to fill in and sign. */
  constructor() {
    this._h = new native.X509Req();
  }

  /** @internal Wraps a native handle. */
  static _wrap(h: NativeX509Req): X509Req {
    const r = Object.create(X509Req.prototype) as X509Req;
    r._h = h;
    return r;
  }

  /** Sets the public key. */
  setPubkey(pkey: PKey): void {
    this._h.setPubkey(handleOf(pkey, PKey, 'pkey'));
  }

  /** The request's public key (a public-only PKey). */
  getPubkey(): PKey {
    return PKey._wrap(this._h.getPubkey());
  }

  /** Sets the version; 0 (v1) is the only valid value. */
  setVersion(version: number): void {
    this._h.setVersion(version);
  }

  /** The 0-based version. */
  getVersion(): number {
    return this._h.getVersion();
  }

  /** A live view of the subject name (writes go through; keeps the request alive). */
  getSubject(): X509Name {
    return X509Name._wrap(this._h.getSubject());
  }

  /** Copies `name` in as the subject; earlier subject views become stale. */
  setSubject(name: X509Name): void {
    this._h.setSubject(handleOf(name, X509Name, 'name'));
  }

  /** Adds extensions to the request's extensionRequest attribute. */
  addExtensions(extensions: X509Extension[]): void {
    this._h.addExtensions(extensionHandles(extensions));
  }

  /** The requested extensions (copies). */
  getExtensions(): X509Extension[] {
    return this._h.getExtensions().map((h) => X509Extension._wrap(h));
  }

  /** Signs with `pkey` and `digest` (`"sha256"`, ...; null for Ed25519/Ed448). */
  sign(pkey: PKey, digest: string | null = null): void {
    this._h.sign(handleOf(pkey, PKey, 'pkey'), digest);
  }

  /** Checks the signature with `pkey`: returns true, or throws `crypto.Error` if it does not verify (pyOpenSSL). */
  verify(pkey: PKey): boolean {
    return this._h.verify(handleOf(pkey, PKey, 'pkey'));
  }

  /** The signature algorithm's long name, e.g. `"sha256WithRSAEncryption"`. */
  getSignatureAlgorithm(): string {
    return this._h.getSignatureAlgorithm();
  }

  /** Releases the request now instead of at garbage collection. */
  free(): void {
    this._h.free();
  }

  /** Same as {@link X509Req.free}, for `using`. */
  [Symbol.dispose](): void {
    this._h.free();
  }
}

/** Loads a certificate request from PEM or DER. */
export function loadCertificateRequest(type: Filetype, buffer: Uint8Array | string): X509Req {
  return X509Req._wrap(native.loadCertificateRequest(type, buffer));
}

/** Dumps a certificate request as PEM, DER or text. */
export function dumpCertificateRequest(type: Filetype, req: X509Req): Buffer {
  return native.dumpCertificateRequest(type, handleOf(req, X509Req, 'req'));
}
