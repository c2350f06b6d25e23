// NETSCAPE_SPKI: a signed public key and challenge (SPKAC), as `<keygen>` produced.
#include <openssl/err.h>
#include <openssl/x509.h>

#include <string>

#include "common/args.h"
#include "common/wrap.h"
#include "pkey/pkey.h"
#include "x509/certificate.h"

namespace ossl {

class NetscapeSPKIWrap : public Wrapper<NetscapeSPKIWrap, NETSCAPE_SPKI, NETSCAPE_SPKI_free> {
 public:
  static constexpr const char* kName = "NetscapeSPKI";
  static void Init(Napi::Env env, Napi::Object exports);

  explicit NetscapeSPKIWrap(const Napi::CallbackInfo& info) : Wrapper(info) {
    if (IsAdopting(info)) return;
    Reset(Handle(NETSCAPE_SPKI_new()));
    if (get() == nullptr) ThrowOpenSSL(info.Env(), "NETSCAPE_SPKI_new");
  }

 private:
  Napi::Value Sign(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    NETSCAPE_SPKI* s = Live(env);
    if (s == nullptr) return {};
    EVP_PKEY* key = PKeyArg(info, 0, "pkey", true);
    if (key == nullptr) return {};
    const EVP_MD* md = nullptr;
    if (!ArgDigestFor(info, 1, key, &md)) return {};
    ERR_clear_error();
    if (NETSCAPE_SPKI_sign(s, key, md) <= 0) return ThrowOpenSSL(env, "NETSCAPE_SPKI_sign");
    return env.Undefined();
  }

  // pyOpenSSL: true, or raises Error.
  Napi::Value Verify(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    NETSCAPE_SPKI* s = Live(env);
    if (s == nullptr) return {};
    EVP_PKEY* key = PKeyArg(info, 0, "key", false);
    if (key == nullptr) return {};
    ERR_clear_error();
    if (NETSCAPE_SPKI_verify(s, key) != 1) return ThrowOpenSSLMessage(env, "NETSCAPE_SPKI_verify", "The signature does not verify");
    return Napi::Boolean::New(env, true);
  }

  Napi::Value B64Encode(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    NETSCAPE_SPKI* s = Live(env);
    if (s == nullptr) return {};
    ERR_clear_error();
    CharsPtr b64(NETSCAPE_SPKI_b64_encode(s));
    if (b64 == nullptr) return ThrowOpenSSL(env, "NETSCAPE_SPKI_b64_encode");
    return Napi::String::New(env, b64.get());
  }

  Napi::Value GetPubkey(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    NETSCAPE_SPKI* s = Live(env);
    if (s == nullptr) return {};
    ERR_clear_error();
    EVPPKeyPtr key(NETSCAPE_SPKI_get_pubkey(s));
    if (key == nullptr) return ThrowOpenSSL(env, "NETSCAPE_SPKI_get_pubkey");
    return PKeyWrap::New(env, std::move(key), true);
  }

  Napi::Value SetPubkey(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    NETSCAPE_SPKI* s = Live(env);
    if (s == nullptr) return {};
    EVP_PKEY* key = PKeyArg(info, 0, "pkey", false);
    if (key == nullptr) return {};
    ERR_clear_error();
    if (NETSCAPE_SPKI_set_pubkey(s, key) != 1) return ThrowOpenSSL(env, "NETSCAPE_SPKI_set_pubkey");
    return env.Undefined();
  }

  Napi::Value ToDER(const Napi::CallbackInfo& info) {
    NETSCAPE_SPKI* s = Live(info.Env());
    if (s == nullptr) return {};
    ERR_clear_error();
    unsigned char* der = nullptr;
    const int len = i2d_NETSCAPE_SPKI(s, &der);
    if (len < 0) return ThrowOpenSSL(info.Env(), "i2d_NETSCAPE_SPKI");
    BytesPtr owned(der);
    return CopyBuffer(info.Env(), der, static_cast<size_t>(len));
  }

  static Napi::Value FromB64(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Bytes b64;
    if (!ArgBytes(info, 0, "b64", &b64)) return {};
    if (b64.size > 0x7fffffff) return ThrowRangeError(env, "The \"b64\" argument is too long");
    ERR_clear_error();
    Handle spki(NETSCAPE_SPKI_b64_decode(reinterpret_cast<const char*>(b64.data), static_cast<int>(b64.size)));
    if (spki == nullptr) return ThrowOpenSSL(env, "NETSCAPE_SPKI_b64_decode");
    ERR_clear_error();
    return Adopt(env, std::move(spki));
  }
};

void NetscapeSPKIWrap::Init(Napi::Env env, Napi::Object exports) {
  Define(env, exports,
         {
             Method<&NetscapeSPKIWrap::Sign>("sign"),
             Method<&NetscapeSPKIWrap::Verify>("verify"),
             Method<&NetscapeSPKIWrap::B64Encode>("b64Encode"),
             Method<&NetscapeSPKIWrap::GetPubkey>("getPubkey"),
             Method<&NetscapeSPKIWrap::SetPubkey>("setPubkey"),
             Method<&NetscapeSPKIWrap::ToDER>("toDER"),
         });
  exports.Set("netscapeSPKIFromB64", NativeFunction<&NetscapeSPKIWrap::FromB64>(env, "netscapeSPKIFromB64"));
}

namespace {
Module registration(&NetscapeSPKIWrap::Init);
}

}  // namespace ossl
