#include "x509/certificate.h"
#include "common/compat.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <cstring>
#include <ctime>

#include "common/args.h"
#include "common/codec.h"
#include "pkey/pkey.h"
#include "x509/extension.h"

namespace ossl {

bool SignsWithoutDigest(EVP_PKEY* key) {
  if (key == nullptr) return false;
  const int id = EVP_PKEY_get_base_id(key);
  if (id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448) return true;
  // Any other algorithm that hashes internally (ML-DSA, SLH-DSA on OpenSSL 3.5+, and whatever
  // comes next) names no default digest, or "UNDEF".
  char name[80] = {0};
  const int r = EVP_PKEY_get_default_digest_name(key, name, sizeof name);
  ERR_clear_error();
  return r > 0 && (name[0] == '\0' || std::strcmp(name, "UNDEF") == 0);
}

bool DigestForKey(Napi::Env env, const std::string& name, bool nullish, EVP_PKEY* key, const EVP_MD** out) {
  const bool digestless = SignsWithoutDigest(key);
  if (nullish || digestless) {
    if (!digestless) {
      ThrowTypeError(env, "A digest name is required for this key type", "ERR_INVALID_ARG_VALUE");
      return false;
    }
    *out = nullptr;
    return true;
  }
  const EVP_MD* md = EVP_get_digestbyname(name.c_str());
  if (md == nullptr) {
    ERR_clear_error();
    ThrowRangeError(env, "No such digest method: " + name, "ERR_INVALID_ARG_VALUE");
    return false;
  }
  *out = md;
  return true;
}

bool ArgDigestFor(const Napi::CallbackInfo& info, size_t i, EVP_PKEY* key, const EVP_MD** out) {
  std::string digest;
  const bool nullish = ArgIsNullish(info, i);
  if (!nullish && !ArgCString(info, i, "digest", &digest)) return false;
  return DigestForKey(info.Env(), digest, nullish, key, out);
}

X509Wrap::X509Wrap(const Napi::CallbackInfo& info) : Wrapper(info) {
  if (IsAdopting(info)) return;
  Reset(Handle(X509_new()));
  if (get() == nullptr) ThrowOpenSSL(info.Env(), "X509_new");
}

X509_NAME* X509Wrap::OwnedName(int which) {
  X509* x = get();
  if (x == nullptr) return nullptr;
  return Mutable(which == kSubject ? X509_get_subject_name(x) : X509_get_issuer_name(x));
}

Napi::Value X509Wrap::GetVersion(const Napi::CallbackInfo& info) {
  X509* x = Live(info.Env());
  if (x == nullptr) return {};
  return Napi::Number::New(info.Env(), static_cast<double>(X509_get_version(x)));
}

Napi::Value X509Wrap::SetVersion(const Napi::CallbackInfo& info) {
  X509* x = Live(info.Env());
  int64_t v = 0;
  if (x == nullptr || !ArgInt(info, 0, "version", &v, 0, 2)) return {};
  if (X509_set_version(x, static_cast<long>(v)) != 1) return ThrowOpenSSL(info.Env(), "X509_set_version");
  return info.Env().Undefined();
}

Napi::Value X509Wrap::GetSerialHex(const Napi::CallbackInfo& info) {
  X509* x = Live(info.Env());
  if (x == nullptr) return {};
  BNPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), nullptr));
  if (bn == nullptr) return ThrowOpenSSL(info.Env(), "ASN1_INTEGER_to_BN");
  CharsPtr hex(BN_bn2hex(bn.get()));
  if (hex == nullptr) return ThrowOpenSSL(info.Env(), "BN_bn2hex");
  return Napi::String::New(info.Env(), hex.get());
}

// Takes the serial as a hex string (the TS layer converts number | bigint).
Napi::Value X509Wrap::SetSerialHex(const Napi::CallbackInfo& info) {
  X509* x = Live(info.Env());
  std::string hex;
  if (x == nullptr || !ArgCString(info, 0, "serial", &hex)) return {};
  BIGNUM* raw = nullptr;
  // BN_hex2bn counts the sign too, so the whole string must be consumed.
  if (hex.empty() || BN_hex2bn(&raw, hex.c_str()) != static_cast<int>(hex.size()))
    return ThrowOpenSSLMessage(info.Env(), "set_serial_number", "invalid serial number");
  BNPtr bn(raw);
  ASN1IntegerPtr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  if (serial == nullptr || X509_set_serialNumber(x, serial.get()) != 1) return ThrowOpenSSL(info.Env(), "X509_set_serialNumber");
  return info.Env().Undefined();
}

