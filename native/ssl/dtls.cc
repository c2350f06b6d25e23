// DTLS: the datagram memory BIO, cookie callbacks, DTLSv1_listen, timers and MTU. Free functions
// taking the native Connection/Context handle, so connection.cc/context.cc stay untouched.
#include "ssl/dtls.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cstring>
#include <deque>
#include <mutex>
#include <string>

#include "common/args.h"
#include "common/errors.h"
#include "ssl/connection.h"
#include "ssl/context.h"

namespace ossl {

namespace {

// ---------------------------------------------------------------------------------------------
// Datagram memory BIO

constexpr long kDefaultMtu = 1472;      // 1500-byte Ethernet link minus IPv4 + UDP headers
constexpr long kMtuOverhead = 28;       // IPv4 + UDP headers
constexpr size_t kMaxQueued = 4096;     // datagrams; beyond that writes fail (no unbounded growth)

struct DgramQueue {
  std::deque<std::string> q;
  int eof_return = -1;  // like BIO_s_mem: -1 = "retry" when empty; 0 after BIO_set_mem_eof_return(b, 0)
  long mtu = kDefaultMtu;
  BIO_ADDR* peer = nullptr;
};

bool CopyAddr(BIO_ADDR* dst, const BIO_ADDR* src) {
  size_t len = 0;
  if (BIO_ADDR_rawaddress(src, nullptr, &len) != 1 || len > 16) return false;
  unsigned char raw[16];
  if (BIO_ADDR_rawaddress(src, raw, &len) != 1) return false;
  return BIO_ADDR_rawmake(dst, BIO_ADDR_family(src), raw, len, BIO_ADDR_rawport(src)) == 1;
}

int DgramCreate(BIO* b) {
  auto* d = new (std::nothrow) DgramQueue();
  if (d == nullptr) return 0;
  BIO_set_data(b, d);
  BIO_set_init(b, 1);
  return 1;
}

int DgramDestroy(BIO* b) {
  if (b == nullptr) return 0;
  auto* d = static_cast<DgramQueue*>(BIO_get_data(b));
  if (d != nullptr) {
    BIO_ADDR_free(d->peer);
    delete d;
  }
  BIO_set_data(b, nullptr);
  return 1;
}

int DgramWrite(BIO* b, const char* in, int inl) {
  auto* d = static_cast<DgramQueue*>(BIO_get_data(b));
  BIO_clear_retry_flags(b);
  if (d == nullptr || in == nullptr || inl < 0) return -1;
  // An empty datagram at the front would make the pending count 0 and hide every one behind it.
  if (inl == 0) return 0;
  if (d->q.size() >= kMaxQueued) {
    ERR_raise_data(ERR_LIB_BIO, BIO_R_LENGTH_TOO_LONG, "DTLS datagram queue is full (%zu datagrams): read them first",
                   kMaxQueued);
    return -1;
  }
  d->q.emplace_back(in, static_cast<size_t>(inl));
  return inl;
}

// One datagram per read; a datagram longer than the buffer is truncated (like recv on UDP).
int DgramRead(BIO* b, char* out, int outl) {
  auto* d = static_cast<DgramQueue*>(BIO_get_data(b));
  BIO_clear_retry_flags(b);
  if (d == nullptr || out == nullptr || outl < 0) return -1;
  if (d->q.empty()) {
    if (d->eof_return != 0) BIO_set_retry_read(b);
    return d->eof_return;
  }
  std::string& front = d->q.front();
  const size_t n = front.size() < static_cast<size_t>(outl) ? front.size() : static_cast<size_t>(outl);
  std::memcpy(out, front.data(), n);
  d->q.pop_front();
  return static_cast<int>(n);
}

long DgramCtrl(BIO* b, int cmd, long num, void* ptr) {
  auto* d = static_cast<DgramQueue*>(BIO_get_data(b));
  if (d == nullptr) return 0;
  switch (cmd) {
    case BIO_CTRL_PENDING:
      return d->q.empty() ? 0 : static_cast<long>(d->q.front().size());
    case BIO_CTRL_WPENDING:
      return 0;
    case BIO_CTRL_FLUSH:
    case BIO_CTRL_DUP:
      return 1;
    case BIO_CTRL_EOF:
      return d->q.empty() && d->eof_return == 0 ? 1 : 0;
    case BIO_CTRL_RESET:
      d->q.clear();
      return 1;
    case BIO_C_SET_BUF_MEM_EOF_RETURN:
      d->eof_return = static_cast<int>(num);
      return 1;
    case BIO_CTRL_GET_CLOSE:
      return BIO_get_shutdown(b);
    case BIO_CTRL_SET_CLOSE:
      BIO_set_shutdown(b, static_cast<int>(num));
      return 1;
    case BIO_CTRL_DGRAM_QUERY_MTU:
    case BIO_CTRL_DGRAM_GET_MTU:
    case BIO_CTRL_DGRAM_GET_FALLBACK_MTU:
      return d->mtu;
    case BIO_CTRL_DGRAM_SET_MTU:
      if (num > 0) d->mtu = num;
      return d->mtu;
    case BIO_CTRL_DGRAM_GET_MTU_OVERHEAD:
      return kMtuOverhead;
    case BIO_CTRL_DGRAM_MTU_EXCEEDED:
    case BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT:
      return 0;
    case BIO_CTRL_DGRAM_GET_PEER:
      if (d->peer == nullptr || ptr == nullptr) return 0;
      return CopyAddr(static_cast<BIO_ADDR*>(ptr), d->peer) ? 1 : 0;
    case BIO_CTRL_DGRAM_SET_PEER:
    case BIO_CTRL_DGRAM_CONNECT:
      if (ptr == nullptr) return 0;
      if (d->peer == nullptr && (d->peer = BIO_ADDR_new()) == nullptr) return 0;
      return CopyAddr(d->peer, static_cast<const BIO_ADDR*>(ptr)) ? 1 : 0;
    default:
      return 0;
  }
}

BIO_METHOD* DgramMethod() {
  static BIO_METHOD* method = nullptr;
  static std::once_flag once;
  std::call_once(once, [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "datagram memory");
    if (m == nullptr) return;
    if (BIO_meth_set_write(m, DgramWrite) != 1 || BIO_meth_set_read(m, DgramRead) != 1 ||
        BIO_meth_set_ctrl(m, DgramCtrl) != 1 || BIO_meth_set_create(m, DgramCreate) != 1 ||
        BIO_meth_set_destroy(m, DgramDestroy) != 1) {
      BIO_meth_free(m);
      return;
    }
    method = m;  // process lifetime
  });
  return method;
}

}  // namespace

