#include "common/passphrase.h"

#include <openssl/err.h>

#include <cstring>

#include "common/errors.h"

namespace ossl {

bool Passphrase::Read(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (ArgIsNullish(info, i)) return true;
  if (info[i].IsFunction()) {
    fn_ = Napi::Persistent(info[i].As<Napi::Function>());
    return true;
  }
  Bytes b;
  if (!ArgBytes(info, i, name, &b)) return false;
  bytes_.assign(reinterpret_cast<const char*>(b.data), b.size);
  has_bytes_ = true;
  return true;
}

int Passphrase::Callback(char* buf, int size, int rwflag, void* u) {
  auto* self = static_cast<Passphrase*>(u);
  if (self == nullptr || size <= 0) return -1;
  std::string value;
  if (self->has_bytes_) {
    value = self->bytes_;
  } else if (!self->fn_.IsEmpty()) {
    if (!self->bridge_.CanCall()) return -1;
    Napi::Env env = self->bridge_.env();
    Napi::HandleScope scope(env);
    Napi::Value r = self->bridge_.Call(self->fn_.Value(), {Napi::Boolean::New(env, rwflag != 0)});
    if (r.IsEmpty()) return -1;
    if (!ValueBytes(r, &value)) {
      self->problem_ = "The passphrase callback must return a string or Buffer";
      return -1;
    }
  } else {
    return -1;  // no passphrase: fail instead of prompting
  }
  if (value.size() > static_cast<size_t>(size)) {
    self->problem_ = "The passphrase is longer than OpenSSL accepts (" + std::to_string(size) + " bytes)";
    return -1;
  }
  std::memcpy(buf, value.data(), value.size());
  return static_cast<int>(value.size());
}

bool Passphrase::ThrowIfFailed(Napi::Env env) {
  if (bridge_.RethrowPending(env)) return true;
  if (!problem_.empty()) {
    ERR_clear_error();
    ThrowTypeError(env, problem_, "ERR_INVALID_ARG_VALUE");
    return true;
  }
  return false;
}

}  // namespace ossl
