// OCSP: requests (built for certificate/issuer pairs) and responses (parsed from DER, as the SSL
// stapling callbacks hand them over, inspected and verified against an X509Store).
#pragma once
#include <napi.h>
#include <openssl/ocsp.h>

#include "common/wrap.h"

namespace ossl {

class OCSPRequestWrap : public Wrapper<OCSPRequestWrap, OCSP_REQUEST, OCSP_REQUEST_free> {
 public:
  static constexpr const char* kName = "OCSPRequest";
  static void Init(Napi::Env env, Napi::Object exports);
  explicit OCSPRequestWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value ToDER(const Napi::CallbackInfo& info);
  Napi::Value HasNonce(const Napi::CallbackInfo& info);
  Napi::Value IdCount(const Napi::CallbackInfo& info);
};

class OCSPResponseWrap : public Wrapper<OCSPResponseWrap, OCSP_RESPONSE, OCSP_RESPONSE_free> {
 public:
  static constexpr const char* kName = "OCSPResponse";
  static void Init(Napi::Env env, Napi::Object exports);
  explicit OCSPResponseWrap(const Napi::CallbackInfo& info);

 private:
  OCSP_BASICRESP* Basic(Napi::Env env);
  Napi::Value Status(const Napi::CallbackInfo& info);
  Napi::Value HasBasic(const Napi::CallbackInfo& info);
  Napi::Value ProducedAt(const Napi::CallbackInfo& info);
  Napi::Value ResponderId(const Napi::CallbackInfo& info);
  Napi::Value Responses(const Napi::CallbackInfo& info);
  Napi::Value Certificates(const Napi::CallbackInfo& info);
  Napi::Value Verify(const Napi::CallbackInfo& info);
  Napi::Value CheckNonce(const Napi::CallbackInfo& info);
  Napi::Value FindStatus(const Napi::CallbackInfo& info);
  Napi::Value ToDER(const Napi::CallbackInfo& info);

  Ptr<OCSP_BASICRESP, OCSP_BASICRESP_free> basic_;
  bool basic_tried_ = false;
};

}  // namespace ossl