BIO* NewDatagramMemBio() {
  BIO_METHOD* m = DgramMethod();
  if (m == nullptr) return nullptr;
  return BIO_new(m);
}

namespace {

// ---------------------------------------------------------------------------------------------
// Helpers

// The live DTLS connection behind argument 0, or null with an exception pending.
ConnectionWrap* DtlsConn(const Napi::CallbackInfo& info, SSL** out) {
  Napi::Env env = info.Env();
  ConnectionWrap* w = ConnectionWrap::FromValue(env, info.Length() > 0 ? info[0] : env.Undefined(), "connection");
  if (w == nullptr) return nullptr;
  SSL* ssl = w->Live(env);
  if (ssl == nullptr) return nullptr;
  if (SSL_is_dtls(ssl) != 1) {
    ThrowStateError(env, "Not a DTLS connection (its Context was not made with a DTLS method)", "ERR_OPENSSL_NAPI_NOT_DTLS");
    return nullptr;
  }
  *out = ssl;
  return w;
}


using Drive = ConnectionDrive;

// ---------------------------------------------------------------------------------------------
// Cookie callbacks (Context hooks "cookieGenerate" / "cookieVerify")

int CookieGenerateTrampoline(SSL* ssl, unsigned char* cookie, unsigned int* cookie_len) {
  ConnectionWrap* c = ConnectionWrap::FromSSL(ssl);
  if (c == nullptr || !c->bridge.CanCall()) return 0;
  Napi::Env env = c->bridge.env();
  Napi::HandleScope scope(env);
  Napi::Function fn = ContextWrap::HookOf(env, ssl, "cookieGenerate");
  if (fn.IsEmpty()) return 0;
  Napi::Value r = c->bridge.Call(fn, {c->Owner(env)});
  if (r.IsEmpty()) return 0;
  std::string out;
  if (!ValueBytes(r, &out)) {
    c->bridge.StoreResultError("The cookie generate callback must return a Buffer or Uint8Array");
    return 0;
  }
  // OpenSSL hands us a DTLS1_COOKIE_LENGTH (255) byte buffer: never write past it.
  if (out.empty() || out.size() > DTLS1_COOKIE_LENGTH) {
    c->bridge.StoreResultError(
               "Cookie too long: the cookie generate callback returned " + std::to_string(out.size()) +
                   " bytes; a DTLS cookie must be 1.." + std::to_string(DTLS1_COOKIE_LENGTH) + " bytes",
               "ERR_OPENSSL_NAPI_COOKIE_LENGTH", true);
    return 0;
  }
  std::memcpy(cookie, out.data(), out.size());
  *cookie_len = static_cast<unsigned int>(out.size());
  return 1;
}

int CookieVerifyTrampoline(SSL* ssl, const unsigned char* cookie, unsigned int cookie_len) {
  ConnectionWrap* c = ConnectionWrap::FromSSL(ssl);
  if (c == nullptr || !c->bridge.CanCall()) return 0;
  Napi::Env env = c->bridge.env();
  Napi::HandleScope scope(env);
  Napi::Function fn = ContextWrap::HookOf(env, ssl, "cookieVerify");
  if (fn.IsEmpty()) return 0;
  Napi::Value r = c->bridge.Call(fn, {c->Owner(env), CopyBuffer(env, cookie, cookie_len)});
  bool accept = false;
  if (r.IsEmpty() || !c->bridge.ResultBool(r, "cookie verify", &accept)) return 0;
  return accept ? 1 : 0;
}

// dtlsSetCookieCallbacks(ctx, generate: boolean, verify: boolean)
Napi::Value SetCookieCallbacks(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  SSL_CTX* ctx = ContextWrap::Arg(info, 0, "context");
  if (ctx == nullptr) return {};
  bool gen = false, ver = false;
  if (!ArgBool(info, 1, "generate", &gen) || !ArgBool(info, 2, "verify", &ver)) return {};
  SSL_CTX_set_cookie_generate_cb(ctx, gen ? CookieGenerateTrampoline : nullptr);
  SSL_CTX_set_cookie_verify_cb(ctx, ver ? CookieVerifyTrampoline : nullptr);
  return env.Undefined();
}

// ---------------------------------------------------------------------------------------------
// Connection functions

// dtlsListen(conn) -> 0 (a valid cookie came back: continue with the handshake) | kSSLWantRead
Napi::Value Listen(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  SSL* ssl = nullptr;
  ConnectionWrap* c = DtlsConn(info, &ssl);
  if (c == nullptr || !NotBusy(env, c)) return {};
  if (SSL_is_server(ssl) != 1) return ThrowStateError(env, "DTLSv1Listen needs a server-side connection");
  if (SSL_in_before(ssl) != 1) return ThrowStateError(env, "DTLSv1Listen: the handshake has already started");
  BIO_ADDR* peer = BIO_ADDR_new();
  if (peer == nullptr) return ThrowOpenSSL(env, "BIO_ADDR_new");
  int ret;
  ERR_clear_error();
  {
    Drive d(c, ssl, env);
    ret = DTLSv1_listen(ssl, peer);
  }
  BIO_ADDR_free(peer);
  if (c->bridge.RethrowPending(env)) return {};
  if (ret > 0) return Napi::Number::New(env, kSSLOk);
  if (ret == 0) {
    ERR_clear_error();  // a dropped datagram or a HelloVerifyRequest sent: not an error
    return Napi::Number::New(env, kSSLWantRead);
  }
  return ThrowOpenSSL(env, "DTLSv1_listen");
}

// dtlsGetTimeout(conn) -> seconds | null
Napi::Value GetTimeout(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  SSL* ssl = nullptr;
  if (DtlsConn(info, &ssl) == nullptr) return {};
  struct timeval tv = {0, 0};
  if (DTLSv1_get_timeout(ssl, &tv) != 1) return env.Null();
  return Napi::Number::New(env, static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6);
}

// dtlsHandleTimeout(conn) -> boolean (true when a flight was retransmitted)
Napi::Value HandleTimeout(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  SSL* ssl = nullptr;
  ConnectionWrap* c = DtlsConn(info, &ssl);
  if (c == nullptr || !NotBusy(env, c)) return {};
  int ret;
  {
    Drive d(c, ssl, env);
    ret = DTLSv1_handle_timeout(ssl);
  }
  if (c->bridge.RethrowPending(env)) return {};
  if (ret < 0) return ThrowSSLError(env, ssl, ret, "DTLSv1_handle_timeout");
  return Napi::Boolean::New(env, ret > 0);
}

// dtlsSetMtu(conn, mtu): SSL_set_mtu (the datagram size, record headers included).
Napi::Value SetMtu(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  SSL* ssl = nullptr;
  if (DtlsConn(info, &ssl) == nullptr) return {};
  int64_t mtu = 0;
  if (!ArgInt(info, 1, "mtu", &mtu, 1, 65535)) return {};
  if (SSL_set_mtu(ssl, static_cast<long>(mtu)) <= 0) {  // returns the MTU, or 0 below the minimum
    return ThrowRangeError(env, "The \"mtu\" argument is below the DTLS minimum MTU; received " + std::to_string(mtu),
                           "ERR_OUT_OF_RANGE");
  }
  return env.Undefined();
}

// dtlsGetDataMtu(conn) -> plaintext bytes per record at the current MTU and cipher (0 before one)
Napi::Value GetDataMtu(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  SSL* ssl = nullptr;
  if (DtlsConn(info, &ssl) == nullptr) return {};
  return Napi::Number::New(env, static_cast<double>(DTLS_get_data_mtu(ssl)));
}

// The retransmission timer: initial duration per SSL (ex_data, microseconds), doubled per retry up
// to 60 s like OpenSSL's default.
int TimerIndex() {
  static int idx = -1;
  static std::once_flag once;
  std::call_once(once, [] { idx = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr); });
  return idx;
}

