#include "x509/req.h"
#include "common/compat.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <string>
#include <vector>

#include "common/args.h"
#include "common/codec.h"
#include "pkey/pkey.h"
#include "x509/certificate.h"
#include "x509/extension.h"

namespace ossl {

X509ReqWrap::X509ReqWrap(const Napi::CallbackInfo& info) : Wrapper(info) {
  if (IsAdopting(info)) return;
  Reset(Handle(X509_REQ_new()));
  // Version 1 (0), the only one there is: OpenSSL 4.0 refuses to verify a request without it.
  if (get() == nullptr || X509_REQ_set_version(get(), X509_REQ_VERSION_1) != 1) ThrowOpenSSL(info.Env(), "X509_REQ_new");
}

X509_NAME* X509ReqWrap::OwnedName(int /*which*/) {
  X509_REQ* r = get();
  return r == nullptr ? nullptr : Mutable(X509_REQ_get_subject_name(r));
}

Napi::Value X509ReqWrap::SetPubkey(const Napi::CallbackInfo& info) {
  X509_REQ* r = Live(info.Env());
  if (r == nullptr) return {};
  EVP_PKEY* key = PKeyArg(info, 0, "pkey", false);
  if (key == nullptr) return {};
  if (X509_REQ_set_pubkey(r, key) != 1) return ThrowOpenSSL(info.Env(), "X509_REQ_set_pubkey");
  return info.Env().Undefined();
}

Napi::Value X509ReqWrap::GetPubkey(const Napi::CallbackInfo& info) {
  X509_REQ* r = Live(info.Env());
  if (r == nullptr) return {};
  EVPPKeyPtr key(X509_REQ_get_pubkey(r));
  if (key == nullptr) return ThrowOpenSSL(info.Env(), "X509_REQ_get_pubkey");
  return PKeyWrap::New(info.Env(), std::move(key), true);
}

Napi::Value X509ReqWrap::SetVersion(const Napi::CallbackInfo& info) {
  X509_REQ* r = Live(info.Env());
  int64_t v = 0;
  if (r == nullptr || !ArgInt(info, 0, "version", &v, 0, 0)) return {};
  if (X509_REQ_set_version(r, static_cast<long>(v)) != 1) return ThrowOpenSSL(info.Env(), "X509_REQ_set_version");
  return info.Env().Undefined();
}

Napi::Value X509ReqWrap::GetVersion(const Napi::CallbackInfo& info) {
  X509_REQ* r = Live(info.Env());
  if (r == nullptr) return {};
  return Napi::Number::New(info.Env(), static_cast<double>(X509_REQ_get_version(r)));
}

Napi::Value X509ReqWrap::GetSubject(const Napi::CallbackInfo& info) {
  if (Live(info.Env()) == nullptr) return {};
  return X509NameWrap::NewView(info.Env(), info.This().As<Napi::Object>(), this, 0);
}

Napi::Value X509ReqWrap::SetSubject(const Napi::CallbackInfo& info) {
  X509_REQ* r = Live(info.Env());
  if (r == nullptr) return {};
  X509_NAME* name = X509NameWrap::NameArg(info, 0, "name");
  if (name == nullptr) return {};
  X509NamePtr copy(X509_NAME_dup(name));
  if (copy == nullptr || X509_REQ_set_subject_name(r, copy.get()) != 1)
    return ThrowOpenSSL(info.Env(), "X509_REQ_set_subject_name");
  ++generation_;
  return info.Env().Undefined();
}

// Adds to the CSR's extension request; one extensionRequest attribute holds them all.
Napi::Value X509ReqWrap::AddExtensions(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  X509_REQ* r = Live(env);
  std::vector<X509_EXTENSION*> add;
  if (r == nullptr || !X509ExtensionWrap::ArrayArg(info, 0, "extensions", &add)) return {};
  X509ExtStackPtr all(X509_REQ_get_extensions(r));
  ERR_clear_error();
  if (all == nullptr) all.reset(sk_X509_EXTENSION_new_null());
  if (all == nullptr) return ThrowOpenSSL(env, "sk_X509_EXTENSION_new_null");
  for (X509_EXTENSION* e : add) {
    X509ExtensionPtr dup(X509_EXTENSION_dup(e));
    if (dup == nullptr || sk_X509_EXTENSION_push(all.get(), dup.get()) <= 0) return ThrowOpenSSL(env, "X509_REQ_add_extensions");
    dup.release();
  }
  for (int idx = X509_REQ_get_attr_by_NID(r, NID_ext_req, -1); idx >= 0; idx = X509_REQ_get_attr_by_NID(r, NID_ext_req, -1)) {
    X509_ATTRIBUTE_free(X509_REQ_delete_attr(r, idx));
  }
  if (X509_REQ_add_extensions(r, all.get()) != 1) return ThrowOpenSSL(env, "X509_REQ_add_extensions");
  return env.Undefined();
}

Napi::Value X509ReqWrap::GetExtensions(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  X509_REQ* r = Live(env);
  if (r == nullptr) return {};
  X509ExtStackPtr exts(X509_REQ_get_extensions(r));
  ERR_clear_error();
  const int n = exts == nullptr ? 0 : sk_X509_EXTENSION_num(exts.get());
  Napi::Array out = Napi::Array::New(env, static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    X509ExtensionPtr e(sk_X509_EXTENSION_value(exts.get(), i));
    sk_X509_EXTENSION_set(exts.get(), i, nullptr);  // ownership moves to the wrapper
    Napi::Value v = X509ExtensionWrap::New(env, std::move(e));
    if (v.IsEmpty()) return {};
    out.Set(static_cast<uint32_t>(i), v);
  }
  return out;
}

Napi::Value X509ReqWrap::Sign(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  X509_REQ* r = Live(env);
  if (r == nullptr) return {};
  EVP_PKEY* key = PKeyArg(info, 0, "pkey", true);
  if (key == nullptr) return {};
  const EVP_MD* md = nullptr;
  if (!ArgDigestFor(info, 1, key, &md)) return {};
  if (X509_REQ_sign(r, key, md) <= 0) return ThrowOpenSSL(env, "X509_REQ_sign");
  return env.Undefined();
}

// pyOpenSSL: true, or raises Error when the signature does not verify.
Napi::Value X509ReqWrap::Verify(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  X509_REQ* r = Live(env);
  if (r == nullptr) return {};
  EVP_PKEY* key = PKeyArg(info, 0, "pkey", false);
  if (key == nullptr) return {};
  const int ok = X509_REQ_verify(r, key);
  if (ok != 1) return ThrowOpenSSLMessage(env, "X509_REQ_verify", "The signature does not verify");
  return Napi::Boolean::New(env, true);
}

Napi::Value X509ReqWrap::GetSignatureAlgorithm(const Napi::CallbackInfo& info) {
  X509_REQ* r = Live(info.Env());
  if (r == nullptr) return {};
  const int nid = X509_REQ_get_signature_nid(r);
  if (nid == NID_undef) return ThrowTypeError(info.Env(), "Undefined signature algorithm", "ERR_INVALID_STATE");
  return Napi::String::New(info.Env(), OBJ_nid2ln(nid));
}

Napi::Value X509ReqWrap::ToDER(const Napi::CallbackInfo& info) {
  X509_REQ* r = Live(info.Env());
  if (r == nullptr) return {};
  unsigned char* der = nullptr;
  const int len = i2d_X509_REQ(r, &der);
  if (len < 0) return ThrowOpenSSL(info.Env(), "i2d_X509_REQ");
  BytesPtr owned(der);
  return CopyBuffer(info.Env(), der, static_cast<size_t>(len));
}

namespace {

Napi::Value LoadCertificateRequest(const Napi::CallbackInfo& info) {
  return LoadObject<X509ReqPtr>(
      info, "load_certificate_request",
      [](int type, BIO* bio) {
        return type == kFiletypePEM ? PEM_read_bio_X509_REQ(bio, nullptr, nullptr, const_cast<char*>(""))
                                    : d2i_X509_REQ_bio(bio, nullptr);
      },
      X509ReqWrap::New);
}

Napi::Value DumpCertificateRequest(const Napi::CallbackInfo& info) {
  int type = 0;
  if (!ArgFiletype(info, 0, &type, true)) return {};
  X509_REQ* r = X509ReqWrap::Arg(info, 1, "req");
  if (r == nullptr) return {};
  return DumpToBuffer(info.Env(), "dump_certificate_request", [&](BIO* bio) {
    return type == kFiletypePEM    ? PEM_write_bio_X509_REQ(bio, r)
           : type == kFiletypeASN1 ? i2d_X509_REQ_bio(bio, r)
                                   : X509_REQ_print_ex(bio, r, 0, 0);
  });
}

}  // namespace

void X509ReqWrap::Init(Napi::Env env, Napi::Object exports) {
  Define(env, exports,
         {
             Method<&X509ReqWrap::SetPubkey>("setPubkey"),
             Method<&X509ReqWrap::GetPubkey>("getPubkey"),
             Method<&X509ReqWrap::SetVersion>("setVersion"),
             Method<&X509ReqWrap::GetVersion>("getVersion"),
             Method<&X509ReqWrap::GetSubject>("getSubject"),
             Method<&X509ReqWrap::SetSubject>("setSubject"),
             Method<&X509ReqWrap::AddExtensions>("addExtensions"),
             Method<&X509ReqWrap::GetExtensions>("getExtensions"),
             Method<&X509ReqWrap::Sign>("sign"),
             Method<&X509ReqWrap::Verify>("verify"),
             Method<&X509ReqWrap::GetSignatureAlgorithm>("getSignatureAlgorithm"),
             Method<&X509ReqWrap::ToDER>("toDER"),
         });
  exports.Set("loadCertificateRequest", NativeFunction<LoadCertificateRequest>(env, "loadCertificateRequest"));
  exports.Set("dumpCertificateRequest", NativeFunction<DumpCertificateRequest>(env, "dumpCertificateRequest"));
}

namespace {
Module registration(&X509ReqWrap::Init);
}

}  // namespace ossl
