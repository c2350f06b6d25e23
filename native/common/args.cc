#include "args.h"

#include <openssl/bio.h>
#include <openssl/err.h>

#include <cmath>

#include "errors.h"
#include "ptr.h"

namespace ossl {
namespace {

std::string Describe(const Napi::Value& v) {
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

bool Fail(const Napi::CallbackInfo& info, size_t i, const char* name, const char* expected) {
  Napi::Value v = i < info.Length() ? info[i] : info.Env().Undefined();
  ThrowTypeError(info.Env(), std::string("The \"") + name + "\" argument must be " + expected + ", got " + Describe(v));
  return false;
}

}  // namespace

bool ArgIsNullish(const Napi::CallbackInfo& info, size_t i) {
  return i >= info.Length() || info[i].IsUndefined() || info[i].IsNull();
}

bool ArgBytes(const Napi::CallbackInfo& info, size_t i, const char* name, Bytes* out, bool allow_string) {
  if (i < info.Length()) {
    Napi::Value v = info[i];
    // Fast path for the usual Buffer/Uint8Array: one Node-API call gives type, data and length
    // (the general path below makes three to five). A non-typed-array just fails the call.
    napi_typedarray_type type = napi_int8_array;
    size_t length = 0;
    void* data = nullptr;
    if (napi_get_typedarray_info(info.Env(), v, &type, &length, &data, nullptr, nullptr) == napi_ok &&
        (type == napi_uint8_array || type == napi_uint8_clamped_array || type == napi_int8_array)) {
      out->data = data != nullptr ? static_cast<const unsigned char*>(data) : reinterpret_cast<const unsigned char*>("");
      out->size = length;
      return true;
    }
    if (v.IsBuffer()) {
      auto b = v.As<Napi::Buffer<unsigned char>>();
      out->data = b.Data();
      out->size = b.Length();
      return true;
    }
    if (v.IsTypedArray()) {
      auto ta = v.As<Napi::TypedArray>();
      if (ta.TypedArrayType() == napi_uint8_array || ta.TypedArrayType() == napi_uint8_clamped_array ||
          ta.TypedArrayType() == napi_int8_array) {
        auto ab = ta.ArrayBuffer();
        out->data = static_cast<const unsigned char*>(ab.Data()) + ta.ByteOffset();
        out->size = ta.ByteLength();
        if (out->data == nullptr) out->data = reinterpret_cast<const unsigned char*>("");
        return true;
      }
    }
    if (allow_string && v.IsString()) {
      out->owned = v.As<Napi::String>().Utf8Value();
      out->data = reinterpret_cast<const unsigned char*>(out->owned.data());
      out->size = out->owned.size();
      return true;
    }
  }
  return Fail(info, i, name, allow_string ? "a Buffer, Uint8Array or string" : "a Buffer or Uint8Array");
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
