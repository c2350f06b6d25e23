#include "pkey/pkey.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <string>
#include <vector>

#include "common/args.h"
#include "common/bridge.h"
#include "common/job.h"

namespace ossl {
namespace {

// Key generation parameters, copied out of JS before any work starts (sync or on the pool).
struct KeygenSpec {
  int type = 0;
  int bits = 0;
  std::string curve;
  std::string name;  // by OpenSSL's algorithm name instead of `type` ("ML-DSA-65", "ML-KEM-768", ...)
};

// DSA and DH: parameters first (size set by `size`), then a key from them.
template <class SetSize>
EVPPKeyPtr GenerateFromParams(const char* alg, SetSize size) {
  EVPPKeyCtxPtr pctx(EVP_PKEY_CTX_new_from_name(nullptr, alg, nullptr));
  EVP_PKEY* params = nullptr;
  if (pctx == nullptr || EVP_PKEY_paramgen_init(pctx.get()) != 1 || size(pctx.get()) != 1 ||
      EVP_PKEY_paramgen(pctx.get(), &params) != 1)
    return nullptr;
  EVPPKeyPtr owned_params(params);
  EVPPKeyCtxPtr kctx(EVP_PKEY_CTX_new_from_pkey(nullptr, params, nullptr));
  EVP_PKEY* out = nullptr;
  if (kctx == nullptr || EVP_PKEY_keygen_init(kctx.get()) != 1 || EVP_PKEY_keygen(kctx.get(), &out) != 1)
    return nullptr;
  return EVPPKeyPtr(out);
}

EVPPKeyPtr Generate(const KeygenSpec& spec) {
  EVP_PKEY* out = nullptr;
  if (!spec.name.empty()) {
    // Any algorithm a loaded provider generates keys for, with its default parameters: the next
    // algorithm OpenSSL adds needs no code here.
    EVPPKeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, spec.name.c_str(), nullptr));
    if (ctx == nullptr || EVP_PKEY_keygen_init(ctx.get()) != 1 || EVP_PKEY_keygen(ctx.get(), &out) != 1) return nullptr;
    return EVPPKeyPtr(out);
  }
  switch (spec.type) {
    case EVP_PKEY_RSA: {
      EVPPKeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
      if (ctx == nullptr || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
          EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), spec.bits) != 1 || EVP_PKEY_keygen(ctx.get(), &out) != 1)
        return nullptr;
      return EVPPKeyPtr(out);
    }
    case EVP_PKEY_DSA:
      return GenerateFromParams("DSA", [&](EVP_PKEY_CTX* c) { return EVP_PKEY_CTX_set_dsa_paramgen_bits(c, spec.bits); });
    case EVP_PKEY_DH:
      return GenerateFromParams("DH", [&](EVP_PKEY_CTX* c) { return EVP_PKEY_CTX_set_dh_paramgen_prime_len(c, spec.bits); });
    case EVP_PKEY_EC:
      return EVPPKeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", spec.curve.c_str()));
    case EVP_PKEY_ED25519:
      return EVPPKeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
    case EVP_PKEY_ED448:
      return EVPPKeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED448"));
    case EVP_PKEY_X25519:
      return EVPPKeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519"));
    case EVP_PKEY_X448:
      return EVPPKeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "X448"));
    default:
      return nullptr;
  }
}

