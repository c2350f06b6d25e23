// Argument readers: each returns false after throwing a TypeError/RangeError that names the
// argument, so a method reads `if (!ArgInt(info, 0, "bits", &bits, 1, 16384)) return {};`.
#pragma once
#include <napi.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>

#include <cstdint>
#include <string>

namespace ossl {

// A view of binary input. Strings are copied into `owned` (as UTF-8); Buffers and typed arrays
// are borrowed: valid while the JS value is alive, i.e. for the duration of the call.
struct Bytes {
  const unsigned char* data = nullptr;
  size_t size = 0;
  std::string owned;
  std::string str() const { return std::string(reinterpret_cast<const char*>(data), size); }
};

// Any ArrayBufferView (Buffer, every TypedArray, DataView) or ArrayBuffer: its bytes, from its own
// offset and length; a detached buffer reads as empty. False (no exception) for anything else.
bool ViewBytes(napi_env env, napi_value v, const unsigned char** data, size_t* size);
// ViewBytes, or a string as UTF-8 where allow_string. False (no exception) for anything else.
bool ValueBytes(const Napi::Value& v, Bytes* out, bool allow_string);
// A callback's bytes result (view or string), copied. False (no exception) for anything else.
bool ValueBytes(const Napi::Value& v, std::string* out);
// ValueBytes for an argument; a coded TypeError naming it otherwise.
bool ArgBytes(const Napi::CallbackInfo& info, size_t i, const char* name, Bytes* out, bool allow_string = true);
bool ArgString(const Napi::CallbackInfo& info, size_t i, const char* name, std::string* out);
// A string without NUL bytes (C APIs would silently truncate it).
bool ArgCString(const Napi::CallbackInfo& info, size_t i, const char* name, std::string* out);
bool ArgInt(const Napi::CallbackInfo& info, size_t i, const char* name, int64_t* out, int64_t min, int64_t max);
bool ArgBool(const Napi::CallbackInfo& info, size_t i, const char* name, bool* out);
bool ArgFunction(const Napi::CallbackInfo& info, size_t i, const char* name, Napi::Function* out);
// Narrows `b` to the optional [offset, offset + length) given by arguments i and i + 1 (absent or
// undefined: from 0, to the end); a coded RangeError naming them when the range does not fit.
bool ArgRange(const Napi::CallbackInfo& info, size_t i, Bytes* b, const char* offset_name = "offset",
              const char* length_name = "length");
// Absent, undefined or null.
bool ArgIsNullish(const Napi::CallbackInfo& info, size_t i);

// What a value is, for messages: "undefined", "a string", "a Promise", "an object", ...
std::string Describe(const Napi::Value& v);

// pyOpenSSL's FILETYPE_* values.
constexpr int kFiletypePEM = 1;
constexpr int kFiletypeASN1 = 2;
constexpr int kFiletypeText = 65535;
// A FILETYPE_* argument (FILETYPE_TEXT only where allow_text).
bool ArgFiletype(const Napi::CallbackInfo& info, size_t i, int* out, bool allow_text);

// ASN1_TIME as "YYYYMMDDhhmmssZ" (GeneralizedTime), or null when unset or unreadable.
Napi::Value AsnTimeString(Napi::Env env, const ASN1_TIME* t);

// Copies OpenSSL-owned bytes into a new Buffer.
Napi::Buffer<unsigned char> CopyBuffer(Napi::Env env, const unsigned char* data, size_t size);
// Reads everything written to a memory BIO into a Buffer.
Napi::Value BioToBuffer(Napi::Env env, BIO* bio);
Napi::Value BioToString(Napi::Env env, BIO* bio);

}  // namespace ossl
