// Loading and dumping keys: PEM (optionally encrypted), DER, and text.
#include <openssl/err.h>
#include <openssl/pem.h>

#include "common/args.h"
#include "common/codec.h"
#include "common/passphrase.h"
#include "pkey/pkey.h"

namespace ossl {
namespace {

Napi::Value LoadPrivatekey(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int type = 0;
  Bytes data;
  Passphrase pass;
  BIOPtr bio = ArgLoadSource(info, &type, &data, "load_privatekey");
  if (bio == nullptr || !pass.Read(info, 2, "passphrase")) return {};
  EVP_PKEY* key = nullptr;
  {
    CallbackBridge::Scope scope(pass.bridge(), env);
    if (type == kFiletypePEM) {
      key = PEM_read_bio_PrivateKey(bio.get(), nullptr, &Passphrase::Callback, &pass);
    } else {
      key = d2i_PrivateKey_bio(bio.get(), nullptr);
    }
  }
  EVPPKeyPtr owned(key);
  if (pass.ThrowIfFailed(env)) return {};
  if (owned == nullptr) return ThrowOpenSSL(env, "load_privatekey");
  ERR_clear_error();
  return PKeyWrap::New(env, std::move(owned), false);
}

Napi::Value LoadPublickey(const Napi::CallbackInfo& info) {
  return LoadObject<EVPPKeyPtr>(
      info, "load_publickey",
      [](int type, BIO* bio) {
        return type == kFiletypePEM ? PEM_read_bio_PUBKEY(bio, nullptr, nullptr, const_cast<char*>(""))
                                    : d2i_PUBKEY_bio(bio, nullptr);
      },
      [](Napi::Env env, EVPPKeyPtr key) { return PKeyWrap::New(env, std::move(key), true); });
}

Napi::Value DumpPrivatekey(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int type = 0;
  if (!ArgFiletype(info, 0, &type, true)) return {};
  EVP_PKEY* key = PKeyArg(info, 1, "pkey", true);
  if (key == nullptr) return {};
  std::string cipher_name;
  const bool has_cipher = !ArgIsNullish(info, 2);
  if (has_cipher && !ArgCString(info, 2, "cipher", &cipher_name)) return {};
  Passphrase pass;
  if (!pass.Read(info, 3, "passphrase")) return {};
  if (has_cipher && type != kFiletypePEM)
    return ThrowTypeError(env, "A cipher can only be used with FILETYPE_PEM", "ERR_INVALID_ARG_VALUE");
  if (has_cipher && !pass.present())
    return ThrowTypeError(env, "A passphrase is required when a cipher is given", "ERR_INVALID_ARG_VALUE");
  if (!has_cipher && pass.present())
    return ThrowTypeError(env, "A passphrase was given without a cipher", "ERR_INVALID_ARG_VALUE");
  Ptr<EVP_CIPHER, EVP_CIPHER_free> cipher;
  if (has_cipher) {
    cipher.reset(EVP_CIPHER_fetch(nullptr, cipher_name.c_str(), nullptr));
    if (cipher == nullptr) return ThrowOpenSSLMessage(env, "dump_privatekey", "Unknown cipher " + cipher_name);
  }
  BIOPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr) return ThrowOpenSSL(env, "dump_privatekey");
  int ok = 0;
  {
    CallbackBridge::Scope scope(pass.bridge(), env);
    if (type == kFiletypePEM) {
      ok = PEM_write_bio_PrivateKey(bio.get(), key, cipher.get(), nullptr, 0,
                                    has_cipher ? &Passphrase::Callback : nullptr, has_cipher ? &pass : nullptr);
    } else if (type == kFiletypeASN1) {
      ok = i2d_PrivateKey_bio(bio.get(), key);
    } else {
      ok = EVP_PKEY_print_private(bio.get(), key, 0, nullptr);
    }
  }
  if (pass.ThrowIfFailed(env)) return {};
  if (ok != 1) return ThrowOpenSSL(env, "dump_privatekey");
  return BioToBuffer(env, bio.get());
}

Napi::Value DumpPublickey(const Napi::CallbackInfo& info) {
  int type = 0;
  if (!ArgFiletype(info, 0, &type, true)) return {};
  EVP_PKEY* key = PKeyArg(info, 1, "pkey", false);
  if (key == nullptr) return {};
  return DumpToBuffer(info.Env(), "dump_publickey", [&](BIO* bio) {
    return type == kFiletypePEM    ? PEM_write_bio_PUBKEY(bio, key)
           : type == kFiletypeASN1 ? i2d_PUBKEY_bio(bio, key)
                                   : EVP_PKEY_print_public(bio, key, 0, nullptr);
  });
}

void Init(Napi::Env env, Napi::Object exports) {
  exports.Set("loadPrivatekey", NativeFunction<LoadPrivatekey>(env, "loadPrivatekey"));
  exports.Set("loadPublickey", NativeFunction<LoadPublickey>(env, "loadPublickey"));
  exports.Set("dumpPrivatekey", NativeFunction<DumpPrivatekey>(env, "dumpPrivatekey"));
  exports.Set("dumpPublickey", NativeFunction<DumpPublickey>(env, "dumpPublickey"));
}

Module registration(&Init);

}  // namespace
}  // namespace ossl
