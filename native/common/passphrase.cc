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

namespace {
int Copy(CallbackBridge& bridge, const std::string& value, char* buf, int size, bool truncate, const char* code) {
  size_t n = value.size();
  if (n > static_cast<size_t>(size)) {
    if (!truncate) {
      bridge.StoreResultError("The passphrase is longer than OpenSSL accepts (" + std::to_string(size) + " bytes)", code);
      return -1;
    }
    n = static_cast<size_t>(size);
  }
  std::memcpy(buf, value.data(), n);
  return static_cast<int>(n);
}
}  // namespace

int DeliverPassphrase(CallbackBridge& bridge, const Napi::Value& result, char* buf, int size, bool truncate) {
  if (result.IsEmpty()) return -1;  // the callback threw: the bridge holds what
  std::string value;
  if (!ValueBytes(result, &value)) {
    bridge.StoreResultError("The passphrase callback must return a string or Buffer, got " + Describe(result));
    return -1;
  }
  return Copy(bridge, value, buf, size, truncate, "ERR_INVALID_RETURN_VALUE");
}

int Passphrase::Callback(char* buf, int size, int rwflag, void* u) {
  auto* self = static_cast<Passphrase*>(u);
  if (self == nullptr || size <= 0) return -1;
  if (self->has_bytes_) return Copy(self->bridge_, self->bytes_, buf, size, false, "ERR_INVALID_ARG_VALUE");
  if (self->fn_.IsEmpty() || !self->bridge_.CanCall()) return -1;  // no passphrase: fail, never prompt
  Napi::Env env = self->bridge_.env();
  Napi::HandleScope scope(env);
  Napi::Value r = self->bridge_.Call(self->fn_.Value(), {Napi::Boolean::New(env, rwflag != 0)});
  return DeliverPassphrase(self->bridge_, r, buf, size, false);
}

bool Passphrase::ThrowIfFailed(Napi::Env env) { return bridge_.RethrowPending(env); }

}  // namespace ossl
