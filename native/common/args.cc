#include "args.h"

#include <openssl/bio.h>
#include <openssl/err.h>

#include <climits>
#include <cmath>

#include "errors.h"
#include "ptr.h"

namespace ossl {

std::string Describe(const Napi::Value& v) {
  bool promise = false;
  if (v.IsObject() && napi_is_promise(v.Env(), v, &promise) == napi_ok && promise) return "a Promise";
  switch (v.Type()) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return "a boolean";
    case napi_number: return "a number";
    case napi_string: return "a string";
    case napi_symbol: return "a symbol";
    case napi_function: return "a function";
    case napi_bigint: return "a bigint";
    default: return "an object";
  }
}

namespace {

bool Fail(const Napi::CallbackInfo& info, size_t i, const char* name, const char* expected) {
  Napi::Value v = i < info.Length() ? info[i] : info.Env().Undefined();
  ThrowTypeError(info.Env(), std::string("The \"") + name + "\" argument must be " + expected + ", got " + Describe(v));
  return false;
}

}  // namespace

bool ArgRange(const Napi::CallbackInfo& info, size_t i, Bytes* b, const char* offset_name, const char* length_name) {
  int64_t offset = 0;
  int64_t length = -1;
  const int64_t size = static_cast<int64_t>(b->size);
  if (i < info.Length() && !info[i].IsUndefined() && !ArgInt(info, i, offset_name, &offset, 0, size)) return false;
  if (i + 1 < info.Length() && !info[i + 1].IsUndefined() &&
      !ArgInt(info, i + 1, length_name, &length, 0, size - offset))
    return false;
  if (length < 0) length = size - offset;
  b->data += offset;
  b->size = static_cast<size_t>(length);
  return true;
}

bool ArgIsNullish(const Napi::CallbackInfo& info, size_t i) {
  return i >= info.Length() || info[i].IsUndefined() || info[i].IsNull();
}

bool ViewBytes(napi_env env, napi_value v, const unsigned char** data, size_t* size) {
  static const unsigned char kEmpty[1] = {0};
  void* p = nullptr;
  size_t n = 0;
  // The usual Buffer/Uint8Array first: one Node-API call gives type, data and length. A value of
  // another kind just fails this call (napi_invalid_arg, no exception).
  napi_typedarray_type type = napi_uint8_array;
  if (napi_get_typedarray_info(env, v, &type, &n, &p, nullptr, nullptr) == napi_ok) {
    size_t width = 1;
    switch (type) {
      case napi_int16_array: case napi_uint16_array: width = 2; break;
      case napi_int32_array: case napi_uint32_array: case napi_float32_array: width = 4; break;
      case napi_float64_array: case napi_bigint64_array: case napi_biguint64_array: width = 8; break;
      default: break;
    }
    n *= width;
  } else {
    bool is = false;
    if (napi_is_dataview(env, v, &is) == napi_ok && is) {
      if (napi_get_dataview_info(env, v, &n, &p, nullptr, nullptr) != napi_ok) return false;
    } else if (napi_is_arraybuffer(env, v, &is) == napi_ok && is) {
      if (napi_get_arraybuffer_info(env, v, &p, &n) != napi_ok) return false;
    } else {
      return false;
    }
  }
  // A detached or empty buffer has no memory: an empty input, never a null pointer.
  if (p == nullptr) n = 0;
  *data = p != nullptr ? static_cast<const unsigned char*>(p) : kEmpty;
  *size = n;
  return true;
}

bool ValueBytes(const Napi::Value& v, Bytes* out, bool allow_string) {
  if (ViewBytes(v.Env(), v, &out->data, &out->size)) return true;
  if (allow_string && v.IsString()) {
    out->owned = v.As<Napi::String>().Utf8Value();
    out->data = reinterpret_cast<const unsigned char*>(out->owned.data());
    out->size = out->owned.size();
    return true;
  }
  return false;
}

bool ValueBytes(const Napi::Value& v, std::string* out) {
  Bytes b;
  if (!ValueBytes(v, &b, true)) return false;
  if (!b.owned.empty()) *out = std::move(b.owned);  // a string, already copied as UTF-8
  else out->assign(reinterpret_cast<const char*>(b.data), b.size);
  return true;
}

