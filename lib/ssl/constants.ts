/**
 * SSL constants, read from the linked OpenSSL at load time (pyOpenSSL names and values).
 * @module
 */
import { native } from '../native.js';
import './native-types.js';

const k = native.sslConstants;

/** `SSLv23_METHOD` from the linked OpenSSL (pyOpenSSL method number). */
export const SSLv23_METHOD: number = k.SSLv23_METHOD;
/** `TLSv1_METHOD` from the linked OpenSSL (pyOpenSSL method number). */
export const TLSv1_METHOD: number = k.TLSv1_METHOD;
/** `TLSv1_1_METHOD` from the linked OpenSSL (pyOpenSSL method number). */
export const TLSv1_1_METHOD: number = k.TLSv1_1_METHOD;
/** `TLSv1_2_METHOD` from the linked OpenSSL (pyOpenSSL method number). */
export const TLSv1_2_METHOD: number = k.TLSv1_2_METHOD;
/** `TLS_METHOD` from the linked OpenSSL (pyOpenSSL method number). */
export const TLS_METHOD: number = k.TLS_METHOD;
/** `TLS_SERVER_METHOD` from the linked OpenSSL (pyOpenSSL method number). */
export const TLS_SERVER_METHOD: number = k.TLS_SERVER_METHOD;
/** `TLS_CLIENT_METHOD` from the linked OpenSSL (pyOpenSSL method number). */
export const TLS_CLIENT_METHOD: number = k.TLS_CLIENT_METHOD;
/** `DTLS_METHOD` from the linked OpenSSL (pyOpenSSL method number). */
export const DTLS_METHOD: number = k.DTLS_METHOD;
/** `DTLS_SERVER_METHOD` from the linked OpenSSL (pyOpenSSL method number). */
export const DTLS_SERVER_METHOD: number = k.DTLS_SERVER_METHOD;
/** `DTLS_CLIENT_METHOD` from the linked OpenSSL (pyOpenSSL method number). */
export const DTLS_CLIENT_METHOD: number = k.DTLS_CLIENT_METHOD;
/** `SSL3_VERSION` from the linked OpenSSL. */
export const SSL3_VERSION: number = k.SSL3_VERSION;
/** `TLS1_VERSION` from the linked OpenSSL. */
export const TLS1_VERSION: number = k.TLS1_VERSION;
/** `TLS1_1_VERSION` from the linked OpenSSL. */
export const TLS1_1_VERSION: number = k.TLS1_1_VERSION;
/** `TLS1_2_VERSION` from the linked OpenSSL. */
export const TLS1_2_VERSION: number = k.TLS1_2_VERSION;
/** `TLS1_3_VERSION` from the linked OpenSSL. */
export const TLS1_3_VERSION: number = k.TLS1_3_VERSION;
/** `DTLS1_VERSION` from the linked OpenSSL. */
export const DTLS1_VERSION: number = k.DTLS1_VERSION;
/** `DTLS1_2_VERSION` from the linked OpenSSL. */
export const DTLS1_2_VERSION: number = k.DTLS1_2_VERSION;
/** `OP_ALL` from the linked OpenSSL. */
export const OP_ALL: number = k.OP_ALL;
/** `OP_ALLOW_CLIENT_RENEGOTIATION` from the linked OpenSSL. */
export const OP_ALLOW_CLIENT_RENEGOTIATION: number = k.OP_ALLOW_CLIENT_RENEGOTIATION;
/** `OP_ALLOW_NO_DHE_KEX` from the linked OpenSSL. */
export const OP_ALLOW_NO_DHE_KEX: number = k.OP_ALLOW_NO_DHE_KEX;
/** `OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION` from the linked OpenSSL. */
export const OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION: number = k.OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION;
/** `OP_CIPHER_SERVER_PREFERENCE` from the linked OpenSSL. */
export const OP_CIPHER_SERVER_PREFERENCE: number = k.OP_CIPHER_SERVER_PREFERENCE;
/** `OP_CISCO_ANYCONNECT` from the linked OpenSSL. */
export const OP_CISCO_ANYCONNECT: number = k.OP_CISCO_ANYCONNECT;
/** `OP_CLEANSE_PLAINTEXT` from the linked OpenSSL. */
export const OP_CLEANSE_PLAINTEXT: number = k.OP_CLEANSE_PLAINTEXT;
/** `SSL_OP_NO_TX_CERTIFICATE_COMPRESSION` (OpenSSL 3.2+; undefined before): never send a compressed certificate. */
export const OP_NO_TX_CERTIFICATE_COMPRESSION: number | undefined = k.OP_NO_TX_CERTIFICATE_COMPRESSION;
/** `SSL_OP_NO_RX_CERTIFICATE_COMPRESSION` (OpenSSL 3.2+; undefined before): never ask the peer for a compressed certificate. */
export const OP_NO_RX_CERTIFICATE_COMPRESSION: number | undefined = k.OP_NO_RX_CERTIFICATE_COMPRESSION;
/** `OP_COOKIE_EXCHANGE` from the linked OpenSSL. */
export const OP_COOKIE_EXCHANGE: number = k.OP_COOKIE_EXCHANGE;
/** `OP_CRYPTOPRO_TLSEXT_BUG` from the linked OpenSSL. */
export const OP_CRYPTOPRO_TLSEXT_BUG: number = k.OP_CRYPTOPRO_TLSEXT_BUG;
/** `OP_DISABLE_TLSEXT_CA_NAMES` from the linked OpenSSL. */
export const OP_DISABLE_TLSEXT_CA_NAMES: number = k.OP_DISABLE_TLSEXT_CA_NAMES;
/** `OP_DONT_INSERT_EMPTY_FRAGMENTS` from the linked OpenSSL. */
export const OP_DONT_INSERT_EMPTY_FRAGMENTS: number = k.OP_DONT_INSERT_EMPTY_FRAGMENTS;
/** `SSL_OP_ECH_GREASE` (OpenSSL 4.0+; undefined before): a client sends a GREASE ECH extension. */
export const OP_ECH_GREASE: number | undefined = k.OP_ECH_GREASE;
/** `SSL_OP_ECH_TRIALDECRYPT` (OpenSSL 4.0+): a server tries every key when the config id matches none. */
export const OP_ECH_TRIALDECRYPT: number | undefined = k.OP_ECH_TRIALDECRYPT;
/** `SSL_OP_ECH_IGNORE_CID` (OpenSSL 4.0+): a client sends a random config id. */
export const OP_ECH_IGNORE_CID: number | undefined = k.OP_ECH_IGNORE_CID;
/** `SSL_OP_ECH_GREASE_RETRY_CONFIG` (OpenSSL 4.0+): a server answers GREASE with retry configs. */
export const OP_ECH_GREASE_RETRY_CONFIG: number | undefined = k.OP_ECH_GREASE_RETRY_CONFIG;
/** `OP_ENABLE_KTLS` from the linked OpenSSL. */
export const OP_ENABLE_KTLS: number = k.OP_ENABLE_KTLS;
/** `OP_ENABLE_MIDDLEBOX_COMPAT` from the linked OpenSSL. */
export const OP_ENABLE_MIDDLEBOX_COMPAT: number = k.OP_ENABLE_MIDDLEBOX_COMPAT;
/** `OP_EPHEMERAL_RSA` from the linked OpenSSL. */
export const OP_EPHEMERAL_RSA: number = k.OP_EPHEMERAL_RSA;
/** `OP_IGNORE_UNEXPECTED_EOF` from the linked OpenSSL. */
export const OP_IGNORE_UNEXPECTED_EOF: number = k.OP_IGNORE_UNEXPECTED_EOF;
/** `OP_LEGACY_SERVER_CONNECT` from the linked OpenSSL. */
export const OP_LEGACY_SERVER_CONNECT: number = k.OP_LEGACY_SERVER_CONNECT;
/** `OP_MICROSOFT_BIG_SSLV3_BUFFER` from the linked OpenSSL. */
export const OP_MICROSOFT_BIG_SSLV3_BUFFER: number = k.OP_MICROSOFT_BIG_SSLV3_BUFFER;
/** `OP_MICROSOFT_SESS_ID_BUG` from the linked OpenSSL. */
export const OP_MICROSOFT_SESS_ID_BUG: number = k.OP_MICROSOFT_SESS_ID_BUG;
/** `OP_MSIE_SSLV2_RSA_PADDING` from the linked OpenSSL. */
export const OP_MSIE_SSLV2_RSA_PADDING: number = k.OP_MSIE_SSLV2_RSA_PADDING;
/** `OP_NETSCAPE_CA_DN_BUG` from the linked OpenSSL. */
export const OP_NETSCAPE_CA_DN_BUG: number = k.OP_NETSCAPE_CA_DN_BUG;
/** `OP_NETSCAPE_CHALLENGE_BUG` from the linked OpenSSL. */
export const OP_NETSCAPE_CHALLENGE_BUG: number = k.OP_NETSCAPE_CHALLENGE_BUG;
/** `OP_NETSCAPE_DEMO_CIPHER_CHANGE_BUG` from the linked OpenSSL. */
export const OP_NETSCAPE_DEMO_CIPHER_CHANGE_BUG: number = k.OP_NETSCAPE_DEMO_CIPHER_CHANGE_BUG;
/** `OP_NETSCAPE_REUSE_CIPHER_CHANGE_BUG` from the linked OpenSSL. */
export const OP_NETSCAPE_REUSE_CIPHER_CHANGE_BUG: number = k.OP_NETSCAPE_REUSE_CIPHER_CHANGE_BUG;
/** `OP_NO_ANTI_REPLAY` from the linked OpenSSL. */
export const OP_NO_ANTI_REPLAY: number = k.OP_NO_ANTI_REPLAY;
/** `OP_NO_COMPRESSION` from the linked OpenSSL. */
export const OP_NO_COMPRESSION: number = k.OP_NO_COMPRESSION;
/** `OP_NO_DTLS_MASK` from the linked OpenSSL. */
export const OP_NO_DTLS_MASK: number = k.OP_NO_DTLS_MASK;
/** `OP_NO_ENCRYPT_THEN_MAC` from the linked OpenSSL. */
export const OP_NO_ENCRYPT_THEN_MAC: number = k.OP_NO_ENCRYPT_THEN_MAC;
/** `OP_NO_EXTENDED_MASTER_SECRET` from the linked OpenSSL. */
export const OP_NO_EXTENDED_MASTER_SECRET: number = k.OP_NO_EXTENDED_MASTER_SECRET;
/** `OP_NO_QUERY_MTU` from the linked OpenSSL. */
export const OP_NO_QUERY_MTU: number = k.OP_NO_QUERY_MTU;
/** `OP_NO_RENEGOTIATION` from the linked OpenSSL. */
export const OP_NO_RENEGOTIATION: number = k.OP_NO_RENEGOTIATION;
/** `OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION` from the linked OpenSSL. */
export const OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION: number = k.OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION;
/** `OP_NO_SSL_MASK` from the linked OpenSSL. */
export const OP_NO_SSL_MASK: number = k.OP_NO_SSL_MASK;
/** `OP_NO_TICKET` from the linked OpenSSL. */
export const OP_NO_TICKET: number = k.OP_NO_TICKET;
/** `OP_PKCS1_CHECK_1` from the linked OpenSSL. */
export const OP_PKCS1_CHECK_1: number = k.OP_PKCS1_CHECK_1;
/** `OP_PKCS1_CHECK_2` from the linked OpenSSL. */
export const OP_PKCS1_CHECK_2: number = k.OP_PKCS1_CHECK_2;
/** `OP_PRIORITIZE_CHACHA` from the linked OpenSSL. */
export const OP_PRIORITIZE_CHACHA: number = k.OP_PRIORITIZE_CHACHA;
/** `OP_SAFARI_ECDHE_ECDSA_BUG` from the linked OpenSSL. */
export const OP_SAFARI_ECDHE_ECDSA_BUG: number = k.OP_SAFARI_ECDHE_ECDSA_BUG;
/** `OP_SINGLE_DH_USE` from the linked OpenSSL. */
export const OP_SINGLE_DH_USE: number = k.OP_SINGLE_DH_USE;
/** `OP_SINGLE_ECDH_USE` from the linked OpenSSL. */
export const OP_SINGLE_ECDH_USE: number = k.OP_SINGLE_ECDH_USE;
/** `OP_SSLEAY_080_CLIENT_DH_BUG` from the linked OpenSSL. */
export const OP_SSLEAY_080_CLIENT_DH_BUG: number = k.OP_SSLEAY_080_CLIENT_DH_BUG;
/** `OP_SSLREF2_REUSE_CERT_TYPE_BUG` from the linked OpenSSL. */
export const OP_SSLREF2_REUSE_CERT_TYPE_BUG: number = k.OP_SSLREF2_REUSE_CERT_TYPE_BUG;
/** `OP_TLSEXT_PADDING` from the linked OpenSSL. */
export const OP_TLSEXT_PADDING: number = k.OP_TLSEXT_PADDING;
/** `OP_TLS_BLOCK_PADDING_BUG` from the linked OpenSSL. */
export const OP_TLS_BLOCK_PADDING_BUG: number = k.OP_TLS_BLOCK_PADDING_BUG;
/** `OP_TLS_D5_BUG` from the linked OpenSSL. */
export const OP_TLS_D5_BUG: number = k.OP_TLS_D5_BUG;
/** `OP_TLS_ROLLBACK_BUG` from the linked OpenSSL. */
export const OP_TLS_ROLLBACK_BUG: number = k.OP_TLS_ROLLBACK_BUG;
/** `MODE_ACCEPT_MOVING_WRITE_BUFFER` from the linked OpenSSL. */
export const MODE_ACCEPT_MOVING_WRITE_BUFFER: number = k.MODE_ACCEPT_MOVING_WRITE_BUFFER;
/** `MODE_ASYNC` from the linked OpenSSL. */
export const MODE_ASYNC: number = k.MODE_ASYNC;
/** `MODE_AUTO_RETRY` from the linked OpenSSL. */
export const MODE_AUTO_RETRY: number = k.MODE_AUTO_RETRY;
/** `MODE_DTLS_SCTP_LABEL_LENGTH_BUG` from the linked OpenSSL. */
export const MODE_DTLS_SCTP_LABEL_LENGTH_BUG: number = k.MODE_DTLS_SCTP_LABEL_LENGTH_BUG;
/** `MODE_ENABLE_PARTIAL_WRITE` from the linked OpenSSL. */
export const MODE_ENABLE_PARTIAL_WRITE: number = k.MODE_ENABLE_PARTIAL_WRITE;
/** `MODE_NO_AUTO_CHAIN` from the linked OpenSSL. */
export const MODE_NO_AUTO_CHAIN: number = k.MODE_NO_AUTO_CHAIN;
/** `MODE_RELEASE_BUFFERS` from the linked OpenSSL. */
export const MODE_RELEASE_BUFFERS: number = k.MODE_RELEASE_BUFFERS;
/** `MODE_SEND_CLIENTHELLO_TIME` from the linked OpenSSL. */
export const MODE_SEND_CLIENTHELLO_TIME: number = k.MODE_SEND_CLIENTHELLO_TIME;
/** `MODE_SEND_FALLBACK_SCSV` from the linked OpenSSL. */
export const MODE_SEND_FALLBACK_SCSV: number = k.MODE_SEND_FALLBACK_SCSV;
/** `MODE_SEND_SERVERHELLO_TIME` from the linked OpenSSL. */
export const MODE_SEND_SERVERHELLO_TIME: number = k.MODE_SEND_SERVERHELLO_TIME;
/** `SESS_CACHE_BOTH` from the linked OpenSSL. */
export const SESS_CACHE_BOTH: number = k.SESS_CACHE_BOTH;
/** `SESS_CACHE_CLIENT` from the linked OpenSSL. */
export const SESS_CACHE_CLIENT: number = k.SESS_CACHE_CLIENT;
/** `SESS_CACHE_NO_AUTO_CLEAR` from the linked OpenSSL. */
export const SESS_CACHE_NO_AUTO_CLEAR: number = k.SESS_CACHE_NO_AUTO_CLEAR;
/** `SESS_CACHE_NO_INTERNAL` from the linked OpenSSL. */
export const SESS_CACHE_NO_INTERNAL: number = k.SESS_CACHE_NO_INTERNAL;
/** `SESS_CACHE_NO_INTERNAL_LOOKUP` from the linked OpenSSL. */
export const SESS_CACHE_NO_INTERNAL_LOOKUP: number = k.SESS_CACHE_NO_INTERNAL_LOOKUP;
/** `SESS_CACHE_NO_INTERNAL_STORE` from the linked OpenSSL. */
export const SESS_CACHE_NO_INTERNAL_STORE: number = k.SESS_CACHE_NO_INTERNAL_STORE;
/** `SESS_CACHE_OFF` from the linked OpenSSL. */
export const SESS_CACHE_OFF: number = k.SESS_CACHE_OFF;
/** `SESS_CACHE_SERVER` from the linked OpenSSL. */
export const SESS_CACHE_SERVER: number = k.SESS_CACHE_SERVER;
/** `SESS_CACHE_UPDATE_TIME` from the linked OpenSSL. */
export const SESS_CACHE_UPDATE_TIME: number = k.SESS_CACHE_UPDATE_TIME;
/** `VERIFY_CLIENT_ONCE` from the linked OpenSSL. */
export const VERIFY_CLIENT_ONCE: number = k.VERIFY_CLIENT_ONCE;
/** `VERIFY_FAIL_IF_NO_PEER_CERT` from the linked OpenSSL. */
export const VERIFY_FAIL_IF_NO_PEER_CERT: number = k.VERIFY_FAIL_IF_NO_PEER_CERT;
/** `VERIFY_NONE` from the linked OpenSSL. */
export const VERIFY_NONE: number = k.VERIFY_NONE;
/** `VERIFY_PEER` from the linked OpenSSL. */
export const VERIFY_PEER: number = k.VERIFY_PEER;
/** `VERIFY_POST_HANDSHAKE` from the linked OpenSSL. */
export const VERIFY_POST_HANDSHAKE: number = k.VERIFY_POST_HANDSHAKE;
/** `SSL_CB_ACCEPT_EXIT` from the linked OpenSSL. */
export const SSL_CB_ACCEPT_EXIT: number = k.SSL_CB_ACCEPT_EXIT;
/** `SSL_CB_ACCEPT_LOOP` from the linked OpenSSL. */
export const SSL_CB_ACCEPT_LOOP: number = k.SSL_CB_ACCEPT_LOOP;
/** `SSL_CB_ALERT` from the linked OpenSSL. */
export const SSL_CB_ALERT: number = k.SSL_CB_ALERT;
/** `SSL_CB_CONNECT_EXIT` from the linked OpenSSL. */
export const SSL_CB_CONNECT_EXIT: number = k.SSL_CB_CONNECT_EXIT;
/** `SSL_CB_CONNECT_LOOP` from the linked OpenSSL. */
export const SSL_CB_CONNECT_LOOP: number = k.SSL_CB_CONNECT_LOOP;
/** `SSL_CB_EXIT` from the linked OpenSSL. */
export const SSL_CB_EXIT: number = k.SSL_CB_EXIT;
/** `SSL_CB_HANDSHAKE_DONE` from the linked OpenSSL. */
export const SSL_CB_HANDSHAKE_DONE: number = k.SSL_CB_HANDSHAKE_DONE;
/** `SSL_CB_HANDSHAKE_START` from the linked OpenSSL. */
export const SSL_CB_HANDSHAKE_START: number = k.SSL_CB_HANDSHAKE_START;
/** `SSL_CB_LOOP` from the linked OpenSSL. */
export const SSL_CB_LOOP: number = k.SSL_CB_LOOP;
/** `SSL_CB_READ` from the linked OpenSSL. */
export const SSL_CB_READ: number = k.SSL_CB_READ;
/** `SSL_CB_READ_ALERT` from the linked OpenSSL. */
export const SSL_CB_READ_ALERT: number = k.SSL_CB_READ_ALERT;
/** `SSL_CB_WRITE` from the linked OpenSSL. */
export const SSL_CB_WRITE: number = k.SSL_CB_WRITE;
/** `SSL_CB_WRITE_ALERT` from the linked OpenSSL. */
export const SSL_CB_WRITE_ALERT: number = k.SSL_CB_WRITE_ALERT;
/** `SSL_ST_ACCEPT` from the linked OpenSSL. */
export const SSL_ST_ACCEPT: number = k.SSL_ST_ACCEPT;
/** `SSL_ST_CONNECT` from the linked OpenSSL. */
export const SSL_ST_CONNECT: number = k.SSL_ST_CONNECT;
/** `SSL_ST_MASK` from the linked OpenSSL. */
export const SSL_ST_MASK: number = k.SSL_ST_MASK;
/** `SSL_ST_READ_BODY` from the linked OpenSSL. */
export const SSL_ST_READ_BODY: number = k.SSL_ST_READ_BODY;
/** `SSL_ST_READ_DONE` from the linked OpenSSL. */
export const SSL_ST_READ_DONE: number = k.SSL_ST_READ_DONE;
/** `SSL_ST_READ_HEADER` from the linked OpenSSL. */
export const SSL_ST_READ_HEADER: number = k.SSL_ST_READ_HEADER;
/** `OP_NO_SSLv2` from the linked OpenSSL. */
export const OP_NO_SSLv2: number = k.OP_NO_SSLv2;
/** `OP_NO_SSLv3` from the linked OpenSSL. */
export const OP_NO_SSLv3: number = k.OP_NO_SSLv3;
/** `OP_NO_TLSv1` from the linked OpenSSL. */
export const OP_NO_TLSv1: number = k.OP_NO_TLSv1;
/** `OP_NO_TLSv1_1` from the linked OpenSSL. */
export const OP_NO_TLSv1_1: number = k.OP_NO_TLSv1_1;
/** `OP_NO_TLSv1_2` from the linked OpenSSL. */
export const OP_NO_TLSv1_2: number = k.OP_NO_TLSv1_2;
/** `OP_NO_TLSv1_3` from the linked OpenSSL. */
export const OP_NO_TLSv1_3: number = k.OP_NO_TLSv1_3;
/** `OP_NO_DTLSv1` from the linked OpenSSL. */
export const OP_NO_DTLSv1: number = k.OP_NO_DTLSv1;
/** `OP_NO_DTLSv1_2` from the linked OpenSSL. */
export const OP_NO_DTLSv1_2: number = k.OP_NO_DTLSv1_2;
/** `SENT_SHUTDOWN` from the linked OpenSSL. */
export const SENT_SHUTDOWN: number = k.SENT_SHUTDOWN;
/** `RECEIVED_SHUTDOWN` from the linked OpenSSL. */
export const RECEIVED_SHUTDOWN: number = k.RECEIVED_SHUTDOWN;
/** `TLSEXT_ERR_OK` from the linked OpenSSL. */
export const TLSEXT_ERR_OK: number = k.TLSEXT_ERR_OK;
/** `TLSEXT_ERR_ALERT_FATAL` from the linked OpenSSL. */
export const TLSEXT_ERR_ALERT_FATAL: number = k.TLSEXT_ERR_ALERT_FATAL;
/** `TLSEXT_ERR_NOACK` from the linked OpenSSL. */
export const TLSEXT_ERR_NOACK: number = k.TLSEXT_ERR_NOACK;
/** `TLSEXT_STATUSTYPE_ocsp` from the linked OpenSSL. */
export const TLSEXT_STATUSTYPE_ocsp: number = k.TLSEXT_STATUSTYPE_ocsp;
/** `X509_CHECK_FLAG_ALWAYS_CHECK_SUBJECT` from the linked OpenSSL. */
export const X509_CHECK_FLAG_ALWAYS_CHECK_SUBJECT: number = k.X509_CHECK_FLAG_ALWAYS_CHECK_SUBJECT;
/** `X509_CHECK_FLAG_NO_WILDCARDS` from the linked OpenSSL. */
export const X509_CHECK_FLAG_NO_WILDCARDS: number = k.X509_CHECK_FLAG_NO_WILDCARDS;
/** `X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS` from the linked OpenSSL. */
export const X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS: number = k.X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS;
/** `X509_CHECK_FLAG_MULTI_LABEL_WILDCARDS` from the linked OpenSSL. */
export const X509_CHECK_FLAG_MULTI_LABEL_WILDCARDS: number = k.X509_CHECK_FLAG_MULTI_LABEL_WILDCARDS;
/** `X509_CHECK_FLAG_SINGLE_LABEL_SUBDOMAINS` from the linked OpenSSL. */
export const X509_CHECK_FLAG_SINGLE_LABEL_SUBDOMAINS: number = k.X509_CHECK_FLAG_SINGLE_LABEL_SUBDOMAINS;
/** `X509_CHECK_FLAG_NEVER_CHECK_SUBJECT` from the linked OpenSSL. */
export const X509_CHECK_FLAG_NEVER_CHECK_SUBJECT: number = k.X509_CHECK_FLAG_NEVER_CHECK_SUBJECT;

/** The `X509_V_OK` / `X509_V_ERR_*` codes a verify callback receives, by name without the `X509_V_` prefix (`OK`, `ERR_CERT_HAS_EXPIRED`, ...). */
export const X509VerificationCodes: Readonly<Record<string, number>> = Object.freeze({ ...k.X509VerificationCodes });

/** `MSG_PEEK` for `Connection.recv(n, MSG_PEEK)`: read without consuming. */
export const MSG_PEEK = 2;

/** Returned by an ALPN select callback to finish the handshake without ALPN (`SSL_TLSEXT_ERR_NOACK`). */
export const NO_OVERLAPPING_PROTOCOLS: unique symbol = Symbol('NO_OVERLAPPING_PROTOCOLS');

/** True when the OpenSSL the binding runs has raw public keys (RFC 7250; 3.2 and later). */
export const RPK_SUPPORTED: boolean = native.rpkSupported;
