// The Context callbacks: the trampolines OpenSSL calls (each finds the Connection being driven
// and calls its JS hook through the bridge, never when no JS call drives it) and the setters that
// install them. The plain settings are in context.cc; the DTLS cookie callbacks in dtls.cc and
// the session-ticket callbacks in tickets.cc, with the rest of their features.
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/tls1.h>
#include <openssl/x509v3.h>

#include <cstring>
#include <string>
#include <vector>

#include "common/args.h"
#include "common/passphrase.h"
#include "pkey/pkey.h"
#include "ssl/connection.h"
#include "ssl/context.h"
#include "ssl/session.h"
#include "x509/certificate.h"
#include "x509/name.h"
#include "x509/store.h"

namespace ossl {

ConnectionWrap* ActiveConnection();

namespace {

// ---------------------------------------------------------------------------------------------
// Callback plumbing

// The Connection behind ssl if JS may be called now (a JS call is driving it, nothing threw yet).
ConnectionWrap* Active(const SSL* ssl) {
  ConnectionWrap* c = ConnectionWrap::FromSSL(ssl);
  if (c == nullptr || !c->bridge.CanCall()) return nullptr;
  return c;
}

// While a servername or client hello callback runs, setContext may switch the SSL_CTX.
class SwitchingContext {
 public:
  explicit SwitchingContext(ConnectionWrap* c) : c_(c) { ++c_->switching_context; }
  ~SwitchingContext() { --c_->switching_context; }
  SwitchingContext(const SwitchingContext&) = delete;
  SwitchingContext& operator=(const SwitchingContext&) = delete;

