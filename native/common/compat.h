// Where the OpenSSL versions the binding builds against (3.0 to 4.0) differ in their API. Version
// checks belong here and nowhere else.
#pragma once
#include <openssl/opensslv.h>

// Encrypted Client Hello: OpenSSL 4.0 (RFC 9849), unless built with no-ech.
#if OPENSSL_VERSION_MAJOR >= 4 && !defined(OPENSSL_NO_ECH)
#define OSSL_NAPI_HAS_ECH 1
#else
#define OSSL_NAPI_HAS_ECH 0
#endif

// Raw public keys (RFC 7250): OpenSSL 3.2 and later.
#if OPENSSL_VERSION_NUMBER >= 0x30200000L
#define OSSL_NAPI_HAS_RPK 1
#else
#define OSSL_NAPI_HAS_RPK 0
#endif

// Certificate compression (RFC 8879): OpenSSL 3.2 and later (built with zlib, brotli or zstd).
#if OPENSSL_VERSION_NUMBER >= 0x30200000L
#define OSSL_NAPI_HAS_CERT_COMPRESSION 1
#else
#define OSSL_NAPI_HAS_CERT_COMPRESSION 0
#endif

// OSSL_PROVIDER_get0_default_search_path: OpenSSL 3.5 and later.
#if OPENSSL_VERSION_NUMBER >= 0x30500000L
#define OSSL_NAPI_HAS_PROVIDER_SEARCH_PATH_GETTER 1
#else
#define OSSL_NAPI_HAS_PROVIDER_SEARCH_PATH_GETTER 0
#endif

namespace ossl {

// OpenSSL 4.0 made the accessors of a certificate's, request's and CRL's names, of name entries
// and of extensions return const. The X509Name views edit a certificate's names in place
// (pyOpenSSL's semantics; 3.x returns them non-const), and a few 3.x functions that only read
// (X509V3_EXT_print) still take non-const: this one cast serves both from one source.
template <class T>
T* Mutable(const T* p) {
  return const_cast<T*>(p);
}

}  // namespace ossl
