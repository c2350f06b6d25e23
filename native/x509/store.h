// X509_STORE: trusted certificates, CRLs and default verification parameters; and the shared
// X509_VERIFY_PARAM setters used by both X509Store and X509StoreContext.
#pragma once
#include <napi.h>

#include <functional>

#include "common/wrap.h"

namespace ossl {

// One verification-parameter setter; info[0] is its value. `live` gives the parameters, or null
// with the error pending (the owner was freed): asked first, and again after a value whose reading
// may run JS (an array's getters) that frees the owner.
enum class ParamOp { kFlags, kClearFlags, kTime, kDepth, kPurpose, kTrust, kHost, kHostFlags, kIp, kEmail, kAuthLevel, kPolicies };
Napi::Value ApplyParam(const Napi::CallbackInfo& info, const std::function<X509_VERIFY_PARAM*()>& live, ParamOp op);

class X509StoreWrap : public Wrapper<X509StoreWrap, X509_STORE, X509_STORE_free> {
 public:
  static constexpr const char* kName = "X509Store";
  static void Init(Napi::Env env, Napi::Object exports);
  explicit X509StoreWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value AddCert(const Napi::CallbackInfo& info);
  Napi::Value AddCrl(const Napi::CallbackInfo& info);
  Napi::Value LoadLocations(const Napi::CallbackInfo& info);
  Napi::Value SetDefaultPaths(const Napi::CallbackInfo& info);
  template <ParamOp op>
  Napi::Value Param(const Napi::CallbackInfo& info) {
    return ApplyParam(info, [this, &info]() -> X509_VERIFY_PARAM* {
      X509_STORE* s = Live(info.Env());
      return s == nullptr ? nullptr : X509_STORE_get0_param(s);
    }, op);
  }
};

// X509_STORE_set_default_paths, and the platform's CA bundle when those defaults hold nothing (an
// OpenSSL built from source has an empty OPENSSLDIR) and SSL_CERT_FILE/SSL_CERT_DIR are unset.
// False with OpenSSL's error queue filled.
bool SetDefaultPaths(X509_STORE* store);

// Reads an array of X509 handles into a new stack (each up-ref'd). Nullish gives an empty stack
// when allow_null. False with an exception pending.
bool ArgCertStack(const Napi::CallbackInfo& info, size_t i, const char* name, X509StackPtr* out, bool allow_null);

}  // namespace ossl
