// Certificate compression (RFC 8879, TLS 1.3, OpenSSL 3.2+): which algorithms a side prefers,
// certificates compressed ahead of time instead of per handshake, and the compressed bytes. The
// algorithms are the ones the OpenSSL was built with (zlib, brotli, zstd); on an older OpenSSL
// every call names the version it needs.
#include <openssl/crypto.h>
#include <openssl/ssl.h>

#include <string>
#include <vector>

#include "common/args.h"
#include "common/compat.h"
#include "common/wrap.h"
#include "ssl/connection.h"
#include "ssl/context.h"

namespace ossl {
namespace {

[[maybe_unused]] Napi::Value NeedsCertCompression(Napi::Env env) {
  return ThrowStateError(env,
                         std::string("Certificate compression requires OpenSSL 3.2 or later; the binding runs ") +
                             OpenSSL_version(OPENSSL_VERSION_STRING),
                         "ERR_OPENSSL_NAPI_UNSUPPORTED");
}

// The algorithm numbers of RFC 8879 this OpenSSL can use (built with the library behind each).
std::vector<int> Available() {
  std::vector<int> algs;
#if OSSL_NAPI_HAS_CERT_COMPRESSION && !defined(OPENSSL_NO_COMP_ALG)
#ifndef OPENSSL_NO_ZLIB
  algs.push_back(TLSEXT_comp_cert_zlib);
#endif
#ifndef OPENSSL_NO_BROTLI
  algs.push_back(TLSEXT_comp_cert_brotli);
#endif
#ifndef OPENSSL_NO_ZSTD
  algs.push_back(TLSEXT_comp_cert_zstd);
#endif
#endif
  return algs;
}

#if OSSL_NAPI_HAS_CERT_COMPRESSION
// `v` as an algorithm number this build has, or (when `zero_ok`) 0 for "every preferred one".
bool AlgorithmValue(Napi::Env env, Napi::Value v, bool zero_ok, int* out) {
  if (Available().empty()) {
    ThrowStateError(env,
                    std::string("Certificate compression needs an OpenSSL built with zlib, brotli or zstd; ") +
                        OpenSSL_version(OPENSSL_VERSION_STRING) + " has none",
                    "ERR_OPENSSL_NAPI_UNSUPPORTED");
    return false;
  }
  const int alg = v.IsNumber() ? v.As<Napi::Number>().Int32Value() : -1;
  bool known = alg == 0 && zero_ok;
  for (int a : Available()) known = known || a == alg;
  if (!known) {
    ThrowRangeError(env, "The certificate compression algorithm is not one this OpenSSL was built with", "ERR_INVALID_ARG_VALUE");
    return false;
  }
  *out = alg;
  return true;
}
#endif

// certCompSetPreference(contextOrConnection, algs): the algorithms, best first, this side uses
// to compress its certificate and accepts from the peer (SSL_CTX_set1_cert_comp_preference).
Napi::Value SetPreference(const Napi::CallbackInfo& info) {
  if (!LiveSslTarget(info, true)) return {};
#if OSSL_NAPI_HAS_CERT_COMPRESSION
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[1].IsArray() || info[1].As<Napi::Array>().Length() == 0)
    return ThrowTypeError(env, "The \"algorithms\" argument must be a non-empty array", "ERR_INVALID_ARG_TYPE");
  Napi::Array arr = info[1].As<Napi::Array>();
  std::vector<int> algs;
  for (uint32_t i = 0; i < arr.Length(); ++i) {
    Napi::Value v = arr.Get(i);
    int alg = 0;
    if (env.IsExceptionPending() || !AlgorithmValue(env, v, false, &alg)) return {};
    algs.push_back(alg);
  }
  const SslTarget t = LiveSslTarget(info, true);
  if (!t) return {};
  const int ok = t.ctx != nullptr ? SSL_CTX_set1_cert_comp_preference(t.ctx, algs.data(), algs.size())
                                  : SSL_set1_cert_comp_preference(t.ssl, algs.data(), algs.size());
  if (ok != 1) return ThrowOpenSSL(env, "SSL_set1_cert_comp_preference");
  return env.Undefined();
#else
  return NeedsCertCompression(info.Env());
#endif
}

// certCompCompress(contextOrConnection, alg): compresses the configured certificates now (0: with
// every preferred algorithm), so handshakes send the stored bytes (SSL_CTX_compress_certs).
Napi::Value Compress(const Napi::CallbackInfo& info) {
  if (!LiveSslTarget(info, true)) return {};
#if OSSL_NAPI_HAS_CERT_COMPRESSION
  Napi::Env env = info.Env();
  int alg = 0;
  if (!AlgorithmValue(env, info.Length() > 1 ? info[1] : env.Undefined(), true, &alg)) return {};
  const SslTarget t = LiveSslTarget(info, true);
  if (!t) return {};
  ClearErrors();
  const int ok = t.ctx != nullptr ? SSL_CTX_compress_certs(t.ctx, alg) : SSL_compress_certs(t.ssl, alg);
  if (ok != 1) return ThrowOpenSSL(env, "SSL_compress_certs");
  return env.Undefined();
#else
  return NeedsCertCompression(info.Env());
#endif
}

// certCompGet(contextOrConnection, alg) -> [compressed bytes, original length], or null when the
// certificate was not compressed with `alg` (SSL_CTX_get1_compressed_cert).
Napi::Value Get(const Napi::CallbackInfo& info) {
  if (!LiveSslTarget(info, true)) return {};
#if OSSL_NAPI_HAS_CERT_COMPRESSION
  Napi::Env env = info.Env();
  int alg = 0;
  if (!AlgorithmValue(env, info.Length() > 1 ? info[1] : env.Undefined(), false, &alg)) return {};
  const SslTarget t = LiveSslTarget(info, true);
  if (!t) return {};
  unsigned char* data = nullptr;
  size_t orig_len = 0;
  const size_t len = t.ctx != nullptr ? SSL_CTX_get1_compressed_cert(t.ctx, alg, &data, &orig_len)
                                      : SSL_get1_compressed_cert(t.ssl, alg, &data, &orig_len);
  ClearErrors();
  if (len == 0 || data == nullptr) {
    OPENSSL_free(data);
    return env.Null();
  }
  Napi::Buffer<unsigned char> bytes = Napi::Buffer<unsigned char>::Copy(env, data, len);
  OPENSSL_free(data);
  if (bytes.IsEmpty()) return {};
  Napi::Array r = Napi::Array::New(env, 2);
  r.Set(0u, bytes);
  r.Set(1u, Napi::Number::New(env, static_cast<double>(orig_len)));
  return r;
#else
  return NeedsCertCompression(info.Env());
#endif
}

void Init(Napi::Env env, Napi::Object exports) {
  const std::vector<int> algs = Available();
  Napi::Array list = Napi::Array::New(env, algs.size());
  for (uint32_t i = 0; i < algs.size(); ++i) list.Set(i, Napi::Number::New(env, algs[i]));
  exports.Set("certCompSupported", Napi::Boolean::New(env, OSSL_NAPI_HAS_CERT_COMPRESSION == 1));
  exports.Set("certCompAlgorithms", list);
  exports.Set("certCompSetPreference", NativeFunction<SetPreference>(env, "certCompSetPreference"));
  exports.Set("certCompCompress", NativeFunction<Compress>(env, "certCompCompress"));
  exports.Set("certCompGet", NativeFunction<Get>(env, "certCompGet"));
}

Module registration(&Init);

}  // namespace
}  // namespace ossl
