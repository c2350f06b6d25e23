#include "x509/store_ctx.h"

#include <openssl/err.h>

#include <string>

#include "common/args.h"
#include "x509/certificate.h"
#include "x509/crl.h"
#include "x509/store.h"
#include "x509/verify_codes.h"

namespace ossl {

std::string VerifyCodeName(int code) {
  for (const auto& e : kVerifyCodeNames)
    if (e.code == code) return e.name;
  return "X509_V_ERR_" + std::to_string(code);
}

Napi::Value VerifyFailure(Napi::Env env, X509_STORE_CTX* ctx) {
  const int code = X509_STORE_CTX_get_error(ctx);
  Napi::Object o = Napi::Object::New(env);
  o.Set("code", Napi::Number::New(env, code));
  o.Set("depth", Napi::Number::New(env, X509_STORE_CTX_get_error_depth(ctx)));
  o.Set("message", Napi::String::New(env, X509_verify_cert_error_string(code)));
  o.Set("codeName", Napi::String::New(env, VerifyCodeName(code)));
  X509* failing = X509_STORE_CTX_get_current_cert(ctx);
  Napi::Value cert = env.Null();
  if (failing != nullptr) {
    X509Ptr dup(X509_dup(failing));
    if (dup == nullptr) {
      ERR_clear_error();
    } else {
      cert = X509Wrap::New(env, std::move(dup));
      if (cert.IsEmpty()) return {};
    }
  }
  o.Set("certificate", cert);
  return o;
}

// new X509StoreContext(store, cert, chain?)
X509StoreContextWrap::X509StoreContextWrap(const Napi::CallbackInfo& info) : Wrapper(info) {
  if (IsAdopting(info)) return;
  Napi::Env env = info.Env();
  X509_STORE* store = X509StoreWrap::Arg(info, 0, "store");
  if (store == nullptr) return;
  X509* cert = X509Wrap::Arg(info, 1, "certificate");
  if (cert == nullptr) return;
  X509StackPtr chain;
  if (!ArgCertStack(info, 2, "chain", &chain, true)) return;
  ClearErrors();
  Reset(Handle(X509_VERIFY_PARAM_new()));
  if (get() == nullptr) {
    ThrowOpenSSL(env, "X509_VERIFY_PARAM_new");
    return;
  }
  store_ = UpRef(store);
  cert_ = UpRef(cert);
  untrusted_ = std::move(chain);
}

Napi::Value X509StoreContextWrap::SetStore(const Napi::CallbackInfo& info) {
  if (Live(info.Env()) == nullptr) return {};
  X509_STORE* store = X509StoreWrap::Arg(info, 0, "store");
  if (store == nullptr) return {};
  store_ = UpRef(store);
  return info.Env().Undefined();
}

Napi::Value X509StoreContextWrap::SetCertificate(const Napi::CallbackInfo& info) {
  if (Live(info.Env()) == nullptr) return {};
  X509* cert = X509Wrap::Arg(info, 0, "certificate");
  if (cert == nullptr) return {};
  cert_ = UpRef(cert);
  return info.Env().Undefined();
}

Napi::Value X509StoreContextWrap::SetChain(const Napi::CallbackInfo& info) {
  if (Live(info.Env()) == nullptr) return {};
  X509StackPtr chain;
  if (!ArgCertStack(info, 0, "chain", &chain, true)) return {};
  untrusted_ = std::move(chain);
  return info.Env().Undefined();
}

// setCrls(crls | null): CRLs for this context only (X509_STORE_CTX_set0_crls).
Napi::Value X509StoreContextWrap::SetCrls(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (Live(env) == nullptr) return {};
  if (ArgIsNullish(info, 0)) {
    crls_.reset();
    return env.Undefined();
  }
  if (!info[0].IsArray()) return ThrowTypeError(env, "The \"crls\" argument must be an array of CRL");
  X509CrlStackPtr stack(sk_X509_CRL_new_null());
  if (stack == nullptr) return ThrowOpenSSL(env, "sk_X509_CRL_new_null");
  Napi::Array arr = info[0].As<Napi::Array>();
  for (uint32_t k = 0; k < arr.Length(); ++k) {
    Napi::Value v = arr.Get(k);
    if (v.IsEmpty()) return {};
    CRLWrap* w = CRLWrap::FromValue(env, v, "crls");
    if (w == nullptr) return {};
    X509_CRL* c = w->Live(env);
    if (c == nullptr) return {};
    if (X509_CRL_up_ref(c) != 1) return ThrowOpenSSL(env, "X509_CRL_up_ref");
    if (sk_X509_CRL_push(stack.get(), c) <= 0) {
      X509_CRL_free(c);
      return ThrowOpenSSL(env, "sk_X509_CRL_push");
    }
  }
  crls_ = std::move(stack);
  return env.Undefined();
}

template <int op>
Napi::Value X509StoreContextWrap::Param(const Napi::CallbackInfo& info) {
  if (Live(info.Env()) == nullptr) return {};
  params_set_ = true;
  return ApplyParam(info, [this, &info]() { return Live(info.Env()); }, static_cast<ParamOp>(op));
}

// verify(wantChain): true (without wantChain), {ok: true, chain: X509[]} (with it) or {ok: false,
// code, depth, message, codeName, certificate}. Without wantChain no chain objects and no result
// object are made (verifyCertificate needs none).
Napi::Value X509StoreContextWrap::Verify(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  X509_VERIFY_PARAM* mine = Live(env);
  if (mine == nullptr) return {};
  bool want_chain = true;
  if (!ArgIsNullish(info, 0) && !ArgBool(info, 0, "wantChain", &want_chain)) return {};
  if (store_ == nullptr || cert_ == nullptr) return ThrowStateError(env, "The X509StoreContext has no store or certificate");
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (ctx == nullptr) return ThrowOpenSSL(env, "X509_STORE_CTX_new");
  if (X509_STORE_CTX_init(ctx.get(), store_.get(), cert_.get(), untrusted_.get()) != 1)
    return ThrowOpenSSL(env, "X509_STORE_CTX_init");
  if (crls_ != nullptr) X509_STORE_CTX_set0_crls(ctx.get(), crls_.get());
  // The context's settings win over the store's (fields it did not set keep the store's). An
  // untouched param would change nothing: X509_STORE_CTX_init already took the store's.
  if (params_set_ && X509_VERIFY_PARAM_set1(X509_STORE_CTX_get0_param(ctx.get()), mine) != 1)
    return ThrowOpenSSL(env, "X509_VERIFY_PARAM_set1");
  const int r = X509_verify_cert(ctx.get());
  if (r == 1 && !want_chain) {
    return Napi::Boolean::New(env, true);
  }
  if (r == 1) {
    ClearErrors();
    STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get());
    const int n = chain == nullptr ? 0 : sk_X509_num(chain);
    Napi::Array arr = Napi::Array::New(env, static_cast<size_t>(n));
    for (int k = 0; k < n; ++k) {
      Napi::Value v = X509Wrap::NewRef(env, sk_X509_value(chain, k));
      if (v.IsEmpty()) return {};
      arr.Set(static_cast<uint32_t>(k), v);
    }
    Napi::Object o = Napi::Object::New(env);
    o.Set("ok", Napi::Boolean::New(env, true));
    o.Set("chain", arr);
    return o;
  }
  if (X509_STORE_CTX_get_error(ctx.get()) == X509_V_OK) return ThrowOpenSSL(env, "X509_verify_cert");
  ERR_clear_error();
  Napi::Value failure = VerifyFailure(env, ctx.get());
  if (failure.IsEmpty()) return {};
  failure.As<Napi::Object>().Set("ok", Napi::Boolean::New(env, false));
  return failure;
}

