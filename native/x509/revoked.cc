#include "x509/revoked.h"
#include "common/compat.h"

#include <openssl/err.h>

#include <string>

#include "common/args.h"
#include "x509/crl.h"

namespace ossl {

RevokedWrap::RevokedWrap(const Napi::CallbackInfo& info) : Wrapper(info) {
  if (IsAdopting(info)) return;
  Reset(Handle(X509_REVOKED_new()));
  if (get() == nullptr) ThrowOpenSSL(info.Env(), "X509_REVOKED_new");
}

Napi::Value RevokedWrap::SetSerialHex(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  X509_REVOKED* r = Live(env);
  std::string hex;
  if (r == nullptr || !ArgCString(info, 0, "hex", &hex)) return {};
  BIGNUM* raw = nullptr;
  if (hex.empty() || BN_hex2bn(&raw, hex.c_str()) != static_cast<int>(hex.size())) {
    BN_free(raw);
    return ThrowTypeError(env, "Invalid hexadecimal serial number: " + hex, "ERR_INVALID_ARG_VALUE");
  }
  BNPtr bn(raw);
  ASN1IntegerPtr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  if (serial == nullptr || X509_REVOKED_set_serialNumber(r, serial.get()) != 1)
    return ThrowOpenSSL(env, "X509_REVOKED_set_serialNumber");
  return env.Undefined();
}

Napi::Value RevokedWrap::GetSerialHex(const Napi::CallbackInfo& info) {
  X509_REVOKED* r = Live(info.Env());
  if (r == nullptr) return {};
  BNPtr bn(ASN1_INTEGER_to_BN(X509_REVOKED_get0_serialNumber(r), nullptr));
  if (bn == nullptr) return ThrowOpenSSL(info.Env(), "ASN1_INTEGER_to_BN");
  CharsPtr hex(BN_bn2hex(bn.get()));
  if (hex == nullptr) return ThrowOpenSSL(info.Env(), "BN_bn2hex");
  return Napi::String::New(info.Env(), hex.get());
}

// pyOpenSSL's get_serial(): i2a_ASN1_INTEGER's text (hex pairs, e.g. "03AB").
Napi::Value RevokedWrap::GetSerialPairs(const Napi::CallbackInfo& info) {
  X509_REVOKED* r = Live(info.Env());
  if (r == nullptr) return {};
  BIOPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || i2a_ASN1_INTEGER(bio.get(), X509_REVOKED_get0_serialNumber(r)) < 0)
    return ThrowOpenSSL(info.Env(), "i2a_ASN1_INTEGER");
  return BioToBuffer(info.Env(), bio.get());
}

// setReasonCode(code | null): the CRL reason extension (null removes it).
Napi::Value RevokedWrap::SetReasonCode(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  X509_REVOKED* r = Live(env);
  if (r == nullptr) return {};
  if (ArgIsNullish(info, 0)) {
    int idx;
    while ((idx = X509_REVOKED_get_ext_by_NID(r, NID_crl_reason, -1)) >= 0) {
      X509_EXTENSION* ext = X509_REVOKED_delete_ext(r, idx);
      if (ext == nullptr) return ThrowOpenSSL(env, "X509_REVOKED_delete_ext");
      X509_EXTENSION_free(ext);
    }
    return env.Undefined();
  }
  int64_t code = 0;
  if (!ArgInt(info, 0, "reason", &code, 0, 10)) return {};
  Ptr<ASN1_ENUMERATED, ASN1_ENUMERATED_free> e(ASN1_ENUMERATED_new());
  if (e == nullptr || ASN1_ENUMERATED_set(e.get(), static_cast<long>(code)) != 1)
    return ThrowOpenSSL(env, "ASN1_ENUMERATED_set");
  if (X509_REVOKED_add1_ext_i2d(r, NID_crl_reason, e.get(), 0, X509V3_ADD_REPLACE) != 1)
    return ThrowOpenSSL(env, "X509_REVOKED_add1_ext_i2d");
  return env.Undefined();
}

