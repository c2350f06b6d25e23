#include "pkcs12/pkcs12.h"

#include <openssl/err.h>
#include <openssl/pkcs12.h>

#include <optional>
#include <string>
#include <vector>

#include "common/args.h"
#include "common/job.h"
#include "common/pbe.h"
#include "pkey/pkey.h"
#include "x509/certificate.h"
#include "x509/store.h"

namespace ossl {
namespace {

using PKCS12Ptr = Ptr<PKCS12, PKCS12_free>;

// Worker-safe parse: false with the error queue set.
bool ParseBundle(const std::string& der, const std::optional<std::string>& pass, PKCS12Parts* out) {
  BIOPtr bio(BIO_new_mem_buf(der.data(), static_cast<int>(der.size())));
  if (bio == nullptr) return false;
  PKCS12Ptr p12(d2i_PKCS12_bio(bio.get(), nullptr));
  if (p12 == nullptr) return false;
  if (!Pkcs12WithinBounds(p12.get(), pass ? pass->c_str() : nullptr)) return false;
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  STACK_OF(X509)* ca = nullptr;
  if (PKCS12_parse(p12.get(), pass ? pass->c_str() : nullptr, &key, &cert, &ca) != 1) return false;
  out->key.reset(key);
  out->cert.reset(cert);
  out->ca.reset(ca);
  if (cert != nullptr) {
    int len = 0;
    const unsigned char* alias = X509_alias_get0(cert, &len);
    if (alias != nullptr) {
      out->friendly_name.assign(reinterpret_cast<const char*>(alias), static_cast<size_t>(len));
      out->has_name = true;
    }
  }
  return true;
}

Napi::Value PartsToJS(Napi::Env env, PKCS12Parts& parts) {
  Napi::Object o = Napi::Object::New(env);
  Napi::Value key = parts.key ? PKeyWrap::New(env, std::move(parts.key), false) : env.Null();
  if (key.IsEmpty()) return {};
  Napi::Value cert = parts.cert ? X509Wrap::New(env, std::move(parts.cert)) : env.Null();
  if (cert.IsEmpty()) return {};
  const int n = parts.ca ? sk_X509_num(parts.ca.get()) : 0;
  Napi::Array ca = Napi::Array::New(env, static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    Napi::Value v = X509Wrap::NewRef(env, sk_X509_value(parts.ca.get(), i));
    if (v.IsEmpty()) return {};
    ca.Set(static_cast<uint32_t>(i), v);
  }
  o.Set("key", key);
  o.Set("cert", cert);
  o.Set("ca", ca);
  o.Set("friendlyName", parts.has_name ? Napi::Value(CopyBuffer(env, reinterpret_cast<const unsigned char*>(parts.friendly_name.data()),
                                                                  parts.friendly_name.size()))
                                       : env.Null());
  return o;
}

bool ReadParseArgs(const Napi::CallbackInfo& info, std::string* der, std::optional<std::string>* pass) {
  Bytes data;
  if (!ArgBytes(info, 0, "buffer", &data, false)) return false;
  der->assign(reinterpret_cast<const char*>(data.data), data.size);
  if (!ArgIsNullish(info, 1)) {
    Bytes p;
    if (!ArgBytes(info, 1, "passphrase", &p)) return false;
    std::string s = p.str();
    if (s.find('\0') != std::string::npos) {
      ThrowTypeError(info.Env(), "The passphrase must not contain NUL bytes", "ERR_INVALID_ARG_VALUE");
      return false;
    }
    *pass = std::move(s);
  }
  return true;
}

Napi::Value Parse(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string der;
  std::optional<std::string> pass;
  if (!ReadParseArgs(info, &der, &pass)) return {};
  PKCS12Parts parts;
  if (!ParseBundle(der, pass, &parts)) return ThrowOpenSSL(env, "load_pkcs12");
  return PartsToJS(env, parts);
}

class ParseJob : public OpenSSLJob {
 public:
  ParseJob(Napi::Env env, std::string der, std::optional<std::string> pass)
      : OpenSSLJob(env, "load_pkcs12"), der_(std::move(der)), pass_(std::move(pass)) {}
  bool Run() override { return ParseBundle(der_, pass_, &parts_); }
  Napi::Value Result(Napi::Env env) override { return PartsToJS(env, parts_); }

