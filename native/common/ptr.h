// Owning smart pointers for OpenSSL objects: one alias per type, the free function as deleter.
#pragma once
#include <memory>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace ossl {

template <class T, void (*Free)(T*)>
struct FreeWith {
  void operator()(T* p) const noexcept {
    if (p != nullptr) Free(p);
  }
};

template <class T, void (*Free)(T*)>
using Ptr = std::unique_ptr<T, FreeWith<T, Free>>;

inline void FreeBIO(BIO* b) { BIO_free_all(b); }
inline void FreeOpenSSLBytes(unsigned char* p) { OPENSSL_free(p); }
inline void FreeOpenSSLChars(char* p) { OPENSSL_free(p); }
inline void FreeX509Stack(STACK_OF(X509) * s) { sk_X509_pop_free(s, X509_free); }
inline void FreeExtStack(STACK_OF(X509_EXTENSION) * s) { sk_X509_EXTENSION_pop_free(s, X509_EXTENSION_free); }

using BIOPtr = Ptr<BIO, FreeBIO>;
using BNPtr = Ptr<BIGNUM, BN_free>;
using BNCtxPtr = Ptr<BN_CTX, BN_CTX_free>;
using BytesPtr = Ptr<unsigned char, FreeOpenSSLBytes>;
using CharsPtr = Ptr<char, FreeOpenSSLChars>;
using ASN1IntegerPtr = Ptr<ASN1_INTEGER, ASN1_INTEGER_free>;
using ASN1TimePtr = Ptr<ASN1_TIME, ASN1_TIME_free>;
using EVPPKeyPtr = Ptr<EVP_PKEY, EVP_PKEY_free>;
using EVPPKeyCtxPtr = Ptr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using EVPMDCtxPtr = Ptr<EVP_MD_CTX, EVP_MD_CTX_free>;
using EVPMDPtr = Ptr<EVP_MD, EVP_MD_free>;
using SSLCtxPtr = Ptr<SSL_CTX, SSL_CTX_free>;
using SSLPtr = Ptr<SSL, SSL_free>;
using SSLSessionPtr = Ptr<SSL_SESSION, SSL_SESSION_free>;
using X509Ptr = Ptr<X509, X509_free>;
using X509NamePtr = Ptr<X509_NAME, X509_NAME_free>;
using X509ExtensionPtr = Ptr<X509_EXTENSION, X509_EXTENSION_free>;
using X509ReqPtr = Ptr<X509_REQ, X509_REQ_free>;
using X509CrlPtr = Ptr<X509_CRL, X509_CRL_free>;
using X509RevokedPtr = Ptr<X509_REVOKED, X509_REVOKED_free>;
using X509StorePtr = Ptr<X509_STORE, X509_STORE_free>;
using X509StoreCtxPtr = Ptr<X509_STORE_CTX, X509_STORE_CTX_free>;
using X509VerifyParamPtr = Ptr<X509_VERIFY_PARAM, X509_VERIFY_PARAM_free>;
using X509StackPtr = Ptr<STACK_OF(X509), FreeX509Stack>;
using X509ExtStackPtr = Ptr<STACK_OF(X509_EXTENSION), FreeExtStack>;

// Takes a new reference on a borrowed object, so it can be owned by a Ptr.
inline X509Ptr UpRef(X509* x) {
  if (x != nullptr && X509_up_ref(x) != 1) return nullptr;
  return X509Ptr(x);
}
inline EVPPKeyPtr UpRef(EVP_PKEY* k) {
  if (k != nullptr && EVP_PKEY_up_ref(k) != 1) return nullptr;
  return EVPPKeyPtr(k);
}
inline SSLCtxPtr UpRef(SSL_CTX* c) {
  if (c != nullptr && SSL_CTX_up_ref(c) != 1) return nullptr;
  return SSLCtxPtr(c);
}
inline SSLSessionPtr UpRef(SSL_SESSION* s) {
  if (s != nullptr && SSL_SESSION_up_ref(s) != 1) return nullptr;
  return SSLSessionPtr(s);
}
inline X509StorePtr UpRef(X509_STORE* s) {
  if (s != nullptr && X509_STORE_up_ref(s) != 1) return nullptr;
  return X509StorePtr(s);
}

}  // namespace ossl
