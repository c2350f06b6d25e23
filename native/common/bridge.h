// The callback bridge. OpenSSL calls our C callbacks from inside SSL_do_handshake, SSL_read,
// PEM_read_bio_PrivateKey, ...; those may call into JS only while a JS call is driving OpenSSL
// (never from a finalizer: SSL_free runs session callbacks). A callback that throws stores the
// exception in the owner's slot and makes the OpenSSL call fail; the driving method then clears
// the error queue and rethrows that very exception object.
//
// While any Scope is open on a thread, OpenSSL may be in the middle of using objects that a
// callback can reach from JS. So free() (and any setter that replaces an owned object) parks
// the OpenSSL reference it drops with DeferRelease(); the parked references are released when the
// thread's outermost Scope closes, after OpenSSL has returned. The JS object reads as freed at once.
#pragma once
#include <napi.h>

#include <memory>
#include <vector>

namespace ossl {

// Something holding an OpenSSL reference whose release must wait (see above).
struct DeferredRelease {
  virtual ~DeferredRelease() = default;
};
template <class Handle>
struct HeldRelease final : DeferredRelease {
  explicit HeldRelease(Handle h) : handle(std::move(h)) {}
  Handle handle;
};

// True while a Scope or a native call is open on this thread (OpenSSL may be running on behalf of
// JS, or a native method may hold a pointer into an object that JS can free meanwhile).
bool InCallbackScope();
// Every native call opens one of these (NativeCall, errors.h): a JS getter or setter that a
// method runs while it builds its result (an element setter on Array.prototype, say) may free()
// the object whose pointers the method is still reading; the release waits until the call returns.
void EnterReleaseScope();
void LeaveReleaseScope();
// Keeps `r` alive until the thread's outermost Scope closes.
void DeferRelease(std::unique_ptr<DeferredRelease> r);
// Drops `h` now, or at the end of the outermost Scope when one is open.
template <class Handle>
void ReleaseSafely(Handle& h) {
  if (h != nullptr && InCallbackScope()) DeferRelease(std::make_unique<HeldRelease<Handle>>(std::move(h)));
  h.reset();
}

class CallbackBridge {
 public:
  // RAII: marks that JS is driving OpenSSL for this owner, so callbacks may enter JS.
  class Scope {
   public:
    Scope(CallbackBridge& bridge, Napi::Env env);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    CallbackBridge& bridge_;
    napi_env saved_;
  };

  // True when a callback may call into JS now (a Scope is open and nothing has thrown yet).
  bool CanCall() const { return env_ != nullptr && pending_.IsEmpty(); }
  Napi::Env env() const { return Napi::Env(env_); }

  // Calls fn; if it throws, stores what it threw (any value) and returns an empty value. Also
  // empty, with nothing stored, when the environment is stopping.
  Napi::Value Call(const Napi::Function& fn, const std::initializer_list<napi_value>& args);
  Napi::Value Call(const Napi::Function& fn, const std::vector<napi_value>& args);

  // Stores an exception raised by our own checks of a callback's result (e.g. a wrong type).
  void StorePending(Napi::Value error);
  // Stores a coded TypeError (RangeError where range) about a callback's result.
  void StoreResultError(const std::string& message, const char* code = "ERR_INVALID_RETURN_VALUE", bool range = false);
  // A yes/no callback's answer: only a boolean counts. Anything else (a Promise from an async
  // function, a truthy string, undefined) stores a TypeError naming the callback and the value,
  // and returns false, so the handshake fails rather than passing on a value it cannot judge.
  bool ResultBool(const Napi::Value& r, const char* callback, bool* out);
  // Stores the currently pending JS exception (if any). Returns true if there was one.
  bool CapturePending();

  bool HasPending() const { return !pending_.IsEmpty(); }

  // If a callback threw: clears OpenSSL's error queue, rethrows that same value, returns true.
  bool RethrowPending(Napi::Env env);

 private:
  Napi::Value CallRaw(napi_value fn, size_t argc, const napi_value* argv);
  void Keep(napi_value value);

  napi_env env_ = nullptr;
  Napi::ObjectReference pending_;  // { 0: the value thrown }
};

}  // namespace ossl