// Reads (type, bitsOrCurve) from info[first..]; throws TypeError/RangeError on bad input. A string
// type is an algorithm name, checked here so that an unknown one fails before any work starts.
bool ReadKeygenSpec(const Napi::CallbackInfo& info, size_t first, KeygenSpec* spec) {
  if (first < info.Length() && info[first].IsString()) {
    if (!ArgCString(info, first, "type", &spec->name)) return false;
    EVPPKeyCtxPtr probe(EVP_PKEY_CTX_new_from_name(nullptr, spec->name.c_str(), nullptr));
    if (probe == nullptr || EVP_PKEY_keygen_init(probe.get()) != 1) {
      const bool pq = spec->name.rfind("ML-", 0) == 0 || spec->name.rfind("SLH-", 0) == 0 ||
                      spec->name.find("MLKEM") != std::string::npos;
      std::string message = "OpenSSL " + std::string(OpenSSL_version(OPENSSL_VERSION_STRING)) +
                            " cannot generate \"" + spec->name + "\" keys";
      if (pq) message += " (ML-DSA, ML-KEM and SLH-DSA need OpenSSL 3.5 or later)";
      ThrowRangeError(info.Env(), message, pq ? "ERR_OPENSSL_NAPI_UNSUPPORTED" : "ERR_INVALID_ARG_VALUE");
      return false;
    }
    return true;
  }
  int64_t type = 0;
  if (!ArgInt(info, first, "type", &type, 0, 0x7fffffff)) return false;
  spec->type = static_cast<int>(type);
  switch (spec->type) {
    case EVP_PKEY_RSA:
    case EVP_PKEY_DSA:
    case EVP_PKEY_DH: {
      int64_t bits = 0;
      if (!ArgInt(info, first + 1, "bits", &bits, 1, 16384)) return false;
      // RSA below 512 bits and DSA/DH below 512 are refused by OpenSSL 3 anyway; say so clearly.
      if (bits < 512) {
        ThrowRangeError(info.Env(), "The value of \"bits\" is out of range. It must be >= 512 for RSA, DSA and DH keys");
        return false;
      }
      spec->bits = static_cast<int>(bits);
      return true;
    }
    case EVP_PKEY_EC: {
      if (!ArgCString(info, first + 1, "curve", &spec->curve)) return false;
      // Accept the NIST aliases (P-256) and OpenSSL's short names (prime256v1).
      int nid = EC_curve_nist2nid(spec->curve.c_str());
      if (nid == NID_undef) nid = OBJ_sn2nid(spec->curve.c_str());
      if (nid == NID_undef) nid = OBJ_ln2nid(spec->curve.c_str());
      if (nid == NID_undef) {
        ThrowRangeError(info.Env(), "Unknown elliptic curve: " + spec->curve, "ERR_INVALID_ARG_VALUE");
        return false;
      }
      spec->curve = OBJ_nid2sn(nid);
      return true;
    }
    case EVP_PKEY_ED25519:
    case EVP_PKEY_ED448:
    case EVP_PKEY_X25519:
    case EVP_PKEY_X448:
      return true;
    default:
      ThrowRangeError(info.Env(), "Unsupported key type " + std::to_string(type), "ERR_INVALID_ARG_VALUE");
      return false;
  }
}

class KeygenJob : public OpenSSLJob {
 public:
  KeygenJob(Napi::Env env, KeygenSpec spec) : OpenSSLJob(env, "generate_key"), spec_(std::move(spec)) {}

 protected:
  bool Run() override {
    key_ = Generate(spec_);
    return key_ != nullptr;
  }
  Napi::Value Result(Napi::Env env) override { return PKeyWrap::New(env, std::move(key_), false); }

 private:
  KeygenSpec spec_;
  EVPPKeyPtr key_;
};

Napi::Value GenerateAsync(const Napi::CallbackInfo& info) {
  KeygenSpec spec;
  if (!ReadKeygenSpec(info, 0, &spec)) return {};
  return OpenSSLJob::Start(new KeygenJob(info.Env(), std::move(spec)));
}

}  // namespace

int KeyId(EVP_PKEY* k) {
  if (k == nullptr) return EVP_PKEY_NONE;
  const int base = EVP_PKEY_get_base_id(k);
  if (base != EVP_PKEY_NONE) return base;
  // Provider-only types without a legacy method (e.g. SM2 keys read from a certificate).
  const int id = EVP_PKEY_get_id(k);
  if (id != EVP_PKEY_NONE) return id;
  return EVP_PKEY_get0_type_name(k) != nullptr ? EVP_PKEY_KEYMGMT : EVP_PKEY_NONE;
}

PKeyWrap::PKeyWrap(const Napi::CallbackInfo& info) : Wrapper(info) {
  if (IsAdopting(info)) return;
  Reset(Handle(EVP_PKEY_new()));
  if (get() == nullptr) ThrowOpenSSL(info.Env(), "EVP_PKEY_new");
}

Napi::Value PKeyWrap::New(Napi::Env env, EVPPKeyPtr key, bool public_only) {
  Napi::Value v = Adopt(env, std::move(key));
  PKeyWrap* w = v.IsObject() && !ExceptionPending(env) ? Unwrap(v.As<Napi::Object>()) : nullptr;
  if (w == nullptr) return Napi::Value();  // (an environment that is stopping)
  w->public_only_ = public_only;
  w->initialized_ = true;
  return v;
}

EVP_PKEY* PKeyArg(const Napi::CallbackInfo& info, size_t i, const char* name, bool need_private) {
  PKeyWrap* w = PKeyWrap::FromValue(info.Env(), i < info.Length() ? info[i] : info.Env().Undefined(), name);
  if (w == nullptr) return nullptr;
  EVP_PKEY* k = w->Live(info.Env());
  if (k == nullptr) return nullptr;
  if (KeyId(k) == EVP_PKEY_NONE) {
    ThrowTypeError(info.Env(), std::string("The \"") + name + "\" key is not initialized", "ERR_INVALID_ARG_VALUE");
    return nullptr;
  }
  if (need_private && w->public_only()) {
    ThrowTypeError(info.Env(), std::string("The \"") + name + "\" key is public only; a private key is needed",
                   "ERR_INVALID_ARG_VALUE");
    return nullptr;
  }
  return k;
}

