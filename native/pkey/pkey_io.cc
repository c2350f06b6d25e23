// Loading and dumping keys: PEM (optionally encrypted), DER, and text.
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include "common/args.h"
#include "common/codec.h"
#include "common/passphrase.h"
#include "common/pbe.h"
#include "pkey/pkey.h"

namespace ossl {
namespace {

using PKCS8Ptr = Ptr<PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free>;
using X509SigPtr = Ptr<X509_SIG, X509_SIG_free>;

// An EncryptedPrivateKeyInfo (encrypted PKCS#8) in DER, decrypted with the passphrase; null if the
// bytes are not one or do not decrypt (the error queue or the passphrase bridge says why).
EVP_PKEY* DecryptPkcs8Der(const Bytes& der, Passphrase* pass) {
  const unsigned char* p = der.data;
  X509SigPtr sig(d2i_X509_SIG(nullptr, &p, static_cast<long>(der.size)));
  if (sig == nullptr) return nullptr;
  ERR_clear_error();
  const X509_ALGOR* alg = nullptr;
  X509_SIG_get0(sig.get(), &alg, nullptr);
  if (alg != nullptr && !PbeWithinBounds(alg)) return nullptr;
  char buf[PEM_BUFSIZE];
  const int n = Passphrase::Callback(buf, sizeof buf, 0, pass);
  PKCS8Ptr inf(n >= 0 ? PKCS8_decrypt(sig.get(), buf, n) : nullptr);
  OPENSSL_cleanse(buf, sizeof buf);
  return inf == nullptr ? nullptr : EVP_PKCS82PKEY(inf.get());
}

// An ENCRYPTED PRIVATE KEY PEM block asks for no more key-derivation work than PbeWithinBounds
// allows (any other PEM passes: PEM_read_bio_PrivateKey reads it).
bool EncryptedPemWithinBounds(const Bytes& pem) {
  BIOPtr bio(BIO_new_mem_buf(pem.data, static_cast<int>(pem.size)));
  X509SigPtr sig(bio == nullptr ? nullptr : PEM_read_bio_PKCS8(bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  if (sig == nullptr) return true;
  const X509_ALGOR* alg = nullptr;
  X509_SIG_get0(sig.get(), &alg, nullptr);
  return alg == nullptr || PbeWithinBounds(alg);
}

// An encrypted PKCS#8 of `key` with the cipher, and PBKDF2 (HMAC-SHA256, `iterations`) or scrypt
// (N, r, p) as the key derivation; null with the error queue or the bridge filled.
X509_SIG* EncryptPkcs8(EVP_PKEY* key, const EVP_CIPHER* cipher, Passphrase* pass, int64_t iterations, uint64_t n, uint64_t r, uint64_t p) {
  PKCS8Ptr inf(EVP_PKEY2PKCS8(key));
  if (inf == nullptr) return nullptr;
  char buf[PEM_BUFSIZE];
  const int len = Passphrase::Callback(buf, sizeof buf, 1, pass);
  if (len < 0) return nullptr;
  X509_ALGOR* pbe = n > 0 ? PKCS5_pbe2_set_scrypt(cipher, nullptr, 0, nullptr, n, r, p)
                          : PKCS5_pbe2_set_iv(cipher, static_cast<int>(iterations), nullptr, 0, nullptr, NID_hmacWithSHA256);
  X509_SIG* sig = pbe == nullptr ? nullptr : PKCS8_set0_pbe(buf, len, inf.get(), pbe);
  if (sig == nullptr) X509_ALGOR_free(pbe);
  OPENSSL_cleanse(buf, sizeof buf);
  return sig;
}

Napi::Value LoadPrivatekey(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int type = 0;
  Bytes data;
  Passphrase pass;
  BIOPtr bio = ArgLoadSource(info, &type, &data, "load_privatekey");
  if (bio == nullptr || !pass.Read(info, 2, "passphrase")) return {};
  if (pass.calls_js() && data.owned.empty()) {
    // The passphrase function could detach the caller's buffer while OpenSSL still reads it.
    data.owned.assign(reinterpret_cast<const char*>(data.data), data.size);
    data.data = reinterpret_cast<const unsigned char*>(data.owned.data());
    bio.reset(BIO_new_mem_buf(data.data, static_cast<int>(data.size)));
    if (bio == nullptr) return ThrowOpenSSL(env, "BIO_new_mem_buf");
  }
  EVP_PKEY* key = nullptr;
  {
    CallbackBridge::Scope scope(pass.bridge(), env);
    if (type == kFiletypePEM) {
      if (pass.present() && !EncryptedPemWithinBounds(data)) return ThrowOpenSSL(env, "load_privatekey");
      key = PEM_read_bio_PrivateKey(bio.get(), nullptr, &Passphrase::Callback, &pass);
    } else {
      key = d2i_PrivateKey_bio(bio.get(), nullptr);  // PKCS#8 or traditional, unencrypted
      if (key == nullptr) key = DecryptPkcs8Der(data, &pass);
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
  // Options: the structure ("pkcs8", "traditional"; default PKCS#8 for PEM and, as pyOpenSSL,
  // traditional for an unencrypted DER), and the key derivation of an encrypted PKCS#8: PBKDF2 iterations, or
  // scrypt N, r, p.
  std::string format;
  if (!ArgIsNullish(info, 4) && !ArgCString(info, 4, "format", &format)) return {};
  if (!format.empty() && format != "pkcs8" && format != "traditional")
    return ThrowRangeError(env, "The \"format\" option must be 'pkcs8' or 'traditional'", "ERR_INVALID_ARG_VALUE");
  int64_t iterations = 0, scrypt_n = 0, scrypt_r = 8, scrypt_p = 1;
  if (!ArgIsNullish(info, 5) && !ArgInt(info, 5, "iterations", &iterations, 1, 100000000)) return {};
  if (!ArgIsNullish(info, 6) && !ArgInt(info, 6, "scrypt.N", &scrypt_n, 2, INT64_C(1) << 40)) return {};
  if (!ArgIsNullish(info, 7) && !ArgInt(info, 7, "scrypt.r", &scrypt_r, 1, 1 << 20)) return {};
  if (!ArgIsNullish(info, 8) && !ArgInt(info, 8, "scrypt.p", &scrypt_p, 1, 1 << 20)) return {};
  // (An encrypted DER key can only be PKCS#8.)
  const bool pkcs8 = format.empty() ? type != kFiletypeASN1 || has_cipher : format == "pkcs8";
  const bool kdf = iterations > 0 || scrypt_n > 0;
  if (iterations > 0 && scrypt_n > 0)
    return ThrowTypeError(env, "Give either PBKDF2 iterations or scrypt parameters, not both", "ERR_INVALID_ARG_VALUE");
  if (kdf && (!has_cipher || !pkcs8))
    return ThrowTypeError(env, "iterations and scrypt apply to an encrypted PKCS#8 (give a cipher)", "ERR_INVALID_ARG_VALUE");
  if (has_cipher && type == kFiletypeASN1 && !pkcs8)
    return ThrowTypeError(env, "A traditional DER key cannot be encrypted: use format 'pkcs8'", "ERR_INVALID_ARG_VALUE");
  if (has_cipher && type == kFiletypeText)
    return ThrowTypeError(env, "A cipher can only be used with FILETYPE_PEM or FILETYPE_ASN1", "ERR_INVALID_ARG_VALUE");
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
    if (type == kFiletypeText) {
      ok = EVP_PKEY_print_private(bio.get(), key, 0, nullptr);
    } else if (!pkcs8) {
      ok = type == kFiletypePEM
               ? PEM_write_bio_PrivateKey_traditional(bio.get(), key, cipher.get(), nullptr, 0,
                                                      has_cipher ? &Passphrase::Callback : nullptr, has_cipher ? &pass : nullptr)
               : i2d_PrivateKey_bio(bio.get(), key);
    } else if (has_cipher && (kdf || type == kFiletypeASN1)) {
      X509SigPtr sig(EncryptPkcs8(key, cipher.get(), &pass, kdf ? iterations : PKCS5_DEFAULT_ITER, static_cast<uint64_t>(scrypt_n),
                                  static_cast<uint64_t>(scrypt_r), static_cast<uint64_t>(scrypt_p)));
      ok = sig != nullptr && (type == kFiletypePEM ? PEM_write_bio_PKCS8(bio.get(), sig.get()) : i2d_PKCS8_bio(bio.get(), sig.get()));
    } else if (type == kFiletypePEM) {
      ok = PEM_write_bio_PrivateKey(bio.get(), key, cipher.get(), nullptr, 0,
                                    has_cipher ? &Passphrase::Callback : nullptr, has_cipher ? &pass : nullptr);
    } else {
      PKCS8Ptr inf(EVP_PKEY2PKCS8(key));
      ok = inf != nullptr && i2d_PKCS8_PRIV_KEY_INFO_bio(bio.get(), inf.get());
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
