// EVP_PKEY: a key pair or a public key.
#pragma once
#include <napi.h>

#include "common/wrap.h"

namespace ossl {

class PKeyWrap : public Wrapper<PKeyWrap, EVP_PKEY, EVP_PKEY_free> {
 public:
  static constexpr const char* kName = "PKey";
  static void Init(Napi::Env env, Napi::Object exports);
  explicit PKeyWrap(const Napi::CallbackInfo& info);

  // Wraps a key; public_only marks keys that came from a certificate or public key data.
  static Napi::Value New(Napi::Env env, EVPPKeyPtr key, bool public_only);
  bool public_only() const { return public_only_; }

 private:
  Napi::Value GenerateKey(const Napi::CallbackInfo& info);
  Napi::Value Type(const Napi::CallbackInfo& info);
  Napi::Value Bits(const Napi::CallbackInfo& info);
  Napi::Value Check(const Napi::CallbackInfo& info);
  Napi::Value IsPublicOnly(const Napi::CallbackInfo& info);
  Napi::Value IsInitialized(const Napi::CallbackInfo& info);
  Napi::Value Equals(const Napi::CallbackInfo& info);
  Napi::Value TypeName(const Napi::CallbackInfo& info);

  bool public_only_ = false;
  bool initialized_ = false;
};

// The key's type: EVP_PKEY_get_base_id, else the provider's id (EVP_PKEY_KEYMGMT = -1 when it has
// none), EVP_PKEY_NONE only for an empty key.
int KeyId(EVP_PKEY* k);

// The key behind argument i; with need_private, a public-only key is a clear error.
EVP_PKEY* PKeyArg(const Napi::CallbackInfo& info, size_t i, const char* name, bool need_private);

}  // namespace ossl