bool ArgBytes(const Napi::CallbackInfo& info, size_t i, const char* name, Bytes* out, bool allow_string) {
  if (i < info.Length() && ValueBytes(info[i], out, allow_string)) {
    // OpenSSL takes most lengths as int: a larger input would be cut or read as negative.
    if (out->size <= static_cast<size_t>(INT_MAX)) return true;
    ThrowRangeError(info.Env(), std::string("The \"") + name + "\" argument is larger than OpenSSL accepts (" +
                                    std::to_string(out->size) + " bytes; at most " + std::to_string(INT_MAX) + ")");
    return false;
  }
  return Fail(info, i, name,
              allow_string ? "a string, Buffer, TypedArray, DataView or ArrayBuffer"
                           : "a Buffer, TypedArray, DataView or ArrayBuffer");
}

bool ArgString(const Napi::CallbackInfo& info, size_t i, const char* name, std::string* out) {
  if (i < info.Length() && info[i].IsString()) {
    *out = info[i].As<Napi::String>().Utf8Value();
    return true;
  }
  return Fail(info, i, name, "a string");
}

bool ArgCString(const Napi::CallbackInfo& info, size_t i, const char* name, std::string* out) {
  if (!ArgString(info, i, name, out)) return false;
  if (out->find('\0') != std::string::npos) {
    ThrowTypeError(info.Env(), std::string("The \"") + name + "\" argument must not contain NUL bytes",
                   "ERR_INVALID_ARG_VALUE");
    return false;
  }
  return true;
}

bool ArgInt(const Napi::CallbackInfo& info, size_t i, const char* name, int64_t* out, int64_t min, int64_t max) {
  if (i >= info.Length() || !info[i].IsNumber()) return Fail(info, i, name, "a number");
  double d = info[i].As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || std::floor(d) != d || d < static_cast<double>(min) || d > static_cast<double>(max)) {
    ThrowRangeError(info.Env(), std::string("The value of \"") + name + "\" is out of range. It must be an integer >= " +
                                    std::to_string(min) + " and <= " + std::to_string(max) + ". Received " +
                                    info[i].ToString().Utf8Value());
    return false;
  }
  *out = static_cast<int64_t>(d);
  return true;
}

bool ArgBool(const Napi::CallbackInfo& info, size_t i, const char* name, bool* out) {
  if (i < info.Length() && info[i].IsBoolean()) {
    *out = info[i].As<Napi::Boolean>().Value();
    return true;
  }
  return Fail(info, i, name, "a boolean");
}

bool ArgFunction(const Napi::CallbackInfo& info, size_t i, const char* name, Napi::Function* out) {
  if (i < info.Length() && info[i].IsFunction()) {
    *out = info[i].As<Napi::Function>();
    return true;
  }
  return Fail(info, i, name, "a function");
}

bool ArgFiletype(const Napi::CallbackInfo& info, size_t i, int* out, bool allow_text) {
  int64_t t = 0;
  if (!ArgInt(info, i, "type", &t, -0x7fffffff, 0x7fffffff)) return false;
  if (t != kFiletypePEM && t != kFiletypeASN1 && !(allow_text && t == kFiletypeText)) {
    ThrowRangeError(info.Env(),
                    std::string("The \"type\" argument must be FILETYPE_PEM or FILETYPE_ASN1") +
                        (allow_text ? " or FILETYPE_TEXT" : ""),
                    "ERR_INVALID_ARG_VALUE");
    return false;
  }
  *out = static_cast<int>(t);
  return true;
}

Napi::Value AsnTimeString(Napi::Env env, const ASN1_TIME* t) {
  if (t == nullptr || ASN1_STRING_length(t) == 0) return env.Null();
  ASN1TimePtr gen(ASN1_TIME_to_generalizedtime(t, nullptr));
  if (gen == nullptr) {
    ERR_clear_error();
    return env.Null();
  }
  return Napi::String::New(env, reinterpret_cast<const char*>(ASN1_STRING_get0_data(gen.get())),
                           static_cast<size_t>(ASN1_STRING_length(gen.get())));
}

Napi::Buffer<unsigned char> CopyBuffer(Napi::Env env, const unsigned char* data, size_t size) {
  return Napi::Buffer<unsigned char>::Copy(env, size == 0 ? reinterpret_cast<const unsigned char*>("") : data, size);
}

Napi::Value BioToBuffer(Napi::Env env, BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  if (len < 0) len = 0;
  return CopyBuffer(env, reinterpret_cast<const unsigned char*>(data), static_cast<size_t>(len));
}

Napi::Value BioToString(Napi::Env env, BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  if (len < 0) len = 0;
  return Napi::String::New(env, data == nullptr ? "" : data, static_cast<size_t>(len));
}

}  // namespace ossl