// gmtimeAdj(which, seconds): 0 = notBefore, 1 = notAfter, relative to now.
Napi::Value X509Wrap::GmtimeAdj(const Napi::CallbackInfo& info) {
  X509* x = Live(info.Env());
  int64_t which = 0, seconds = 0;
  if (x == nullptr || !ArgInt(info, 0, "which", &which, 0, 1) ||
      !ArgInt(info, 1, "amount", &seconds, -(int64_t{1} << 40), int64_t{1} << 40))
    return {};
  ASN1_TIME* t = which == 0 ? X509_getm_notBefore(x) : X509_getm_notAfter(x);
  if (X509_gmtime_adj(t, static_cast<long>(seconds)) == nullptr) return ThrowOpenSSL(info.Env(), "X509_gmtime_adj");
  return info.Env().Undefined();
}

Napi::Value X509Wrap::GetTime(const Napi::CallbackInfo& info) {
  X509* x = Live(info.Env());
  int64_t which = 0;
  if (x == nullptr || !ArgInt(info, 0, "which", &which, 0, 1)) return {};
  return AsnTimeString(info.Env(), which == 0 ? X509_get0_notBefore(x) : X509_get0_notAfter(x));
}

Napi::Value X509Wrap::SetTime(const Napi::CallbackInfo& info) {
  X509* x = Live(info.Env());
  int64_t which = 0;
  std::string when;
  if (x == nullptr || !ArgInt(info, 0, "which", &which, 0, 1) || !ArgCString(info, 1, "when", &when)) return {};
  ASN1TimePtr t(ASN1_TIME_new());
  if (t == nullptr) return ThrowOpenSSL(info.Env(), "ASN1_TIME_new");
  if (ASN1_TIME_set_string_X509(t.get(), when.c_str()) != 1 && ASN1_TIME_set_string(t.get(), when.c_str()) != 1)
    return ThrowTypeError(info.Env(), "Invalid time string (expected YYYYMMDDhhmmssZ): " + when, "ERR_INVALID_ARG_VALUE");
  const int ok = which == 0 ? X509_set1_notBefore(x, t.get()) : X509_set1_notAfter(x, t.get());
  if (ok != 1) return ThrowOpenSSL(info.Env(), "X509_set1_notAfter");
  return info.Env().Undefined();
}

Napi::Value X509Wrap::HasExpired(const Napi::CallbackInfo& info) {
  X509* x = Live(info.Env());
  if (x == nullptr) return {};
  const ASN1_TIME* not_after = X509_get0_notAfter(x);
  if (not_after == nullptr || ASN1_STRING_length(not_after) == 0)
    return ThrowStateError(info.Env(), "The certificate has no notAfter time");
  const int cmp = X509_cmp_current_time(not_after);
  if (cmp == 0) return ThrowOpenSSLMessage(info.Env(), "has_expired", "The notAfter time cannot be read");
  return Napi::Boolean::New(info.Env(), cmp < 0);
}

Napi::Value X509Wrap::GetName(const Napi::CallbackInfo& info) {
  int64_t which = 0;
  if (Live(info.Env()) == nullptr || !ArgInt(info, 0, "which", &which, 0, 1)) return {};
  return X509NameWrap::NewView(info.Env(), info.This().As<Napi::Object>(), this, static_cast<int>(which));
}

Napi::Value X509Wrap::SetName(const Napi::CallbackInfo& info) {
  X509* x = Live(info.Env());
  int64_t which = 0;
  if (x == nullptr || !ArgInt(info, 0, "which", &which, 0, 1)) return {};
  X509_NAME* name = X509NameWrap::NameArg(info, 1, "name");
  if (name == nullptr) return {};
  // Setting a name to a view of itself: copy first, since the old name is freed.
  X509NamePtr copy(X509_NAME_dup(name));
  ERR_clear_error();
  if (copy == nullptr) return ThrowOpenSSL(info.Env(), "X509_NAME_dup");
  const int ok = which == kSubject ? X509_set_subject_name(x, copy.get()) : X509_set_issuer_name(x, copy.get());
  if (ok != 1) return ThrowOpenSSL(info.Env(), which == kSubject ? "X509_set_subject_name" : "X509_set_issuer_name");
  ++generation_[which];
  return info.Env().Undefined();
}

