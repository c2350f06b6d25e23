// X509_REQ: a certificate signing request (PKCS#10).
#pragma once
#include <napi.h>

#include "common/wrap.h"
#include "x509/name.h"

namespace ossl {

class X509ReqWrap : public Wrapper<X509ReqWrap, X509_REQ, X509_REQ_free>, public NameOwner {
 public:
  static constexpr const char* kName = "X509Req";
  static void Init(Napi::Env env, Napi::Object exports);
  explicit X509ReqWrap(const Napi::CallbackInfo& info);

  static Napi::Value New(Napi::Env env, X509ReqPtr req) { return Adopt(env, std::move(req)); }

  X509_NAME* OwnedName(int which) override;
  uint64_t NameGeneration(int /*which*/) const override { return generation_; }

 private:
  Napi::Value SetPubkey(const Napi::CallbackInfo& info);
  Napi::Value GetPubkey(const Napi::CallbackInfo& info);
  Napi::Value SetVersion(const Napi::CallbackInfo& info);
  Napi::Value GetVersion(const Napi::CallbackInfo& info);
  Napi::Value GetSubject(const Napi::CallbackInfo& info);
  Napi::Value SetSubject(const Napi::CallbackInfo& info);
  Napi::Value AddExtensions(const Napi::CallbackInfo& info);
  Napi::Value GetExtensions(const Napi::CallbackInfo& info);
  Napi::Value Sign(const Napi::CallbackInfo& info);
  Napi::Value Verify(const Napi::CallbackInfo& info);
  Napi::Value GetSignatureAlgorithm(const Napi::CallbackInfo& info);
  Napi::Value ToDER(const Napi::CallbackInfo& info);

  uint64_t generation_ = 0;
};

}  // namespace ossl
