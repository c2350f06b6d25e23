// The async job base: CPU-heavy OpenSSL work on the libuv pool, settled as a Promise. Inputs are
// copied into the job before it is queued (JS memory is not touched off the main thread); the
// error queue is drained on the worker thread, where OpenSSL wrote it.
#pragma once
#include <napi.h>
#include <openssl/err.h>

#include <string>

#include "addon_data.h"
#include "errors.h"

namespace ossl {

class OpenSSLJob : public Napi::AsyncWorker {
 public:
  // Queues the job and returns its Promise. The job deletes itself when settled.
  static Napi::Value Start(OpenSSLJob* job) {
    Napi::Value promise = job->deferred_.Promise(job->Env());
    job->Queue();
    return promise;
  }

 protected:
  OpenSSLJob(Napi::Env env, const char* operation)
      : Napi::AsyncWorker(env, operation), deferred_(env), operation_(operation) {}

  // Worker thread: do the work; return false on failure (the queue is captured for you).
  virtual bool Run() = 0;
  // Main thread: turn the result into a JS value (may throw: the Promise then rejects).
  virtual Napi::Value Result(Napi::Env env) = 0;

 private:
  void Execute() override {
    ERR_clear_error();
    if (!Run()) {
      failed_ = true;
      errors_ = CaptureErrors(operation_.c_str());
    }
    ERR_clear_error();
  }

  // Settling goes through raw Node-API and ignores failures: in an environment that is stopping
  // (worker.terminate(), process.exit() in a worker) nothing can be settled, and nothing may abort.
  void OnOK() override {
    Napi::Env env = Env();
    if (EnvStopping(env)) return;
    Napi::HandleScope scope(env);
    if (failed_) {
      Settle(env, false, MakeOpenSSLError(env, errors_));
      return;
    }
    Napi::Value v = Result(env);
    if (ExceptionPending(env)) {
      Settle(env, false, TakeException(env));
      return;
    }
    Settle(env, true, v);
  }

  void OnError(const Napi::Error& e) override {
    if (!EnvStopping(Env())) Settle(Env(), false, e.Value());
  }

  void Settle(Napi::Env env, bool ok, napi_value v) {
    if (v == nullptr) napi_get_undefined(env, &v);
    if (ok) napi_resolve_deferred(env, deferred_.deferred_, v);
    else napi_reject_deferred(env, deferred_.deferred_, v);
  }

  // Napi::Promise::Deferred without its aborting Resolve/Reject.
  struct Deferred {
    explicit Deferred(Napi::Env env) { napi_create_promise(env, &deferred_, &promise_); }
    Napi::Value Promise(Napi::Env env) const { return Napi::Value(env, promise_); }
    napi_deferred deferred_ = nullptr;
    napi_value promise_ = nullptr;
  } deferred_;
  std::string operation_;
  bool failed_ = false;
  CapturedErrors errors_;
};

}  // namespace ossl