 private:
  ConnectionWrap* c_;
};

Napi::Value Bytes(Napi::Env env, const void* p, size_t n) {
  return CopyBuffer(env, static_cast<const unsigned char*>(p), n);
}

// Argument i must be a function or nullish.
bool ArgCallback(const Napi::CallbackInfo& info, size_t i, const char* name) {
  if (ArgIsNullish(info, i) || info[i].IsFunction()) return true;
  Napi::Function f;
  return ArgFunction(info, i, name, &f);
}

void KeylogTrampoline(const SSL* ssl, const char* line) {
  ConnectionWrap* c = Active(ssl);
  if (c == nullptr) return;
  Napi::Env env = c->bridge.env();
  Napi::HandleScope scope(env);
  Napi::Function fn = ContextWrap::HookOf(env, ssl, "keylog");
  if (fn.IsEmpty()) return;
  c->bridge.Call(fn, {c->Owner(env), Bytes(env, line, std::strlen(line))});
}

int ServernameTrampoline(SSL* ssl, int* al, void*) {
  ConnectionWrap* c = Active(ssl);
  if (c == nullptr) return SSL_TLSEXT_ERR_OK;
  Napi::Env env = c->bridge.env();
  Napi::HandleScope scope(env);
  Napi::Function fn = ContextWrap::HookOf(env, ssl, "servername");
  if (fn.IsEmpty()) return SSL_TLSEXT_ERR_OK;
  const SwitchingContext window(c);
  if (c->bridge.Call(fn, {c->Owner(env)}).IsEmpty()) {
    *al = SSL_AD_INTERNAL_ERROR;
    return SSL_TLSEXT_ERR_ALERT_FATAL;
  }
  return SSL_TLSEXT_ERR_OK;
}

int AlpnSelectTrampoline(SSL* ssl, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                         unsigned int inlen, void*) {
  ConnectionWrap* c = Active(ssl);
  if (c == nullptr) return SSL_TLSEXT_ERR_NOACK;
  Napi::Env env = c->bridge.env();
  Napi::HandleScope scope(env);
  Napi::Function fn = ContextWrap::HookOf(env, ssl, "alpnSelect");
  if (fn.IsEmpty()) return SSL_TLSEXT_ERR_NOACK;
  Napi::Array offered = Napi::Array::New(env);
  uint32_t n = 0;
  for (unsigned int i = 0; i < inlen;) {
    unsigned int len = in[i];
    if (i + 1 + len > inlen) break;
    offered.Set(n++, Bytes(env, in + i + 1, len));
    i += 1 + len;
  }
  Napi::Value r = c->bridge.Call(fn, {c->Owner(env), offered});
  if (r.IsEmpty()) return SSL_TLSEXT_ERR_ALERT_FATAL;
  if (r.IsNull() || r.IsUndefined()) return SSL_TLSEXT_ERR_NOACK;
  std::string chosen;
  if (!ValueBytes(r, &chosen) || chosen.size() > 255) {
    c->bridge.StoreResultError("The ALPN select callback must return a Buffer (at most 255 bytes) or NO_OVERLAPPING_PROTOCOLS");
    return SSL_TLSEXT_ERR_ALERT_FATAL;
  }
  c->alpn_selected = std::move(chosen);
  *out = reinterpret_cast<const unsigned char*>(c->alpn_selected.data());
  *outlen = static_cast<unsigned char>(c->alpn_selected.size());
  return SSL_TLSEXT_ERR_OK;
}

int OcspTrampoline(SSL* ssl, void*) {
  const bool server = SSL_is_server(ssl) == 1;
  ConnectionWrap* c = Active(ssl);
  // A client whose Connection a callback freed mid-handshake fails it: nobody checks the staple.
  if (c == nullptr) return server ? SSL_TLSEXT_ERR_NOACK : (ConnectionWrap::FromSSL(ssl) ? -1 : 0);
  Napi::Env env = c->bridge.env();
  Napi::HandleScope scope(env);
  if (server) {
    Napi::Function fn = ContextWrap::HookOf(env, ssl, "ocspServer");
    if (fn.IsEmpty()) return SSL_TLSEXT_ERR_NOACK;
    Napi::Value r = c->bridge.Call(fn, {c->Owner(env)});
    if (r.IsEmpty()) return SSL_TLSEXT_ERR_ALERT_FATAL;
    std::string resp;
    if (!ValueBytes(r, &resp)) {
      c->bridge.StoreResultError("The OCSP server callback must return a Buffer");
      return SSL_TLSEXT_ERR_ALERT_FATAL;
    }
    if (resp.empty()) return SSL_TLSEXT_ERR_NOACK;
    auto* copy = static_cast<unsigned char*>(OPENSSL_malloc(resp.size()));
    if (copy == nullptr) return SSL_TLSEXT_ERR_ALERT_FATAL;
    std::memcpy(copy, resp.data(), resp.size());
    if (SSL_set_tlsext_status_ocsp_resp(ssl, copy, static_cast<long>(resp.size())) != 1) {
      OPENSSL_free(copy);
      return SSL_TLSEXT_ERR_ALERT_FATAL;
    }
    return SSL_TLSEXT_ERR_OK;
  }
  Napi::Function fn = ContextWrap::HookOf(env, ssl, "ocspClient");
  if (fn.IsEmpty()) return 1;
  const unsigned char* p = nullptr;
  long len = SSL_get_tlsext_status_ocsp_resp(ssl, &p);
  Napi::Value data = Bytes(env, p, (len < 0 || p == nullptr) ? 0 : static_cast<size_t>(len));
  Napi::Value r = c->bridge.Call(fn, {c->Owner(env), data});
  bool accept = false;
  if (r.IsEmpty() || !c->bridge.ResultBool(r, "OCSP client", &accept)) return -1;
  return accept ? 1 : 0;
}


int NewSessionTrampoline(SSL* ssl, SSL_SESSION* sess) {
  ConnectionWrap* c = Active(ssl);
  if (c == nullptr) return 0;
  Napi::Env env = c->bridge.env();
  Napi::HandleScope scope(env);
  Napi::Function fn = ContextWrap::HookOf(env, ssl, "newSession");
  if (fn.IsEmpty()) return 0;
  Napi::Value s = SessionWrap::NewRef(env, sess);
  if (s.IsEmpty()) {
    c->bridge.CapturePending();
    return 0;
  }
  c->bridge.Call(fn, {c->Owner(env), s});
  return 0;  // we never keep OpenSSL's reference
}

void RemoveSessionTrampoline(SSL_CTX* ctx, SSL_SESSION* sess) {
  ContextWrap* w = ContextWrap::FromCtx(ctx);
  if (w == nullptr) return;
  CallbackBridge* bridge = nullptr;
  ConnectionWrap* c = ActiveConnection();
  if (c != nullptr && c->bridge.CanCall()) bridge = &c->bridge;
  else if (w->bridge.CanCall()) bridge = &w->bridge;
  if (bridge == nullptr) return;  // e.g. SSL_CTX_free from a finalizer: never enter JS
  Napi::Env env = bridge->env();
  Napi::HandleScope scope(env);
  Napi::Function fn = w->Hook(env, "removeSession");
  if (fn.IsEmpty()) return;
  Napi::Value s = SessionWrap::NewRef(env, sess);
  if (s.IsEmpty()) {
    bridge->CapturePending();
    return;
  }
  bridge->Call(fn, {s});
}

int ClientHelloTrampoline(SSL* ssl, int* al, void*) {
  ConnectionWrap* c = Active(ssl);
  if (c == nullptr) return SSL_CLIENT_HELLO_SUCCESS;
  Napi::Env env = c->bridge.env();
  Napi::HandleScope scope(env);
  Napi::Function fn = ContextWrap::HookOf(env, ssl, "clientHello");
  if (fn.IsEmpty()) return SSL_CLIENT_HELLO_SUCCESS;
  Napi::Object hello = Napi::Object::New(env);
  hello.Set("version", Napi::Number::New(env, SSL_client_hello_get0_legacy_version(ssl)));
  const unsigned char* p = nullptr;
  size_t n = SSL_client_hello_get0_ciphers(ssl, &p);
  Napi::Array ciphers = Napi::Array::New(env);
  for (size_t i = 0; i + 1 < n; i += 2) ciphers.Set(static_cast<uint32_t>(i / 2), Napi::Number::New(env, (p[i] << 8) | p[i + 1]));
  hello.Set("ciphers", ciphers);
  int* exts = nullptr;
  size_t next = 0;
  Napi::Array ext_arr = Napi::Array::New(env);
  // The raw bytes of each extension, in the order sent: enough to fingerprint the client (JA3/JA4).
  Napi::Array ext_data = Napi::Array::New(env);
  if (SSL_client_hello_get1_extensions_present(ssl, &exts, &next) == 1) {
    for (size_t i = 0; i < next; ++i) {
      ext_arr.Set(static_cast<uint32_t>(i), Napi::Number::New(env, exts[i]));
      const unsigned char* data = nullptr;
      size_t dlen = 0;
      if (SSL_client_hello_get0_ext(ssl, static_cast<unsigned int>(exts[i]), &data, &dlen) != 1) dlen = 0;
      ext_data.Set(static_cast<uint32_t>(i), Bytes(env, data, dlen));
    }
    OPENSSL_free(exts);
  }
  hello.Set("extensions", ext_arr);
  hello.Set("extensionData", ext_data);
  Napi::Value sni = env.Null();
  size_t len = 0;
  if (SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_server_name, &p, &len) == 1 && len > 5) {
    // server_name_list: u16 length, then (u8 type, u16 length, name)
    size_t i = 2;
    while (i + 3 <= len) {
      unsigned type = p[i];
      size_t nl = (static_cast<size_t>(p[i + 1]) << 8) | p[i + 2];
      if (i + 3 + nl > len) break;
      if (type == TLSEXT_NAMETYPE_host_name) {
        sni = Napi::String::New(env, reinterpret_cast<const char*>(p + i + 3), nl);
        break;
      }
      i += 3 + nl;
    }
  }
  hello.Set("serverName", sni);
  Napi::Array alpn = Napi::Array::New(env);
  if (SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_application_layer_protocol_negotiation, &p, &len) == 1 && len > 2) {
    uint32_t k = 0;
    for (size_t i = 2; i < len;) {
      size_t l = p[i];
      if (i + 1 + l > len) break;
      alpn.Set(k++, Napi::String::New(env, reinterpret_cast<const char*>(p + i + 1), l));
      i += 1 + l;
    }
  }
  hello.Set("alpn", alpn);
  const SwitchingContext window(c);
  Napi::Value r = c->bridge.Call(fn, {c->Owner(env), hello});
  bool go_on = false;
  if (r.IsEmpty() || !c->bridge.ResultBool(r, "client hello", &go_on)) {
    *al = SSL_AD_INTERNAL_ERROR;
    return SSL_CLIENT_HELLO_ERROR;
  }
  if (!go_on) {
    *al = SSL_AD_HANDSHAKE_FAILURE;
    return SSL_CLIENT_HELLO_ERROR;
  }
  return SSL_CLIENT_HELLO_SUCCESS;
}

