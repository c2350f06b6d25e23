/// <reference types="node" preserve="true" />
/**
 * The `crypto` namespace: pyOpenSSL's `OpenSSL.crypto`, camelCased, with the APIs pyOpenSSL
 * deprecated or removed kept first-class.
 * @module
 */
export { OpenSSLError as Error, OpenSSLError } from '../errors.js';
export type { OpenSSLErrorEntry } from '../errors.js';
export { digest, digestAsync, randomBytes, randomBytesAsync } from '../util.js';
export * from './constants.js';
export { PKey, loadPrivatekey, loadPublickey, dumpPrivatekey, dumpPublickey } from './pkey.js';
export type { GenerateOptions, DumpPrivatekeyOptions } from './pkey.js';
export type { PassphraseInput } from './native-types.js';
export { X509Name } from './x509name.js';
export { X509, loadCertificate, dumpCertificate } from './x509.js';
export { X509Store, X509StoreFlags, X509Purpose, X509CheckFlags, X509Trust, X509VerificationCodes } from './x509store.js';
export { X509StoreContext, X509StoreContextError } from './x509storecontext.js';
export { CRL, Revoked, loadCrl, dumpCrl } from './crl.js';
export { PKCS12, loadPkcs12, loadPkcs12Async } from './pkcs12.js';
export type { PKCS12ExportOptions } from './pkcs12.js';
export { PKCS7, loadPkcs7Data } from './pkcs7.js';
export { OCSPRequest, OCSPResponse, OCSPConstants, loadOcspResponse } from './ocsp.js';
export type { OCSPSingleResponse, OCSPCertStatus, OCSPResponseStatus, OCSPVerifyOptions, OCSPResponseEntry, OCSPResponseOptions } from './ocsp.js';
export { loadProvider, listProviders, describeProviders, setProviderSearchPath, providerSearchPath, providerAlgorithms } from './provider.js';
export type { ProviderInfo, ProviderAlgorithms } from './provider.js';
export { X509Extension } from './x509extension.js';
export { X509Req, loadCertificateRequest, dumpCertificateRequest } from './x509req.js';
export { sign, verify, verifyWithKey } from './sign.js';
export type { SignatureOptions } from './sign.js';
export { NetscapeSPKI } from './netscape-spki.js';
export { EllipticCurve, getEllipticCurves, getEllipticCurve } from './curves.js';
