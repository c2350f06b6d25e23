// Session tickets: keys kept by the binding (SSL_CTX_set_tlsext_ticket_key_evp_cb), so that
// several servers, or processes, resume each other's sessions, and keys rotate: the first key
// encrypts new tickets, every key decrypts, and a ticket under an older key is renewed under the
// first (native only: no JS call per ticket); and the application's own data in tickets, with
// the decision on each ticket presented (SSL_CTX_set_session_ticket_cb).
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>

#include <cstring>
#include <memory>
#include <string>
#include <mutex>
#include <vector>

#include "common/args.h"
#include "common/wrap.h"
#include "ssl/connection.h"
#include "ssl/context.h"

namespace ossl {
namespace {

struct TicketKey {
  unsigned char name[16];
  unsigned char aes[32];   // AES-256-CBC
  unsigned char hmac[32];  // HMAC-SHA256
};
using TicketKeys = std::vector<TicketKey>;

// The keys live with the SSL_CTX (freed with it), not with its JS wrapper.
int KeysIndex() {
  static int idx = -1;
  static std::once_flag once;
  std::call_once(once, [] {
    idx = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr,
                                   [](void*, void* ptr, CRYPTO_EX_DATA*, int, long, void*) { delete static_cast<TicketKeys*>(ptr); });
  });
  return idx;
}

const TicketKeys* KeysOf(const SSL_CTX* ctx) {
  const auto* k = ctx == nullptr ? nullptr : static_cast<const TicketKeys*>(SSL_CTX_get_ex_data(ctx, KeysIndex()));
  return k != nullptr && !k->empty() ? k : nullptr;
}

// OpenSSL asks the Context the connection was made with (its session context), which an SNI
// switch does not change: the keys are looked for there when the current Context has none.
int TicketKeyCallback(SSL* ssl, unsigned char name[16], unsigned char* iv, EVP_CIPHER_CTX* cctx, EVP_MAC_CTX* hctx, int enc) {
  const TicketKeys* keys = KeysOf(SSL_get_SSL_CTX(ssl));
  if (keys == nullptr) {
    const ConnectionWrap* c = ConnectionWrap::FromSSL(ssl);
    keys = c == nullptr ? nullptr : KeysOf(c->created_ctx);
  }
  if (keys == nullptr) return enc ? -1 : 0;
  const TicketKey* k = nullptr;
  int result = 1;
  if (enc) {
    k = &keys->front();
    std::memcpy(name, k->name, sizeof k->name);
    if (RAND_bytes(iv, 16) != 1) return -1;
  } else {
    for (size_t i = 0; i < keys->size() && k == nullptr; ++i) {
      if (std::memcmp(name, (*keys)[i].name, sizeof(*keys)[i].name) == 0) {
        k = &(*keys)[i];
        result = i == 0 ? 1 : 2;  // 2: decrypt, then issue a new ticket under the first key
      }
    }
    if (k == nullptr) return 0;  // unknown key: a full handshake
  }
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_KEY, const_cast<unsigned char*>(k->hmac), sizeof k->hmac),
                         OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_construct_end()};
  if (EVP_MAC_CTX_set_params(hctx, params) != 1) return -1;
  const int ok = enc ? EVP_EncryptInit_ex(cctx, EVP_aes_256_cbc(), nullptr, k->aes, iv)
                     : EVP_DecryptInit_ex(cctx, EVP_aes_256_cbc(), nullptr, k->aes, iv);
  return ok == 1 ? result : -1;
}

// ticketSetKeys(context, keys | null): each key 80 bytes (16 name, 32 AES, 32 HMAC), the first
// for new tickets; null goes back to OpenSSL's own random keys.
Napi::Value SetKeys(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  SSL_CTX* ctx = ContextWrap::Arg(info, 0, "context");
  if (ctx == nullptr) return {};
  auto keys = std::make_unique<TicketKeys>();
  if (!ArgIsNullish(info, 1)) {
    if (!info[1].IsArray() || info[1].As<Napi::Array>().Length() == 0)
      return ThrowTypeError(env, "The \"keys\" argument must be a non-empty array of 80-byte keys", "ERR_INVALID_ARG_TYPE");
    Napi::Array arr = info[1].As<Napi::Array>();
    for (uint32_t i = 0; i < arr.Length(); ++i) {
      Bytes b;
      if (!ValueBytes(arr.Get(i), &b, false))
        return ThrowTypeError(env, "keys[" + std::to_string(i) + "] must be a Buffer of 80 bytes, not " + Describe(arr.Get(i)),
                              "ERR_INVALID_ARG_TYPE");
      if (b.size != sizeof(TicketKey))
        return ThrowRangeError(env, "Each ticket key must be 80 bytes (16 name, 32 AES, 32 HMAC), got " + std::to_string(b.size),
                               "ERR_INVALID_ARG_VALUE");
      TicketKey k;
      std::memcpy(&k, b.data, sizeof k);
      keys->push_back(k);
    }
  }
  const bool clear = keys->empty();
  // (set_ex_data does not free what it replaces.)
  delete static_cast<TicketKeys*>(SSL_CTX_get_ex_data(ctx, KeysIndex()));
  if (SSL_CTX_set_ex_data(ctx, KeysIndex(), nullptr) != 1) return ThrowOpenSSL(env, "SSL_CTX_set_ex_data");
  if (SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, clear ? nullptr : TicketKeyCallback) != 1)
    return ThrowOpenSSL(env, "SSL_CTX_set_tlsext_ticket_key_evp_cb");
  if (!clear) {
    if (SSL_CTX_set_ex_data(ctx, KeysIndex(), keys.get()) != 1) return ThrowOpenSSL(env, "SSL_CTX_set_ex_data");
    keys.release();
  }
  return env.Undefined();
}