// Chooses or changes the certificate per handshake, before the server sends its own (and on a
// client when the server asks for one): true goes on, false fails the handshake (SSL_CTX_set_cert_cb).
int CertTrampoline(SSL* ssl, void*) {
  ConnectionWrap* c = Active(ssl);
  if (c == nullptr) return 1;
  Napi::Env env = c->bridge.env();
  Napi::HandleScope scope(env);
  Napi::Function fn = ContextWrap::HookOf(env, ssl, "cert");
  if (fn.IsEmpty()) return 1;
  Napi::Value r = c->bridge.Call(fn, {c->Owner(env)});
  bool go_on = false;
  if (r.IsEmpty() || !c->bridge.ResultBool(r, "certificate", &go_on)) return 0;
  return go_on ? 1 : 0;
}

// A client's certificate, asked for when the server requests one and none is set: the hook
// answers [X509 handle, PKey handle] or null (SSL_CTX_set_client_cert_cb; OpenSSL takes a reference).
int ClientCertTrampoline(SSL* ssl, X509** x509, EVP_PKEY** pkey) {
  ConnectionWrap* c = Active(ssl);
  if (c == nullptr) return 0;
  Napi::Env env = c->bridge.env();
  Napi::HandleScope scope(env);
  Napi::Function fn = ContextWrap::HookOf(env, ssl, "clientCert");
  if (fn.IsEmpty()) return 0;
  Napi::Value r = c->bridge.Call(fn, {c->Owner(env)});
  if (r.IsEmpty() || r.IsNull() || r.IsUndefined()) return 0;
  if (!r.IsArray() || r.As<Napi::Array>().Length() != 2) {
    c->bridge.StoreResultError("The client certificate callback must return { cert, key } or null", "ERR_INVALID_RETURN_VALUE", false);
    return 0;
  }
  Napi::Array pair = r.As<Napi::Array>();
  X509Wrap* cert = X509Wrap::Is(env, pair.Get(0u)) ? X509Wrap::Unwrap(pair.Get(0u).As<Napi::Object>()) : nullptr;
  PKeyWrap* key = PKeyWrap::Is(env, pair.Get(1u)) ? PKeyWrap::Unwrap(pair.Get(1u).As<Napi::Object>()) : nullptr;
  if (cert == nullptr || key == nullptr || cert->get() == nullptr || key->get() == nullptr || key->public_only()) {
    c->bridge.StoreResultError("The client certificate callback must return a live X509 and its private PKey",
                               "ERR_INVALID_RETURN_VALUE", false);
    return 0;
  }
  if (X509_up_ref(cert->get()) != 1) return 0;
  if (EVP_PKEY_up_ref(key->get()) != 1) {
    X509_free(cert->get());
    return 0;
  }
  *x509 = cert->get();
  *pkey = key->get();
  return 1;
}

