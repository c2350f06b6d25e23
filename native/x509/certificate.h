// X509: a certificate.
#pragma once
#include <napi.h>

#include "common/wrap.h"
#include "x509/name.h"

namespace ossl {

class X509Wrap : public Wrapper<X509Wrap, X509, X509_free>, public NameOwner {
 public:
  static constexpr const char* kName = "X509";
  static constexpr int kSubject = 0;
  static constexpr int kIssuer = 1;
  static void Init(Napi::Env env, Napi::Object exports);
  explicit X509Wrap(const Napi::CallbackInfo& info);

  // Wraps a certificate we own a reference to.
  static Napi::Value New(Napi::Env env, X509Ptr cert) { return Adopt(env, std::move(cert)); }
  // Wraps a borrowed certificate (takes a new reference).
  static Napi::Value NewRef(Napi::Env env, X509* cert) { return Adopt(env, UpRef(cert)); }

  X509_NAME* OwnedName(int which) override;
  uint64_t NameGeneration(int which) const override { return generation_[which]; }

 private:
  Napi::Value GetVersion(const Napi::CallbackInfo& info);
  Napi::Value SetVersion(const Napi::CallbackInfo& info);
  Napi::Value GetSerialHex(const Napi::CallbackInfo& info);
  Napi::Value SetSerialHex(const Napi::CallbackInfo& info);
  Napi::Value GmtimeAdj(const Napi::CallbackInfo& info);
  Napi::Value GetTime(const Napi::CallbackInfo& info);
  Napi::Value SetTime(const Napi::CallbackInfo& info);
  Napi::Value HasExpired(const Napi::CallbackInfo& info);
  Napi::Value GetName(const Napi::CallbackInfo& info);
  Napi::Value SetName(const Napi::CallbackInfo& info);
  Napi::Value GetPubkey(const Napi::CallbackInfo& info);
  Napi::Value SetPubkey(const Napi::CallbackInfo& info);
  Napi::Value Sign(const Napi::CallbackInfo& info);
  Napi::Value VerifySignature(const Napi::CallbackInfo& info);
  Napi::Value GetSignatureAlgorithm(const Napi::CallbackInfo& info);
  Napi::Value Digest(const Napi::CallbackInfo& info);
  Napi::Value SubjectNameHash(const Napi::CallbackInfo& info);
  Napi::Value GetExtensionCount(const Napi::CallbackInfo& info);
  Napi::Value GetExtension(const Napi::CallbackInfo& info);
  Napi::Value AddExtensions(const Napi::CallbackInfo& info);
  Napi::Value ToDER(const Napi::CallbackInfo& info);
  Napi::Value Copy(const Napi::CallbackInfo& info);

  uint64_t generation_[2] = {0, 0};
};

// True for key types that sign without a separate digest (Ed25519/Ed448, ML-DSA, SLH-DSA, ...).
bool SignsWithoutDigest(EVP_PKEY* key);
// Resolves a digest name (pyOpenSSL accepts "sha256", "SHA256", ...); null digest where the
// key type signs without one (SignsWithoutDigest). Returns false with an exception pending.
bool DigestForKey(Napi::Env env, const std::string& name, bool nullish, EVP_PKEY* key, const EVP_MD** out);
// The digest argument i (a name, or nullish for a key that signs without one) resolved for signing with `key`.
bool ArgDigestFor(const Napi::CallbackInfo& info, size_t i, EVP_PKEY* key, const EVP_MD** out);

}  // namespace ossl
