#include "bridge.h"

#include <openssl/err.h>

#include "args.h"
#include "errors.h"

namespace ossl {
namespace {
// Per thread, i.e. per environment: Scopes open, and what free() parked meanwhile.
thread_local int scope_depth = 0;
thread_local std::vector<std::unique_ptr<DeferredRelease>> parked;
}  // namespace

bool InCallbackScope() { return scope_depth > 0; }

void EnterReleaseScope() { ++scope_depth; }

void LeaveReleaseScope() {
  if (--scope_depth > 0 || parked.empty()) return;
  // Releasing can run OpenSSL callbacks (SSL_CTX_free flushes sessions): no Scope is open now,
  // so they cannot enter JS; and a release that parks again lands in a fresh list.
  std::vector<std::unique_ptr<DeferredRelease>> now;
  now.swap(parked);
  now.clear();
}

void DeferRelease(std::unique_ptr<DeferredRelease> r) {
  parked.push_back(std::move(r));
}

CallbackBridge::Scope::Scope(CallbackBridge& bridge, Napi::Env env) : bridge_(bridge), saved_(bridge.env_) {
  bridge.env_ = env;
  EnterReleaseScope();
}

CallbackBridge::Scope::~Scope() {
  bridge_.env_ = saved_;
  LeaveReleaseScope();
}

Napi::Value CallbackBridge::CallRaw(napi_value fn, size_t argc, const napi_value* argv) {
  if (!CanCall() || fn == nullptr) return Napi::Value();
  // Raw Node-API: node-addon-api's Call re-wraps what a callback throws (a primitive becomes
  // another error) and aborts when the environment is stopping.
  napi_value undefined = nullptr;
  napi_value result = nullptr;
  if (napi_get_undefined(env_, &undefined) != napi_ok) return Napi::Value();
  const napi_status status = napi_call_function(env_, undefined, fn, argc, argv, &result);
  if (CapturePending() || status != napi_ok) return Napi::Value();
  return Napi::Value(env_, result);
}

Napi::Value CallbackBridge::Call(const Napi::Function& fn, const std::initializer_list<napi_value>& args) {
  return CallRaw(fn, args.size(), args.begin());
}

Napi::Value CallbackBridge::Call(const Napi::Function& fn, const std::vector<napi_value>& args) {
  return CallRaw(fn, args.size(), args.data());
}

bool CallbackBridge::CapturePending() {
  if (env_ == nullptr) return false;
  bool pending = false;
  if (napi_is_exception_pending(env_, &pending) != napi_ok || !pending) return false;
  napi_value thrown = nullptr;
  if (napi_get_and_clear_last_exception(env_, &thrown) == napi_ok) Keep(thrown);
  return true;
}

void CallbackBridge::StorePending(Napi::Value error) {
  if (env_ != nullptr && !error.IsEmpty()) Keep(error);
}

void CallbackBridge::StoreResultError(const std::string& message, const char* code, bool range) {
  if (env_ == nullptr || ExceptionPending(Napi::Env(env_))) return;
  napi_value msg = nullptr;
  napi_value js_code = nullptr;
  napi_value err = nullptr;
  if (napi_create_string_utf8(env_, message.data(), message.size(), &msg) != napi_ok ||
      napi_create_string_utf8(env_, code, NAPI_AUTO_LENGTH, &js_code) != napi_ok ||
      (range ? napi_create_range_error(env_, nullptr, msg, &err) : napi_create_type_error(env_, nullptr, msg, &err)) !=
          napi_ok ||
      napi_set_named_property(env_, err, "code", js_code) != napi_ok)
    return;
  Keep(err);
}

bool CallbackBridge::ResultBool(const Napi::Value& r, const char* callback, bool* out) {
  if (r.IsBoolean()) {
    *out = r.As<Napi::Boolean>().Value();
    return true;
  }
  StoreResultError(std::string("The ") + callback + " callback must return a boolean, got " + Describe(r));
  *out = false;
  return false;
}

void CallbackBridge::Keep(napi_value value) {
  if (!pending_.IsEmpty()) return;  // the first failure is the one reported
  // Whatever was thrown, object or primitive, is kept in a holder object: Node-API before
  // version 10 cannot reference a primitive.
  napi_value holder = nullptr;
  if (napi_create_object(env_, &holder) != napi_ok || napi_set_element(env_, holder, 0, value) != napi_ok) return;
  pending_ = Napi::Persistent(Napi::Object(env_, holder));
}

bool CallbackBridge::RethrowPending(Napi::Env env) {
  if (pending_.IsEmpty()) return false;
  napi_value holder = pending_.Value();
  napi_value thrown = nullptr;
  if (holder == nullptr || napi_get_element(env, holder, 0, &thrown) != napi_ok) thrown = nullptr;
  pending_.Reset();
  ERR_clear_error();
  if (ExceptionPending(env)) {
    napi_value ignored = nullptr;
    napi_get_and_clear_last_exception(env, &ignored);
  }
  if (thrown != nullptr) Throw(env, thrown);
  return true;
}

}  // namespace ossl
