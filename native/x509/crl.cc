#include "x509/crl.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <string>

#include "common/args.h"
#include "common/codec.h"
#include "pkey/pkey.h"
#include "x509/certificate.h"
#include "x509/revoked.h"

namespace ossl {

Napi::Value DumpCrlTo(Napi::Env env, int type, X509_CRL* crl) {
  return DumpToBuffer(env, "dump_crl", [&](BIO* bio) {
    return type == kFiletypePEM    ? PEM_write_bio_X509_CRL(bio, crl)
           : type == kFiletypeASN1 ? i2d_X509_CRL_bio(bio, crl)
                                   : X509_CRL_print(bio, crl);
  });
}

CRLWrap::CRLWrap(const Napi::CallbackInfo& info) : Wrapper(info) {
  if (IsAdopting(info)) return;
  Reset(Handle(X509_CRL_new()));
  if (get() == nullptr) ThrowOpenSSL(info.Env(), "X509_CRL_new");
}

// Copies of the entries (changing one does not change the CRL), or null when there are none.
Napi::Value CRLWrap::GetRevoked(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  X509_CRL* c = Live(env);
  if (c == nullptr) return {};
  STACK_OF(X509_REVOKED)* revs = X509_CRL_get_REVOKED(c);
  const int n = revs == nullptr ? 0 : sk_X509_REVOKED_num(revs);
  if (n == 0) return env.Null();
  Napi::Array out = Napi::Array::New(env, static_cast<size_t>(n));
  for (int k = 0; k < n; ++k) {
    ERR_clear_error();
    X509RevokedPtr dup(X509_REVOKED_dup(sk_X509_REVOKED_value(revs, k)));
    if (dup == nullptr) return ThrowOpenSSL(env, "X509_REVOKED_dup");
    Napi::Value v = RevokedWrap::Adopt(env, std::move(dup));
    if (v.IsEmpty()) return {};
    out.Set(static_cast<uint32_t>(k), v);
  }
  return out;
}

Napi::Value CRLWrap::AddRevoked(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  X509_CRL* c = Live(env);
  if (c == nullptr) return {};
  X509_REVOKED* r = RevokedWrap::Arg(info, 0, "revoked");
  if (r == nullptr) return {};
  X509RevokedPtr dup(X509_REVOKED_dup(r));
  if (dup == nullptr) return ThrowOpenSSL(env, "X509_REVOKED_dup");
  if (X509_CRL_add0_revoked(c, dup.get()) != 1) return ThrowOpenSSL(env, "X509_CRL_add0_revoked");
  dup.release();
  return env.Undefined();
}

Napi::Value CRLWrap::GetIssuer(const Napi::CallbackInfo& info) {
  if (Live(info.Env()) == nullptr) return {};
  return X509NameWrap::NewView(info.Env(), info.This().As<Napi::Object>(), this, 0);
}

Napi::Value CRLWrap::GetVersion(const Napi::CallbackInfo& info) {
  X509_CRL* c = Live(info.Env());
  if (c == nullptr) return {};
  return Napi::Number::New(info.Env(), static_cast<double>(X509_CRL_get_version(c)));
}

Napi::Value CRLWrap::SetVersion(const Napi::CallbackInfo& info) {
  X509_CRL* c = Live(info.Env());
  int64_t v = 0;
  if (c == nullptr || !ArgInt(info, 0, "version", &v, 0, 1)) return {};
  if (X509_CRL_set_version(c, static_cast<long>(v)) != 1) return ThrowOpenSSL(info.Env(), "X509_CRL_set_version");
  return info.Env().Undefined();
}

// getTime(0 = lastUpdate, 1 = nextUpdate)
Napi::Value CRLWrap::GetTime(const Napi::CallbackInfo& info) {
  X509_CRL* c = Live(info.Env());
  int64_t which = 0;
  if (c == nullptr || !ArgInt(info, 0, "which", &which, 0, 1)) return {};
  return AsnTimeString(info.Env(), which == 0 ? X509_CRL_get0_lastUpdate(c) : X509_CRL_get0_nextUpdate(c));
}

Napi::Value CRLWrap::SetTime(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  X509_CRL* c = Live(env);
  int64_t which = 0;
  std::string when;
  if (c == nullptr || !ArgInt(info, 0, "which", &which, 0, 1) || !ArgCString(info, 1, "when", &when)) return {};
  ASN1TimePtr t(ASN1_TIME_new());
  if (t == nullptr) return ThrowOpenSSL(env, "ASN1_TIME_new");
  if (ASN1_TIME_set_string_X509(t.get(), when.c_str()) != 1 && ASN1_TIME_set_string(t.get(), when.c_str()) != 1) {
    return ThrowTypeError(env, "Invalid time string (expected YYYYMMDDhhmmssZ): " + when, "ERR_INVALID_ARG_VALUE");
  }
  const int ok = which == 0 ? X509_CRL_set1_lastUpdate(c, t.get()) : X509_CRL_set1_nextUpdate(c, t.get());
  if (ok != 1) return ThrowOpenSSL(env, which == 0 ? "X509_CRL_set1_lastUpdate" : "X509_CRL_set1_nextUpdate");
  return env.Undefined();
}

bool CRLWrap::DoSign(Napi::Env env, X509* cert, EVP_PKEY* key, const Napi::CallbackInfo& info, size_t digest_arg) {
  X509_CRL* c = get();
  const EVP_MD* md = nullptr;
  if (!ArgDigestFor(info, digest_arg, key, &md)) return false;
  ERR_clear_error();
  if (X509_CRL_set_issuer_name(c, X509_get_subject_name(cert)) != 1) {
    ThrowOpenSSL(env, "X509_CRL_set_issuer_name");
    return false;
  }
  ++generation_;
  if (X509_CRL_sort(c) != 1) {
    ThrowOpenSSL(env, "X509_CRL_sort");
    return false;
  }
  if (X509_CRL_sign(c, key, md) <= 0) {
    ThrowOpenSSL(env, "X509_CRL_sign");
    return false;
  }
  return true;
}

// sign(issuerCert, issuerKey, digest)
Napi::Value CRLWrap::Sign(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (Live(env) == nullptr) return {};
  X509* cert = X509Wrap::Arg(info, 0, "issuerCert");
  if (cert == nullptr) return {};
  EVP_PKEY* key = PKeyArg(info, 1, "issuerKey", true);
  if (key == nullptr) return {};
  if (!DoSign(env, cert, key, info, 2)) return {};
  return env.Undefined();
}

// export(cert, key, type, days, digest): v2, lastUpdate now, nextUpdate now + days, signed.
Napi::Value CRLWrap::Export(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  X509_CRL* c = Live(env);
  if (c == nullptr) return {};
  X509* cert = X509Wrap::Arg(info, 0, "cert");
  if (cert == nullptr) return {};
  EVP_PKEY* key = PKeyArg(info, 1, "key", true);
  if (key == nullptr) return {};
  int type = 0;
  int64_t days = 0;
  if (!ArgFiletype(info, 2, &type, true) || !ArgInt(info, 3, "days", &days, 0, 1000000)) return {};
  ASN1TimePtr t(ASN1_TIME_new());
  if (t == nullptr || X509_gmtime_adj(t.get(), 0) == nullptr || X509_CRL_set1_lastUpdate(c, t.get()) != 1)
    return ThrowOpenSSL(env, "X509_CRL_set1_lastUpdate");
  if (X509_gmtime_adj(t.get(), static_cast<long>(days) * 24 * 3600) == nullptr || X509_CRL_set1_nextUpdate(c, t.get()) != 1)
    return ThrowOpenSSL(env, "X509_CRL_set1_nextUpdate");
  if (X509_CRL_set_version(c, 1) != 1) return ThrowOpenSSL(env, "X509_CRL_set_version");
  if (!DoSign(env, cert, key, info, 4)) return {};
  return DumpCrlTo(env, type, c);
}

Napi::Value CRLWrap::Verify(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  X509_CRL* c = Live(env);
  if (c == nullptr) return {};
  EVP_PKEY* key = PKeyArg(info, 0, "pkey", false);
  if (key == nullptr) return {};
  const int r = X509_CRL_verify(c, key);
  if (r < 0) return ThrowOpenSSL(env, "X509_CRL_verify");
  return Napi::Boolean::New(env, r == 1);
}

Napi::Value CRLWrap::ToDER(const Napi::CallbackInfo& info) {
  X509_CRL* c = Live(info.Env());
  if (c == nullptr) return {};
  return DumpCrlTo(info.Env(), kFiletypeASN1, c);
}

Napi::Value CRLWrap::Copy(const Napi::CallbackInfo& info) {
  X509_CRL* c = Live(info.Env());
  if (c == nullptr) return {};
  Handle dup(X509_CRL_dup(c));
  if (dup == nullptr) return ThrowOpenSSL(info.Env(), "X509_CRL_dup");
  return Adopt(info.Env(), std::move(dup));
}

void CRLWrap::Init(Napi::Env env, Napi::Object exports) {
  Define(env, exports,
         {
             Method<&CRLWrap::GetRevoked>("getRevoked"),
             Method<&CRLWrap::AddRevoked>("addRevoked"),
             Method<&CRLWrap::GetIssuer>("getIssuer"),
             Method<&CRLWrap::GetVersion>("getVersion"),
             Method<&CRLWrap::SetVersion>("setVersion"),
             Method<&CRLWrap::GetTime>("getTime"),
             Method<&CRLWrap::SetTime>("setTime"),
             Method<&CRLWrap::Sign>("sign"),
             Method<&CRLWrap::Export>("export"),
             Method<&CRLWrap::Verify>("verify"),
             Method<&CRLWrap::ToDER>("toDER"),
             Method<&CRLWrap::Copy>("copy"),
         });
}

namespace {

Napi::Value LoadCrl(const Napi::CallbackInfo& info) {
  return LoadObject<X509CrlPtr>(
      info, "load_crl",
      [](int type, BIO* bio) {
        return type == kFiletypePEM ? PEM_read_bio_X509_CRL(bio, nullptr, nullptr, const_cast<char*>(""))
                                    : d2i_X509_CRL_bio(bio, nullptr);
      },
      [](Napi::Env env, X509CrlPtr crl) { return CRLWrap::Adopt(env, std::move(crl)); });
}

Napi::Value DumpCrl(const Napi::CallbackInfo& info) {
  int type = 0;
  if (!ArgFiletype(info, 0, &type, true)) return {};
  X509_CRL* c = CRLWrap::Arg(info, 1, "crl");
  if (c == nullptr) return {};
  return DumpCrlTo(info.Env(), type, c);
}

void InitCrl(Napi::Env env, Napi::Object exports) {
  CRLWrap::Init(env, exports);
  exports.Set("loadCrl", NativeFunction<LoadCrl>(env, "loadCrl"));
  exports.Set("dumpCrl", NativeFunction<DumpCrl>(env, "dumpCrl"));
}

Module registration(&InitCrl);

}  // namespace
}  // namespace ossl
