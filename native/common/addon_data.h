// Per-environment instance data: the addon is context-aware and loads in worker threads.
#pragma once
#include <napi.h>

#include <unordered_map>

namespace ossl {

struct AddonData {
  Napi::FunctionReference openssl_error;
  Napi::FunctionReference want_read_error;
  Napi::FunctionReference want_write_error;
  Napi::FunctionReference want_x509_lookup_error;
  Napi::FunctionReference zero_return_error;
  Napi::FunctionReference syscall_error;
  // Wrapper constructors, keyed by each wrapper class's type tag.
  std::unordered_map<const void*, Napi::FunctionReference> constructors;
  // The one argument that tells a wrapper constructor "the OpenSSL object arrives after you".
  Napi::ObjectReference adopt_token;
};

inline AddonData* GetAddonData(Napi::Env env) { return env.GetInstanceData<AddonData>(); }

}  // namespace ossl
