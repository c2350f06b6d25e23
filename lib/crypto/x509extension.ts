/**
 * `X509Extension`: an X.509 v3 extension built from an OpenSSL configuration string.
 * @module
 */
import { native } from '../native.js';
import { argTypeError, handleOf, isUint8Array, optionsOf } from '../handle.js';
import type { NativeX509Extension } from './native-types.js';
import { X509 } from './x509.js';

/**
 * A v3 extension (`X509_EXTENSION`), built like `openssl x509 -extfile` lines:
 * `new X509Extension('basicConstraints', true, 'CA:TRUE')`,
 * `new X509Extension('subjectAltName', false, 'DNS:example.com, IP:127.0.0.1')`,
 * `new X509Extension('subjectKeyIdentifier', false, 'hash', cert)`,
 * `new X509Extension('authorityKeyIdentifier', false, 'keyid:always', null, issuerCert)`.
 * A value OpenSSL cannot parse, or an unknown type name, is a `crypto.Error` (OpenSSLError).
 */
export class X509Extension {
  /** @internal */
  _h: NativeX509Extension;

  /**
   * Builds the extension from its configuration text (`X509V3_EXT_nconf`, with `X509V3_set_ctx`
   * for `subject` and `issuer`).
   * @param typeName extension name (`basicConstraints`, `keyUsage`, `extendedKeyUsage`, `subjectAltName`, ...)
   * @param critical whether the extension is marked critical
   * @param value the OpenSSL configuration value, e.g. `CA:TRUE,pathlen:0`
   * @param subject the certificate being built (needed by `subjectKeyIdentifier=hash`)
   * @param issuer the issuer certificate (needed by `authorityKeyIdentifier`)
   * @param options.config the sections that `@section` references in `value` name, as in an
   *   `openssl x509 -extfile` file: an object of sections (`{ alt: { 'DNS.1': 'a.example' } }`) or
   *   the text of a config file (`X509V3_set_nconf`), e.g.
   *   `new X509Extension('certificatePolicies', false, '@pol', null, null, { config: { pol: { policyIdentifier: '1.2.3.4', 'CPS.1': 'https://cps.example' } } })`
   * @throws an OpenSSLError for an unknown type name, a value OpenSSL cannot parse, or a config that
   *   does not parse (`NCONF_load_bio`).
   */
  constructor(
    typeName: string | Uint8Array,
    critical: boolean,
    value: string | Uint8Array,
    subject?: X509 | null,
    issuer?: X509 | null,
    options: { config?: string | Record<string, Record<string, string | number>> } = {},
  ) {
    const config = optionsOf(options, 'options').config;
    this._h = new native.X509Extension(
      text(typeName, 'typeName'),
      critical,
      text(value, 'value'),
      subject == null ? null : handleOf(subject, X509, 'subject'),
      issuer == null ? null : handleOf(issuer, X509, 'issuer'),
      config === undefined || config === null ? null : typeof config === 'string' ? config : configText(config),
    );
  }

  /** @internal Wraps a native handle. */
  static _wrap(h: NativeX509Extension): X509Extension {
    const e = Object.create(X509Extension.prototype) as X509Extension;
    e._h = h;
    return e;
  }

  /** True when the extension is critical (`X509_EXTENSION_get_critical`). */
  getCritical(): boolean {
    return this._h.getCritical();
  }

  /** The extension's short name, e.g. `"basicConstraints"`, `"subjectAltName"` (dotted OID if unknown; `X509_EXTENSION_get_object`, `OBJ_nid2sn`). */
  getShortName(): string {
    return this._h.getShortName();
  }

  /** The DER encoding of the extension's value (the contents of its OCTET STRING; `X509_EXTENSION_get_data`). */
  getData(): Buffer {
    return this._h.getData();
  }

  /** The whole extension (OID, critical flag, value) as DER (`i2d_X509_EXTENSION`). */
  toDER(): Buffer {
    return this._h.toDER();
  }

  /**
   * The value as OpenSSL prints it, e.g. `"CA:TRUE"`, `"DNS:example.com, IP Address:127.0.0.1"`
   * (`X509V3_EXT_print`; subjectAltName one `GENERAL_NAME_print` after another, as pyOpenSSL).
   */
  toString(): string {
    return this._h.toString();
  }

  /** Releases the extension now instead of at garbage collection (`X509_EXTENSION_free`). */
  free(): void {
    this._h.free();
  }

  /** Same as {@link X509Extension.free}, for `using` (`X509_EXTENSION_free`). */
  [Symbol.dispose](): void {
    this._h.free();
  }
}

function text(v: unknown, name: string): string {
  if (typeof v === 'string') return v;
  if (isUint8Array(v)) return Buffer.from(v).toString('utf8');
  throw Object.assign(new TypeError(`The "${name}" argument must be a string or Buffer`), { code: 'ERR_INVALID_ARG_TYPE' });
}

/** @internal Unwraps an array of extensions. */
export function extensionHandles(exts: unknown): NativeX509Extension[] {
  if (!Array.isArray(exts)) {
    throw Object.assign(new TypeError('The "extensions" argument must be an array of X509Extension'), { code: 'ERR_INVALID_ARG_TYPE' });
  }
  return exts.map((e) => handleOf(e, X509Extension, 'extensions'));
}

/** An object of sections as OpenSSL config text; values escaped so that they stay literal. */
function configText(sections: Record<string, Record<string, string | number>>): string {
  if (sections === null || typeof sections !== 'object') throw argTypeError('The "options.config" property must be a string or an object of sections');
  const escape = (v: string) => v.replace(/[\\$#"']/g, (c) => `\\${c}`).replace(/\n/g, '\\n');
  const name = /^[A-Za-z0-9_.;-]+$/;
  let out = '';
  for (const [section, entries] of Object.entries(sections)) {
    if (!name.test(section) || entries === null || typeof entries !== 'object') {
      throw argTypeError(`The config section "${section}" must have a plain name and an object of entries`);
    }
    out += `[${section}]\n`;
    for (const [key, value] of Object.entries(entries)) {
      if (!name.test(key) || (typeof value !== 'string' && typeof value !== 'number')) {
        throw argTypeError(`The config entry "${section}.${key}" must have a plain name and a string or number value`);
      }
      out += `${key} = ${escape(String(value))}\n`;
    }
  }
  return out;
}