 private:
  std::string der_;
  std::optional<std::string> pass_;
  PKCS12Parts parts_;
};

Napi::Value ParseAsync(const Napi::CallbackInfo& info) {
  std::string der;
  std::optional<std::string> pass;
  if (!ReadParseArgs(info, &der, &pass)) return {};
  return OpenSSLJob::Start(new ParseJob(info.Env(), std::move(der), std::move(pass)));
}

// Inputs of PKCS12_create, owned (so that a job can run them off the main thread).
struct CreateArgs {
  EVPPKeyPtr key;
  X509Ptr cert;
  X509StackPtr ca;
  std::optional<std::string> name;
  std::optional<std::string> pass;
  int iter = PKCS12_DEFAULT_ITER;
  int mac_iter = 1;
  int key_nid = 0;
  int cert_nid = 0;
  const EVP_MD* mac_md = nullptr;
};

int PbeNid(Napi::Env env, const Napi::Value& v, const char* what, bool* ok) {
  *ok = true;
  if (v.IsNull() || v.IsUndefined()) return 0;
  if (!v.IsString()) {
    *ok = false;
    ThrowTypeError(env, std::string("The \"") + what + "\" option must be a string or null");
    return 0;
  }
  std::string s = v.As<Napi::String>().Utf8Value();
  if (s == "NONE") return -1;
  int nid = OBJ_txt2nid(s.c_str());
  if (nid == NID_undef) {
    ERR_clear_error();
    *ok = false;
    ThrowRangeError(env, "Unknown PKCS#12 algorithm: " + s, "ERR_INVALID_ARG_VALUE");
  }
  return nid;
}

std::optional<std::string> OptBytes(Napi::Env env, const Napi::Value& v, const char* what, bool* ok) {
  *ok = true;
  if (v.IsNull() || v.IsUndefined()) return std::nullopt;
  Bytes b;
  if (!ValueBytes(v, &b, false)) {
    *ok = false;
    ThrowTypeError(env, std::string("The \"") + what + "\" option must be a Buffer, TypedArray, DataView or null");
    return std::nullopt;
  }
  std::string s(reinterpret_cast<const char*>(b.data), b.size);
  if (s.find('\0') != std::string::npos) {
    *ok = false;
    ThrowTypeError(env, std::string("The \"") + what + "\" option must not contain NUL bytes", "ERR_INVALID_ARG_VALUE");
  }
  return s;
}

bool ReadCreateArgs(const Napi::CallbackInfo& info, CreateArgs* a) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) {
    ThrowTypeError(env, "The \"options\" argument must be an object");
    return false;
  }
  Napi::Object o = info[0].As<Napi::Object>();
  Napi::Value key = o.Get("key"), cert = o.Get("cert"), ca = o.Get("ca");
  if (key.IsEmpty() || cert.IsEmpty() || ca.IsEmpty()) return false;
  if (!key.IsNull() && !key.IsUndefined()) {
    PKeyWrap* w = PKeyWrap::FromValue(env, key, "pkey");
    if (w == nullptr) return false;
    EVP_PKEY* k = w->Live(env);
    if (k == nullptr) return false;
    if (w->public_only()) {
      ThrowTypeError(env, "The key must be a private key", "ERR_INVALID_ARG_VALUE");
      return false;
    }
    // Copies, not references: an async job reads them on a worker thread while JS may change
    // the originals (a reference count is not a copy of a mutable object).
    a->key.reset(EVP_PKEY_dup(k));
    if (a->key == nullptr) {
      ThrowOpenSSL(env, "EVP_PKEY_dup");
      return false;
    }
  }
  if (!cert.IsNull() && !cert.IsUndefined()) {
    X509Wrap* w = X509Wrap::FromValue(env, cert, "certificate");
    if (w == nullptr) return false;
    X509* x = w->Live(env);
    if (x == nullptr) return false;
    a->cert.reset(X509_dup(x));
    if (a->cert == nullptr) {
      ThrowOpenSSL(env, "X509_dup");
      return false;
    }
  }
  a->ca.reset(sk_X509_new_null());
  if (a->ca == nullptr) {
    ThrowOpenSSL(env, "sk_X509_new_null");
    return false;
  }
  if (ca.IsArray()) {
    Napi::Array arr = ca.As<Napi::Array>();
    for (uint32_t i = 0; i < arr.Length(); ++i) {
      X509Wrap* w = X509Wrap::FromValue(env, arr.Get(i), "caCertificates");
      if (w == nullptr) return false;
      X509* x = w->Live(env);
      if (x == nullptr) return false;
      X509Ptr ref(X509_dup(x));
      if (ref == nullptr || sk_X509_push(a->ca.get(), ref.get()) <= 0) {
        ThrowOpenSSL(env, "sk_X509_push");
        return false;
      }
      ref.release();
    }
  } else if (!ca.IsNull() && !ca.IsUndefined()) {
    ThrowTypeError(env, "The \"caCertificates\" option must be an array of X509 or null");
    return false;
  }
  bool ok = true;
  a->name = OptBytes(env, o.Get("friendlyName"), "friendlyName", &ok);
  if (!ok) return false;
  a->pass = OptBytes(env, o.Get("passphrase"), "passphrase", &ok);
  if (!ok) return false;
  for (auto [field, out] : {std::pair<const char*, int*>{"iter", &a->iter}, {"macIter", &a->mac_iter}}) {
    Napi::Value v = o.Get(field);
    if (!v.IsNumber()) {
      ThrowTypeError(env, std::string("The \"") + field + "\" option must be a number");
      return false;
    }
    const double d = v.As<Napi::Number>().DoubleValue();
    if (!(d >= -1 && d <= 100000000) || d != static_cast<int>(d)) {
      ThrowRangeError(env, std::string("The \"") + field + "\" option is out of range");
      return false;
    }
    *out = static_cast<int>(d);
  }
  a->key_nid = PbeNid(env, o.Get("keyPbe"), "keyPbe", &ok);
  if (!ok) return false;
  a->cert_nid = PbeNid(env, o.Get("certPbe"), "certPbe", &ok);
  if (!ok) return false;
  Napi::Value md = o.Get("macDigest");
  if (md.IsString()) {
    std::string n = md.As<Napi::String>().Utf8Value();
    a->mac_md = EVP_get_digestbyname(n.c_str());
    if (a->mac_md == nullptr) {
      ERR_clear_error();
      ThrowRangeError(env, "No such digest method: " + n, "ERR_INVALID_ARG_VALUE");
      return false;
    }
  }
  if (a->key == nullptr && a->cert == nullptr && sk_X509_num(a->ca.get()) == 0) {
    ThrowTypeError(env, "A PKCS#12 bundle needs a key, a certificate or CA certificates", "ERR_INVALID_ARG_VALUE");
    return false;
  }
  return true;
}

