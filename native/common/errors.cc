#include "errors.h"

#include <openssl/err.h>

#include <cerrno>
#include <cstring>

#include "addon_data.h"

namespace ossl {
namespace {

std::string CodeToken(const std::string& text) {
  std::string out;
  for (char c : text) {
    if ((c >= 'a' && c <= 'z')) out += static_cast<char>(c - 'a' + 'A');
    else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) out += c;
    else if (!out.empty() && out.back() != '_') out += '_';
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

std::string LibraryToken(std::string lib) {
  const std::string suffix = " routines";
  if (lib.size() > suffix.size() && lib.compare(lib.size() - suffix.size(), suffix.size(), suffix) == 0)
    lib.resize(lib.size() - suffix.size());
  return CodeToken(lib);
}

// A stable code in Node's style: ERR_OSSL_<LIB>_<REASON> of the first (root-cause) entry.
std::string StableCode(const CapturedErrors& c) {
  if (c.entries.empty()) return "ERR_OSSL_NAPI_FAILED";
  const ErrorEntry& e = c.entries.front();
  std::string lib = LibraryToken(e.library);
  std::string reason = CodeToken(e.reason);
  return "ERR_OSSL_" + (lib.empty() ? std::string() : lib + "_") + (reason.empty() ? "UNKNOWN" : reason);
}

std::string JoinMessage(const CapturedErrors& c) {
  std::string msg = c.operation.empty() ? std::string("OpenSSL call") : c.operation;
  msg += ": ";
  if (!c.message.empty()) {
    msg += c.message;
    if (!c.entries.empty()) msg += " (";
  }
  bool first = true;
  for (const ErrorEntry& e : c.entries) {
    if (!first) msg += "; ";
    first = false;
    msg += e.reason.empty() ? "unknown reason" : e.reason;
    if (!e.library.empty()) msg += " [" + e.library + "]";
    if (!e.data.empty()) msg += " (" + e.data + ")";
  }
  if (!c.message.empty() && !c.entries.empty()) msg += ")";
  if (c.message.empty() && c.entries.empty()) msg += "failed, and OpenSSL gave no reason";
  return msg;
}

Napi::Value Construct(Napi::Env env, Napi::FunctionReference& ctor, std::initializer_list<napi_value> args,
                      const std::string& fallback_message) {
  if (ExceptionPending(env)) return Napi::Value();
  if (ctor.IsEmpty()) return Napi::Error::New(env, fallback_message).Value();
  return ctor.New(args);
}

Napi::Value CodedError(Napi::Env env, napi_value err, const char* code) {
  if (err == nullptr) return Napi::Value();
  napi_value js_code = nullptr;
  if (napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &js_code) == napi_ok)
    napi_set_named_property(env, err, "code", js_code);
  return Throw(env, err);
}

}  // namespace

thread_local int NativeCall::depth_ = 0;

bool ExceptionPending(Napi::Env env) {
  bool pending = false;
  return napi_is_exception_pending(env, &pending) != napi_ok || pending;
}

Napi::Value Throw(Napi::Env env, napi_value err) {
  // Raw napi_throw: node-addon-api aborts the process when a throw fails, and a throw fails while
  // another exception is pending (the first one wins here) or while the environment stops.
  if (err != nullptr && !ExceptionPending(env)) napi_throw(env, err);
  return Napi::Value();
}

Napi::Value TakeException(Napi::Env env) {
  napi_value thrown = nullptr;
  if (!ExceptionPending(env) || napi_get_and_clear_last_exception(env, &thrown) != napi_ok || thrown == nullptr)
    return env.Undefined();
  return Napi::Value(env, thrown);
}

CapturedErrors CaptureErrors(const char* operation) {
  CapturedErrors c;
  c.operation = operation != nullptr ? operation : "";
  const char* file = nullptr;
  const char* func = nullptr;
  const char* data = nullptr;
  int line = 0;
  int flags = 0;
  unsigned long code;
  while ((code = ERR_get_error_all(&file, &line, &func, &data, &flags)) != 0) {
    ErrorEntry e;
    e.code = code;
    const char* lib = ERR_lib_error_string(code);
    const char* reason = ERR_reason_error_string(code);
    e.library = lib != nullptr ? lib : "";
    if (reason != nullptr) {
      e.reason = reason;
    } else {
      e.reason = "reason(" + std::to_string(ERR_GET_REASON(code)) + ")";
    }
    e.func = func != nullptr ? func : "";
    e.file = file != nullptr ? file : "";
    e.line = line;
    if (data != nullptr && (flags & ERR_TXT_STRING) != 0) e.data = data;
    c.entries.push_back(std::move(e));
  }
  return c;
}

Napi::Value MakeOpenSSLError(Napi::Env env, const CapturedErrors& c) {
  Napi::Array list = Napi::Array::New(env, c.entries.size());
  for (size_t i = 0; i < c.entries.size(); ++i) {
    const ErrorEntry& e = c.entries[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("library", e.library);
    o.Set("reason", e.reason);
    o.Set("code", Napi::Number::New(env, static_cast<double>(e.code)));
    o.Set("func", e.func);
    o.Set("file", e.file);
    o.Set("line", Napi::Number::New(env, e.line));
    o.Set("data", e.data);
    list.Set(static_cast<uint32_t>(i), o);
  }
  std::string message = JoinMessage(c);
  Napi::String js_message = Napi::String::New(env, message);
  Napi::String js_code = Napi::String::New(env, StableCode(c));
  Napi::String js_op = Napi::String::New(env, c.operation);
  AddonData* data = GetAddonData(env);
  if (data == nullptr || data->openssl_error.IsEmpty()) {
    Napi::Error err = Napi::Error::New(env, message);
    err.Set("errors", list);
    err.Set("code", js_code);
    err.Set("operation", js_op);
    return err.Value();
  }
  return data->openssl_error.New({js_message, list, js_code, js_op});
}

Napi::Value ThrowOpenSSL(Napi::Env env, const char* operation) {
  CapturedErrors c = CaptureErrors(operation);
  if (ExceptionPending(env)) return Napi::Value();
  return Throw(env, MakeOpenSSLError(env, c));
}

Napi::Value ThrowOpenSSLMessage(Napi::Env env, const char* operation, const std::string& message) {
  CapturedErrors c = CaptureErrors(operation);
  if (ExceptionPending(env)) return Napi::Value();
  c.message = message;
  return Throw(env, MakeOpenSSLError(env, c));
}

namespace {
using ErrorCtor = napi_status (*)(napi_env, napi_value, napi_value, napi_value*);
Napi::Value ThrowCoded(Napi::Env env, ErrorCtor make, const std::string& message, const char* code) {
  if (ExceptionPending(env)) return Napi::Value();
  napi_value msg = nullptr;
  napi_value err = nullptr;
  if (napi_create_string_utf8(env, message.data(), message.size(), &msg) != napi_ok ||
      make(env, nullptr, msg, &err) != napi_ok)
    return Napi::Value();
  return CodedError(env, err, code);
}
}  // namespace

Napi::Value ThrowTypeError(Napi::Env env, const std::string& message, const char* code) {
  return ThrowCoded(env, napi_create_type_error, message, code);
}

Napi::Value ThrowRangeError(Napi::Env env, const std::string& message, const char* code) {
  return ThrowCoded(env, napi_create_range_error, message, code);
}

Napi::Value ThrowStateError(Napi::Env env, const std::string& message, const char* code) {
  return ThrowCoded(env, napi_create_error, message, code);
}

Napi::Value ThrowSysCallError(Napi::Env env, int err_no) {
  if (ExceptionPending(env)) return Napi::Value();
  Napi::Number n = Napi::Number::New(env, err_no);
  Napi::String msg = Napi::String::New(env, err_no == -1 ? "Unexpected EOF" : std::strerror(err_no));
  return Throw(env, Construct(env, GetAddonData(env)->syscall_error, {n, msg}, "Unexpected EOF"));
}

int SSLResult(const SSL* ssl, int ret) {
  switch (SSL_get_error(ssl, ret)) {
    case SSL_ERROR_NONE: return kSSLOk;
    case SSL_ERROR_WANT_READ: return kSSLWantRead;
    case SSL_ERROR_WANT_WRITE: return kSSLWantWrite;
    case SSL_ERROR_WANT_X509_LOOKUP: return kSSLWantX509Lookup;
    case SSL_ERROR_ZERO_RETURN: return kSSLZeroReturn;
    case SSL_ERROR_WANT_ASYNC:
    case SSL_ERROR_WANT_ASYNC_JOB:
    case SSL_ERROR_WANT_CLIENT_HELLO_CB:
    case SSL_ERROR_WANT_RETRY_VERIFY: return kSSLWantOther;
    case SSL_ERROR_SYSCALL: return kSSLFailedSysCall;
    default: return kSSLFailed;
  }
}

Napi::Value ThrowSSLError(Napi::Env env, SSL* ssl, int ret, const char* operation) {
  AddonData* data = GetAddonData(env);
  const int saved_errno = errno;
  switch (SSLResult(ssl, ret)) {
    case kSSLWantRead:
    case kSSLWantOther:
      ERR_clear_error();
      return Throw(env, Construct(env, data->want_read_error, {}, "want read"));
    case kSSLWantWrite:
      ERR_clear_error();
      return Throw(env, Construct(env, data->want_write_error, {}, "want write"));
    case kSSLWantX509Lookup:
      ERR_clear_error();
      return Throw(env, Construct(env, data->want_x509_lookup_error, {}, "want X509 lookup"));
    case kSSLZeroReturn:
      ERR_clear_error();
      return Throw(env, Construct(env, data->zero_return_error, {}, "zero return"));
    case kSSLOk:  // a failed return with no SSL error: whatever the queue says
      return ThrowOpenSSL(env, operation);
    case kSSLFailedSysCall: {
      if (ERR_peek_error() != 0) return ThrowOpenSSL(env, operation);
      // With memory BIOs (and on EOF) errno means nothing: the peer went away mid-record.
      const bool eof = ret == 0 || saved_errno == 0;
      return ThrowSysCallError(env, eof ? -1 : saved_errno);
    }
    default: {
      const unsigned long top = ERR_peek_error();
      if (ERR_GET_LIB(top) == ERR_LIB_SSL && ERR_GET_REASON(top) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
        ERR_clear_error();
        return ThrowSysCallError(env, -1);
      }
      return ThrowOpenSSL(env, operation);
    }
  }
}

Napi::Value SetupErrors(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) return ThrowTypeError(env, "setupErrors(classes): classes must be an object");
  Napi::Object classes = info[0].As<Napi::Object>();
  AddonData* data = GetAddonData(env);
  struct Slot {
    const char* name;
    Napi::FunctionReference* ref;
  } slots[] = {
      {"OpenSSLError", &data->openssl_error},
      {"WantReadError", &data->want_read_error},
      {"WantWriteError", &data->want_write_error},
      {"WantX509LookupError", &data->want_x509_lookup_error},
      {"ZeroReturnError", &data->zero_return_error},
      {"SysCallError", &data->syscall_error},
  };
  for (const Slot& s : slots) {
    Napi::Value v = classes.Get(s.name);
    if (!v.IsFunction()) return ThrowTypeError(env, std::string("setupErrors: ") + s.name + " must be a class");
    *s.ref = Napi::Persistent(v.As<Napi::Function>());
  }
  return env.Undefined();
}

}  // namespace ossl
