// version(): what OpenSSL the binding really runs, and from which file, so a user can tell it
// apart from Node's bundled copy.
#include <dlfcn.h>
#include <napi.h>
#include <openssl/crypto.h>
#include <openssl/opensslv.h>
#include <openssl/ssl.h>

#include "allocator.h"
#include "args.h"

#ifndef OPENSSL_NAPI_STATIC
#define OPENSSL_NAPI_STATIC 1
#endif

namespace ossl {

namespace {
std::string ServingFile(const void* symbol) {
  Dl_info dl{};
  if (dladdr(symbol, &dl) == 0 || dl.dli_fname == nullptr) return "";
  return dl.dli_fname;
}
}  // namespace

Napi::Value VersionInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  o.Set("version", OpenSSL_version(OPENSSL_VERSION_STRING));
  o.Set("text", OpenSSL_version(OPENSSL_VERSION));
  o.Set("number", Napi::Number::New(env, static_cast<double>(OpenSSL_version_num())));
  o.Set("headerVersion", OPENSSL_VERSION_STR);
  o.Set("headerText", OPENSSL_VERSION_TEXT);
  o.Set("headerNumber", Napi::Number::New(env, static_cast<double>(OPENSSL_VERSION_NUMBER)));
  o.Set("opensslDir", OpenSSL_version(OPENSSL_DIR));
  o.Set("modulesDir", OpenSSL_version(OPENSSL_MODULES_DIR));
  o.Set("cflags", OpenSSL_version(OPENSSL_CFLAGS));
  o.Set("platform", OpenSSL_version(OPENSSL_PLATFORM));
  o.Set("builtOn", OpenSSL_version(OPENSSL_BUILT_ON));
  o.Set("linkage", OPENSSL_NAPI_STATIC ? "static" : "dynamic");
  o.Set("allocator", OpenSSLBlockCacheActive() ? "block-cache" : "malloc");
  o.Set("sslCtxNewFile", ServingFile(reinterpret_cast<const void*>(&SSL_CTX_new)));
  o.Set("addonFile", ServingFile(reinterpret_cast<const void*>(&VersionInfo)));
  return o;
}

// SSL.OpenSSL_version(type): the text for one OPENSSL_* selector.
Napi::Value OpenSSLVersionText(const Napi::CallbackInfo& info) {
  int64_t type = 0;
  if (!ArgInt(info, 0, "type", &type, 0, 255)) return {};
  return Napi::String::New(info.Env(), OpenSSL_version(static_cast<int>(type)));
}

void DefineVersionConstants(Napi::Env env, Napi::Object exports) {
  Napi::Object c = Napi::Object::New(env);
  c.Set("OPENSSL_VERSION", Napi::Number::New(env, OPENSSL_VERSION));
  c.Set("OPENSSL_CFLAGS", Napi::Number::New(env, OPENSSL_CFLAGS));
  c.Set("OPENSSL_BUILT_ON", Napi::Number::New(env, OPENSSL_BUILT_ON));
  c.Set("OPENSSL_PLATFORM", Napi::Number::New(env, OPENSSL_PLATFORM));
  c.Set("OPENSSL_DIR", Napi::Number::New(env, OPENSSL_DIR));
  c.Set("OPENSSL_MODULES_DIR", Napi::Number::New(env, OPENSSL_MODULES_DIR));
  c.Set("OPENSSL_VERSION_STRING", Napi::Number::New(env, OPENSSL_VERSION_STRING));
  c.Set("OPENSSL_VERSION_NUMBER", Napi::Number::New(env, static_cast<double>(OpenSSL_version_num())));
  exports.Set("versionConstants", c);
}

}  // namespace ossl