// How much padding each TLS 1.3 record gets (SSL_CTX_set_record_padding_callback): the hook
// answers a byte count; anything else (or a throw) pads nothing and fails the call that wrote.
size_t RecordPaddingTrampoline(SSL* ssl, int type, size_t len, void*) {
  ConnectionWrap* c = Active(ssl);
  if (c == nullptr) return 0;
  Napi::Env env = c->bridge.env();
  Napi::HandleScope scope(env);
  Napi::Function fn = ContextWrap::HookOf(env, ssl, "recordPadding");
  if (fn.IsEmpty()) return 0;
  Napi::Value r = c->bridge.Call(fn, {c->Owner(env), Napi::Number::New(env, type), Napi::Number::New(env, static_cast<double>(len))});
  if (r.IsEmpty()) return 0;
  if (!r.IsNumber() || r.As<Napi::Number>().DoubleValue() < 0 || r.As<Napi::Number>().DoubleValue() > SSL3_RT_MAX_PLAIN_LENGTH) {
    c->bridge.StoreResultError("The record padding callback must return a byte count from 0 to 16384, not " + Describe(r),
                               "ERR_INVALID_RETURN_VALUE", false);
    return 0;
  }
  return static_cast<size_t>(r.As<Napi::Number>().Int64Value());
}

