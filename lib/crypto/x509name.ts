/**
 * `X509Name`: a distinguished name, owned or a live view into a certificate, CSR or CRL.
 * @module
 */
import { native } from '../native.js';
import { handleOf, isUint8Array } from '../handle.js';
import type { NativeX509Name } from './native-types.js';

/**
 * A distinguished name (`X509_NAME`). Attributes read and write by their OpenSSL short or long
 * names: `name.CN`, `name.commonName`, `name.O`, `name.emailAddress`, ... Reading an absent
 * attribute gives `null`; writing replaces it (UTF-8; NUL bytes are kept); writing an unknown
 * attribute is a TypeError. Reads use `X509_NAME_get_index_by_NID` (the first entry of that type),
 * writes `X509_NAME_delete_entry` and `X509_NAME_add_entry_by_NID`.
 *
 * A name got from `X509.getSubject()`/`getIssuer()` is a live view: writes go through to the
 * certificate, and it keeps the certificate alive. After `setSubject`/`setIssuer` replaced that
 * name, older views throw `ERR_OPENSSL_NAPI_STALE_VIEW` (pyOpenSSL's rule).
 */
export class X509Name {
  /** @internal */
  _h!: NativeX509Name;

  /** Common name (`CN`). */
  declare CN: string | null;
  /** Common name. */
  declare commonName: string | null;
  /** Country (`C`). */
  declare C: string | null;
  /** Country. */
  declare countryName: string | null;
  /** State or province (`ST`). */
  declare ST: string | null;
  /** State or province. */
  declare stateOrProvinceName: string | null;
  /** Locality (`L`). */
  declare L: string | null;
  /** Locality. */
  declare localityName: string | null;
  /** Organization (`O`). */
  declare O: string | null;
  /** Organization. */
  declare organizationName: string | null;
  /** Organizational unit (`OU`). */
  declare OU: string | null;
  /** Organizational unit. */
  declare organizationalUnitName: string | null;
  /** E-mail address. */
  declare emailAddress: string | null;
  /** Other attributes by OpenSSL name (`serialNumber`, `title`, `DC`, ...). */
  [attribute: string]: unknown;

  /** A copy of `name` (`X509_NAME_dup`), or an empty name (`X509_NAME_new`). */
  constructor(name?: X509Name) {
    const h = name === undefined ? new native.X509Name() : new native.X509Name(handleOf(name, X509Name, 'name'));
    return X509Name._proxy(h);
  }

  /** @internal Wraps a native handle. */
  static _wrap(h: NativeX509Name): X509Name {
    return X509Name._proxy(h);
  }

  private static _proxy(h: NativeX509Name): X509Name {
    const target = Object.create(X509Name.prototype) as X509Name;
    Object.defineProperty(target, '_h', { value: h, enumerable: false });
    return new Proxy(target, {
      get(t, prop, receiver) {
        if (typeof prop !== 'string' || prop in t) return Reflect.get(t, prop, receiver);
        return isAttributeName(prop) ? h.getEntry(prop) : undefined;
      },
      set(t, prop, value, receiver) {
        if (typeof prop !== 'string' || prop in t) return Reflect.set(t, prop, value, receiver);
        if (typeof value !== 'string' && !(isUint8Array(value))) {
          throw Object.assign(new TypeError(`X509Name attribute ${prop} must be a string or Buffer`), { code: 'ERR_INVALID_ARG_TYPE' });
        }
        h.setEntry(prop, value); // throws TypeError for names OpenSSL does not know
        return true;
      },
    });
  }

  /** `[shortName, value]` pairs in order, as bytes (NUL-safe; `X509_NAME_get_entry`, `X509_NAME_ENTRY_get_data`). */
  getComponents(): [Buffer, Buffer][] {
    return this._h.getComponents();
  }

  /** `X509_NAME_hash_ex`: the hash used for CA directory lookups. */
  hash(): number {
    return this._h.hash();
  }

  /** DER encoding (`i2d_X509_NAME`). */
  der(): Buffer {
    return this._h.der();
  }

  /** True when the names are equal (`X509_NAME_cmp`). */
  equals(other: X509Name): boolean {
    return this._h.compare(handleOf(other, X509Name, 'other')) === 0;
  }

  /** -1, 0 or 1 as `X509_NAME_cmp` orders the names. */
  compare(other: X509Name): number {
    return this._h.compare(handleOf(other, X509Name, 'other'));
  }

  /** The RFC 2253 string, e.g. `CN=example.com,O=Example` (`X509_NAME_print_ex` with `XN_FLAG_RFC2253`, UTF-8 kept unescaped). */
  rfc2253(): string {
    return this._h.rfc2253();
  }

  /** OpenSSL's one-line form, e.g. `/O=Example/CN=example.com` (`X509_NAME_oneline`). */
  toString(): string {
    return this._h.oneline();
  }

  /** pyOpenSSL's repr: `<X509Name object '/CN=example.com'>`. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    if (this._h.isFreed() && !this._h.isView()) return '<X509Name object (freed)>';
    try {
      return `<X509Name object '${this._h.oneline()}'>`;
    } catch {
      return '<X509Name object (unavailable)>';
    }
  }

  /** Releases the name (`X509_NAME_free`; a view owns no name and lets go of its certificate). */
  free(): void {
    this._h.free();
  }

  /** Same as {@link X509Name.free}, for `using` (`X509_NAME_free`). */
  [Symbol.dispose](): void {
    this._h.free();
  }
}

const probe = new native.X509Name();
const attributeCache = new Map<string, boolean>();
function isAttributeName(prop: string): boolean {
  let known = attributeCache.get(prop);
  if (known === undefined) {
    try {
      probe.getEntry(prop);
      known = true;
    } catch {
      known = false;
    }
    if (attributeCache.size < 1024) attributeCache.set(prop, known);
  }
  return known;
}
