/// <reference types="node" preserve="true" />
/**
 * openssl-napi: a faithful, low-level OpenSSL binding for Node.js with pyOpenSSL's API.
 *
 * ```ts
 * import { SSL, crypto, version } from 'openssl-napi';
 * ```
 * @module
 */
export * as SSL from './ssl/index.js';
export * as crypto from './crypto/index.js';
export {
  OpenSSLError,
  WantReadError,
  WantWriteError,
  WantX509LookupError,
  ZeroReturnError,
  SysCallError,
} from './errors.js';
export type { OpenSSLErrorEntry } from './errors.js';
export { version } from './version.js';
export type { VersionInfo } from './version.js';
export { digest, digestAsync, randomBytes, randomBytesAsync } from './util.js';
export { PKey, X509, X509Name } from './crypto/index.js';
export { X509Store, X509StoreContext, X509StoreContextError, CRL, Revoked } from './crypto/index.js';
export { PKCS12, PKCS7, OCSPRequest, OCSPResponse } from './crypto/index.js';
export { X509Extension, X509Req, NetscapeSPKI, EllipticCurve } from './crypto/index.js';
export { Context, Connection, Session } from './ssl/index.js';
