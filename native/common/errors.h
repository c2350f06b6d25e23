// The one error model: OpenSSL's error queue drained into one JS OpenSSLError; SSL I/O results
// mapped one to one onto WantRead/WantWrite/WantX509Lookup/ZeroReturn/SysCall errors; argument
// errors as TypeError/RangeError naming the argument. Every helper throws a pending JS exception
// and returns an empty Napi::Value, so a method ends with `return ThrowX(...)`.
#pragma once
#include <napi.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <string>
#include <vector>

#include "bridge.h"

namespace ossl {

struct ErrorEntry {
  unsigned long code = 0;
  std::string library;
  std::string reason;
  std::string func;
  std::string file;
  int line = 0;
  std::string data;
};

// The drained queue plus the operation that failed. Plain data: safe to fill on a worker thread.
struct CapturedErrors {
  std::string operation;
  std::vector<ErrorEntry> entries;
  std::string message;  // used when the queue is empty (a check of ours, not OpenSSL's)
};

// True while a JS exception is pending (or the environment cannot say): nothing more may be thrown,
// and no Node-API call that can fail may be made, until it is handled.
bool ExceptionPending(Napi::Env env);
// Throws `err` unless an exception is already pending (the first one wins) or the environment is
// stopping; never aborts. Returns an empty value, so a method ends with `return Throw(env, e)`.
Napi::Value Throw(Napi::Env env, napi_value err);
// The pending exception, exactly as thrown (any value), cleared; undefined when none.
Napi::Value TakeException(Napi::Env env);

// Drains the calling thread's error queue (in queue order).
CapturedErrors CaptureErrors(const char* operation);

// Builds the JS OpenSSLError for captured errors (main thread).
Napi::Value MakeOpenSSLError(Napi::Env env, const CapturedErrors& captured);

// Drains the queue into an OpenSSLError and throws it.
Napi::Value ThrowOpenSSL(Napi::Env env, const char* operation);
// Throws an OpenSSLError with our own message (the queue is drained into it too).
Napi::Value ThrowOpenSSLMessage(Napi::Env env, const char* operation, const std::string& message);

Napi::Value ThrowTypeError(Napi::Env env, const std::string& message,
                           const char* code = "ERR_INVALID_ARG_TYPE");
Napi::Value ThrowRangeError(Napi::Env env, const std::string& message,
                            const char* code = "ERR_OUT_OF_RANGE");
// A plain Error with a code (wrong state, use after free).
Napi::Value ThrowStateError(Napi::Env env, const std::string& message,
                            const char* code = "ERR_OPENSSL_NAPI_STATE");

// Result kinds of an SSL I/O call, shared with lib/ssl so that hot paths return a number and the
// TypeScript layer throws the matching class only when it needs to.
enum SSLStatus : int {
  kSSLOk = 0,
  kSSLWantRead = -2,
  kSSLWantWrite = -3,
  kSSLWantX509Lookup = -4,
  kSSLZeroReturn = -5,
  kSSLWantOther = -6,  // async job, client hello callback, retry-verify: surfaced as WantRead
  // Real failures (never returned to JS as numbers: ThrowSSLError turns them into errors).
  kSSLFailed = -7,         // SSL_ERROR_SSL: a TLS or OpenSSL error, in the error queue
  kSSLFailedSysCall = -8,  // SSL_ERROR_SYSCALL: the transport failed, or the peer went away
};

// The one reading of SSL_get_error(ssl, ret) for the whole addon, as an SSLStatus.
int SSLResult(const SSL* ssl, int ret);

// The error-queue discipline, applied once where every native method and function is defined
// (Wrapper::Method, NativeFunction): OpenSSL's error queue is empty when a call from JS into the
// addon begins and when it returns, so no method clears it by hand before its OpenSSL calls and
// nothing one call leaves behind shows up in the next call's error. Only the outermost call on a
// thread clears: a method called from a callback inside another leaves the outer call's queue be.
class NativeCall {
 public:
  NativeCall() {
    EnterReleaseScope();
    if (depth_++ == 0 && ERR_peek_error() != 0) ERR_clear_error();
  }
  ~NativeCall() {
    LeaveReleaseScope();  // what JS freed during the call goes now, before the queue is cleared
    if (--depth_ == 0 && ERR_peek_error() != 0) ERR_clear_error();
  }
  NativeCall(const NativeCall&) = delete;
  NativeCall& operator=(const NativeCall&) = delete;

 private:
  static thread_local int depth_;
};

// A Node-API function for F, under the discipline above.
template <Napi::Value (*F)(const Napi::CallbackInfo&)>
Napi::Function NativeFunction(Napi::Env env, const char* name) {
  return Napi::Function::New(
      env,
      [](const Napi::CallbackInfo& info) -> Napi::Value {
        NativeCall call;
        return F(info);
      },
      name);
}

// ERR_clear_error() for hot paths: the queue is nearly always empty there, and a peek at it is
// cheaper than clearing all of its slots.
inline void ClearErrors() {
  if (ERR_peek_error() != 0) ERR_clear_error();
}

// Throws SysCallError(errno, strerror); -1 is pyOpenSSL's (-1, 'Unexpected EOF').
Napi::Value ThrowSysCallError(Napi::Env env, int err_no);

// Maps SSLResult(ssl, ret) and throws the matching JS error.
Napi::Value ThrowSSLError(Napi::Env env, SSL* ssl, int ret, const char* operation);

// Registers the JS error classes (called once per environment from lib/errors.ts).
Napi::Value SetupErrors(const Napi::CallbackInfo& info);

}  // namespace ossl
