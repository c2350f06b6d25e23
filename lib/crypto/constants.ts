/**
 * crypto constants, with the values of the linked OpenSSL.
 * @module
 */
import { native } from '../native.js';
import './native-types.js';

/** PEM encoding (`SSL_FILETYPE_PEM`). */
export const FILETYPE_PEM = 1;
/** DER encoding (`SSL_FILETYPE_ASN1`). */
export const FILETYPE_ASN1 = 2;
/** Human-readable text, as the `openssl ... -text` commands print it (pyOpenSSL's value). */
export const FILETYPE_TEXT = 65535;
/** One of the FILETYPE_* values. */
export type Filetype = typeof FILETYPE_PEM | typeof FILETYPE_ASN1 | typeof FILETYPE_TEXT;

/** `EVP_PKEY_RSA`. */
export const TYPE_RSA: number = native.pkeyTypes.TYPE_RSA!;
/** `EVP_PKEY_DSA`. */
export const TYPE_DSA: number = native.pkeyTypes.TYPE_DSA!;
/** `EVP_PKEY_DH`. */
export const TYPE_DH: number = native.pkeyTypes.TYPE_DH!;
/** `EVP_PKEY_EC`. */
export const TYPE_EC: number = native.pkeyTypes.TYPE_EC!;
/** `EVP_PKEY_ED25519`. */
export const TYPE_ED25519: number = native.pkeyTypes.TYPE_ED25519!;
/** `EVP_PKEY_ED448`. */
export const TYPE_ED448: number = native.pkeyTypes.TYPE_ED448!;
/** `EVP_PKEY_X25519`. */
export const TYPE_X25519: number = native.pkeyTypes.TYPE_X25519!;
/** `EVP_PKEY_X448`. */
export const TYPE_X448: number = native.pkeyTypes.TYPE_X448!;
