// Raw signatures: sign(pkey, data, digest, opts) / verify(pkey, sig, data, digest, opts) with
// EVP_DigestSign / EVP_DigestVerify; digest null for Ed25519/Ed448; RSA-PSS through options.
#include <openssl/err.h>
#include <openssl/rsa.h>

#include <string>
#include <vector>

#include "common/args.h"
#include "pkey/pkey.h"
#include "x509/certificate.h"

namespace ossl {
namespace {

struct SignOptions {
  const EVP_MD* md = nullptr;
  int padding = 0;  // 0 = the key's default, RSA_PKCS1_PADDING or RSA_PKCS1_PSS_PADDING
  bool has_salt = false;
  int salt = 0;
  const EVP_MD* mgf1 = nullptr;
};

// Reads (digest, padding, saltLength, mgf1Digest) from info[first..].
bool ReadOptions(const Napi::CallbackInfo& info, size_t first, EVP_PKEY* key, SignOptions* o) {
  Napi::Env env = info.Env();
  if (!ArgDigestFor(info, first, key, &o->md)) return false;
  if (!ArgIsNullish(info, first + 1)) {
    int64_t p = 0;
    if (!ArgInt(info, first + 1, "padding", &p, 0, 64)) return false;
    if (p != 0 && p != RSA_PKCS1_PADDING && p != RSA_PKCS1_PSS_PADDING) {
      ThrowRangeError(env, "The \"padding\" option must be 'pkcs1' or 'pss'", "ERR_INVALID_ARG_VALUE");
      return false;
    }
    o->padding = static_cast<int>(p);
  }
  if (!ArgIsNullish(info, first + 2)) {
    int64_t s = 0;
    if (!ArgInt(info, first + 2, "saltLength", &s, RSA_PSS_SALTLEN_MAX, 1 << 20)) return false;
    o->has_salt = true;
    o->salt = static_cast<int>(s);
  }
  if (!ArgIsNullish(info, first + 3)) {
    std::string name;
    if (!ArgCString(info, first + 3, "mgf1Digest", &name)) return false;
    if (!DigestForKey(env, name, false, nullptr, &o->mgf1)) return false;
  }
  const int id = EVP_PKEY_get_base_id(key);
  const bool rsa = id == EVP_PKEY_RSA || id == EVP_PKEY_RSA_PSS;
  if ((o->padding != 0 || o->has_salt || o->mgf1 != nullptr) && !rsa) {
    ThrowTypeError(env, "The padding, saltLength and mgf1Digest options apply to RSA keys only", "ERR_INVALID_ARG_VALUE");
    return false;
  }
  if ((o->has_salt || o->mgf1 != nullptr) && o->padding != RSA_PKCS1_PSS_PADDING && id != EVP_PKEY_RSA_PSS) {
    ThrowTypeError(env, "saltLength and mgf1Digest need padding 'pss'", "ERR_INVALID_ARG_VALUE");
    return false;
  }
  return true;
}

bool Configure(EVP_PKEY_CTX* pctx, const SignOptions& o, bool verifying) {
  if (o.padding != 0 && EVP_PKEY_CTX_set_rsa_padding(pctx, o.padding) <= 0) return false;
  if (o.padding == RSA_PKCS1_PSS_PADDING || o.has_salt) {
    const int salt = o.has_salt ? o.salt : (verifying ? RSA_PSS_SALTLEN_AUTO : RSA_PSS_SALTLEN_DIGEST);
    if (EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, salt) <= 0) return false;
  }
  if (o.mgf1 != nullptr && EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, o.mgf1) <= 0) return false;
  return true;
}

// signData(pkey, data, digest, padding, saltLength, mgf1Digest) -> Buffer
Napi::Value SignData(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  EVP_PKEY* key = PKeyArg(info, 0, "pkey", true);
  if (key == nullptr) return {};
  Bytes data;
  SignOptions o;
  if (!ArgBytes(info, 1, "data", &data) || !ReadOptions(info, 2, key, &o)) return {};
  EVPMDCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (ctx == nullptr || EVP_DigestSignInit(ctx.get(), &pctx, o.md, nullptr, key) != 1 || !Configure(pctx, o, false))
    return ThrowOpenSSL(env, "sign");
  size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, data.data, data.size) != 1) return ThrowOpenSSL(env, "sign");
  std::vector<unsigned char> sig(len == 0 ? 1 : len);
  if (EVP_DigestSign(ctx.get(), sig.data(), &len, data.data, data.size) != 1) return ThrowOpenSSL(env, "sign");
  return CopyBuffer(env, sig.data(), len);
}

Napi::Value DoVerify(const Napi::CallbackInfo& info, EVP_PKEY* key) {
  Napi::Env env = info.Env();
  Bytes sig, data;
  SignOptions o;
  if (!ArgBytes(info, 1, "signature", &sig, false) || !ArgBytes(info, 2, "data", &data) ||
      !ReadOptions(info, 3, key, &o))
    return {};
  ERR_clear_error();
  EVPMDCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (ctx == nullptr || EVP_DigestVerifyInit(ctx.get(), &pctx, o.md, nullptr, key) != 1 || !Configure(pctx, o, true))
    return ThrowOpenSSL(env, "verify");
  const int r = EVP_DigestVerify(ctx.get(), sig.data, sig.size, data.data, data.size);
  if (r != 1) return ThrowOpenSSLMessage(env, "verify", "bad signature");
  ERR_clear_error();
  return env.Undefined();
}

// verifyData(pkey, signature, data, digest, padding, saltLength, mgf1Digest): throws on a bad signature.
Napi::Value VerifyData(const Napi::CallbackInfo& info) {
  EVP_PKEY* key = PKeyArg(info, 0, "pkey", false);
  if (key == nullptr) return {};
  return DoVerify(info, key);
}

// verifyCert(cert, signature, data, digest, ...): with the certificate's public key.
Napi::Value VerifyCert(const Napi::CallbackInfo& info) {
  X509* cert = X509Wrap::Arg(info, 0, "cert");
  if (cert == nullptr) return {};
  EVPPKeyPtr key(X509_get_pubkey(cert));
  if (key == nullptr) return ThrowOpenSSL(info.Env(), "X509_get_pubkey");
  return DoVerify(info, key.get());
}

void Init(Napi::Env env, Napi::Object exports) {
  exports.Set("signData", NativeFunction<SignData>(env, "signData"));
  exports.Set("verifyData", NativeFunction<VerifyData>(env, "verifyData"));
  exports.Set("verifyCert", NativeFunction<VerifyCert>(env, "verifyCert"));
  Napi::Object c = Napi::Object::New(env);
  c.Set("RSA_PKCS1_PADDING", RSA_PKCS1_PADDING);
  c.Set("RSA_PKCS1_PSS_PADDING", RSA_PKCS1_PSS_PADDING);
  c.Set("RSA_PSS_SALTLEN_DIGEST", RSA_PSS_SALTLEN_DIGEST);
  c.Set("RSA_PSS_SALTLEN_AUTO", RSA_PSS_SALTLEN_AUTO);
  c.Set("RSA_PSS_SALTLEN_MAX", RSA_PSS_SALTLEN_MAX);
  exports.Set("signConstants", c);
}

Module registration(&Init);

}  // namespace
}  // namespace ossl