Napi::Value RevokedWrap::GetReasonCode(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  X509_REVOKED* r = Live(env);
  if (r == nullptr) return {};
  int crit = 0;
  Ptr<ASN1_ENUMERATED, ASN1_ENUMERATED_free> e(
      static_cast<ASN1_ENUMERATED*>(X509_REVOKED_get_ext_d2i(r, NID_crl_reason, &crit, nullptr)));
  if (e == nullptr) {
    return env.Null();
  }
  return Napi::Number::New(env, static_cast<double>(ASN1_ENUMERATED_get(e.get())));
}

// pyOpenSSL's get_reason(): the printed extension, e.g. "Key Compromise".
Napi::Value RevokedWrap::GetReason(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  X509_REVOKED* r = Live(env);
  if (r == nullptr) return {};
  const int idx = X509_REVOKED_get_ext_by_NID(r, NID_crl_reason, -1);
  if (idx < 0) return env.Null();
  const X509_EXTENSION* ext = X509_REVOKED_get_ext(r, idx);
  BIOPtr bio(BIO_new(BIO_s_mem()));
  if (ext == nullptr || bio == nullptr) return ThrowOpenSSL(env, "X509_REVOKED_get_ext");
  if (X509V3_EXT_print(bio.get(), Mutable(ext), 0, 0) != 1) {
    ERR_clear_error();
    if (ASN1_STRING_print(bio.get(), X509_EXTENSION_get_data(Mutable(ext))) != 1) return ThrowOpenSSL(env, "ASN1_STRING_print");
  }
  return BioToString(env, bio.get());
}

Napi::Value RevokedWrap::SetRevDate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  X509_REVOKED* r = Live(env);
  std::string when;
  if (r == nullptr || !ArgCString(info, 0, "when", &when)) return {};
  ASN1TimePtr t(ASN1_TIME_new());
  if (t == nullptr) return ThrowOpenSSL(env, "ASN1_TIME_new");
  if (ASN1_TIME_set_string_X509(t.get(), when.c_str()) != 1 && ASN1_TIME_set_string(t.get(), when.c_str()) != 1) {
    return ThrowTypeError(env, "Invalid time string (expected YYYYMMDDhhmmssZ): " + when, "ERR_INVALID_ARG_VALUE");
  }
  if (X509_REVOKED_set_revocationDate(r, t.get()) != 1) return ThrowOpenSSL(env, "X509_REVOKED_set_revocationDate");
  return env.Undefined();
}

Napi::Value RevokedWrap::GetRevDate(const Napi::CallbackInfo& info) {
  X509_REVOKED* r = Live(info.Env());
  if (r == nullptr) return {};
  return AsnTimeString(info.Env(), X509_REVOKED_get0_revocationDate(r));
}

Napi::Value RevokedWrap::Copy(const Napi::CallbackInfo& info) {
  X509_REVOKED* r = Live(info.Env());
  if (r == nullptr) return {};
  Handle dup(X509_REVOKED_dup(r));
  if (dup == nullptr) return ThrowOpenSSL(info.Env(), "X509_REVOKED_dup");
  return Adopt(info.Env(), std::move(dup));
}

void RevokedWrap::Init(Napi::Env env, Napi::Object exports) {
  Define(env, exports,
         {
             Method<&RevokedWrap::SetSerialHex>("setSerialHex"),
             Method<&RevokedWrap::GetSerialHex>("getSerialHex"),
             Method<&RevokedWrap::GetSerialPairs>("getSerialPairs"),
             Method<&RevokedWrap::SetReasonCode>("setReasonCode"),
             Method<&RevokedWrap::GetReason>("getReason"),
             Method<&RevokedWrap::GetReasonCode>("getReasonCode"),
             Method<&RevokedWrap::SetRevDate>("setRevDate"),
             Method<&RevokedWrap::GetRevDate>("getRevDate"),
             Method<&RevokedWrap::Copy>("copy"),
         });
}

namespace {
Module registration(&RevokedWrap::Init);
}  // namespace

}  // namespace ossl