Napi::Value X509Wrap::GetPubkey(const Napi::CallbackInfo& info) {
  X509* x = Live(info.Env());
  if (x == nullptr) return {};
  EVPPKeyPtr key(X509_get_pubkey(x));
  if (key == nullptr) return ThrowOpenSSL(info.Env(), "X509_get_pubkey");
  return PKeyWrap::New(info.Env(), std::move(key), true);
}

Napi::Value X509Wrap::SetPubkey(const Napi::CallbackInfo& info) {
  X509* x = Live(info.Env());
  if (x == nullptr) return {};
  EVP_PKEY* key = PKeyArg(info, 0, "pkey", false);
  if (key == nullptr) return {};
  if (X509_set_pubkey(x, key) != 1) return ThrowOpenSSL(info.Env(), "X509_set_pubkey");
  return info.Env().Undefined();
}

Napi::Value X509Wrap::Sign(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  X509* x = Live(env);
  if (x == nullptr) return {};
  EVP_PKEY* key = PKeyArg(info, 0, "pkey", true);
  if (key == nullptr) return {};
  const EVP_MD* md = nullptr;
  if (!ArgDigestFor(info, 1, key, &md)) return {};
  if (X509_sign(x, key, md) <= 0) return ThrowOpenSSL(env, "X509_sign");
  return env.Undefined();
}

Napi::Value X509Wrap::VerifySignature(const Napi::CallbackInfo& info) {
  X509* x = Live(info.Env());
  if (x == nullptr) return {};
  EVP_PKEY* key = PKeyArg(info, 0, "pkey", false);
  if (key == nullptr) return {};
  const int r = X509_verify(x, key);
  return Napi::Boolean::New(info.Env(), r == 1);
}

Napi::Value X509Wrap::GetSignatureAlgorithm(const Napi::CallbackInfo& info) {
  X509* x = Live(info.Env());
  if (x == nullptr) return {};
  const int nid = X509_get_signature_nid(x);
  if (nid == NID_undef) return ThrowTypeError(info.Env(), "Undefined signature algorithm", "ERR_INVALID_STATE");
  return Napi::String::New(info.Env(), OBJ_nid2ln(nid));
}

Napi::Value X509Wrap::Digest(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  X509* x = Live(env);
  std::string name;
  if (x == nullptr || !ArgCString(info, 0, "digest", &name)) return {};
  const EVP_MD* md = nullptr;
  if (!DigestForKey(env, name, false, nullptr, &md)) return {};
  unsigned char buf[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(x, md, buf, &len) != 1) return ThrowOpenSSL(env, "X509_digest");
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    if (i) out += ':';
    out += kHex[buf[i] >> 4];
    out += kHex[buf[i] & 15];
  }
  return Napi::String::New(env, out);
}

Napi::Value X509Wrap::SubjectNameHash(const Napi::CallbackInfo& info) {
  X509* x = Live(info.Env());
  if (x == nullptr) return {};
  return Napi::Number::New(info.Env(), static_cast<double>(X509_subject_name_hash(x)));
}

Napi::Value X509Wrap::GetExtensionCount(const Napi::CallbackInfo& info) {
  X509* x = Live(info.Env());
  if (x == nullptr) return {};
  return Napi::Number::New(info.Env(), X509_get_ext_count(x));
}

Napi::Value X509Wrap::GetExtension(const Napi::CallbackInfo& info) {
  X509* x = Live(info.Env());
  int64_t index = 0;
  if (x == nullptr || !ArgInt(info, 0, "index", &index, INT32_MIN, INT32_MAX)) return {};
  const int count = X509_get_ext_count(x);
  if (index < 0 || index >= count)
    return ThrowRangeError(info.Env(), "Extension index out of bounds: " + std::to_string(index) + " (count " +
                                           std::to_string(count) + ")");
  ERR_clear_error();
  X509ExtensionPtr dup(X509_EXTENSION_dup(X509_get_ext(x, static_cast<int>(index))));
  if (dup == nullptr) return ThrowOpenSSL(info.Env(), "X509_EXTENSION_dup");
  return X509ExtensionWrap::New(info.Env(), std::move(dup));
}

