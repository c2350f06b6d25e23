// OpenSSL providers: load by name (handles kept for the life of the process) and list.
#include <openssl/err.h>
#include <openssl/provider.h>

#include <mutex>
#include <string>
#include <vector>

#include "common/args.h"
#include "common/wrap.h"

namespace ossl {
namespace {

std::mutex& ProvidersMutex() {
  static std::mutex m;
  return m;
}
std::vector<OSSL_PROVIDER*>& Loaded() {
  static std::vector<OSSL_PROVIDER*> v;  // never unloaded: other objects may use their algorithms
  return v;
}

// loadProvider(name): the provider's name. Fallback (default) loading is kept, so loading
// "legacy" first does not switch the default provider off.
Napi::Value LoadProvider(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name;
  if (!ArgCString(info, 0, "name", &name)) return {};
  if (name.empty()) return ThrowTypeError(env, "The \"name\" argument must not be empty", "ERR_INVALID_ARG_VALUE");
  std::lock_guard<std::mutex> lock(ProvidersMutex());
  OSSL_PROVIDER* p = OSSL_PROVIDER_try_load(nullptr, name.c_str(), 1);
  if (p == nullptr)
    return ThrowOpenSSLMessage(env, "OSSL_PROVIDER_load",
                               "Could not load the OpenSSL provider \"" + name + "\" (modules directory: " +
                                   OpenSSL_version(OPENSSL_MODULES_DIR) + ")");
  Loaded().push_back(p);
  return Napi::String::New(env, OSSL_PROVIDER_get0_name(p));
}

int Collect(OSSL_PROVIDER* p, void* arg) {
  static_cast<std::vector<std::string>*>(arg)->push_back(OSSL_PROVIDER_get0_name(p));
  return 1;
}

Napi::Value ListProviders(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::vector<std::string> names;
  if (OSSL_PROVIDER_do_all(nullptr, &Collect, &names) != 1) return ThrowOpenSSL(env, "OSSL_PROVIDER_do_all");
  Napi::Array arr = Napi::Array::New(env, names.size());
  for (size_t i = 0; i < names.size(); ++i) arr.Set(static_cast<uint32_t>(i), Napi::String::New(env, names[i]));
  return arr;
}

void Init(Napi::Env env, Napi::Object exports) {
  exports.Set("loadProvider", NativeFunction<LoadProvider>(env, "loadProvider"));
  exports.Set("listProviders", NativeFunction<ListProviders>(env, "listProviders"));
}

Module registration(&Init);

}  // namespace
}  // namespace ossl
