/**
 * `PKey`: an OpenSSL `EVP_PKEY`, a key pair or a public key.
 * @module
 */
import { createPrivateKey, createPublicKey, KeyObject } from 'node:crypto';
import { native } from '../native.js';
import { argTypeError, handleOf, optionsOf } from '../handle.js';
import { FILETYPE_ASN1, FILETYPE_PEM, type Filetype } from './constants.js';
import type { NativePKey, PassphraseInput } from './native-types.js';

/** Options of {@link PKey.generate}: `bits` for RSA/DSA/DH, `curve` for EC. */
export interface GenerateOptions {
  /** Modulus or prime size in bits (RSA, DSA, DH). */
  bits?: number;
  /** Curve name for EC keys: `"P-256"`, `"prime256v1"`, `"secp384r1"`, ... */
  curve?: string;
}

/** A public or private key (`EVP_PKEY`). */
export class PKey {
  /** @internal */
  _h: NativePKey;

  /** An empty key; fill it with {@link PKey.generateKey} or use {@link loadPrivatekey} (`EVP_PKEY_new`). */
  constructor() {
    this._h = new native.PKey();
  }

  /** @internal Wraps a native handle. */
  static _wrap(h: NativePKey): PKey {
    const k = Object.create(PKey.prototype) as PKey;
    k._h = h;
    return k;
  }

  /**
   * Generates a key in place. `type` is a `TYPE_*` constant, or any algorithm name the OpenSSL in
   * use generates keys for, with that algorithm's default parameters: `"ML-DSA-65"`,
   * `"ML-KEM-768"`, `"SLH-DSA-SHA2-128s"` (OpenSSL 3.5+; on older versions a RangeError with code
   * `ERR_OPENSSL_NAPI_UNSUPPORTED` says so), `"ED25519"`, ... (`EVP_PKEY_CTX_new_from_name`,
   * `EVP_PKEY_keygen`). `bitsOrCurve` is the size for `TYPE_RSA`/`TYPE_DSA`/`TYPE_DH`, the curve
   * name for `TYPE_EC`, and is ignored otherwise.
   * @throws a RangeError for an unknown type, curve or size (`ERR_OPENSSL_NAPI_UNSUPPORTED` for a
   * post-quantum algorithm the OpenSSL in use lacks), an OpenSSLError when generation fails.
   * @example
   * ```ts
   * import { crypto } from 'openssl-napi';
   *
   * const ec = new crypto.PKey();
   * ec.generateKey(crypto.TYPE_EC, 'P-256');
   * const rsa = new crypto.PKey();
   * rsa.generateKey(crypto.TYPE_RSA, 3072);
   * const ed = new crypto.PKey();
   * ed.generateKey('ED25519'); // or 'ML-DSA-65' on OpenSSL 3.5+
   * console.log(ec.typeName(), rsa.bits()); // EC 3072
   * ```
   */
  generateKey(type: number | string, bitsOrCurve?: number | string): void {
    this._h.generateKey(type, bitsOrCurve);
  }

  /**
   * Generates a key off the event loop (the libuv pool); `type` as in {@link PKey.generateKey}, with
   * the same OpenSSL calls (`EVP_PKEY_keygen`, `EVP_PKEY_Q_keygen` for EC and the X/Ed curves).
   * @example
   * ```ts
   * const key = await crypto.PKey.generate(crypto.TYPE_RSA, { bits: 2048 });
   * ```
   */
  static async generate(type: number | string, options: GenerateOptions | number | string = {}): Promise<PKey> {
    const param = typeof options === 'object' && options !== null ? (options.curve ?? options.bits) : options;
    return PKey._wrap(await native.generateKeyAsync(type, param));
  }

  /** The key type (`TYPE_RSA`, `TYPE_EC`, ...; `EVP_PKEY_get_base_id`). */
  type(): number {
    return this._h.type();
  }

  /** The algorithm's name as OpenSSL gives it (`"RSA"`, `"EC"`, `"ML-DSA-65"`, ...; `EVP_PKEY_get0_type_name`), or null for an empty key. */
  typeName(): string | null {
    return this._h.typeName();
  }

  /** The key size in bits (`EVP_PKEY_get_bits`). */
  bits(): number {
    return this._h.bits();
  }

  /**
   * Checks the key's consistency (`EVP_PKEY_check`); throws `crypto.Error` if it is inconsistent.
   * @throws an OpenSSLError for an inconsistent key; a TypeError (`ERR_INVALID_ARG_VALUE`) for a
   * public-only or empty key, which it cannot check.
   */
  check(): boolean {
    return this._h.check();
  }

  /**
   * True when the key holds a private part (it was not loaded from public data or a certificate).
   * The binding tracks where the key came from; OpenSSL is not asked.
   */
  hasPrivateKey(): boolean {
    return this._h.isInitialized() && !this._h.isPublicOnly();
  }

  /** True when both keys have the same public key (`EVP_PKEY_eq`). */
  equals(other: PKey): boolean {
    return this._h.equals(handleOf(other, PKey, 'other'));
  }

  /** A `node:crypto` KeyObject with the same key (private if this key has one), through PKCS#8 PEM (`PEM_write_bio_PrivateKey`) or SPKI DER (`i2d_PUBKEY_bio`). */
  toKeyObject(): KeyObject {
    if (this.hasPrivateKey()) {
      // PEM is PKCS#8 for every key type (DER from i2d_PrivateKey is PKCS#1 for RSA).
      return createPrivateKey({ key: native.dumpPrivatekey(FILETYPE_PEM, this._h), format: 'pem' });
    }
    return createPublicKey({ key: native.dumpPublickey(FILETYPE_ASN1, this._h), format: 'der', type: 'spki' });
  }