Napi::Value X509Wrap::AddExtensions(const Napi::CallbackInfo& info) {
  X509* x = Live(info.Env());
  std::vector<X509_EXTENSION*> exts;
  if (x == nullptr || !X509ExtensionWrap::ArrayArg(info, 0, "extensions", &exts)) return {};
  for (X509_EXTENSION* e : exts) {
    if (X509_add_ext(x, e, -1) != 1) return ThrowOpenSSL(info.Env(), "X509_add_ext");
  }
  return info.Env().Undefined();
}

Napi::Value X509Wrap::ToDER(const Napi::CallbackInfo& info) {
  X509* x = Live(info.Env());
  if (x == nullptr) return {};
  unsigned char* der = nullptr;
  const int len = i2d_X509(x, &der);
  if (len < 0) return ThrowOpenSSL(info.Env(), "i2d_X509");
  BytesPtr owned(der);
  return CopyBuffer(info.Env(), der, static_cast<size_t>(len));
}

Napi::Value X509Wrap::Copy(const Napi::CallbackInfo& info) {
  X509* x = Live(info.Env());
  if (x == nullptr) return {};
  X509Ptr dup(X509_dup(x));
  if (dup == nullptr) return ThrowOpenSSL(info.Env(), "X509_dup");
  return New(info.Env(), std::move(dup));
}

namespace {

Napi::Value LoadCertificate(const Napi::CallbackInfo& info) {
  return LoadObject<X509Ptr>(
      info, "load_certificate",
      [](int type, BIO* bio) {
        return type == kFiletypePEM ? PEM_read_bio_X509(bio, nullptr, nullptr, const_cast<char*>(""))
                                    : d2i_X509_bio(bio, nullptr);
      },
      X509Wrap::New);
}

Napi::Value DumpCertificate(const Napi::CallbackInfo& info) {
  int type = 0;
  if (!ArgFiletype(info, 0, &type, true)) return {};
  X509* x = X509Wrap::Arg(info, 1, "cert");
  if (x == nullptr) return {};
  return DumpToBuffer(info.Env(), "dump_certificate", [&](BIO* bio) {
    return type == kFiletypePEM ? PEM_write_bio_X509(bio, x) : type == kFiletypeASN1 ? i2d_X509_bio(bio, x) : X509_print_ex(bio, x, 0, 0);
  });
}

}  // namespace

void X509Wrap::Init(Napi::Env env, Napi::Object exports) {
  Define(env, exports,
         {
             Method<&X509Wrap::GetVersion>("getVersion"),
             Method<&X509Wrap::SetVersion>("setVersion"),
             Method<&X509Wrap::GetSerialHex>("getSerialHex"),
             Method<&X509Wrap::SetSerialHex>("setSerialHex"),
             Method<&X509Wrap::GmtimeAdj>("gmtimeAdj"),
             Method<&X509Wrap::GetTime>("getTime"),
             Method<&X509Wrap::SetTime>("setTime"),
             Method<&X509Wrap::HasExpired>("hasExpired"),
             Method<&X509Wrap::GetName>("getName"),
             Method<&X509Wrap::SetName>("setName"),
             Method<&X509Wrap::GetPubkey>("getPubkey"),
             Method<&X509Wrap::SetPubkey>("setPubkey"),
             Method<&X509Wrap::Sign>("sign"),
             Method<&X509Wrap::VerifySignature>("verifySignature"),
             Method<&X509Wrap::GetSignatureAlgorithm>("getSignatureAlgorithm"),
             Method<&X509Wrap::Digest>("digest"),
             Method<&X509Wrap::SubjectNameHash>("subjectNameHash"),
             Method<&X509Wrap::GetExtensionCount>("getExtensionCount"),
             Method<&X509Wrap::GetExtension>("getExtension"),
             Method<&X509Wrap::AddExtensions>("addExtensions"),
             Method<&X509Wrap::ToDER>("toDER"),
             Method<&X509Wrap::Copy>("copy"),
         });
  exports.Set("loadCertificate", NativeFunction<LoadCertificate>(env, "loadCertificate"));
  exports.Set("dumpCertificate", NativeFunction<DumpCertificate>(env, "dumpCertificate"));
}

namespace {
Module registration(&X509Wrap::Init);
}

}  // namespace ossl
