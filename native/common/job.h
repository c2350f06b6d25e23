// The async job base: CPU-heavy OpenSSL work on the libuv pool, settled as a Promise. Inputs are
// copied into the job before it is queued (JS memory is not touched off the main thread); the
// error queue is drained on the worker thread, where OpenSSL wrote it.
#pragma once
#include <napi.h>
#include <openssl/err.h>

#include <string>

#include "errors.h"

namespace ossl {

class OpenSSLJob : public Napi::AsyncWorker {
 public:
  // Queues the job and returns its Promise. The job deletes itself when settled.
  static Napi::Value Start(OpenSSLJob* job) {
    Napi::Promise promise = job->deferred_.Promise();
    job->Queue();
    return promise;
  }

 protected:
  OpenSSLJob(Napi::Env env, const char* operation)
      : Napi::AsyncWorker(env, operation), deferred_(Napi::Promise::Deferred::New(env)), operation_(operation) {}

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

  void OnOK() override {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    if (failed_) {
      deferred_.Reject(MakeOpenSSLError(env, errors_));
      return;
    }
    Napi::Value v = Result(env);
    if (env.IsExceptionPending()) {
      deferred_.Reject(env.GetAndClearPendingException().Value());
      return;
    }
    deferred_.Resolve(v);
  }

  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

  Napi::Promise::Deferred deferred_;
  std::string operation_;
  bool failed_ = false;
  CapturedErrors errors_;
};

}  // namespace ossl