// The server decides whether to accept a client's early data (anti-replay stays OpenSSL's).
int AllowEarlyDataTrampoline(SSL* ssl, void*) {
  ConnectionWrap* c = Active(ssl);
  if (c == nullptr) return 0;
  Napi::Env env = c->bridge.env();
  Napi::HandleScope scope(env);
  Napi::Function fn = ContextWrap::HookOf(env, ssl, "allowEarlyData");
  if (fn.IsEmpty()) return 1;
  Napi::Value r = c->bridge.Call(fn, {c->Owner(env)});
  bool allow = false;
  if (r.IsEmpty() || !c->bridge.ResultBool(r, "allow early data", &allow)) return 0;
  return allow ? 1 : 0;
}

void MsgTrampoline(int write_p, int version, int content_type, const void* buf, size_t len, SSL* ssl, void*) {
  ConnectionWrap* c = Active(ssl);
  if (c == nullptr) return;
  Napi::Env env = c->bridge.env();
  Napi::HandleScope scope(env);
  Napi::Function fn = ContextWrap::HookOf(env, ssl, "msg");
  if (fn.IsEmpty()) return;
  c->bridge.Call(fn, {c->Owner(env), Napi::String::New(env, write_p ? "write" : "read"), Napi::Number::New(env, version),
                      Napi::Number::New(env, content_type), Bytes(env, buf, len)});
}

unsigned int PskClientTrampoline(SSL* ssl, const char* hint, char* identity, unsigned int max_identity_len,
                                 unsigned char* psk, unsigned int max_psk_len) {
  ConnectionWrap* c = Active(ssl);
  if (c == nullptr) return 0;
  Napi::Env env = c->bridge.env();
  Napi::HandleScope scope(env);
  Napi::Function fn = ContextWrap::HookOf(env, ssl, "pskClient");
  if (fn.IsEmpty()) return 0;
  Napi::Value r = c->bridge.Call(fn, {c->Owner(env), hint ? Napi::String::New(env, hint) : env.Null()});
  if (r.IsEmpty() || r.IsNull() || r.IsUndefined()) return 0;
  std::string id, key;
  if (!r.IsObject() || !ValueBytes(r.As<Napi::Object>().Get("identity"), &id) ||
      !ValueBytes(r.As<Napi::Object>().Get("psk"), &key) || id.size() + 1 > max_identity_len ||
      id.find('\0') != std::string::npos || key.size() > max_psk_len || key.empty()) {
    if (env.IsExceptionPending()) c->bridge.CapturePending();
    c->bridge.StoreResultError("The PSK client callback must return { identity, psk } (psk 1.." +
                                       std::to_string(max_psk_len) + " bytes) or null");
    return 0;
  }
  std::memcpy(identity, id.data(), id.size());
  identity[id.size()] = '\0';
  std::memcpy(psk, key.data(), key.size());
  return static_cast<unsigned int>(key.size());
}

unsigned int PskServerTrampoline(SSL* ssl, const char* identity, unsigned char* psk, unsigned int max_psk_len) {
  ConnectionWrap* c = Active(ssl);
  if (c == nullptr) return 0;
  Napi::Env env = c->bridge.env();
  Napi::HandleScope scope(env);
  Napi::Function fn = ContextWrap::HookOf(env, ssl, "pskServer");
  if (fn.IsEmpty()) return 0;
  Napi::Value r = c->bridge.Call(fn, {c->Owner(env), Napi::String::New(env, identity ? identity : "")});
  if (r.IsEmpty() || r.IsNull() || r.IsUndefined()) return 0;
  std::string key;
  if (!ValueBytes(r, &key) || key.size() > max_psk_len) {
    c->bridge.StoreResultError("The PSK server callback must return a Buffer (at most " +
                                       std::to_string(max_psk_len) + " bytes) or null");
    return 0;
  }
  std::memcpy(psk, key.data(), key.size());
  return static_cast<unsigned int>(key.size());
}

