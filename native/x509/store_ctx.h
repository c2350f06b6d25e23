// X509StoreContext: one certificate to verify against an X509Store, with per-context
// verification parameters. Every verification runs on a fresh X509_STORE_CTX; the owned OpenSSL
// object is the context's own X509_VERIFY_PARAM, laid over the store's.
#pragma once
#include <napi.h>

#include "common/wrap.h"

namespace ossl {

inline void FreeCrlStack(STACK_OF(X509_CRL) * s) { sk_X509_CRL_pop_free(s, X509_CRL_free); }
using X509CrlStackPtr = Ptr<STACK_OF(X509_CRL), FreeCrlStack>;

class X509StoreContextWrap : public Wrapper<X509StoreContextWrap, X509_VERIFY_PARAM, X509_VERIFY_PARAM_free> {
 public:
  static constexpr const char* kName = "X509StoreContext";
  static void Init(Napi::Env env, Napi::Object exports);
  explicit X509StoreContextWrap(const Napi::CallbackInfo& info);
  void BeforeFree() {
    store_.reset();
    cert_.reset();
    untrusted_.reset();
    crls_.reset();
  }

 private:
  Napi::Value Verify(const Napi::CallbackInfo& info);
  Napi::Value SetStore(const Napi::CallbackInfo& info);
  Napi::Value SetCertificate(const Napi::CallbackInfo& info);
  Napi::Value SetChain(const Napi::CallbackInfo& info);
  Napi::Value SetCrls(const Napi::CallbackInfo& info);
  template <int op>
  Napi::Value Param(const Napi::CallbackInfo& info);

  X509StorePtr store_;
  X509Ptr cert_;
  X509StackPtr untrusted_;
  X509CrlStackPtr crls_;
  bool params_set_ = false;  // a param op ran: Verify() lays the param over the store's
};

// A verification failure as a plain object {code, depth, message, codeName, certificate}.
Napi::Value VerifyFailure(Napi::Env env, X509_STORE_CTX* ctx);
// X509_V_ERR_* name of a code, or "X509_V_ERR_<n>".
std::string VerifyCodeName(int code);

}  // namespace ossl
