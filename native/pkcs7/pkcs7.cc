// PKCS7: loaded from PEM/DER; type queries and the certificates it carries.
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>

#include "common/args.h"
#include "common/codec.h"
#include "common/wrap.h"
#include "x509/certificate.h"

namespace ossl {
namespace {

class PKCS7Wrap : public Wrapper<PKCS7Wrap, PKCS7, PKCS7_free> {
 public:
  static constexpr const char* kName = "PKCS7";
  explicit PKCS7Wrap(const Napi::CallbackInfo& info) : Wrapper(info) {
    if (IsAdopting(info)) return;
    ThrowTypeError(info.Env(), "PKCS7 objects come from loadPkcs7Data()", "ERR_ILLEGAL_CONSTRUCTOR");
  }

  static void Init(Napi::Env env, Napi::Object exports) {
    Define(env, exports,
           {
               Method<&PKCS7Wrap::TypeNid>("typeNid"),
               Method<&PKCS7Wrap::GetTypeName>("getTypeName"),
               Method<&PKCS7Wrap::GetCertificates>("getCertificates"),
               Method<&PKCS7Wrap::ToDER>("toDER"),
           });
  }

 private:
  Napi::Value TypeNid(const Napi::CallbackInfo& info) {
    PKCS7* p = Live(info.Env());
    if (p == nullptr) return {};
    return Napi::Number::New(info.Env(), OBJ_obj2nid(p->type));
  }

  Napi::Value GetTypeName(const Napi::CallbackInfo& info) {
    PKCS7* p = Live(info.Env());
    if (p == nullptr) return {};
    const char* sn = OBJ_nid2sn(OBJ_obj2nid(p->type));
    return Napi::String::New(info.Env(), sn == nullptr ? "undefined" : sn);
  }

  Napi::Value GetCertificates(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    PKCS7* p = Live(env);
    if (p == nullptr) return {};
    STACK_OF(X509)* certs = nullptr;
    const int nid = OBJ_obj2nid(p->type);
    if (nid == NID_pkcs7_signed && p->d.sign != nullptr) certs = p->d.sign->cert;
    else if (nid == NID_pkcs7_signedAndEnveloped && p->d.signed_and_enveloped != nullptr)
      certs = p->d.signed_and_enveloped->cert;
    const int n = certs == nullptr ? 0 : sk_X509_num(certs);
    if (n == 0) return env.Null();
    Napi::Array arr = Napi::Array::New(env, static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      Napi::Value v = X509Wrap::NewRef(env, sk_X509_value(certs, i));
      if (v.IsEmpty()) return {};
      arr.Set(static_cast<uint32_t>(i), v);
    }
    return arr;
  }

  Napi::Value ToDER(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    PKCS7* p = Live(env);
    if (p == nullptr) return {};
    return DumpToBuffer(env, "i2d_PKCS7_bio", [p](BIO* bio) { return i2d_PKCS7_bio(bio, p); });
  }
};

Napi::Value LoadPkcs7Data(const Napi::CallbackInfo& info) {
  using PKCS7Ptr = Ptr<PKCS7, PKCS7_free>;
  return LoadObject<PKCS7Ptr>(
      info, "load_pkcs7_data",
      [](int type, BIO* bio) {
        return type == kFiletypePEM ? PEM_read_bio_PKCS7(bio, nullptr, nullptr, const_cast<char*>(""))
                                    : d2i_PKCS7_bio(bio, nullptr);
      },
      [](Napi::Env env, PKCS7Ptr p7) { return PKCS7Wrap::Adopt(env, std::move(p7)); });
}

void Init(Napi::Env env, Napi::Object exports) {
  PKCS7Wrap::Init(env, exports);
  exports.Set("loadPkcs7Data", NativeFunction<LoadPkcs7Data>(env, "loadPkcs7Data"));
  Napi::Object nids = Napi::Object::New(env);
  nids.Set("signed", NID_pkcs7_signed);
  nids.Set("enveloped", NID_pkcs7_enveloped);
  nids.Set("signedAndEnveloped", NID_pkcs7_signedAndEnveloped);
  nids.Set("data", NID_pkcs7_data);
  exports.Set("pkcs7Nids", nids);
}

Module registration(&Init);

}  // namespace
}  // namespace ossl
