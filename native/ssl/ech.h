// OSSL_ECHSTORE: Encrypted Client Hello configurations and keys (OpenSSL 4.0), and the ECH
// controls of SSL_CTX and SSL. On an OpenSSL without ECH the class and functions exist and throw
// an error that names the version needed.
#pragma once
#include <napi.h>

#include "common/compat.h"
#include "common/wrap.h"

#if OSSL_NAPI_HAS_ECH
#include <openssl/ech.h>
#endif

namespace ossl {

#if OSSL_NAPI_HAS_ECH
using EchStore = OSSL_ECHSTORE;
inline void FreeEchStore(EchStore* s) { OSSL_ECHSTORE_free(s); }
#else
struct EchStore {};
inline void FreeEchStore(EchStore* s) { delete s; }
#endif

class EchStoreWrap : public Wrapper<EchStoreWrap, EchStore, FreeEchStore> {
 public:
  static constexpr const char* kName = "ECHStore";
  static void Init(Napi::Env env, Napi::Object exports);
  explicit EchStoreWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value NewConfig(const Napi::CallbackInfo& info);
  Napi::Value ReadPem(const Napi::CallbackInfo& info);
  Napi::Value WritePem(const Napi::CallbackInfo& info);
  Napi::Value ReadConfigList(const Napi::CallbackInfo& info);
  Napi::Value Entry(const Napi::CallbackInfo& info);
  Napi::Value Counts(const Napi::CallbackInfo& info);
  Napi::Value Downselect(const Napi::CallbackInfo& info);
  Napi::Value FlushKeys(const Napi::CallbackInfo& info);
};

}  // namespace ossl
