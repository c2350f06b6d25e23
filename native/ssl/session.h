// SSL_SESSION: a resumable session (pyOpenSSL's opaque Session, plus DER and getters).
#pragma once
#include <napi.h>

#include "common/wrap.h"

namespace ossl {

class SessionWrap : public Wrapper<SessionWrap, SSL_SESSION, SSL_SESSION_free> {
 public:
  static constexpr const char* kName = "Session";
  static void Init(Napi::Env env, Napi::Object exports);
  explicit SessionWrap(const Napi::CallbackInfo& info);

  static Napi::Value New(Napi::Env env, SSLSessionPtr s) { return Adopt(env, std::move(s)); }
  static Napi::Value NewRef(Napi::Env env, SSL_SESSION* s) { return Adopt(env, UpRef(s)); }

 private:
  Napi::Value ToDER(const Napi::CallbackInfo& info);
  Napi::Value Id(const Napi::CallbackInfo& info);
  Napi::Value ProtocolVersion(const Napi::CallbackInfo& info);
  Napi::Value Cipher(const Napi::CallbackInfo& info);
  Napi::Value Time(const Napi::CallbackInfo& info);
  Napi::Value Timeout(const Napi::CallbackInfo& info);
  Napi::Value TicketLifetimeHint(const Napi::CallbackInfo& info);
  Napi::Value IsResumable(const Napi::CallbackInfo& info);
  Napi::Value HasTicket(const Napi::CallbackInfo& info);
  Napi::Value MasterKey(const Napi::CallbackInfo& info);
  Napi::Value MaxEarlyData(const Napi::CallbackInfo& info);
};

}  // namespace ossl
