#include "ssl/session.h"

#include <openssl/err.h>

#include "common/args.h"
#include "ssl/context.h"

namespace ossl {

SessionWrap::SessionWrap(const Napi::CallbackInfo& info) : Wrapper(info) {
  if (IsAdopting(info)) return;
  Reset(Handle(SSL_SESSION_new()));
  if (get() == nullptr) ThrowOpenSSL(info.Env(), "SSL_SESSION_new");
}

#define SESS_OR_RETURN          \
  Napi::Env env = info.Env();   \
  SSL_SESSION* s = Live(env);   \
  if (s == nullptr) return {};

Napi::Value SessionWrap::ToDER(const Napi::CallbackInfo& info) {
  SESS_OR_RETURN
  const int n = i2d_SSL_SESSION(s, nullptr);
  if (n <= 0) return ThrowOpenSSL(env, "i2d_SSL_SESSION");
  Napi::Buffer<unsigned char> out = Napi::Buffer<unsigned char>::New(env, static_cast<size_t>(n));
  if (out.IsEmpty()) return {};
  unsigned char* p = out.Data();
  if (i2d_SSL_SESSION(s, &p) != n) return ThrowOpenSSL(env, "i2d_SSL_SESSION");
  return out;
}

// The most TLS 1.3 early data a client may send on this session (0: none; SSL_SESSION_get_max_early_data).
Napi::Value SessionWrap::MaxEarlyData(const Napi::CallbackInfo& info) {
  SESS_OR_RETURN
  return Napi::Number::New(env, SSL_SESSION_get_max_early_data(s));
}

Napi::Value SessionWrap::Id(const Napi::CallbackInfo& info) {
  SESS_OR_RETURN
  unsigned int len = 0;
  const unsigned char* id = SSL_SESSION_get_id(s, &len);
  return CopyBuffer(env, id, id == nullptr ? 0 : len);
}

Napi::Value SessionWrap::ProtocolVersion(const Napi::CallbackInfo& info) {
  SESS_OR_RETURN
  return Napi::Number::New(env, SSL_SESSION_get_protocol_version(s));
}

Napi::Value SessionWrap::Cipher(const Napi::CallbackInfo& info) {
  SESS_OR_RETURN
  const SSL_CIPHER* c = SSL_SESSION_get0_cipher(s);
  return c == nullptr ? env.Null() : Napi::String::New(env, SSL_CIPHER_get_name(c));
}

Napi::Value SessionWrap::Time(const Napi::CallbackInfo& info) {
  SESS_OR_RETURN
  return Napi::Number::New(env, static_cast<double>(SSL_SESSION_get_time(s)));
}

Napi::Value SessionWrap::Timeout(const Napi::CallbackInfo& info) {
  SESS_OR_RETURN
  return Napi::Number::New(env, static_cast<double>(SSL_SESSION_get_timeout(s)));
}

Napi::Value SessionWrap::TicketLifetimeHint(const Napi::CallbackInfo& info) {
  SESS_OR_RETURN
  return Napi::Number::New(env, static_cast<double>(SSL_SESSION_get_ticket_lifetime_hint(s)));
}

Napi::Value SessionWrap::IsResumable(const Napi::CallbackInfo& info) {
  SESS_OR_RETURN
  return Napi::Boolean::New(env, SSL_SESSION_is_resumable(s) == 1);
}

Napi::Value SessionWrap::HasTicket(const Napi::CallbackInfo& info) {
  SESS_OR_RETURN
  return Napi::Boolean::New(env, SSL_SESSION_has_ticket(s) == 1);
}

Napi::Value SessionWrap::MasterKey(const Napi::CallbackInfo& info) {
  SESS_OR_RETURN
  unsigned char buf[SSL_MAX_MASTER_KEY_LENGTH];
  size_t n = SSL_SESSION_get_master_key(s, buf, sizeof buf);
  return CopyBuffer(env, buf, n);
}

namespace {

Napi::Value SessionFromDER(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  ossl::Bytes b;
  if (!ArgBytes(info, 0, "buf", &b, false)) return {};
  const unsigned char* p = b.data;
  SSLSessionPtr s(d2i_SSL_SESSION(nullptr, &p, static_cast<long>(b.size)));
  if (s == nullptr) return ThrowOpenSSL(env, "d2i_SSL_SESSION");
  return SessionWrap::New(env, std::move(s));
}

// sessionForPsk(context, key, cipherName[, version]) -> Session: a TLS 1.3 external PSK.
Napi::Value SessionForPsk(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  SSL_CTX* ctx = ContextWrap::Arg(info, 0, "context");
  if (ctx == nullptr) return {};
  ossl::Bytes key;
  std::string cipher;
  if (!ArgBytes(info, 1, "key", &key, false) || !ArgCString(info, 2, "cipher", &cipher)) return {};
  if (key.size == 0 || key.size > SSL_MAX_MASTER_KEY_LENGTH)
    return ThrowRangeError(env, "The PSK must be 1..48 bytes", "ERR_INVALID_ARG_VALUE");
  const SSL_CIPHER* found = nullptr;
  // TLS 1.3 suites are not in SSL_CTX_get_ciphers' legacy list on every build: look via an SSL.
  SSLPtr ssl(SSL_new(ctx));
  if (ssl == nullptr) return ThrowOpenSSL(env, "SSL_new");
  STACK_OF(SSL_CIPHER)* all = SSL_get_ciphers(ssl.get());
  for (int i = 0; all != nullptr && i < sk_SSL_CIPHER_num(all); ++i) {
    const SSL_CIPHER* c = sk_SSL_CIPHER_value(all, i);
    if (cipher == SSL_CIPHER_get_name(c) || cipher == SSL_CIPHER_standard_name(c)) found = c;
  }
  if (found == nullptr) return ThrowRangeError(env, "Unknown or disabled cipher: " + cipher, "ERR_INVALID_ARG_VALUE");
  ERR_clear_error();
  SSLSessionPtr s(SSL_SESSION_new());
  if (s == nullptr || SSL_SESSION_set1_master_key(s.get(), key.data, key.size) != 1 ||
      SSL_SESSION_set_cipher(s.get(), found) != 1 || SSL_SESSION_set_protocol_version(s.get(), TLS1_3_VERSION) != 1)
    return ThrowOpenSSL(env, "SSL_SESSION_set1_master_key");
  return SessionWrap::New(env, std::move(s));
}

}  // namespace

void SessionWrap::Init(Napi::Env env, Napi::Object exports) {
  Define(env, exports,
         {
             Method<&SessionWrap::ToDER>("toDER"),
             Method<&SessionWrap::Id>("id"),
             Method<&SessionWrap::ProtocolVersion>("protocolVersion"),
             Method<&SessionWrap::Cipher>("cipher"),
             Method<&SessionWrap::Time>("time"),
             Method<&SessionWrap::Timeout>("timeout"),
             Method<&SessionWrap::TicketLifetimeHint>("ticketLifetimeHint"),
             Method<&SessionWrap::IsResumable>("isResumable"),
             Method<&SessionWrap::HasTicket>("hasTicket"),
             Method<&SessionWrap::MasterKey>("masterKey"),
             Method<&SessionWrap::MaxEarlyData>("maxEarlyData"),
         });
  exports.Set("sessionFromDER", NativeFunction<SessionFromDER>(env, "sessionFromDER"));
  exports.Set("sessionForPsk", NativeFunction<SessionForPsk>(env, "sessionForPsk"));
}

namespace {
Module registration(&SessionWrap::Init);
}

}  // namespace ossl
