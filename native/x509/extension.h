// X509_EXTENSION: a v3 extension built from an OpenSSL config string, or copied out of a
// certificate or CSR.
#pragma once
#include <napi.h>

#include "common/wrap.h"

namespace ossl {

class X509ExtensionWrap : public Wrapper<X509ExtensionWrap, X509_EXTENSION, X509_EXTENSION_free> {
 public:
  static constexpr const char* kName = "X509Extension";
  static void Init(Napi::Env env, Napi::Object exports);
  explicit X509ExtensionWrap(const Napi::CallbackInfo& info);

  static Napi::Value New(Napi::Env env, X509ExtensionPtr ext) { return Adopt(env, std::move(ext)); }

  // Reads a JS array of native X509Extension handles into borrowed pointers (valid for the call).
  // False with an exception pending.
  static bool ArrayArg(const Napi::CallbackInfo& info, size_t i, const char* name, std::vector<X509_EXTENSION*>* out);

 private:
  Napi::Value GetCritical(const Napi::CallbackInfo& info);
  Napi::Value GetShortName(const Napi::CallbackInfo& info);
  Napi::Value GetData(const Napi::CallbackInfo& info);
  Napi::Value ToString(const Napi::CallbackInfo& info);
  Napi::Value ToDER(const Napi::CallbackInfo& info);
};

}  // namespace ossl
