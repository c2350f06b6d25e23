#include "bridge.h"

#include <openssl/err.h>

namespace ossl {

Napi::Value CallbackBridge::Call(const Napi::Function& fn, const std::initializer_list<napi_value>& args) {
  if (!CanCall()) return Napi::Value();
  Napi::Value result = fn.Call(args);
  if (CapturePending()) return Napi::Value();
  return result;
}

Napi::Value CallbackBridge::Call(const Napi::Function& fn, const std::vector<napi_value>& args) {
  if (!CanCall()) return Napi::Value();
  Napi::Value result = fn.Call(args);
  if (CapturePending()) return Napi::Value();
  return result;
}

bool CallbackBridge::CapturePending() {
  Napi::Env env(env_);
  if (env_ == nullptr || !env.IsExceptionPending()) return false;
  Napi::Error err = env.GetAndClearPendingException();
  if (pending_.IsEmpty()) pending_ = Napi::Reference<Napi::Value>::New(Napi::Value(err.Value()), 1);
  return true;
}

void CallbackBridge::StorePending(Napi::Value error) {
  if (pending_.IsEmpty()) pending_ = Napi::Reference<Napi::Value>::New(error, 1);
}

bool CallbackBridge::RethrowPending(Napi::Env env) {
  if (pending_.IsEmpty()) return false;
  Napi::Value err = pending_.Value();
  pending_.Reset();
  ERR_clear_error();
  if (env.IsExceptionPending()) env.GetAndClearPendingException();
  Napi::Error(env, err).ThrowAsJavaScriptException();
  return true;
}

}  // namespace ossl