int PskFindSessionTrampoline(SSL* ssl, const unsigned char* id, size_t idlen, SSL_SESSION** sess) {
  *sess = nullptr;
  ConnectionWrap* c = Active(ssl);
  if (c == nullptr) return ConnectionWrap::FromSSL(ssl) != nullptr ? 0 : 1;  // a pending throw fails it
  Napi::Env env = c->bridge.env();
  Napi::HandleScope scope(env);
  Napi::Function fn = ContextWrap::HookOf(env, ssl, "pskFindSession");
  if (fn.IsEmpty()) return 1;
  Napi::Value r = c->bridge.Call(fn, {c->Owner(env), Bytes(env, id, idlen)});
  if (r.IsEmpty()) return 0;
  if (r.IsNull() || r.IsUndefined()) return 1;
  if (!SessionWrap::Is(env, r) || SessionWrap::Unwrap(r.As<Napi::Object>())->get() == nullptr) {
    c->bridge.StoreResultError("The PSK find-session callback must return a native Session handle or null");
    return 0;
  }
  *sess = UpRef(SessionWrap::Unwrap(r.As<Napi::Object>())->get()).release();
  return 1;
}

int PskUseSessionTrampoline(SSL* ssl, const EVP_MD* md, const unsigned char** id, size_t* idlen, SSL_SESSION** sess) {
  *sess = nullptr;
  ConnectionWrap* c = Active(ssl);
  if (c == nullptr) return 1;
  Napi::Env env = c->bridge.env();
  Napi::HandleScope scope(env);
  Napi::Function fn = ContextWrap::HookOf(env, ssl, "pskUseSession");
  if (fn.IsEmpty()) return 1;
  Napi::Value mdname = md ? Napi::String::New(env, EVP_MD_get0_name(md)) : env.Null();
  Napi::Value r = c->bridge.Call(fn, {c->Owner(env), mdname});
  if (r.IsEmpty()) return 0;
  if (r.IsNull() || r.IsUndefined()) return 1;
  std::string ident;
  Napi::Value s = r.IsObject() ? r.As<Napi::Object>().Get("session") : env.Undefined();
  if (env.IsExceptionPending()) {
    c->bridge.CapturePending();
    return 0;
  }
  if (!r.IsObject() || !ValueBytes(r.As<Napi::Object>().Get("identity"), &ident) || ident.empty() ||
      !SessionWrap::Is(env, s) || SessionWrap::Unwrap(s.As<Napi::Object>())->get() == nullptr) {
    if (env.IsExceptionPending()) c->bridge.CapturePending();
    c->bridge.StoreResultError("The PSK use-session callback must return { identity, session } or null");
    return 0;
  }
  c->psk_identity = std::move(ident);
  *id = reinterpret_cast<const unsigned char*>(c->psk_identity.data());
  *idlen = c->psk_identity.size();
  *sess = UpRef(SessionWrap::Unwrap(s.As<Napi::Object>())->get()).release();
  return 1;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Shared trampolines (context.h)

int PasswdTrampoline(char* buf, int size, int rwflag, void* u) {
  auto* w = static_cast<ContextWrap*>(u);
  if (w == nullptr || size <= 0 || !w->bridge.CanCall()) return 0;
  Napi::Env env = w->bridge.env();
  Napi::HandleScope scope(env);
  Napi::Function fn = w->Hook(env, "passwd");
  if (fn.IsEmpty()) return 0;
  Napi::Value r = w->bridge.Call(fn, {Napi::Number::New(env, size), Napi::Boolean::New(env, rwflag != 0)});
  return std::max(0, DeliverPassphrase(w->bridge, r, buf, size, true));
}

int VerifyTrampoline(int ok, X509_STORE_CTX* store) {
  auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  if (ssl == nullptr) return ok;
  ConnectionWrap* c = ConnectionWrap::FromSSL(ssl);
  if (c == nullptr) {
    // Every SSL with a handshake belongs to a Connection: none left means a callback freed it
    // mid-handshake, and a handshake whose verify callback can no longer be asked does not pass.
    X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
    return 0;
  }
  if (!c->bridge.CanCall()) return c->bridge.HasPending() ? 0 : ok;
  Napi::Env env = c->bridge.env();
  Napi::HandleScope scope(env);
  Napi::Function fn;
  if (c->verify_fn_set) {
    fn = c->OwnerHook(env, "_verifyHook");
  } else {
    // The verify mode and callback are the SSL's own from SSL_new, kept by OpenSSL across a
    // Context switch (SNI): the Context it was made from answers, not the one switched to.
    const ContextWrap* made = ContextWrap::FromCtx(c->created_ctx);
    fn = made != nullptr ? made->Hook(env, "verify") : ContextWrap::HookOf(env, ssl, "verify");
  }
  if (fn.IsEmpty()) return ok;
  X509* cert = X509_STORE_CTX_get_current_cert(store);
  Napi::Value certv = cert != nullptr ? X509Wrap::NewRef(env, cert) : env.Null();
  if (certv.IsEmpty()) {
    c->bridge.CapturePending();
    return 0;
  }
  Napi::Value r = c->bridge.Call(fn, {c->Owner(env), certv, Napi::Number::New(env, X509_STORE_CTX_get_error(store)),
                                      Napi::Number::New(env, X509_STORE_CTX_get_error_depth(store)),
                                      Napi::Boolean::New(env, ok != 0)});
  bool accept = false;
  if (r.IsEmpty() || !c->bridge.ResultBool(r, "verify", &accept)) {
    X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
    return 0;
  }
  if (accept) {
    X509_STORE_CTX_set_error(store, X509_V_OK);
    return 1;
  }
  if (X509_STORE_CTX_get_error(store) == X509_V_OK) X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION);
  return 0;
}

