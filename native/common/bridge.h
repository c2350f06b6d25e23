// The callback bridge. OpenSSL calls our C callbacks from inside SSL_do_handshake, SSL_read,
// PEM_read_bio_PrivateKey, ...; those may call into JS only while a JS call is driving OpenSSL
// (never from a finalizer: SSL_free runs session callbacks). A callback that throws stores the
// exception in the owner's slot and makes the OpenSSL call fail; the driving method then clears
// the error queue and rethrows that very exception object.
#pragma once
#include <napi.h>

namespace ossl {

class CallbackBridge {
 public:
  // RAII: marks that JS is driving OpenSSL for this owner, so callbacks may enter JS.
  class Scope {
   public:
    Scope(CallbackBridge& bridge, Napi::Env env) : bridge_(bridge), saved_(bridge.env_) { bridge.env_ = env; }
    ~Scope() { bridge_.env_ = saved_; }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    CallbackBridge& bridge_;
    napi_env saved_;
  };

  // True when a callback may call into JS now (a Scope is open and nothing has thrown yet).
  bool CanCall() const { return env_ != nullptr && pending_.IsEmpty(); }
  Napi::Env env() const { return Napi::Env(env_); }

  // Calls fn; if it throws, stores the exception and returns an empty value.
  Napi::Value Call(const Napi::Function& fn, const std::initializer_list<napi_value>& args);
  Napi::Value Call(const Napi::Function& fn, const std::vector<napi_value>& args);

  // Stores an exception raised by our own checks of a callback's result (e.g. a wrong type).
  void StorePending(Napi::Value error);
  // Stores the currently pending JS exception (if any). Returns true if there was one.
  bool CapturePending();

  bool HasPending() const { return !pending_.IsEmpty(); }

  // If a callback threw: clears OpenSSL's error queue, rethrows that same object, returns true.
  bool RethrowPending(Napi::Env env);

 private:
  napi_env env_ = nullptr;
  Napi::Reference<Napi::Value> pending_;
};

}  // namespace ossl
