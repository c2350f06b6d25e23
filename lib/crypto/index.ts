/**
 * The `crypto` namespace: pyOpenSSL's `OpenSSL.crypto`, camelCased, with the APIs pyOpenSSL
 * deprecated or removed kept first-class.
 * @module
 */
export { OpenSSLError as Error, OpenSSLError } from '../errors.js';
export type { OpenSSLErrorEntry } from '../errors.js';
export { digest, digestAsync, randomBytes, randomBytesAsync } from '../util.js';