unsigned int TimerCb(SSL* ssl, unsigned int timer_us) {
  const auto initial = static_cast<unsigned int>(reinterpret_cast<uintptr_t>(SSL_get_ex_data(ssl, TimerIndex())));
  if (timer_us == 0) return initial == 0 ? 1000000u : initial;
  const unsigned int doubled = timer_us > 30000000u ? 60000000u : timer_us * 2;
  return doubled > 60000000u ? 60000000u : doubled;
}

// dtlsSetInitialTimeout(conn, ms | null): null restores OpenSSL's default timer (1 s, doubling).
Napi::Value SetInitialTimeout(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  SSL* ssl = nullptr;
  if (DtlsConn(info, &ssl) == nullptr) return {};
  if (ArgIsNullish(info, 1)) {
    SSL_set_ex_data(ssl, TimerIndex(), nullptr);
    DTLS_set_timer_cb(ssl, nullptr);
    return env.Undefined();
  }
  int64_t ms = 0;
  if (!ArgInt(info, 1, "ms", &ms, 1, 60000)) return {};
  SSL_set_ex_data(ssl, TimerIndex(), reinterpret_cast<void*>(static_cast<uintptr_t>(ms * 1000)));
  DTLS_set_timer_cb(ssl, TimerCb);
  return env.Undefined();
}