  /** A PKey from a `node:crypto` KeyObject (public or private), through PKCS#8 or SPKI DER (`d2i_PrivateKey_bio`, `d2i_PUBKEY_bio`). */
  static fromKeyObject(key: KeyObject): PKey {
    if (!(key instanceof KeyObject) || (key.type !== 'private' && key.type !== 'public')) {
      const got = key === null ? 'null' : typeof key === 'object' ? `a ${(key as object).constructor?.name ?? 'object'} (${(key as { type?: unknown }).type ?? 'no type'})` : typeof key;
      throw argTypeError(`The "key" argument must be an asymmetric KeyObject, got ${got}`);
    }
    if (key.type === 'private') {
      return PKey._wrap(native.loadPrivatekey(FILETYPE_ASN1, key.export({ format: 'der', type: 'pkcs8' })));
    }
    if (key.type === 'public') {
      return PKey._wrap(native.loadPublickey(FILETYPE_ASN1, key.export({ format: 'der', type: 'spki' })));
    }
    throw argTypeError('The "key" argument must be an asymmetric KeyObject');
  }

  /** Releases the key now instead of at garbage collection (`EVP_PKEY_free`). */
  free(): void {
    this._h.free();
  }

  /** Same as {@link PKey.free}, for `using` (`EVP_PKEY_free`). */
  [Symbol.dispose](): void {
    this._h.free();
  }
}

/**
 * Loads a private key: PKCS#8 or traditional, PEM or DER, optionally encrypted (PEM, or encrypted
 * PKCS#8 in DER) (`PEM_read_bio_PrivateKey`, `d2i_PrivateKey_bio`, `PKCS8_decrypt`).
 * @throws an OpenSSLError for bytes that are not a key or a wrong passphrase.
 */
export function loadPrivatekey(type: Filetype, buffer: Uint8Array | string, passphrase?: PassphraseInput | null): PKey {
  return PKey._wrap(native.loadPrivatekey(type, buffer, passphrase));
}

/** Loads a public key (SubjectPublicKeyInfo, PEM or DER; `PEM_read_bio_PUBKEY`, `d2i_PUBKEY_bio`). */
export function loadPublickey(type: Filetype, buffer: Uint8Array | string): PKey {
  return PKey._wrap(native.loadPublickey(type, buffer));
}

/** Options of {@link dumpPrivatekey}. */
export interface DumpPrivatekeyOptions {
  /**
   * `'pkcs8'` (PrivateKeyInfo, or EncryptedPrivateKeyInfo with a cipher) or `'traditional'` (the
   * key type's own structure: PKCS#1 for RSA, SEC1 for EC). Default: PKCS#8, except, as
   * pyOpenSSL, traditional for an unencrypted DER.
   */
  format?: 'pkcs8' | 'traditional';
  /** Encrypted PKCS#8: PBKDF2 (HMAC-SHA256) iterations (default OpenSSL's, 2048). */
  iterations?: number;
  /** Encrypted PKCS#8: scrypt instead of PBKDF2, with its cost `N` (a power of 2), `r` (default 8) and `p` (default 1). */
  scrypt?: { N: number; r?: number; p?: number };
}

/**
 * Dumps a private key: PEM, DER or text. With `cipher` (e.g. `"aes-256-cbc"`) and a passphrase it
 * is encrypted: PKCS#8 in PEM or DER, or a traditional PEM (`options.format`). `options` choose the
 * structure and the key derivation (`PEM_write_bio_PrivateKey`, `PEM_write_bio_PrivateKey_traditional`,
 * `i2d_PrivateKey_bio`, `PKCS8_set0_pbe` with `PKCS5_pbe2_set_iv` or `PKCS5_pbe2_set_scrypt`;
 * `EVP_PKEY_print_private` for text).
 * @throws a TypeError (`ERR_INVALID_ARG_VALUE`) for a cipher without a passphrase or the reverse, or
 * options that do not fit together; an OpenSSLError for an unknown cipher.
 */
export function dumpPrivatekey(
  type: Filetype,
  pkey: PKey,
  cipher?: string | null,
  passphrase?: PassphraseInput | null,
  options: DumpPrivatekeyOptions = {},
): Buffer {
  const o = optionsOf(options, 'options');
  const scrypt = o.scrypt === undefined ? undefined : optionsOf(o.scrypt, 'options.scrypt');
  if (scrypt && typeof scrypt.N !== 'number') throw argTypeError('The "options.scrypt.N" property must be a number');
  return native.dumpPrivatekey(type, handleOf(pkey, PKey, 'pkey'), cipher, passphrase, o.format ?? null, o.iterations ?? null,
    scrypt?.N ?? null, scrypt?.r ?? null, scrypt?.p ?? null);
}

/** Dumps a public key as SubjectPublicKeyInfo (PEM or DER), or text (`PEM_write_bio_PUBKEY`, `i2d_PUBKEY_bio`, `EVP_PKEY_print_public`). */
export function dumpPublickey(type: Filetype, pkey: PKey): Buffer {
  return native.dumpPublickey(type, handleOf(pkey, PKey, 'pkey'));
}

