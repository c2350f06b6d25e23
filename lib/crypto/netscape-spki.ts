/**
 * `NetscapeSPKI`: a signed public key and challenge (SPKAC).
 * @module
 */
import { native } from '../native.js';
import { handleOf } from '../handle.js';
import type { NativeNetscapeSPKI } from './native-types.js';
import { PKey } from './pkey.js';

/** A Netscape SPKI (`NETSCAPE_SPKI`), as produced by `<keygen>` or `openssl spkac`. */
export class NetscapeSPKI {
  /** @internal */
  _h: NativeNetscapeSPKI;

  /** An empty SPKI; set a key and sign it. */
  constructor() {
    this._h = new native.NetscapeSPKI();
  }

  /** @internal Wraps a native handle. */
  static _wrap(h: NativeNetscapeSPKI): NetscapeSPKI {
    const s = Object.create(NetscapeSPKI.prototype) as NetscapeSPKI;
    s._h = h;
    return s;
  }

  /** Decodes a base64 SPKAC (the `SPKAC=` value); bad input is a `crypto.Error`. */
  static fromBase64(b64: string | Uint8Array): NetscapeSPKI {
    return NetscapeSPKI._wrap(native.netscapeSPKIFromB64(b64));
  }

  /** Signs with a private key and digest (null for Ed25519/Ed448). */
  sign(pkey: PKey, digest: string | null = null): void {
    this._h.sign(handleOf(pkey, PKey, 'pkey'), digest);
  }

  /** Returns true if the signature verifies with `key`; throws `crypto.Error` if not (pyOpenSSL). */
  verify(key: PKey): boolean {
    return this._h.verify(handleOf(key, PKey, 'key'));
  }

  /** The base64 encoding (no line breaks). */
  b64Encode(): string {
    return this._h.b64Encode();
  }

  /** The public key (a public-only PKey). */
  getPubkey(): PKey {
    return PKey._wrap(this._h.getPubkey());
  }

  /** Sets the public key. */
  setPubkey(pkey: PKey): void {
    this._h.setPubkey(handleOf(pkey, PKey, 'pkey'));
  }

  /** DER encoding. */
  toDER(): Buffer {
    return this._h.toDER();
  }

  /** Releases the SPKI now instead of at garbage collection. */
  free(): void {
    this._h.free();
  }

  /** Same as {@link NetscapeSPKI.free}, for `using`. */
  [Symbol.dispose](): void {
    this._h.free();
  }
}
