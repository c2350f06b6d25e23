#include "x509/store.h"

#include <dirent.h>
#include <sys/stat.h>

#include <cstdlib>
#include <cstring>
#include <functional>

#include <openssl/err.h>
#include <openssl/objects.h>

#include <string>

#include "common/args.h"
#include "x509/certificate.h"
#include "x509/crl.h"

namespace ossl {
namespace {
void FreeObjStack(STACK_OF(ASN1_OBJECT) * s) { sk_ASN1_OBJECT_pop_free(s, ASN1_OBJECT_free); }
}  // namespace

bool ArgCertStack(const Napi::CallbackInfo& info, size_t i, const char* name, X509StackPtr* out, bool allow_null) {
  Napi::Env env = info.Env();
  X509StackPtr stack(sk_X509_new_null());
  if (stack == nullptr) {
    ThrowOpenSSL(env, "sk_X509_new_null");
    return false;
  }
  if (ArgIsNullish(info, i) && allow_null) {
    *out = std::move(stack);
    return true;
  }
  if (i >= info.Length() || !info[i].IsArray()) {
    ThrowTypeError(env, std::string("The \"") + name + "\" argument must be an array of X509");
    return false;
  }
  Napi::Array arr = info[i].As<Napi::Array>();
  for (uint32_t k = 0; k < arr.Length(); ++k) {
    Napi::Value v = arr.Get(k);
    if (v.IsEmpty()) return false;
    X509Wrap* w = X509Wrap::FromValue(env, v, name);
    if (w == nullptr) return false;
    X509* x = w->Live(env);
    if (x == nullptr) return false;
    X509Ptr ref = UpRef(x);
    if (ref == nullptr || sk_X509_push(stack.get(), ref.get()) <= 0) {
      ThrowOpenSSL(env, "sk_X509_push");
      return false;
    }
    ref.release();
  }
  *out = std::move(stack);
  return true;
}

Napi::Value ApplyParam(const Napi::CallbackInfo& info, const std::function<X509_VERIFY_PARAM*()>& live, ParamOp op) {
  Napi::Env env = info.Env();
  X509_VERIFY_PARAM* p = live();
  if (p == nullptr) return {};
  ERR_clear_error();
  int ok = 1;
  const char* what = "X509_VERIFY_PARAM";
  switch (op) {
    case ParamOp::kFlags:
    case ParamOp::kClearFlags: {
      int64_t flags = 0;
      if (!ArgInt(info, 0, "flags", &flags, 0, 0xffffffffLL)) return {};
      ok = op == ParamOp::kFlags ? X509_VERIFY_PARAM_set_flags(p, static_cast<unsigned long>(flags))
                                 : X509_VERIFY_PARAM_clear_flags(p, static_cast<unsigned long>(flags));
      what = "X509_VERIFY_PARAM_set_flags";
      break;
    }
    case ParamOp::kTime: {
      int64_t t = 0;
      if (!ArgInt(info, 0, "time", &t, -(int64_t{1} << 52), int64_t{1} << 52)) return {};
      X509_VERIFY_PARAM_set_time(p, static_cast<time_t>(t));
      break;
    }
    case ParamOp::kDepth: {
      int64_t d = 0;
      if (!ArgInt(info, 0, "depth", &d, -1, 0x7fffffff)) return {};
      X509_VERIFY_PARAM_set_depth(p, static_cast<int>(d));
      break;
    }
    case ParamOp::kAuthLevel: {
      int64_t d = 0;
      if (!ArgInt(info, 0, "level", &d, -1, 5)) return {};
      X509_VERIFY_PARAM_set_auth_level(p, static_cast<int>(d));
      break;
    }
    case ParamOp::kPurpose: {
      int64_t v = 0;
      if (!ArgInt(info, 0, "purpose", &v, 0, 0x7fffffff)) return {};
      if (v != 0 && X509_PURPOSE_get_by_id(static_cast<int>(v)) < 0) {
        ERR_clear_error();
        return ThrowRangeError(env, "Unknown purpose " + std::to_string(v), "ERR_INVALID_ARG_VALUE");
      }
      ok = X509_VERIFY_PARAM_set_purpose(p, static_cast<int>(v));
      what = "X509_VERIFY_PARAM_set_purpose";
      break;
    }
    case ParamOp::kTrust: {
      int64_t v = 0;
      if (!ArgInt(info, 0, "trust", &v, 0, 0x7fffffff)) return {};
      if (v != 0 && X509_TRUST_get_by_id(static_cast<int>(v)) < 0) {
        ERR_clear_error();
        return ThrowRangeError(env, "Unknown trust " + std::to_string(v), "ERR_INVALID_ARG_VALUE");
      }
      ok = X509_VERIFY_PARAM_set_trust(p, static_cast<int>(v));
      what = "X509_VERIFY_PARAM_set_trust";
      break;
    }
    case ParamOp::kHostFlags: {
      int64_t v = 0;
      if (!ArgInt(info, 0, "flags", &v, 0, 0xffffffffLL)) return {};
      X509_VERIFY_PARAM_set_hostflags(p, static_cast<unsigned int>(v));
      break;
    }
    case ParamOp::kHost:
    case ParamOp::kIp:
    case ParamOp::kEmail: {
      std::string s;
      const bool clear = ArgIsNullish(info, 0);
      const char* arg = op == ParamOp::kHost ? "name" : op == ParamOp::kIp ? "ip" : "email";
      if (!clear && !ArgCString(info, 0, arg, &s)) return {};
      // OpenSSL reads an empty value as "check nothing": null says that; "" is a mistake.
      if (!clear && s.empty())
        return ThrowRangeError(env, std::string("The \"") + arg + "\" argument must not be empty (null clears it)", "ERR_INVALID_ARG_VALUE");
      if (op == ParamOp::kHost) {
        ok = X509_VERIFY_PARAM_set1_host(p, clear ? nullptr : s.c_str(), clear ? 0 : s.size());
        what = "X509_VERIFY_PARAM_set1_host";
      } else if (op == ParamOp::kEmail) {
        ok = X509_VERIFY_PARAM_set1_email(p, clear ? nullptr : s.c_str(), clear ? 0 : s.size());
        what = "X509_VERIFY_PARAM_set1_email";
      } else if (clear) {
        ok = X509_VERIFY_PARAM_set1_ip(p, nullptr, 0);
        what = "X509_VERIFY_PARAM_set1_ip";
      } else {
        ok = X509_VERIFY_PARAM_set1_ip_asc(p, s.c_str());
        if (ok != 1) {
          ERR_clear_error();
          return ThrowTypeError(env, "Invalid IP address: " + s, "ERR_INVALID_ARG_VALUE");
        }
      }
      break;
    }
    case ParamOp::kPolicies: {
      if (info.Length() < 1 || !info[0].IsArray())
        return ThrowTypeError(env, "The \"oids\" argument must be an array of strings");
      Napi::Array arr = info[0].As<Napi::Array>();
      Ptr<STACK_OF(ASN1_OBJECT), FreeObjStack> stack(sk_ASN1_OBJECT_new_null());
      if (stack == nullptr) return ThrowOpenSSL(env, "sk_ASN1_OBJECT_new_null");
      for (uint32_t k = 0; k < arr.Length(); ++k) {
        Napi::Value v = arr.Get(k);
        if (v.IsEmpty()) return {};
        if (!v.IsString()) return ThrowTypeError(env, "The \"oids\" argument must be an array of strings");
        std::string oid = v.As<Napi::String>().Utf8Value();
        if (oid.find('\0') != std::string::npos) return ThrowTypeError(env, "Invalid OID", "ERR_INVALID_ARG_VALUE");
        ASN1_OBJECT* obj = OBJ_txt2obj(oid.c_str(), 0);
        if (obj == nullptr) {
          ERR_clear_error();
          return ThrowTypeError(env, "Invalid policy OID: " + oid, "ERR_INVALID_ARG_VALUE");
        }
        if (sk_ASN1_OBJECT_push(stack.get(), obj) <= 0) {
          ASN1_OBJECT_free(obj);
          return ThrowOpenSSL(env, "sk_ASN1_OBJECT_push");
        }
      }
      // Reading the array may have run JS (an element getter) that freed the owner: its
      // parameters stay allocated until this call returns (NativeCall), but the call says so.
      p = live();
      if (p == nullptr) return {};
      ok = X509_VERIFY_PARAM_set1_policies(p, stack.get());
      what = "X509_VERIFY_PARAM_set1_policies";
      break;
    }
  }
  if (ok != 1) return ThrowOpenSSL(env, what);
  return env.Undefined();
}

X509StoreWrap::X509StoreWrap(const Napi::CallbackInfo& info) : Wrapper(info) {
  if (IsAdopting(info)) return;
  Reset(Handle(X509_STORE_new()));
  if (get() == nullptr) ThrowOpenSSL(info.Env(), "X509_STORE_new");
}

Napi::Value X509StoreWrap::AddCert(const Napi::CallbackInfo& info) {
  X509_STORE* s = Live(info.Env());
  if (s == nullptr) return {};
  X509* x = X509Wrap::Arg(info, 0, "cert");
  if (x == nullptr) return {};
  if (X509_STORE_add_cert(s, x) != 1) return ThrowOpenSSL(info.Env(), "X509_STORE_add_cert");
  return info.Env().Undefined();
}

Napi::Value X509StoreWrap::AddCrl(const Napi::CallbackInfo& info) {
  X509_STORE* s = Live(info.Env());
  if (s == nullptr) return {};
  X509_CRL* c = CRLWrap::Arg(info, 0, "crl");
  if (c == nullptr) return {};
  if (X509_STORE_add_crl(s, c) != 1) return ThrowOpenSSL(info.Env(), "X509_STORE_add_crl");
  return info.Env().Undefined();
}

Napi::Value X509StoreWrap::LoadLocations(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  X509_STORE* s = Live(env);
  if (s == nullptr) return {};
  std::string file, dir;
  const bool has_file = !ArgIsNullish(info, 0), has_dir = !ArgIsNullish(info, 1);
  if ((has_file && !ArgCString(info, 0, "cafile", &file)) || (has_dir && !ArgCString(info, 1, "capath", &dir))) return {};
  if (!has_file && !has_dir) return ThrowTypeError(env, "cafile and capath cannot both be null", "ERR_INVALID_ARG_VALUE");
  if (X509_STORE_load_locations(s, has_file ? file.c_str() : nullptr, has_dir ? dir.c_str() : nullptr) != 1)
    return ThrowOpenSSL(env, "X509_STORE_load_locations");
  return env.Undefined();
}

namespace {
bool IsFile(const char* path) {
  struct stat st;
  return path != nullptr && ::stat(path, &st) == 0 && S_ISREG(st.st_mode);
}
// A directory with at least one entry besides . and ..
bool IsNonEmptyDir(const char* path) {
  DIR* d = path == nullptr ? nullptr : ::opendir(path);
  if (d == nullptr) return false;
  bool found = false;
  for (const dirent* e = ::readdir(d); e != nullptr && !found; e = ::readdir(d)) {
    found = std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0;
  }
  ::closedir(d);
  return found;
}
}  // namespace

bool SetDefaultPaths(X509_STORE* store) {
  if (X509_STORE_set_default_paths(store) != 1) return false;
  // The user chose: nothing more.
  if (std::getenv(X509_get_default_cert_file_env()) != nullptr || std::getenv(X509_get_default_cert_dir_env()) != nullptr)
    return true;
  if (IsFile(X509_get_default_cert_file()) || IsNonEmptyDir(X509_get_default_cert_dir())) return true;
  // The bundles of Debian/Ubuntu/Alpine, Fedora/RHEL, openSUSE, and macOS/BSD: the first that exists.
  static const char* const kFiles[] = {"/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt",
                                       "/etc/ssl/ca-bundle.pem", "/etc/ssl/cert.pem"};
  static const char* const kDirs[] = {"/etc/ssl/certs", "/etc/pki/tls/certs"};
  for (const char* f : kFiles) {
    if (IsFile(f)) return X509_STORE_load_file(store, f) == 1;
  }
  for (const char* d : kDirs) {
    if (IsNonEmptyDir(d)) return X509_STORE_load_path(store, d) == 1;
  }
  return true;
}

Napi::Value X509StoreWrap::SetDefaultPaths(const Napi::CallbackInfo& info) {
  X509_STORE* s = Live(info.Env());
  if (s == nullptr) return {};
  if (!ossl::SetDefaultPaths(s)) return ThrowOpenSSL(info.Env(), "X509_STORE_set_default_paths");
  return info.Env().Undefined();
}

void X509StoreWrap::Init(Napi::Env env, Napi::Object exports) {
  Define(env, exports,
         {
             Method<&X509StoreWrap::AddCert>("addCert"),
             Method<&X509StoreWrap::AddCrl>("addCrl"),
             Method<&X509StoreWrap::LoadLocations>("loadLocations"),
             Method<&X509StoreWrap::SetDefaultPaths>("setDefaultPaths"),
             Method<&X509StoreWrap::Param<ParamOp::kFlags>>("setFlags"),
             Method<&X509StoreWrap::Param<ParamOp::kClearFlags>>("clearFlags"),
             Method<&X509StoreWrap::Param<ParamOp::kTime>>("setTime"),
             Method<&X509StoreWrap::Param<ParamOp::kDepth>>("setDepth"),
             Method<&X509StoreWrap::Param<ParamOp::kPurpose>>("setPurpose"),
             Method<&X509StoreWrap::Param<ParamOp::kTrust>>("setTrust"),
             Method<&X509StoreWrap::Param<ParamOp::kHost>>("setHost"),
             Method<&X509StoreWrap::Param<ParamOp::kHostFlags>>("setHostFlags"),
             Method<&X509StoreWrap::Param<ParamOp::kIp>>("setIpAddress"),
             Method<&X509StoreWrap::Param<ParamOp::kEmail>>("setEmail"),
             Method<&X509StoreWrap::Param<ParamOp::kAuthLevel>>("setAuthLevel"),
             Method<&X509StoreWrap::Param<ParamOp::kPolicies>>("setPolicies"),
         });
}

namespace {

Napi::Object Constants(Napi::Env env, std::initializer_list<std::pair<const char*, long>> list) {
  Napi::Object o = Napi::Object::New(env);
  for (const auto& [k, v] : list) o.Set(k, Napi::Number::New(env, static_cast<double>(v)));
  return o;
}

void InitStore(Napi::Env env, Napi::Object exports) {
  X509StoreWrap::Init(env, exports);
#define F(n) {#n, X509_V_FLAG_##n}
  exports.Set("x509StoreFlags",
              Constants(env, {F(CB_ISSUER_CHECK), F(USE_CHECK_TIME), F(CRL_CHECK), F(CRL_CHECK_ALL), F(IGNORE_CRITICAL),
                              F(X509_STRICT), F(ALLOW_PROXY_CERTS), F(POLICY_CHECK), F(EXPLICIT_POLICY),
                              F(INHIBIT_ANY), F(INHIBIT_MAP), F(NOTIFY_POLICY), F(EXTENDED_CRL_SUPPORT),
                              F(USE_DELTAS), F(CHECK_SS_SIGNATURE), F(TRUSTED_FIRST), F(SUITEB_128_LOS_ONLY),
                              F(SUITEB_192_LOS), F(SUITEB_128_LOS), F(PARTIAL_CHAIN), F(NO_ALT_CHAINS),
                              F(NO_CHECK_TIME), F(POLICY_MASK)}));
#undef F
#define P(n) {#n, X509_PURPOSE_##n}
  exports.Set("x509Purpose", Constants(env, {P(SSL_CLIENT), P(SSL_SERVER), P(NS_SSL_SERVER), P(SMIME_SIGN),
                                             P(SMIME_ENCRYPT), P(CRL_SIGN), P(ANY), P(OCSP_HELPER), P(TIMESTAMP_SIGN)}));
#undef P
#define C(n) {#n, X509_CHECK_FLAG_##n}
  exports.Set("x509CheckFlags", Constants(env, {C(ALWAYS_CHECK_SUBJECT), C(NO_WILDCARDS), C(NO_PARTIAL_WILDCARDS),
                                                C(MULTI_LABEL_WILDCARDS), C(SINGLE_LABEL_SUBDOMAINS),
                                                C(NEVER_CHECK_SUBJECT)}));
#undef C
#define T(n) {#n, X509_TRUST_##n}
  exports.Set("x509Trust", Constants(env, {T(DEFAULT), T(COMPAT), T(SSL_CLIENT), T(SSL_SERVER), T(EMAIL),
                                           T(OBJECT_SIGN), T(OCSP_SIGN), T(OCSP_REQUEST), T(TSA)}));
#undef T
}

Module registration(&InitStore);

}  // namespace
}  // namespace ossl
