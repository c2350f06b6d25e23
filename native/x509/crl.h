// X509_CRL: a certificate revocation list (pyOpenSSL's CRL).
#pragma once
#include <napi.h>

#include "common/wrap.h"
#include "common/compat.h"
#include "x509/name.h"

namespace ossl {

class CRLWrap : public Wrapper<CRLWrap, X509_CRL, X509_CRL_free>, public NameOwner {
 public:
  static constexpr const char* kName = "CRL";
  static void Init(Napi::Env env, Napi::Object exports);
  explicit CRLWrap(const Napi::CallbackInfo& info);

  X509_NAME* OwnedName(int) override { return get() == nullptr ? nullptr : Mutable(X509_CRL_get_issuer(get())); }
  uint64_t NameGeneration(int) const override { return generation_; }

 private:
  Napi::Value GetRevoked(const Napi::CallbackInfo& info);
  Napi::Value AddRevoked(const Napi::CallbackInfo& info);
  Napi::Value GetIssuer(const Napi::CallbackInfo& info);
  Napi::Value GetVersion(const Napi::CallbackInfo& info);
  Napi::Value SetVersion(const Napi::CallbackInfo& info);
  Napi::Value GetTime(const Napi::CallbackInfo& info);
  Napi::Value SetTime(const Napi::CallbackInfo& info);
  Napi::Value Sign(const Napi::CallbackInfo& info);
  Napi::Value Export(const Napi::CallbackInfo& info);
  Napi::Value Verify(const Napi::CallbackInfo& info);
  Napi::Value ToDER(const Napi::CallbackInfo& info);
  Napi::Value Copy(const Napi::CallbackInfo& info);
  bool DoSign(Napi::Env env, X509* cert, EVP_PKEY* key, const Napi::CallbackInfo& info, size_t digest_arg);

  uint64_t generation_ = 0;
};

// Writes a CRL as PEM, DER or text into a Buffer.
Napi::Value DumpCrlTo(Napi::Env env, int type, X509_CRL* crl);

}  // namespace ossl
