#include "x509/extension.h"

#include <openssl/conf.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <string>
#include <vector>

#include "common/args.h"
#include "x509/certificate.h"

namespace ossl {

// X509Extension(typeName, critical, value, subject?, issuer?, config?): `config` is the text of an
// OpenSSL configuration file whose sections `@section` references in the value name.
X509ExtensionWrap::X509ExtensionWrap(const Napi::CallbackInfo& info) : Wrapper(info) {
  if (IsAdopting(info)) return;
  Napi::Env env = info.Env();
  std::string type_name, value;
  bool critical = false;
  if (!ArgCString(info, 0, "typeName", &type_name) || !ArgBool(info, 1, "critical", &critical) ||
      !ArgCString(info, 2, "value", &value))
    return;
  X509* subject = nullptr;
  X509* issuer = nullptr;
  if (!ArgIsNullish(info, 3) && (subject = X509Wrap::Arg(info, 3, "subject")) == nullptr) return;
  if (!ArgIsNullish(info, 4) && (issuer = X509Wrap::Arg(info, 4, "issuer")) == nullptr) return;
  std::string config;
  const bool has_config = !ArgIsNullish(info, 5);
  if (has_config && !ArgCString(info, 5, "config", &config)) return;
  ERR_clear_error();
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, subject, nullptr, nullptr, 0);
  Ptr<CONF, NCONF_free> conf;
  if (has_config) {
    conf.reset(NCONF_new(nullptr));
    BIOPtr bio(BIO_new_mem_buf(config.data(), static_cast<int>(config.size())));
    long line = 0;
    if (conf == nullptr || bio == nullptr) {
      ThrowOpenSSL(env, "NCONF_new");
      return;
    }
    if (NCONF_load_bio(conf.get(), bio.get(), &line) != 1) {
      ThrowOpenSSLMessage(env, "NCONF_load_bio", "The extension config does not parse (line " + std::to_string(line) + ")");
      return;
    }
    X509V3_set_nconf(&ctx, conf.get());
  } else {
    X509V3_set_ctx_nodb(&ctx);
  }
  const std::string full = critical ? "critical," + value : value;
  X509ExtensionPtr ext(X509V3_EXT_nconf(conf.get(), &ctx, type_name.c_str(), full.c_str()));
  if (ext == nullptr) {
    ThrowOpenSSL(env, "X509V3_EXT_nconf");
    return;
  }
  ERR_clear_error();
  Reset(std::move(ext));
}

bool X509ExtensionWrap::ArrayArg(const Napi::CallbackInfo& info, size_t i, const char* name,
                                 std::vector<X509_EXTENSION*>* out) {
  Napi::Env env = info.Env();
  if (i >= info.Length() || !info[i].IsArray()) {
    ThrowTypeError(env, std::string("The \"") + name + "\" argument must be an array of X509Extension");
    return false;
  }
  Napi::Array arr = info[i].As<Napi::Array>();
  const uint32_t n = arr.Length();
  for (uint32_t k = 0; k < n; ++k) {
    Napi::Value v = arr.Get(k);
    if (v.IsEmpty()) return false;
    X509ExtensionWrap* w = FromValue(env, v, name);
    if (w == nullptr) return false;
    X509_EXTENSION* e = w->Live(env);
    if (e == nullptr) return false;
    out->push_back(e);
  }
  return true;
}

Napi::Value X509ExtensionWrap::GetCritical(const Napi::CallbackInfo& info) {
  X509_EXTENSION* e = Live(info.Env());
  if (e == nullptr) return {};
  return Napi::Boolean::New(info.Env(), X509_EXTENSION_get_critical(e) > 0);
}

