/**
 * `PKCS12`: key + certificate + CA certificates bundles (pyOpenSSL's removed API, first-class).
 * @module
 */
import { native } from '../native.js';
import { bytesOf, handleOf, listOf, optionsOf } from '../handle.js';
import type { NativePKCS12CreateArgs, NativePKCS12Parts } from './trust-native.js';
import { PKey } from './pkey.js';
import { X509 } from './x509.js';

function bytesOrNull(v: string | Uint8Array | null | undefined, name: string): Uint8Array | null {
  return v === null || v === undefined ? null : bytesOf(v, name);
}

/** Options of {@link PKCS12.export}. */
export interface PKCS12ExportOptions {
  /** Encryption iterations (default 2048). */
  iter?: number;
  /** MAC iterations (default 2048; 0 or less: no MAC). */
  maciter?: number;
  /**
   * Legacy algorithms (3DES for the key, RC2-40 for certificates, SHA-1 MAC) for old readers.
   * Needs the legacy provider: `crypto.loadProvider('legacy')`.
   */
  legacy?: boolean;
  /** Key PBE algorithm by OpenSSL name (overrides the default / legacy choice), or `"NONE"`. */
  keyPbe?: string;
  /** Certificate PBE algorithm by OpenSSL name, or `"NONE"`. */
  certPbe?: string;
  /** MAC digest name (default SHA-256, SHA-1 when legacy). */
  macDigest?: string;
}

/**
 * A PKCS#12 bundle. By default {@link PKCS12.export} writes modern bundles (PBES2 with
 * AES-256-CBC, SHA-256 MAC); legacy ones on request. The parts are held here in JS: the getters
 * and setters call no OpenSSL function; {@link loadPkcs12} (`PKCS12_parse`) fills them and
 * {@link PKCS12.export} (`PKCS12_create`) writes them.
 *
 * @example
 * ```ts
 * import { crypto } from 'openssl-napi';
 *
 * // key: a PKey; cert, caCert: X509
 * const p12 = new crypto.PKCS12();
 * p12.setPrivatekey(key);
 * p12.setCertificate(cert);
 * p12.setCaCertificates([caCert]);
 * p12.setFriendlyname('server');
 * const der = p12.export('secret');
 * const back = crypto.loadPkcs12(der, 'secret');
 * console.log(back.getCertificate()?.getSubject().CN);
 * ```
 */
export class PKCS12 {
  private key: PKey | null = null;
  private cert: X509 | null = null;
  private ca: X509[] | null = null;
  private name: Buffer | null = null;

  /** @internal */
  static _fromParts(p: NativePKCS12Parts): PKCS12 {
    const b = new PKCS12();
    b.key = p.key ? PKey._wrap(p.key) : null;
    b.cert = p.cert ? X509._wrap(p.cert) : null;
    b.ca = p.ca.length ? p.ca.map((h) => X509._wrap(h)) : null;
    b.name = p.friendlyName;
    return b;
  }

  /** The certificate, or null (no OpenSSL call). */
  getCertificate(): X509 | null {
    return this.cert;
  }

  /** Sets (or clears) the certificate (no OpenSSL call; copied at export). */
  setCertificate(cert: X509 | null): void {
    if (cert !== null) handleOf(cert, X509, 'cert');
    this.cert = cert;
  }

  /** The private key, or null (no OpenSSL call). */
  getPrivatekey(): PKey | null {
    return this.key;
  }

  /** Sets (or clears) the private key (no OpenSSL call; copied at export). */
  setPrivatekey(pkey: PKey | null): void {
    if (pkey !== null) handleOf(pkey, PKey, 'pkey');
    this.key = pkey;
  }

  /** The CA certificates, or null when there are none (no OpenSSL call). */
  getCaCertificates(): X509[] | null {
    return this.ca ? [...this.ca] : null;
  }