// The Connection behind `ssl` when JS may be called now.
ConnectionWrap* Callable(const SSL* ssl) {
  ConnectionWrap* c = ConnectionWrap::FromSSL(ssl);
  return c != nullptr && c->bridge.CanCall() ? c : nullptr;
}

// A new ticket: the hook's bytes (or null) become its application data.
int GenerateTicketTrampoline(SSL* ssl, void*) {
  ConnectionWrap* c = Callable(ssl);
  if (c == nullptr) return 1;
  Napi::Env env = c->bridge.env();
  Napi::HandleScope scope(env);
  Napi::Function fn = ContextWrap::HookOf(env, ssl, "ticketGenerate");
  if (fn.IsEmpty()) return 1;
  Napi::Value r = c->bridge.Call(fn, {c->Owner(env)});
  if (r.IsEmpty()) return 0;
  if (r.IsNull() || r.IsUndefined()) return 1;
  std::string data;
  if (!ValueBytes(r, &data)) {
    c->bridge.StoreResultError("The ticket generate callback must return a Buffer, a string or null, not " + Describe(r));
    return 0;
  }
  SSL_SESSION* sess = SSL_get_session(ssl);
  return sess != nullptr && SSL_SESSION_set1_ticket_appdata(sess, data.data(), data.size()) == 1 ? 1 : 0;
}

// A ticket presented: the hook sees its application data and OpenSSL's status, and decides.
SSL_TICKET_RETURN DecryptTicketTrampoline(SSL* ssl, SSL_SESSION* sess, const unsigned char*, size_t, SSL_TICKET_STATUS status, void*) {
  const bool decrypted = status == SSL_TICKET_SUCCESS || status == SSL_TICKET_SUCCESS_RENEW;
  // Without a hook (or JS): what OpenSSL would do by itself.
  const SSL_TICKET_RETURN fallback = status == SSL_TICKET_FATAL_ERR_MALLOC || status == SSL_TICKET_FATAL_ERR_OTHER ? SSL_TICKET_RETURN_ABORT
                                     : status == SSL_TICKET_SUCCESS                                             ? SSL_TICKET_RETURN_USE
                                     : status == SSL_TICKET_SUCCESS_RENEW                                       ? SSL_TICKET_RETURN_USE_RENEW
                                     : status == SSL_TICKET_NO_DECRYPT                                          ? SSL_TICKET_RETURN_IGNORE_RENEW
                                                                                                                : SSL_TICKET_RETURN_IGNORE;
  ConnectionWrap* c = Callable(ssl);
  if (c == nullptr) return fallback;
  Napi::Env env = c->bridge.env();
  Napi::HandleScope scope(env);
  Napi::Function fn = ContextWrap::HookOf(env, ssl, "ticketDecrypt");
  if (fn.IsEmpty()) return fallback;
  void* data = nullptr;
  size_t len = 0;
  Napi::Value app = env.Null();
  if (decrypted && sess != nullptr && SSL_SESSION_get0_ticket_appdata(sess, &data, &len) == 1 && data != nullptr)
    app = CopyBuffer(env, static_cast<const unsigned char*>(data), len);
  const char* name = status == SSL_TICKET_SUCCESS         ? "success"
                     : status == SSL_TICKET_SUCCESS_RENEW ? "success-renew"
                     : status == SSL_TICKET_NO_DECRYPT    ? "no-decrypt"
                     : status == SSL_TICKET_EMPTY         ? "empty"
                     : status == SSL_TICKET_NONE          ? "none"
                                                          : "fatal";
  Napi::Value r = c->bridge.Call(fn, {c->Owner(env), app, Napi::String::New(env, name)});
  if (r.IsEmpty()) return SSL_TICKET_RETURN_ABORT;
  const std::string answer = r.IsString() ? r.As<Napi::String>().Utf8Value() : std::string();
  if (answer == "abort") return SSL_TICKET_RETURN_ABORT;
  if (answer == "ignore") return SSL_TICKET_RETURN_IGNORE;
  if (answer == "ignore-renew") return SSL_TICKET_RETURN_IGNORE_RENEW;
  if (decrypted && answer == "use") return SSL_TICKET_RETURN_USE;
  if (decrypted && answer == "use-renew") return SSL_TICKET_RETURN_USE_RENEW;
  c->bridge.StoreResultError(std::string("The ticket decrypt callback must return 'use', 'use-renew' (for a decrypted ticket), ") +
                             "'ignore', 'ignore-renew' or 'abort', not " + Describe(r));
  return SSL_TICKET_RETURN_ABORT;
}

// ticketSetCallbacks(context, enabled): the hooks live on the TS Context (ticketGenerate,
// ticketDecrypt); both trampolines are set or cleared together.
Napi::Value SetCallbacks(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  SSL_CTX* ctx = ContextWrap::Arg(info, 0, "context");
  if (ctx == nullptr) return {};
  bool on = false;
  if (!ArgBool(info, 1, "enabled", &on)) return {};
  if (SSL_CTX_set_session_ticket_cb(ctx, on ? GenerateTicketTrampoline : nullptr, on ? DecryptTicketTrampoline : nullptr, nullptr) != 1)
    return ThrowOpenSSL(env, "SSL_CTX_set_session_ticket_cb");
  return env.Undefined();
}

void Init(Napi::Env env, Napi::Object exports) {
  exports.Set("ticketSetKeys", NativeFunction<SetKeys>(env, "ticketSetKeys"));
  exports.Set("ticketSetCallbacks", NativeFunction<SetCallbacks>(env, "ticketSetCallbacks"));
}

Module registration(&Init);

}  // namespace
}  // namespace ossl