// Worker-safe create: false with the error queue set.
bool CreateBundle(CreateArgs& a, std::string* out) {
  const char* pass = a.pass ? a.pass->c_str() : nullptr;
  PKCS12Ptr p12(PKCS12_create(pass, a.name ? a.name->c_str() : nullptr, a.key.get(), a.cert.get(), a.ca.get(),
                              a.key_nid, a.cert_nid, a.iter, -1, 0));
  if (p12 == nullptr) return false;
  if (a.mac_iter > 0 && PKCS12_set_mac(p12.get(), pass, -1, nullptr, 0, a.mac_iter, a.mac_md) != 1) return false;
  unsigned char* der = nullptr;
  const int len = i2d_PKCS12(p12.get(), &der);
  if (len < 0) return false;
  out->assign(reinterpret_cast<const char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return true;
}

Napi::Value Create(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CreateArgs a;
  if (!ReadCreateArgs(info, &a)) return {};
  std::string der;
  if (!CreateBundle(a, &der)) return ThrowOpenSSL(env, "PKCS12_create");
  return CopyBuffer(env, reinterpret_cast<const unsigned char*>(der.data()), der.size());
}

class CreateJob : public OpenSSLJob {
 public:
  CreateJob(Napi::Env env, CreateArgs args) : OpenSSLJob(env, "PKCS12_create"), args_(std::move(args)) {}
  bool Run() override { return CreateBundle(args_, &der_); }
  Napi::Value Result(Napi::Env env) override {
    return CopyBuffer(env, reinterpret_cast<const unsigned char*>(der_.data()), der_.size());
  }

 private:
  CreateArgs args_;
  std::string der_;
};

Napi::Value CreateAsync(const Napi::CallbackInfo& info) {
  CreateArgs a;
  if (!ReadCreateArgs(info, &a)) return {};
  return OpenSSLJob::Start(new CreateJob(info.Env(), std::move(a)));
}

void Init(Napi::Env env, Napi::Object exports) {
  exports.Set("pkcs12Parse", NativeFunction<Parse>(env, "pkcs12Parse"));
  exports.Set("pkcs12ParseAsync", NativeFunction<ParseAsync>(env, "pkcs12ParseAsync"));
  exports.Set("pkcs12Create", NativeFunction<Create>(env, "pkcs12Create"));
  exports.Set("pkcs12CreateAsync", NativeFunction<CreateAsync>(env, "pkcs12CreateAsync"));
}

Module registration(&Init);

}  // namespace
}  // namespace ossl
