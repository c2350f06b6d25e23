// Module init: OpenSSL is initialised once per process; each environment (main thread or worker)
// gets its own instance data and its own classes.
#include <napi.h>
#include <openssl/crypto.h>
#include <openssl/opensslv.h>
#include <openssl/ssl.h>

#include <cstdio>
#include <mutex>

#include "common/addon_data.h"
#include "common/allocator.h"
#include "common/errors.h"
#include "common/wrap.h"

namespace ossl {

std::vector<ModuleInit>& ModuleRegistry() {
  static std::vector<ModuleInit> registry;
  return registry;
}

Napi::Value VersionInfo(const Napi::CallbackInfo& info);
Napi::Value OpenSSLVersionText(const Napi::CallbackInfo& info);
void DefineVersionConstants(Napi::Env env, Napi::Object exports);

namespace {

bool InitOpenSSLOnce() {
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [] {
    InstallOpenSSLAllocator();  // before OpenSSL's first allocation; plain malloc if it cannot
    // NO_ATEXIT: Node may still run code (finalizers, workers) after atexit handlers would have
    // torn OpenSSL down.
    ok = OPENSSL_init_ssl(OPENSSL_INIT_NO_ATEXIT | OPENSSL_INIT_LOAD_SSL_STRINGS | OPENSSL_INIT_LOAD_CRYPTO_STRINGS,
                          nullptr) == 1;
  });
  return ok;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // The OpenSSL we run must be the OpenSSL we were compiled against.
  if (OpenSSL_version_num() != static_cast<unsigned long>(OPENSSL_VERSION_NUMBER)) {
    char msg[512];
    std::snprintf(msg, sizeof msg,
                  "openssl-napi was compiled against OpenSSL %s (0x%lx) but is running %s (0x%lx). Rebuild it "
                  "against the OpenSSL you run (npm rebuild, with OPENSSL_DIR set), or link it statically "
                  "(the default).",
                  OPENSSL_VERSION_TEXT, static_cast<unsigned long>(OPENSSL_VERSION_NUMBER),
                  OpenSSL_version(OPENSSL_VERSION), OpenSSL_version_num());
    Napi::Error::New(env, msg).ThrowAsJavaScriptException();
    return exports;
  }
  if (!InitOpenSSLOnce()) {
    ThrowOpenSSL(env, "OPENSSL_init_ssl");
    return exports;
  }
  auto* data = new AddonData();
  env.SetInstanceData(data);
  napi_add_env_cleanup_hook(env, [](void* arg) { static_cast<AddonData*>(arg)->stopping = true; }, data);
  data->clone_guard = Napi::Persistent(Napi::Function::New(
      env, [](const Napi::CallbackInfo& info) -> Napi::Value { return info.Env().Undefined(); },
      "openSSLObjectsCannotBePostedToAnotherThread"));
  exports.Set("setupErrors", NativeFunction<SetupErrors>(env, "setupErrors"));
  exports.Set("versionInfo", NativeFunction<VersionInfo>(env, "versionInfo"));
  exports.Set("openSSLVersionText", NativeFunction<OpenSSLVersionText>(env, "openSSLVersionText"));
  DefineVersionConstants(env, exports);
  for (ModuleInit init : ModuleRegistry()) {
    init(env, exports);
    if (env.IsExceptionPending()) return exports;
  }
  return exports;
}

}  // namespace
}  // namespace ossl

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) { return ossl::Init(env, exports); }

NODE_API_MODULE(openssl_napi, InitAddon)
