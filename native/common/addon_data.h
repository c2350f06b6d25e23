// Per-environment instance data: the addon is context-aware and loads in worker threads.
#pragma once
#include <napi.h>

#include <unordered_map>

namespace ossl {

struct AddonData {
  // Set by an environment cleanup hook: the environment is going away (worker.terminate(),
  // process.exit() in a worker). From then on nothing may throw, call JS or settle a Promise.
  bool stopping = false;
  Napi::FunctionReference openssl_error;
  Napi::FunctionReference want_read_error;
  Napi::FunctionReference want_write_error;
  Napi::FunctionReference want_x509_lookup_error;
  Napi::FunctionReference zero_return_error;
  Napi::FunctionReference syscall_error;
  // Wrapper constructors, keyed by each wrapper class's type tag.
  std::unordered_map<const void*, Napi::FunctionReference> constructors;
  // A function set on every wrapper object: structured clone cannot copy a function, so posting
  // one of our objects to another thread fails at once with a DataCloneError naming this function.
  Napi::FunctionReference clone_guard;
  // The one argument that tells a wrapper constructor "the OpenSSL object arrives after you".
  Napi::ObjectReference adopt_token;
  // Where native socket reads decrypt to (ssl/socket_io.cc): one slab for all the environment's
  // connections, handed to JS as views of the bytes each read filled.
  struct ReadSlab {
    Napi::Reference<Napi::Buffer<unsigned char>> buffer;
    unsigned char* data = nullptr;
    size_t used = 0;
    size_t size = 0;
    bool busy = false;  // a read is filling it: a read nested in its callbacks takes its own buffer
  } read_slab;
};

inline AddonData* GetAddonData(Napi::Env env) { return env.GetInstanceData<AddonData>(); }

inline bool EnvStopping(Napi::Env env) {
  AddonData* data = GetAddonData(env);
  return data == nullptr || data->stopping;
}

}  // namespace ossl