// dtlsIsDtls(conn) -> whether the connection was made from a DTLS Context.
Napi::Value IsDtls(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  SSL* ssl = ConnectionWrap::Arg(info, 0, "connection");
  if (ssl == nullptr) return {};
  return Napi::Boolean::New(env, SSL_is_dtls(ssl) == 1);
}

void Init(Napi::Env env, Napi::Object exports) {
  exports.Set("dtlsSetCookieCallbacks", NativeFunction<SetCookieCallbacks>(env, "dtlsSetCookieCallbacks"));
  exports.Set("dtlsListen", NativeFunction<Listen>(env, "dtlsListen"));
  exports.Set("dtlsGetTimeout", NativeFunction<GetTimeout>(env, "dtlsGetTimeout"));
  exports.Set("dtlsHandleTimeout", NativeFunction<HandleTimeout>(env, "dtlsHandleTimeout"));
  exports.Set("dtlsSetMtu", NativeFunction<SetMtu>(env, "dtlsSetMtu"));
  exports.Set("dtlsGetDataMtu", NativeFunction<GetDataMtu>(env, "dtlsGetDataMtu"));
  exports.Set("dtlsSetInitialTimeout", NativeFunction<SetInitialTimeout>(env, "dtlsSetInitialTimeout"));
  exports.Set("dtlsIsDtls", NativeFunction<IsDtls>(env, "dtlsIsDtls"));
}

Module registration(&Init);

}  // namespace
}  // namespace ossl
