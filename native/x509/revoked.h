// X509_REVOKED: one entry of a CRL.
#pragma once
#include <napi.h>

#include "common/wrap.h"

namespace ossl {

class RevokedWrap : public Wrapper<RevokedWrap, X509_REVOKED, X509_REVOKED_free> {
 public:
  static constexpr const char* kName = "Revoked";
  static void Init(Napi::Env env, Napi::Object exports);
  explicit RevokedWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value SetSerialHex(const Napi::CallbackInfo& info);
  Napi::Value GetSerialHex(const Napi::CallbackInfo& info);
  Napi::Value GetSerialPairs(const Napi::CallbackInfo& info);
  Napi::Value SetReasonCode(const Napi::CallbackInfo& info);
  Napi::Value GetReason(const Napi::CallbackInfo& info);
  Napi::Value GetReasonCode(const Napi::CallbackInfo& info);
  Napi::Value SetRevDate(const Napi::CallbackInfo& info);
  Napi::Value GetRevDate(const Napi::CallbackInfo& info);
  Napi::Value Copy(const Napi::CallbackInfo& info);
};

}  // namespace ossl
