/**
 * `NetscapeSPKI`: a signed public key and challenge (SPKAC).
 * @module
 */
import { native } from '../native.js';
import { handleOf } from '../handle.js';
import type { NativeNetscapeSPKI } from './native-types.js';
import { PKey } from './pkey.js';

/**
 * A Netscape SPKI (`NETSCAPE_SPKI`), as produced by `<keygen>` or `openssl spkac`.
 *
 * @example
 * ```ts
 * import { crypto } from 'openssl-napi';
 *
 * // key: a private PKey
 * const spki = new crypto.NetscapeSPKI();
 * spki.setPubkey(key);
 * spki.sign(key, 'sha256');
 * const spkac = spki.b64Encode();
 * crypto.NetscapeSPKI.fromBase64(spkac).verify(key); // true
 * ```
 */
export class NetscapeSPKI {
  /** @internal */
  _h: NativeNetscapeSPKI;

  /** An empty SPKI; set a key and sign it (`NETSCAPE_SPKI_new`). */
  constructor() {
    this._h = new native.NetscapeSPKI();
  }

  /** @internal Wraps a native handle. */
  static _wrap(h: NativeNetscapeSPKI): NetscapeSPKI {
    const s = Object.create(NetscapeSPKI.prototype) as NetscapeSPKI;
    s._h = h;
    return s;
  }

  /** Decodes a base64 SPKAC (the `SPKAC=` value; `NETSCAPE_SPKI_b64_decode`); bad input is a `crypto.Error`. */
  static fromBase64(b64: string | Uint8Array): NetscapeSPKI {
    return NetscapeSPKI._wrap(native.netscapeSPKIFromB64(b64));
  }

  /** Signs with a private key and digest (null for Ed25519/Ed448; `NETSCAPE_SPKI_sign`). */
  sign(pkey: PKey, digest: string | null = null): void {
    this._h.sign(handleOf(pkey, PKey, 'pkey'), digest);
  }

  /**
   * Returns true if the signature verifies with `key`; throws `crypto.Error` if not (pyOpenSSL;
   * `NETSCAPE_SPKI_verify`).
   * @throws an OpenSSLError when the signature does not verify.
   */
  verify(key: PKey): boolean {
    return this._h.verify(handleOf(key, PKey, 'key'));
  }

  /** The base64 encoding (no line breaks; `NETSCAPE_SPKI_b64_encode`). */
  b64Encode(): string {
    return this._h.b64Encode();
  }

  /** The public key (a public-only PKey; `NETSCAPE_SPKI_get_pubkey`). */
  getPubkey(): PKey {
    return PKey._wrap(this._h.getPubkey());
  }

  /** Sets the public key (`NETSCAPE_SPKI_set_pubkey`). */
  setPubkey(pkey: PKey): void {
    this._h.setPubkey(handleOf(pkey, PKey, 'pkey'));
  }

  /** DER encoding (`i2d_NETSCAPE_SPKI`). */
  toDER(): Buffer {
    return this._h.toDER();
  }

  /** Releases the SPKI now instead of at garbage collection (`NETSCAPE_SPKI_free`). */
  free(): void {
    this._h.free();
  }

  /** Same as {@link NetscapeSPKI.free}, for `using` (`NETSCAPE_SPKI_free`). */
  [Symbol.dispose](): void {
    this._h.free();
  }
}