  /** Sets (or clears) the CA certificates (no OpenSSL call; copied at export). */
  setCaCertificates(cacerts: Iterable<X509> | null): void {
    if (cacerts === null) {
      this.ca = null;
      return;
    }
    const list = listOf(cacerts, 'cacerts');
    list.forEach((c, i) => handleOf(c, X509, `cacerts[${i}]`));
    this.ca = list;
  }

  /** The friendly name (from a loaded bundle: the certificate's alias, `X509_alias_get0`), or null. */
  getFriendlyname(): Buffer | null {
    return this.name;
  }

  /** Sets (or clears) the friendly name (no OpenSSL call; the `name` of `PKCS12_create` at export). */
  setFriendlyname(name: string | Uint8Array | null): void {
    const b = bytesOrNull(name, 'name');
    this.name = b === null ? null : Buffer.from(b);
  }

  private args(passphrase: string | Uint8Array | null | undefined, iter: number, maciter: number, opts: Partial<PKCS12ExportOptions>): NativePKCS12CreateArgs {
    const legacy = opts.legacy === true;
    return {
      key: this.key ? handleOf(this.key, PKey, 'privatekey') : null,
      cert: this.cert ? handleOf(this.cert, X509, 'certificate') : null,
      ca: (this.ca ?? []).map((c, i) => handleOf(c, X509, `cacerts[${i}]`)),
      friendlyName: this.name,
      passphrase: bytesOrNull(passphrase, 'passphrase'),
      iter,
      macIter: maciter,
      keyPbe: opts.keyPbe ?? (legacy ? 'PBE-SHA1-3DES' : null),
      certPbe: opts.certPbe ?? (legacy ? 'PBE-SHA1-RC2-40' : null),
      macDigest: opts.macDigest ?? (legacy ? 'sha1' : null),
    };
  }

  /**
   * The DER bundle, encrypted with `passphrase` (`PKCS12_create`, `PKCS12_set_mac`, `i2d_PKCS12`).
   * `options` override `iter` and `maciter`.
   * @throws a TypeError when the bundle would be empty or the key is public only, a RangeError for
   * an unknown algorithm or digest, an OpenSSLError when OpenSSL fails (e.g. a legacy algorithm
   * without the legacy provider).
   */
  export(passphrase?: string | Uint8Array | null, iter = 2048, maciter = 2048, options: PKCS12ExportOptions | null = {}): Buffer {
    const o = optionsOf(options);
    return native.pkcs12Create(this.args(passphrase, o.iter ?? iter, o.maciter ?? maciter, o));
  }

  /**
   * {@link PKCS12.export} on the libuv thread pool (`PKCS12_create`, `PKCS12_set_mac`). The key and
   * certificates are copied when it is called (`EVP_PKEY_dup`, `X509_dup`): changing them before the
   * Promise settles does not change the bundle.
   */
  exportAsync(passphrase?: string | Uint8Array | null, iter = 2048, maciter = 2048, options: PKCS12ExportOptions | null = {}): Promise<Buffer> {
    try {
      const o = optionsOf(options);
      return native.pkcs12CreateAsync(this.args(passphrase, o.iter ?? iter, o.maciter ?? maciter, o));
    } catch (e) {
      return Promise.reject(e);
    }
  }
}

/** Parses a DER PKCS#12 bundle (`d2i_PKCS12_bio`, `PKCS12_parse`); a wrong passphrase is an OpenSSLError. */
export function loadPkcs12(buffer: Uint8Array, passphrase?: string | Uint8Array | null): PKCS12 {
  return PKCS12._fromParts(native.pkcs12Parse(buffer, bytesOrNull(passphrase, 'passphrase')));
}

/** {@link loadPkcs12} on the libuv thread pool (`d2i_PKCS12_bio`, `PKCS12_parse`); the Promise rejects as loadPkcs12 throws. */
export async function loadPkcs12Async(buffer: Uint8Array, passphrase?: string | Uint8Array | null): Promise<PKCS12> {
  return PKCS12._fromParts(await native.pkcs12ParseAsync(buffer, bytesOrNull(passphrase, 'passphrase')));
}
