// Raw public keys (RFC 7250, OpenSSL 3.2+): a peer authenticated by its bare public key instead of
// a certificate. Which certificate types each side accepts and sends, which were negotiated, the
// peer's raw key, and the keys a client expects. On an older OpenSSL every call names the version
// it needs.
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <string>
#include <vector>

#include "common/args.h"
#include "common/compat.h"
#include "common/wrap.h"
#include "pkey/pkey.h"
#include "ssl/connection.h"
#include "ssl/context.h"

namespace ossl {
namespace {

[[maybe_unused]] Napi::Value NeedsRpk(Napi::Env env) {
  return ThrowStateError(env,
                         std::string("Raw public keys require OpenSSL 3.2 or later; the binding runs ") +
                             OpenSSL_version(OPENSSL_VERSION_STRING),
                         "ERR_OPENSSL_NAPI_UNSUPPORTED");
}

// rpkSetCertTypes(contextOrConnection, client, types): the certificate types (0 X.509, 2 raw
// public key) a side accepts from, or offers to, the other, in order of preference.
Napi::Value SetCertTypes(const Napi::CallbackInfo& info) {
  if (!LiveSslTarget(info, true)) return {};
#if OSSL_NAPI_HAS_RPK
  Napi::Env env = info.Env();
  bool client = false;
  if (!ArgBool(info, 1, "client", &client)) return {};
  if (info.Length() < 3 || !info[2].IsArray() || info[2].As<Napi::Array>().Length() == 0)
    return ThrowTypeError(env, "The \"types\" argument must be a non-empty array of 'x509' and 'rpk'", "ERR_INVALID_ARG_TYPE");
  std::vector<unsigned char> types;
  Napi::Array arr = info[2].As<Napi::Array>();
  for (uint32_t i = 0; i < arr.Length(); ++i) {
    Napi::Value v = arr.Get(i);
    const int t = v.IsNumber() ? v.As<Napi::Number>().Int32Value() : -1;
    if (t != TLSEXT_cert_type_x509 && t != TLSEXT_cert_type_rpk)
      return ThrowRangeError(env, "Certificate types are 'x509' and 'rpk'", "ERR_INVALID_ARG_VALUE");
    types.push_back(static_cast<unsigned char>(t));
  }
  const SslTarget t = LiveSslTarget(info, true);
  if (!t) return {};
  int ok = 0;
  if (t.ctx != nullptr) {
    ok = client ? SSL_CTX_set1_client_cert_type(t.ctx, types.data(), types.size())
                : SSL_CTX_set1_server_cert_type(t.ctx, types.data(), types.size());
  } else {
    ok = client ? SSL_set1_client_cert_type(t.ssl, types.data(), types.size())
                : SSL_set1_server_cert_type(t.ssl, types.data(), types.size());
  }
  if (ok != 1) return ThrowOpenSSL(env, client ? "SSL_set1_client_cert_type" : "SSL_set1_server_cert_type");
  return env.Undefined();
#else
  return NeedsRpk(info.Env());
#endif
}

// rpkNegotiated(connection) -> [server type, client type] (0 X.509, 2 raw public key; -1 none yet).
Napi::Value Negotiated(const Napi::CallbackInfo& info) {
  SSL* ssl = LiveSslTarget(info, false).ssl;
  if (ssl == nullptr) return {};
#if OSSL_NAPI_HAS_RPK
  Napi::Env env = info.Env();
  Napi::Array r = Napi::Array::New(env, 2);
  r.Set(0u, Napi::Number::New(env, SSL_get_negotiated_server_cert_type(ssl)));
  r.Set(1u, Napi::Number::New(env, SSL_get_negotiated_client_cert_type(ssl)));
  return r;
#else
  return NeedsRpk(info.Env());
#endif
}

// rpkPeer(connection) -> the peer's raw public key (a public-only PKey), or null.
Napi::Value Peer(const Napi::CallbackInfo& info) {
  SSL* ssl = LiveSslTarget(info, false).ssl;
  if (ssl == nullptr) return {};
#if OSSL_NAPI_HAS_RPK
  Napi::Env env = info.Env();
  EVP_PKEY* key = SSL_get0_peer_rpk(ssl);
  if (key == nullptr || EVP_PKEY_up_ref(key) != 1) return env.Null();
  return PKeyWrap::New(env, EVPPKeyPtr(key), true);
#else
  return NeedsRpk(info.Env());
#endif
}

// rpkAddExpected(connection, pkey): a raw public key the peer may present (SSL_add_expected_rpk);
// with VERIFY_PEER, any other fails verification. Not from the connection's own callbacks (its
// handshake may be checking the expected keys).
Napi::Value AddExpected(const Napi::CallbackInfo& info) {
  SSL* ssl = LiveSslTarget(info, false, true).ssl;
  if (ssl == nullptr) return {};
#if OSSL_NAPI_HAS_RPK
  Napi::Env env = info.Env();
  EVP_PKEY* key = PKeyArg(info, 1, "pkey", false);
  if (key == nullptr) return {};
  // The expected keys are DANE records: DANE is switched on for the Context (idempotent) and for
  // this connection the first time (a second time reports "already enabled", which is fine).
  // SSL_dane_enable replaces the host name to check with its base domain: that is setHost's name
  // when there is one, so enabling DANE never drops a name check (else the SNI name).
  ConnectionWrap* c = ConnectionWrap::FromSSL(ssl);
  if (c == nullptr) return ThrowStateError(env, "Connection has been freed", "ERR_OPENSSL_NAPI_FREED");
  if (SSL_CTX_dane_enable(SSL_get_SSL_CTX(ssl)) <= 0) return ThrowOpenSSL(env, "SSL_CTX_dane_enable");
  if (SSL_dane_enable(ssl, c->DaneBaseDomain(ssl)) <= 0) ERR_clear_error();
  // First the sessions (a session made under other expectations must not be resumed: a
  // resumption checks no key), so that a failure after it leaves no resumption unchecked.
  if (!c->ExpectRawPublicKey(ssl, key)) return ThrowOpenSSL(env, "expected raw public key");
  if (SSL_add_expected_rpk(ssl, key) != 1) return ThrowOpenSSL(env, "SSL_add_expected_rpk");
  return env.Undefined();
#else
  return NeedsRpk(info.Env());
#endif
}

void Init(Napi::Env env, Napi::Object exports) {
  exports.Set("rpkSupported", Napi::Boolean::New(env, OSSL_NAPI_HAS_RPK == 1));
  exports.Set("rpkSetCertTypes", NativeFunction<SetCertTypes>(env, "rpkSetCertTypes"));
  exports.Set("rpkNegotiated", NativeFunction<Negotiated>(env, "rpkNegotiated"));
  exports.Set("rpkPeer", NativeFunction<Peer>(env, "rpkPeer"));
  exports.Set("rpkAddExpected", NativeFunction<AddExpected>(env, "rpkAddExpected"));
}

Module registration(&Init);

}  // namespace
}  // namespace ossl