void InfoTrampoline(const SSL* ssl, int where, int ret) {
  ConnectionWrap* c = Active(ssl);
  if (c == nullptr) return;
  Napi::Env env = c->bridge.env();
  Napi::HandleScope scope(env);
  Napi::Function fn = c->info_fn_set ? c->OwnerHook(env, "_infoHook") : ContextWrap::HookOf(env, ssl, "info");
  if (fn.IsEmpty()) return;
  c->bridge.Call(fn, {c->Owner(env), Napi::Number::New(env, where), Napi::Number::New(env, ret)});
}

// ---------------------------------------------------------------------------------------------
// The setters that install them

Napi::Value ContextWrap::SetVerify(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  int64_t mode = 0;
  if (!ArgInt(info, 0, "mode", &mode, 0, 0xff) || !ArgCallback(info, 1, "callback")) return {};
  SSL_CTX_set_verify(ctx, static_cast<int>(mode), ArgIsNullish(info, 1) ? nullptr : VerifyTrampoline);
  return env.Undefined();
}

Napi::Value ContextWrap::SetPasswdCb(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  if (!ArgCallback(info, 0, "callback")) return {};
  return env.Undefined();
}

Napi::Value ContextWrap::SetInfoCallback(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  if (!ArgCallback(info, 0, "callback")) return {};
  SSL_CTX_set_info_callback(ctx, ArgIsNullish(info, 0) ? nullptr : InfoTrampoline);
  return env.Undefined();
}

Napi::Value ContextWrap::SetKeylogCallback(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  if (!ArgCallback(info, 0, "callback")) return {};
  SSL_CTX_set_keylog_callback(ctx, ArgIsNullish(info, 0) ? nullptr : KeylogTrampoline);
  return env.Undefined();
}

Napi::Value ContextWrap::SetServernameCallback(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  if (!ArgCallback(info, 0, "callback")) return {};
  SSL_CTX_set_tlsext_servername_callback(ctx, (ArgIsNullish(info, 0) ? nullptr : ServernameTrampoline));
  return env.Undefined();
}

Napi::Value ContextWrap::SetAlpnSelectCallback(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  if (!ArgCallback(info, 0, "callback")) return {};
  SSL_CTX_set_alpn_select_cb(ctx, ArgIsNullish(info, 0) ? nullptr : AlpnSelectTrampoline, nullptr);
  return env.Undefined();
}