void X509StoreContextWrap::Init(Napi::Env env, Napi::Object exports) {
  Define(env, exports,
         {
             Method<&X509StoreContextWrap::Verify>("verify"),
             Method<&X509StoreContextWrap::SetStore>("setStore"),
             Method<&X509StoreContextWrap::SetCertificate>("setCertificate"),
             Method<&X509StoreContextWrap::SetChain>("setChain"),
             Method<&X509StoreContextWrap::SetCrls>("setCrls"),
             Method<&X509StoreContextWrap::Param<static_cast<int>(ParamOp::kFlags)>>("setFlags"),
             Method<&X509StoreContextWrap::Param<static_cast<int>(ParamOp::kClearFlags)>>("clearFlags"),
             Method<&X509StoreContextWrap::Param<static_cast<int>(ParamOp::kTime)>>("setTime"),
             Method<&X509StoreContextWrap::Param<static_cast<int>(ParamOp::kDepth)>>("setDepth"),
             Method<&X509StoreContextWrap::Param<static_cast<int>(ParamOp::kPurpose)>>("setPurpose"),
             Method<&X509StoreContextWrap::Param<static_cast<int>(ParamOp::kTrust)>>("setTrust"),
             Method<&X509StoreContextWrap::Param<static_cast<int>(ParamOp::kHost)>>("setHost"),
             Method<&X509StoreContextWrap::Param<static_cast<int>(ParamOp::kHostFlags)>>("setHostFlags"),
             Method<&X509StoreContextWrap::Param<static_cast<int>(ParamOp::kIp)>>("setIpAddress"),
             Method<&X509StoreContextWrap::Param<static_cast<int>(ParamOp::kEmail)>>("setEmail"),
             Method<&X509StoreContextWrap::Param<static_cast<int>(ParamOp::kAuthLevel)>>("setAuthLevel"),
             Method<&X509StoreContextWrap::Param<static_cast<int>(ParamOp::kPolicies)>>("setPolicies"),
         });
}

namespace {

void InitStoreCtx(Napi::Env env, Napi::Object exports) {
  X509StoreContextWrap::Init(env, exports);
  Napi::Object codes = Napi::Object::New(env);
  for (const auto& e : kVerifyCodeNames) codes.Set(e.name, Napi::Number::New(env, e.code));
  exports.Set("x509VerifyCodes", codes);
}

Module registration(&InitStoreCtx);

}  // namespace
}  // namespace ossl