Napi::Value X509ExtensionWrap::GetShortName(const Napi::CallbackInfo& info) {
  X509_EXTENSION* e = Live(info.Env());
  if (e == nullptr) return {};
  const ASN1_OBJECT* obj = X509_EXTENSION_get_object(e);
  const int nid = obj == nullptr ? NID_undef : OBJ_obj2nid(obj);
  if (nid != NID_undef) return Napi::String::New(info.Env(), OBJ_nid2sn(nid));
  // An OID OpenSSL has no name for: its dotted form.
  char buf[128];
  const int len = obj == nullptr ? -1 : OBJ_obj2txt(buf, sizeof buf, obj, 1);
  ERR_clear_error();
  if (len <= 0) return Napi::String::New(info.Env(), "UNDEF");
  return Napi::String::New(info.Env(), buf, std::min(static_cast<size_t>(len), sizeof buf - 1));
}

Napi::Value X509ExtensionWrap::GetData(const Napi::CallbackInfo& info) {
  X509_EXTENSION* e = Live(info.Env());
  if (e == nullptr) return {};
  const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(e);
  if (data == nullptr) return CopyBuffer(info.Env(), nullptr, 0);
  return CopyBuffer(info.Env(), ASN1_STRING_get0_data(data), static_cast<size_t>(ASN1_STRING_length(data)));
}

Napi::Value X509ExtensionWrap::ToString(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  X509_EXTENSION* e = Live(env);
  if (e == nullptr) return {};
  BIOPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr) return ThrowOpenSSL(env, "X509Extension.toString");
  if (OBJ_obj2nid(X509_EXTENSION_get_object(e)) == NID_subject_alt_name) {
    // pyOpenSSL's special case: "DNS:a, IP Address:1.2.3.4, ..." one GENERAL_NAME after another.
    GENERAL_NAMES* names = static_cast<GENERAL_NAMES*>(X509V3_EXT_d2i(e));
    if (names != nullptr) {
      bool ok = true;
      for (int i = 0; ok && i < sk_GENERAL_NAME_num(names); ++i) {
        if (i > 0 && BIO_puts(bio.get(), ", ") <= 0) ok = false;
        if (ok && GENERAL_NAME_print(bio.get(), sk_GENERAL_NAME_value(names, i)) <= 0) ok = false;
      }
      GENERAL_NAMES_free(names);
      if (!ok) return ThrowOpenSSL(env, "GENERAL_NAME_print");
      return BioToString(env, bio.get());
    }
    ERR_clear_error();  // malformed: fall through to the generic printer (which dumps it)
  }
  if (X509V3_EXT_print(bio.get(), e, X509V3_EXT_DUMP_UNKNOWN, 0) != 1) {
    ERR_clear_error();
    (void)BIO_reset(bio.get());
    // Undecodable contents: dump the raw value instead of failing.
    if (ASN1_STRING_print(bio.get(), X509_EXTENSION_get_data(e)) != 1) return ThrowOpenSSL(env, "X509V3_EXT_print");
  }
  return BioToString(env, bio.get());
}

Napi::Value X509ExtensionWrap::ToDER(const Napi::CallbackInfo& info) {
  X509_EXTENSION* e = Live(info.Env());
  if (e == nullptr) return {};
  unsigned char* der = nullptr;
  const int len = i2d_X509_EXTENSION(e, &der);
  if (len < 0) return ThrowOpenSSL(info.Env(), "i2d_X509_EXTENSION");
  BytesPtr owned(der);
  return CopyBuffer(info.Env(), der, static_cast<size_t>(len));
}

void X509ExtensionWrap::Init(Napi::Env env, Napi::Object exports) {
  Define(env, exports,
         {
             Method<&X509ExtensionWrap::GetCritical>("getCritical"),
             Method<&X509ExtensionWrap::GetShortName>("getShortName"),
             Method<&X509ExtensionWrap::GetData>("getData"),
             Method<&X509ExtensionWrap::ToString>("toString"),
             Method<&X509ExtensionWrap::ToDER>("toDER"),
         });
}

namespace {
Module registration(&X509ExtensionWrap::Init);
}

}  // namespace ossl