Napi::Value ContextWrap::SetOcspServerCallback(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  if (!ArgCallback(info, 0, "callback")) return {};
  SSL_CTX_set_tlsext_status_cb(ctx, OcspTrampoline);
  return env.Undefined();
}

Napi::Value ContextWrap::SetOcspClientCallback(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  if (!ArgCallback(info, 0, "callback")) return {};
  SSL_CTX_set_tlsext_status_cb(ctx, OcspTrampoline);
  return env.Undefined();
}

Napi::Value ContextWrap::SetRecordPaddingCallback(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  if (!ArgCallback(info, 0, "callback")) return {};
  SSL_CTX_set_record_padding_callback(ctx, ArgIsNullish(info, 0) ? nullptr : RecordPaddingTrampoline);
  return env.Undefined();
}

Napi::Value ContextWrap::SetCertCallback(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  if (!ArgCallback(info, 0, "callback")) return {};
  SSL_CTX_set_cert_cb(ctx, ArgIsNullish(info, 0) ? nullptr : CertTrampoline, nullptr);
  return env.Undefined();
}

Napi::Value ContextWrap::SetClientCertCallback(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  if (!ArgCallback(info, 0, "callback")) return {};
  SSL_CTX_set_client_cert_cb(ctx, ArgIsNullish(info, 0) ? nullptr : ClientCertTrampoline);
  return env.Undefined();
}

Napi::Value ContextWrap::SetAllowEarlyDataCallback(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  if (!ArgCallback(info, 0, "callback")) return {};
  SSL_CTX_set_allow_early_data_cb(ctx, ArgIsNullish(info, 0) ? nullptr : AllowEarlyDataTrampoline, nullptr);
  return env.Undefined();
}

Napi::Value ContextWrap::SetSessionCallbacks(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  if (!ArgCallback(info, 0, "newSession") || !ArgCallback(info, 1, "removeSession")) return {};
  SSL_CTX_sess_set_new_cb(ctx, ArgIsNullish(info, 0) ? nullptr : NewSessionTrampoline);
  SSL_CTX_sess_set_remove_cb(ctx, ArgIsNullish(info, 1) ? nullptr : RemoveSessionTrampoline);
  return env.Undefined();
}

Napi::Value ContextWrap::SetClientHelloCallback(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  if (!ArgCallback(info, 0, "callback")) return {};
  SSL_CTX_set_client_hello_cb(ctx, ArgIsNullish(info, 0) ? nullptr : ClientHelloTrampoline, nullptr);
  return env.Undefined();
}

Napi::Value ContextWrap::SetMsgCallback(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  if (!ArgCallback(info, 0, "callback")) return {};
  SSL_CTX_set_msg_callback(ctx, ArgIsNullish(info, 0) ? nullptr : MsgTrampoline);
  return env.Undefined();
}

Napi::Value ContextWrap::SetPskClientCallback(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  if (!ArgCallback(info, 0, "callback")) return {};
  SSL_CTX_set_psk_client_callback(ctx, ArgIsNullish(info, 0) ? nullptr : PskClientTrampoline);
  return env.Undefined();
}

Napi::Value ContextWrap::SetPskServerCallback(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  if (!ArgCallback(info, 0, "callback")) return {};
  SSL_CTX_set_psk_server_callback(ctx, ArgIsNullish(info, 0) ? nullptr : PskServerTrampoline);
  return env.Undefined();
}

Napi::Value ContextWrap::SetPskFindSessionCallback(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  if (!ArgCallback(info, 0, "callback")) return {};
  SSL_CTX_set_psk_find_session_callback(ctx, ArgIsNullish(info, 0) ? nullptr : PskFindSessionTrampoline);
  return env.Undefined();
}

Napi::Value ContextWrap::SetPskUseSessionCallback(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  if (!ArgCallback(info, 0, "callback")) return {};
  SSL_CTX_set_psk_use_session_callback(ctx, ArgIsNullish(info, 0) ? nullptr : PskUseSessionTrampoline);
  return env.Undefined();
}

}  // namespace ossl