Napi::Value PKeyWrap::GenerateKey(const Napi::CallbackInfo& info) {
  if (Live(info.Env()) == nullptr) return {};
  KeygenSpec spec;
  if (!ReadKeygenSpec(info, 0, &spec)) return {};
  EVPPKeyPtr key = Generate(spec);
  if (key == nullptr) return ThrowOpenSSL(info.Env(), "generate_key");
  Reset(std::move(key));
  public_only_ = false;
  initialized_ = true;
  return info.Env().Undefined();
}

Napi::Value PKeyWrap::Type(const Napi::CallbackInfo& info) {
  EVP_PKEY* k = Live(info.Env());
  if (k == nullptr) return {};
  return Napi::Number::New(info.Env(), KeyId(k));
}

Napi::Value PKeyWrap::TypeName(const Napi::CallbackInfo& info) {
  EVP_PKEY* k = Live(info.Env());
  if (k == nullptr) return {};
  const char* name = EVP_PKEY_get0_type_name(k);
  return name == nullptr ? info.Env().Null() : Napi::String::New(info.Env(), name);
}

Napi::Value PKeyWrap::Bits(const Napi::CallbackInfo& info) {
  EVP_PKEY* k = Live(info.Env());
  if (k == nullptr) return {};
  return Napi::Number::New(info.Env(), EVP_PKEY_get_bits(k));
}

Napi::Value PKeyWrap::Check(const Napi::CallbackInfo& info) {
  EVP_PKEY* k = Live(info.Env());
  if (k == nullptr) return {};
  if (public_only_) return ThrowTypeError(info.Env(), "check(): public key only", "ERR_INVALID_ARG_VALUE");
  if (KeyId(k) == EVP_PKEY_NONE) return ThrowTypeError(info.Env(), "check(): key not initialized", "ERR_INVALID_ARG_VALUE");
  EVPPKeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, k, nullptr));
  if (ctx == nullptr) return ThrowOpenSSL(info.Env(), "check");
  if (EVP_PKEY_check(ctx.get()) != 1) return ThrowOpenSSL(info.Env(), "check");
  return Napi::Boolean::New(info.Env(), true);
}

Napi::Value PKeyWrap::IsPublicOnly(const Napi::CallbackInfo& info) {
  if (Live(info.Env()) == nullptr) return {};
  return Napi::Boolean::New(info.Env(), public_only_);
}

Napi::Value PKeyWrap::IsInitialized(const Napi::CallbackInfo& info) {
  EVP_PKEY* k = Live(info.Env());
  if (k == nullptr) return {};
  return Napi::Boolean::New(info.Env(), KeyId(k) != EVP_PKEY_NONE);
}

Napi::Value PKeyWrap::Equals(const Napi::CallbackInfo& info) {
  EVP_PKEY* k = Live(info.Env());
  if (k == nullptr) return {};
  PKeyWrap* other = FromValue(info.Env(), info.Length() > 0 ? info[0] : info.Env().Undefined(), "other");
  if (other == nullptr) return {};
  EVP_PKEY* o = other->Live(info.Env());
  if (o == nullptr) return {};
  const int r = EVP_PKEY_eq(k, o);
  return Napi::Boolean::New(info.Env(), r == 1);
}

void PKeyWrap::Init(Napi::Env env, Napi::Object exports) {
  Define(env, exports,
         {
             Method<&PKeyWrap::GenerateKey>("generateKey"),
             Method<&PKeyWrap::Type>("type"),
             Method<&PKeyWrap::TypeName>("typeName"),
             Method<&PKeyWrap::Bits>("bits"),
             Method<&PKeyWrap::Check>("check"),
             Method<&PKeyWrap::IsPublicOnly>("isPublicOnly"),
             Method<&PKeyWrap::IsInitialized>("isInitialized"),
             Method<&PKeyWrap::Equals>("equals"),
         });
  exports.Set("generateKeyAsync", NativeFunction<GenerateAsync>(env, "generateKeyAsync"));
  Napi::Object types = Napi::Object::New(env);
  types.Set("TYPE_RSA", EVP_PKEY_RSA);
  types.Set("TYPE_DSA", EVP_PKEY_DSA);
  types.Set("TYPE_DH", EVP_PKEY_DH);
  types.Set("TYPE_EC", EVP_PKEY_EC);
  types.Set("TYPE_ED25519", EVP_PKEY_ED25519);
  types.Set("TYPE_ED448", EVP_PKEY_ED448);
  types.Set("TYPE_X25519", EVP_PKEY_X25519);
  types.Set("TYPE_X448", EVP_PKEY_X448);
  exports.Set("pkeyTypes", types);
}

namespace {
Module registration(&PKeyWrap::Init);
}

}  // namespace ossl
