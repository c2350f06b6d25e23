#include "ssl/connection.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/tls1.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <mutex>

#include "common/args.h"
#include "common/compat.h"
#include "pkey/pkey.h"
#include "ssl/context.h"
#include "ssl/dtls.h"
#include "ssl/session.h"
#include "ssl/socket_io.h"
#include "x509/certificate.h"
#include "x509/name.h"

namespace ossl {

namespace {
// The one encoding of pumpInto()/feed() results, decoded by lib/ssl/pump-result.ts: bytes * 32,
// + 16 when the handshake is finished, + 8 when more ciphertext waits, + the status (0, 2..6)
// negated. A double holds it exactly up to 2^48 bytes.
double PumpResult(size_t bytes, bool finished, bool more, int status) {
  return static_cast<double>(bytes) * 32.0 + (finished ? 16 : 0) + (more ? 8 : 0) + (-status);
}
}  // namespace

namespace {
thread_local ConnectionWrap* g_active = nullptr;

using Drive = ConnectionDrive;

Napi::Value MaybeBuffer(Napi::Env env, const unsigned char* p, size_t n) {
  if (n == 0) return env.Null();
  return CopyBuffer(env, p, n);
}

Napi::Value X509Stack(Napi::Env env, STACK_OF(X509) * chain) {
  if (chain == nullptr) return env.Null();
  const int n = sk_X509_num(chain);
  Napi::Array out = Napi::Array::New(env, n);
  for (int i = 0; i < n; ++i) {
    Napi::Value v = X509Wrap::NewRef(env, sk_X509_value(chain, i));
    if (v.IsEmpty()) return {};
    out.Set(static_cast<uint32_t>(i), v);
  }
  return out;
}
}  // namespace

ConnectionWrap* ActiveConnection() { return g_active; }

ConnectionDrive::ConnectionDrive(ConnectionWrap* c, SSL* ssl, Napi::Env env)
    : scope_(c->bridge, env), c_(c), saved_(g_active), ssl_(ssl) {
  SSL_up_ref(ssl_);
  g_active = c;
  ++c->driving;
}

ConnectionDrive::~ConnectionDrive() {
  --c_->driving;
  g_active = saved_;
  SSL_free(ssl_);
}

void ConnectionWrap::UseTransport(BIO* bio) {
  SSL_set_bio(get(), bio, bio);  // frees the memory BIOs
  rbio_ = nullptr;
  wbio_ = nullptr;
}

int ConnectionWrap::ExIndex() {
  static int idx = -1;
  static std::once_flag once;
  std::call_once(once, [] { idx = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr); });
  return idx;
}

ConnectionWrap* ConnectionWrap::FromSSL(const SSL* ssl) {
  if (ssl == nullptr) return nullptr;
  return static_cast<ConnectionWrap*>(SSL_get_ex_data(ssl, ExIndex()));
}

ConnectionWrap::ConnectionWrap(const Napi::CallbackInfo& info) : Wrapper(info) {
  Napi::Env env = info.Env();
  if (IsAdopting(info)) return;
  SSL_CTX* ctx = ContextWrap::Arg(info, 0, "context");
  if (ctx == nullptr) return;
  ClearErrors();
  Reset(Handle(SSL_new(ctx)));
  SSL* ssl = get();
  if (ssl == nullptr) {
    ThrowOpenSSL(env, "SSL_new");
    return;
  }
  SSL_set_ex_data(ssl, ExIndex(), this);
  created_ctx = ctx;
  SSL_set_mode(ssl, SSL_MODE_AUTO_RETRY);
  // DTLS needs datagram boundaries kept (BIO_s_mem concatenates): see ssl/dtls.cc.
  const bool dgram = SSL_is_dtls(ssl) == 1;
  BIO* r = dgram ? NewDatagramMemBio() : BIO_new(BIO_s_mem());
  BIO* w = dgram ? NewDatagramMemBio() : BIO_new(BIO_s_mem());
  if (r == nullptr || w == nullptr) {
    BIO_free(r);
    BIO_free(w);
    ThrowOpenSSL(env, "BIO_new");
    return;
  }
  SSL_set_bio(ssl, r, w);  // the SSL owns both now
  rbio_ = r;
  wbio_ = w;
  Account(kLiveBytes);
}

void ConnectionWrap::BeforeFree() {
  if (socket_io != nullptr) SocketIo::Detach(socket_io);
  if (get() != nullptr) SSL_set_ex_data(get(), ExIndex(), nullptr);
  rbio_ = nullptr;
  wbio_ = nullptr;
  Account(0);
}

void ConnectionWrap::Account(int64_t bytes) {
  if (bytes == accounted_) return;
  int64_t total = 0;
  napi_adjust_external_memory(Env(), bytes - accounted_, &total);
  accounted_ = bytes;
}

void ConnectionWrap::Ended(SSL* ssl) {
  // Not for DTLS: OpenSSL 3.0's DTLS record layer writes its close_notify (SSL_shutdown after the
  // peer's) into the write buffer without making it again, so freeing it would crash there.
  if (ssl == nullptr || accounted_ <= kEndedBytes || SSL_is_dtls(ssl) == 1) return;
  // Kept while records are pending (OpenSSL refuses then); the next call would need them.
  if (SSL_free_buffers(ssl) == 1) Account(kEndedBytes);
}

ConnectionWrap::~ConnectionWrap() { BeforeFree(); }

Napi::Function ConnectionWrap::OwnerHook(Napi::Env env, const char* name) const {
  Napi::Value owner = Owner(env);
  if (!owner.IsObject()) return Napi::Function();
  Napi::Value fn = owner.As<Napi::Object>().Get(name);
  if (fn.IsEmpty() || !fn.IsFunction()) return Napi::Function();
  return fn.As<Napi::Function>();
}

Napi::Value ConnectionWrap::Owner(Napi::Env env) const {
  Napi::Object self = Value();
  if (self.IsEmpty()) return env.Undefined();
  Napi::Value v = self.Get("_owner");
  return v.IsEmpty() ? env.Undefined() : v;
}

#define SSL_OR_RETURN          \
  Napi::Env env = info.Env();  \
  SSL* ssl = Live(env);        \
  if (ssl == nullptr) return {};

#define NOT_BUSY \
  if (!NotBusy(env, this)) return {};

SslTarget LiveSslTarget(const Napi::CallbackInfo& info, bool context_ok, bool idle) {
  Napi::Env env = info.Env();
  const Napi::Value arg = info.Length() > 0 ? info[0] : env.Undefined();
  SslTarget target;
  if (context_ok && ContextWrap::Is(env, arg)) {
    target.ctx = ContextWrap::Arg(info, 0, "context");
    return target;
  }
  const ConnectionWrap* c = ConnectionWrap::FromValue(env, arg, "connection");
  SSL* ssl = c == nullptr ? nullptr : c->Live(env);
  if (ssl != nullptr && (!idle || NotBusy(env, c))) target.ssl = ssl;
  return target;
}

bool ConnectionWrap::MayCallJs(const SSL* ssl) const {
  if (verify_fn_set || info_fn_set) return true;
  // A handshake may run any callback: the first, or a renegotiation, which a peer can start on a
  // server only where SSL_OP_ALLOW_CLIENT_RENEGOTIATION allows it.
  const bool handshake = SSL_is_init_finished(ssl) != 1 || SSL_renegotiate_pending(const_cast<SSL*>(ssl)) == 1 ||
                         (SSL_get_options(ssl) & SSL_OP_ALLOW_CLIENT_RENEGOTIATION) != 0;
  for (const ContextWrap* w : {ContextWrap::FromCtx(SSL_get_SSL_CTX(ssl)), ContextWrap::FromCtx(created_ctx)}) {
    if (w != nullptr && (handshake ? w->js_hooks : w->js_hooks_after_handshake)) return true;
  }
  return false;
}

bool Reborrow(const Napi::CallbackInfo& info, size_t index, const char* name, size_t range_index, size_t needed,
              Bytes* out) {
  Napi::Env env = info.Env();
  Bytes b;
  if (ArgBytes(info, index, name, &b, false) && (range_index == SIZE_MAX || ArgRange(info, range_index, &b)) &&
      b.size >= needed) {
    out->data = b.data;
    out->size = b.size;
    return true;
  }
  if (env.IsExceptionPending()) env.GetAndClearPendingException();
  ThrowStateError(env, std::string("The \"") + name + "\" argument was detached or shrunk by a callback during the call",
                  "ERR_INVALID_STATE");
  return false;
}

// The memory-BIO methods on a Connection that runs over a socket (no BIOs of its own).
Napi::Value ThrowSocketMode(Napi::Env env) {
  return ThrowTypeError(env, kSocketModeMessage, "ERR_OPENSSL_NAPI_STATE");
}

bool NotBusy(Napi::Env env, const ConnectionWrap* c) {
  if (c->driving == 0) return true;
  ThrowStateError(env, "The Connection is busy: it cannot be driven from its own callback", "ERR_OPENSSL_NAPI_REENTRANT");
  return false;
}

Napi::Value ConnectionWrap::Status(Napi::Env env, SSL* ssl, int ret, const char* op) {
  int status = kSSLOk;
  if (!StatusCode(env, ssl, ret, op, &status)) return {};
  return Napi::Number::New(env, status);
}

bool ConnectionWrap::HandshakeStep(Napi::Env env, SSL* ssl, int* status) {
  ClearErrors();
  const int ret = SSL_do_handshake(ssl);
  if (ret == 1) return !bridge.RethrowPending(env);
  return StatusCode(env, ssl, ret, "SSL_do_handshake", status);
}

bool ConnectionWrap::ReadsEarlyData(SSL* ssl) {
  if (early_ == Early::kUndecided) {
    const bool reads = SSL_is_server(ssl) == 1 && SSL_is_dtls(ssl) != 1 && SSL_get_max_early_data(ssl) > 0 && SSL_in_before(ssl) == 1;
    early_ = reads ? Early::kReading : Early::kDone;
  }
  return early_ == Early::kReading;
}

int ConnectionWrap::EarlyRead(SSL* ssl, unsigned char* dst, size_t cap, size_t* n) {
  *n = 0;
  ClearErrors();
  const int ret = SSL_read_early_data(ssl, dst, cap, n);
  if (ret == SSL_READ_EARLY_DATA_SUCCESS) return 1;
  if (ret != SSL_READ_EARLY_DATA_FINISH) return -1;
  early_ = Early::kDone;
  return *n > 0 ? 1 : 0;
}

bool ConnectionWrap::StatusCode(Napi::Env env, SSL* ssl, int ret, const char* op, int* status) {
  if (bridge.RethrowPending(env)) {
    Ended(ssl);
    return false;
  }
  const int s = SSLResult(ssl, ret);
  if (s == kSSLFailed || s == kSSLFailedSysCall || s == kSSLOk) {
    ThrowSSLError(env, ssl, ret, op);
    Ended(ssl);  // a fatal error: the alert is in the BIO, the record buffers are dead weight
    return false;
  }
  if (s == kSSLZeroReturn) Ended(ssl);  // the peer's close_notify: nothing more to read
  *status = s;
  ClearErrors();
  return true;
}

Napi::Value ConnectionWrap::Handshake(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  NOT_BUSY
  Drive d(this, ssl, env);
  const int ret = SSL_do_handshake(ssl);
  if (ret == 1) {
    if (bridge.RethrowPending(env)) return {};
    return Napi::Number::New(env, kSSLOk);
  }
  return Status(env, ssl, ret, "SSL_do_handshake");
}

// read(n, peek) -> Buffer | status number
Napi::Value ConnectionWrap::Read(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  NOT_BUSY
  int64_t n = 0;
  bool peek = false;
  if (!ArgInt(info, 0, "bufsiz", &n, 1, INT_MAX)) return {};
  if (info.Length() > 1 && !ArgBool(info, 1, "peek", &peek)) return {};
  unsigned char buf[SSL3_RT_MAX_PLAIN_LENGTH];
  const size_t cap = static_cast<size_t>(n) < sizeof buf ? static_cast<size_t>(n) : sizeof buf;
  size_t got = 0;
  Drive d(this, ssl, env);
  const int ret = peek ? SSL_peek_ex(ssl, buf, cap, &got) : SSL_read_ex(ssl, buf, cap, &got);
  if (ret == 1) {
    if (bridge.RethrowPending(env)) return {};
    return Napi::Buffer<unsigned char>::Copy(env, buf, got);
  }
  return Status(env, ssl, ret, peek ? "SSL_peek" : "SSL_read");
}

// readInto(buffer, nbytes, peek) -> count | status number (reads straight into the caller's memory)
Napi::Value ConnectionWrap::ReadInto(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  NOT_BUSY
  ossl::Bytes b;
  int64_t n = 0;
  bool peek = false;
  if (!ArgBytes(info, 0, "buffer", &b, false) || !ArgInt(info, 1, "nbytes", &n, 0, INT_MAX)) return {};
  if (info.Length() > 2 && !info[2].IsUndefined() && !ArgBool(info, 2, "peek", &peek)) return {};
  if (!ArgRange(info, 3, &b)) return {};  // (offset, length) of the buffer to read into
  size_t cap = static_cast<size_t>(n) < b.size ? static_cast<size_t>(n) : b.size;
  if (cap == 0) return Napi::Number::New(env, 0);
  size_t got = 0;
  Bounce bounce(MayCallJs(ssl), cap);
  Drive d(this, ssl, env);
  unsigned char* dst = bounce.Target(const_cast<unsigned char*>(b.data));
  const int ret = peek ? SSL_peek_ex(ssl, dst, cap, &got) : SSL_read_ex(ssl, dst, cap, &got);
  if (ret == 1) {
    if (bridge.RethrowPending(env)) return {};
    if (bounce.active() && got > 0) {
      if (!Reborrow(info, 0, "buffer", 3, got, &b)) return {};
      std::memcpy(const_cast<unsigned char*>(b.data), bounce.data(), got);
    }
    return Napi::Number::New(env, static_cast<double>(got));
  }
  return Status(env, ssl, ret, peek ? "SSL_peek" : "SSL_read");
}

// writeEarlyData(buf) -> bytes written (>= 0) | status number (< 0): a client's TLS 1.3 0-RTT data,
// sent with its ClientHello when its session allows it (SSL_write_early_data).
Napi::Value ConnectionWrap::WriteEarlyData(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  NOT_BUSY
  ossl::Bytes b;
  if (!ArgBytes(info, 0, "buf", &b)) return {};
  if (b.size > static_cast<size_t>(INT_MAX)) return ThrowRangeError(env, "The \"buf\" argument must be smaller than 2 GiB");
  size_t written = 0;
  Bounce bounce(MayCallJs(ssl), b.size);
  const unsigned char* src = bounce.Source(b.data, b.size);
  Drive d(this, ssl, env);
  const int ret = SSL_write_early_data(ssl, src, b.size, &written);
  if (ret == 1) {
    if (bridge.RethrowPending(env)) return {};
    return Napi::Number::New(env, static_cast<double>(written));
  }
  return Status(env, ssl, ret, "SSL_write_early_data");
}

// readEarlyData(n) -> [result, Buffer] (result 1: data, 2: no more early data; the handshake goes on)
// | status number (< 0, e.g. want read): a server's side of SSL_read_early_data.
Napi::Value ConnectionWrap::ReadEarlyData(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  NOT_BUSY
  int64_t n = 0;
  if (!ArgInt(info, 0, "bufsiz", &n, 1, INT_MAX)) return {};
  unsigned char buf[SSL3_RT_MAX_PLAIN_LENGTH];
  const size_t cap = static_cast<size_t>(n) < sizeof buf ? static_cast<size_t>(n) : sizeof buf;
  size_t got = 0;
  Drive d(this, ssl, env);
  const int ret = SSL_read_early_data(ssl, buf, cap, &got);
  if (ret == SSL_READ_EARLY_DATA_SUCCESS || ret == SSL_READ_EARLY_DATA_FINISH) {
    if (bridge.RethrowPending(env)) return {};
    Napi::Array r = Napi::Array::New(env, 2);
    r.Set(0u, Napi::Number::New(env, ret));
    r.Set(1u, Napi::Buffer<unsigned char>::Copy(env, buf, got));
    return r;
  }
  return Status(env, ssl, ret, "SSL_read_early_data");
}

// getPeerSignature() -> { digest, type } of the peer's handshake signature, or null: the digest
// (SSL_get_peer_signature_nid; null for Ed25519, ML-DSA, ...) and the key type
// (SSL_get_peer_signature_type_nid: RSA, RSA-PSS, EC, ED25519, ...).
Napi::Value ConnectionWrap::GetPeerSignature(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  int digest = NID_undef, type = NID_undef;
  const bool has_digest = SSL_get_peer_signature_nid(ssl, &digest) == 1 && digest != NID_undef;
  const bool has_type = SSL_get_peer_signature_type_nid(ssl, &type) == 1 && type != NID_undef;
  ERR_clear_error();
  if (!has_digest && !has_type) return env.Null();
  auto name = [&](bool has, int nid) -> Napi::Value {
    const char* sn = has ? OBJ_nid2sn(nid) : nullptr;
    return sn == nullptr ? env.Null() : Napi::Value(Napi::String::New(env, sn));
  };
  Napi::Object r = Napi::Object::New(env);
  r.Set("digest", name(has_digest, digest));
  r.Set("type", name(has_type, type));
  return r;
}

// getMaxFragmentLength() -> the negotiated max fragment length in bytes (RFC 6066), or 0 (none).
Napi::Value ConnectionWrap::GetMaxFragmentLength(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  const SSL_SESSION* sess = SSL_get_session(ssl);
  const uint8_t mode = sess == nullptr ? 0 : SSL_SESSION_get_max_fragment_length(sess);
  const int bytes = mode >= TLSEXT_max_fragment_length_512 && mode <= TLSEXT_max_fragment_length_4096 ? 256 << mode : 0;
  return Napi::Number::New(env, bytes);
}

// setPostHandshakeAuth(on): as Context's, for this client connection.
Napi::Value ConnectionWrap::SetPostHandshakeAuth(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  bool on = false;
  if (!ArgBool(info, 0, "enabled", &on)) return {};
  SSL_set_post_handshake_auth(ssl, on ? 1 : 0);
  return env.Undefined();
}

// verifyClientPostHandshake(): a TLS 1.3 server asks the client for its certificate now; the
// request goes with the next write or handshake call (SSL_verify_client_post_handshake).
Napi::Value ConnectionWrap::VerifyClientPostHandshake(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  NOT_BUSY
  if (SSL_verify_client_post_handshake(ssl) != 1) return ThrowOpenSSL(env, "SSL_verify_client_post_handshake");
  return env.Undefined();
}

// getEarlyDataStatus() -> 0 not sent, 1 rejected, 2 accepted (SSL_get_early_data_status).
Napi::Value ConnectionWrap::GetEarlyDataStatus(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  return Napi::Number::New(env, SSL_get_early_data_status(ssl));
}

Napi::Value ConnectionWrap::SetMaxEarlyData(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  int64_t n = 0;
  if (!ArgInt(info, 0, "bytes", &n, 0, UINT32_MAX)) return {};
  if (SSL_set_max_early_data(ssl, static_cast<uint32_t>(n)) != 1) return ThrowOpenSSL(env, "SSL_set_max_early_data");
  return env.Undefined();
}

Napi::Value ConnectionWrap::GetMaxEarlyData(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  return Napi::Number::New(env, SSL_get_max_early_data(ssl));
}

Napi::Value ConnectionWrap::SetRecvMaxEarlyData(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  int64_t n = 0;
  if (!ArgInt(info, 0, "bytes", &n, 0, UINT32_MAX)) return {};
  if (SSL_set_recv_max_early_data(ssl, static_cast<uint32_t>(n)) != 1) return ThrowOpenSSL(env, "SSL_set_recv_max_early_data");
  return env.Undefined();
}

// write(buf) -> bytes written (>0) | status number (<0)
Napi::Value ConnectionWrap::Write(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  NOT_BUSY
  ossl::Bytes b;
  if (!ArgBytes(info, 0, "buf", &b)) return {};
  if (b.size > static_cast<size_t>(INT_MAX)) return ThrowRangeError(env, "The \"buf\" argument must be smaller than 2 GiB");
  if (b.size == 0) return Napi::Number::New(env, 0);
  size_t written = 0;
  Bounce bounce(MayCallJs(ssl), b.size);
  const unsigned char* src = bounce.Source(b.data, b.size);
  Drive d(this, ssl, env);
  const int ret = SSL_write_ex(ssl, src, b.size, &written);
  if (ret == 1) {
    if (bridge.RethrowPending(env)) return {};
    return Napi::Number::New(env, static_cast<double>(written));
  }
  return Status(env, ssl, ret, "SSL_write");
}

// bioRead(n) -> Buffer of exactly min(pending, n) bytes, or null when nothing is pending.
Napi::Value ConnectionWrap::BioRead(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  int64_t n = 0;
  if (!ArgInt(info, 0, "bufsiz", &n, 1, INT_MAX)) return {};
  if (wbio_ == nullptr) return ThrowSocketMode(env);
  const size_t pending = BIO_ctrl_pending(wbio_);
  if (pending == 0) return env.Null();
  const size_t size = pending < static_cast<size_t>(n) ? pending : static_cast<size_t>(n);
  Napi::Buffer<unsigned char> out = Napi::Buffer<unsigned char>::New(env, size);
  if (out.IsEmpty()) return {};
  const int got = BIO_read(wbio_, out.Data(), static_cast<int>(size));
  if (got != static_cast<int>(size)) return ThrowOpenSSL(env, "BIO_read");
  return out;
}

// bioReadInto(buffer) -> bytes copied into the caller's buffer (0 when nothing is pending): the
// allocation-free way to move ciphertext, one record per call at bulk sizes.
Napi::Value ConnectionWrap::BioReadInto(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  ossl::Bytes b;
  if (!ArgBytes(info, 0, "buffer", &b, false)) return {};
  if (wbio_ == nullptr) return ThrowSocketMode(env);
  const size_t pending = BIO_ctrl_pending(wbio_);
  size_t size = pending < b.size ? pending : b.size;
  if (size > static_cast<size_t>(INT_MAX)) size = INT_MAX;
  if (size == 0) return Napi::Number::New(env, 0);
  const int got = BIO_read(wbio_, const_cast<unsigned char*>(b.data), static_cast<int>(size));
  if (got != static_cast<int>(size)) return ThrowOpenSSL(env, "BIO_read");
  return Napi::Number::New(env, got);
}

Napi::Value ConnectionWrap::BioWrite(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  ossl::Bytes b;
  if (!ArgBytes(info, 0, "buf", &b) || !ArgRange(info, 1, &b)) return {};
  if (rbio_ == nullptr) return ThrowSocketMode(env);
  if (b.size > static_cast<size_t>(INT_MAX)) return ThrowRangeError(env, "The \"buf\" argument must be smaller than 2 GiB");
  if (b.size == 0) return Napi::Number::New(env, 0);
  const int n = BIO_write(rbio_, b.data, static_cast<int>(b.size));
  if (n <= 0) return ThrowOpenSSL(env, "BIO_write");
  return Napi::Number::New(env, n);
}

Napi::Value ConnectionWrap::BioShutdown(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  if (rbio_ == nullptr) return ThrowSocketMode(env);
  BIO_set_mem_eof_return(rbio_, 0);
  return env.Undefined();
}

Napi::Value ConnectionWrap::BioPending(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  if (wbio_ == nullptr) return Napi::Number::New(env, 0);
  return Napi::Number::New(env, static_cast<double>(BIO_ctrl_pending(wbio_)));
}

// pump(input | null, outCap): feeds ciphertext, advances the handshake if it is not finished,
// and returns up to outCap bytes of ciphertext to send (or null). The handshake status is kept
// for lastStatus(): one boundary crossing per flight.
Napi::Value ConnectionWrap::Pump(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  NOT_BUSY
  int64_t cap = 0;
  if (!ArgInt(info, 1, "outCap", &cap, 0, INT_MAX)) return {};
  if (rbio_ == nullptr) return ThrowSocketMode(env);
  if (!ArgIsNullish(info, 0)) {
    ossl::Bytes b;
    if (!ArgBytes(info, 0, "input", &b, false)) return {};
    if (b.size > 0 && BIO_write(rbio_, b.data, static_cast<int>(b.size)) <= 0) return ThrowOpenSSL(env, "BIO_write");
  }
  last_status_ = kSSLOk;
  Drive d(this, ssl, env);
  if (SSL_is_init_finished(ssl) == 0) {
    if (!HandshakeStep(env, ssl, &last_status_)) return {};
  }
  if (wbio_ == nullptr) return env.Null();  // freed by a callback
  const size_t pending = BIO_ctrl_pending(wbio_);
  if (pending == 0 || cap == 0) return env.Null();
  const size_t size = pending < static_cast<size_t>(cap) ? pending : static_cast<size_t>(cap);
  Napi::Buffer<unsigned char> out = Napi::Buffer<unsigned char>::New(env, size);
  if (out.IsEmpty()) return {};
  if (BIO_read(wbio_, out.Data(), static_cast<int>(size)) != static_cast<int>(size)) return ThrowOpenSSL(env, "BIO_read");
  return out;
}

// pumpInto(input | null, out) -> one number, the layout of feed():
//   copied * 32 + (init finished ? 16 : 0) + (more ciphertext pending than out took ? 8 : 0) + (-status)
// pump() without allocating: writes `input` into the read BIO, advances the handshake if it is
// not finished (status as lastStatus(): 0, -2 want read, -3 want write, -4 X509 lookup, -5 zero
// return, -6 other), then copies pending ciphertext for the peer into `out`. The caller needs no
// further call (lastStatus/isInitFinished/bioPending) to know what to do next. Fatal errors throw.
Napi::Value ConnectionWrap::PumpInto(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  NOT_BUSY
  // Both arguments are checked before anything happens, so a bad `out` consumes no input.
  // pumpInto(input, out, outOffset?, outLength?, inOffset?, inLength?)
  ossl::Bytes out;
  if (!ArgBytes(info, 1, "out", &out, false) || !ArgRange(info, 2, &out, "outOffset", "outLength")) return {};
  if (out.size > static_cast<size_t>(INT_MAX)) return ThrowRangeError(env, "The \"out\" argument must be smaller than 2 GiB");
  ossl::Bytes in;
  if (!ArgIsNullish(info, 0)) {
    if (!ArgBytes(info, 0, "input", &in, false) || !ArgRange(info, 4, &in, "inOffset", "inLength")) return {};
    if (in.size > static_cast<size_t>(INT_MAX)) return ThrowRangeError(env, "The \"input\" argument must be smaller than 2 GiB");
  }
  if (rbio_ == nullptr || wbio_ == nullptr) return ThrowSocketMode(env);
  if (in.size > 0) {
    if (BIO_write(rbio_, in.data, static_cast<int>(in.size)) <= 0) return ThrowOpenSSL(env, "BIO_write");
  }
  int status = kSSLOk;
  bool finished = SSL_is_init_finished(ssl) != 0;
  if (!finished) {
    // Decided before the step: a callback may remove its hook after detaching or shrinking `out`.
    const bool may_call_js = MayCallJs(ssl);
    // Only the handshake can run callbacks: no Drive (bridge scope, SSL reference) otherwise.
    Drive d(this, ssl, env);
    if (!HandshakeStep(env, ssl, &status)) return {};
    finished = SSL_is_init_finished(ssl) != 0;  // `ssl` is still held by d
    // A callback may have detached `out`: taken again before anything is copied into it.
    if (may_call_js && !Reborrow(info, 1, "out", 2, out.size, &out)) return {};
  }
  last_status_ = status;
  size_t copied = 0;
  bool more = false;
  if (wbio_ != nullptr) {  // null when a callback freed the connection
    const size_t pending = BIO_ctrl_pending(wbio_);
    copied = pending < out.size ? pending : out.size;
    more = pending > copied;
    if (copied > 0 && BIO_read(wbio_, const_cast<unsigned char*>(out.data), static_cast<int>(copied)) != static_cast<int>(copied))
      return ThrowOpenSSL(env, "BIO_read");
  }
  return Napi::Number::New(env, PumpResult(copied, finished, more, status));
}

Napi::Value ConnectionWrap::LastStatus(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  (void)ssl;
  return Napi::Number::New(env, last_status_);
}

// The pending error of a feed() that had decrypted `n` bytes into `out` first: they are the peer's
// too, so the error carries their count (`bytesRead`) for the pump to deliver before failing.
static Napi::Value WithBytesRead(Napi::Env env, size_t n) {
  if (n == 0 || !env.IsExceptionPending()) return {};
  Napi::Error error = env.GetAndClearPendingException();
  if (error.Value().IsObject()) error.Value().Set("bytesRead", Napi::Number::New(env, static_cast<double>(n)));
  error.ThrowAsJavaScriptException();
  return {};
}

// feed(input | null, out) -> one number: count * 32 + (init finished ? 16 : 0)
//   + (ciphertext pending for the peer ? 8 : 0) + (-status).
// The socket pump's inbound step in one crossing: writes `input` into the read BIO, advances the
// handshake if it is not finished, then decrypts straight into `out` until it is full or OpenSSL
// stops (status: 0 = out is full or handshake in progress and fine, -2 want read, -5 close_notify,
// ...). A fatal error throws (the alert, if any, stays in the write BIO for bioRead).
Napi::Value ConnectionWrap::Feed(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  NOT_BUSY
  if (rbio_ == nullptr) return ThrowSocketMode(env);
  ossl::Bytes out;
  if (!ArgBytes(info, 1, "out", &out, false)) return {};
  if (out.size > static_cast<size_t>(INT_MAX)) return ThrowRangeError(env, "The \"out\" argument must be smaller than 2 GiB");
  if (!ArgIsNullish(info, 0)) {
    ossl::Bytes in;
    if (!ArgBytes(info, 0, "input", &in, false)) return {};
    if (in.size > static_cast<size_t>(INT_MAX)) return ThrowRangeError(env, "The \"input\" argument must be smaller than 2 GiB");
    if (in.size > 0 && BIO_write(rbio_, in.data, static_cast<int>(in.size)) <= 0) return ThrowOpenSSL(env, "BIO_write");
  }
  Bounce bounce(MayCallJs(ssl), out.size);
  Drive d(this, ssl, env);
  int status = kSSLOk;
  size_t total = 0;
  unsigned char* dst = bounce.Target(const_cast<unsigned char*>(out.data));
  // Bounced plaintext goes into `out` as it is after the callbacks; false with the error pending.
  const auto copy_out = [&]() -> bool {
    if (!bounce.active() || total == 0) return true;
    Bytes now;
    if (!Reborrow(info, 1, "out", SIZE_MAX, total, &now)) return false;
    std::memcpy(const_cast<unsigned char*>(now.data), bounce.data(), total);
    return true;
  };
  // A failure after `total` bytes: they are delivered first (WithBytesRead).
  const auto fail_after = [&]() -> Napi::Value {
    if (bounce.active() && total > 0) {
      Napi::Error error = env.GetAndClearPendingException();
      if (!copy_out()) return {};
      error.ThrowAsJavaScriptException();
    }
    return WithBytesRead(env, total);
  };
  // A server's 0-RTT: the client's early data comes out before the handshake ends, in steps of
  // its own (not finished), so the pump knows these bytes came early. Then the handshake goes on.
  if (!handshake_seen_ && ReadsEarlyData(ssl)) {
    while (total < out.size) {
      size_t got = 0;
      const int r = EarlyRead(ssl, dst + total, out.size - total, &got);
      if (r >= 0 && bridge.RethrowPending(env)) return {};
      if (r == 1) {
        total += got;
        continue;
      }
      if (r < 0 && !StatusCode(env, ssl, 0, "SSL_read_early_data", &status)) return {};
      break;
    }
    if (total > 0 || status != kSSLOk || early_ == Early::kReading) {
      last_status_ = status;
      if (!copy_out()) return {};
      return Napi::Number::New(env, PumpResult(total, false, wbio_ != nullptr && BIO_ctrl_pending(wbio_) > 0, status));
    }
  }
  // The first handshake is driven here; a later one (renegotiation) is driven by SSL_read, which
  // also takes the application data that may interleave with it.
  if (!handshake_seen_ && SSL_is_init_finished(ssl) == 0) {
    if (!HandshakeStep(env, ssl, &status)) return {};
  }
  if (SSL_is_init_finished(ssl) != 0) handshake_seen_ = true;
  if (status == kSSLOk && handshake_seen_) {
    while (total < out.size) {
      size_t got = 0;
      ClearErrors();
      const int ret = SSL_read_ex(ssl, dst + total, out.size - total, &got);
      if (ret == 1) {
        total += got;
        if (bridge.RethrowPending(env)) return fail_after();
        continue;
      }
      if (!StatusCode(env, ssl, ret, "SSL_read", &status)) return fail_after();
      break;
    }
  }
  last_status_ = status;
  if (!copy_out()) return {};
  const bool finished = handshake_seen_;
  const bool out_pending = wbio_ != nullptr && BIO_ctrl_pending(wbio_) > 0;
  return Napi::Number::New(env, PumpResult(total, finished, out_pending, status));
}

// seal(data) -> the ciphertext of all of `data` in one Buffer (null if none), or a status number
// (< 0) when SSL_write stopped (renegotiation): lastWritten() then tells how much was taken and
// the ciphertext produced so far waits in the write BIO.
Napi::Value ConnectionWrap::Seal(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  NOT_BUSY
  if (wbio_ == nullptr) return ThrowSocketMode(env);
  ossl::Bytes b;
  if (!ArgBytes(info, 0, "data", &b)) return {};
  if (b.size > static_cast<size_t>(INT_MAX) / 2) return ThrowRangeError(env, "The \"data\" argument must be smaller than 1 GiB");
  // While callbacks may run, `data` goes to OpenSSL a copied record at a time (see Bounce), and is
  // taken again after each: a callback may have detached it.
  const bool bouncing = MayCallJs(ssl);
  Bounce bounce(bouncing, SSL3_RT_MAX_PLAIN_LENGTH);
  Drive d(this, ssl, env);
  size_t off = 0;
  int status = kSSLOk;
  while (off < b.size) {
    size_t w = 0;
    const size_t n = bouncing ? std::min(b.size - off, static_cast<size_t>(SSL3_RT_MAX_PLAIN_LENGTH)) : b.size - off;
    if (bouncing && off > 0 && b.owned.empty() && !Reborrow(info, 0, "data", SIZE_MAX, b.size, &b)) return {};
    const int ret = SSL_write_ex(ssl, bounce.Source(b.data + off, n), n, &w);
    if (ret == 1) {
      if (bridge.RethrowPending(env)) return {};
      off += w;
      continue;
    }
    if (!StatusCode(env, ssl, ret, "SSL_write", &status)) return {};
    break;
  }
  last_written_ = off;
  if (status != kSSLOk) return Napi::Number::New(env, status);
  if (wbio_ == nullptr) return env.Null();
  const size_t pending = BIO_ctrl_pending(wbio_);
  if (pending == 0) return env.Null();
  if (pending > static_cast<size_t>(INT_MAX)) return ThrowRangeError(env, "too much pending ciphertext");
  Napi::Buffer<unsigned char> out = Napi::Buffer<unsigned char>::New(env, pending);
  if (out.IsEmpty()) return {};
  ClearErrors();
  if (BIO_read(wbio_, out.Data(), static_cast<int>(pending)) != static_cast<int>(pending)) return ThrowOpenSSL(env, "BIO_read");
  return out;
}

Napi::Value ConnectionWrap::LastWritten(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  (void)ssl;
  return Napi::Number::New(env, static_cast<double>(last_written_));
}

// shutdown() -> true (complete), false (sent, not received) | status number
Napi::Value ConnectionWrap::Shutdown(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  NOT_BUSY
  Drive d(this, ssl, env);
  const int ret = SSL_shutdown(ssl);
  if (ret >= 0) {
    if (bridge.RethrowPending(env)) return {};
    return Napi::Boolean::New(env, ret == 1);
  }
  return Status(env, ssl, ret, "SSL_shutdown");
}

Napi::Value ConnectionWrap::GetShutdown(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  return Napi::Number::New(env, SSL_get_shutdown(ssl));
}

Napi::Value ConnectionWrap::SetShutdown(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  int64_t state = 0;
  if (!ArgInt(info, 0, "state", &state, 0, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN)) return {};
  SSL_set_shutdown(ssl, static_cast<int>(state));
  return env.Undefined();
}

Napi::Value ConnectionWrap::Pending(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  return Napi::Number::New(env, SSL_pending(ssl));
}

Napi::Value ConnectionWrap::WantRead(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  return Napi::Boolean::New(env, SSL_want_read(ssl));
}

Napi::Value ConnectionWrap::WantWrite(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  return Napi::Boolean::New(env, SSL_want_write(ssl));
}

Napi::Value ConnectionWrap::Renegotiate(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  NOT_BUSY
  if (SSL_renegotiate_pending(ssl)) return Napi::Boolean::New(env, false);
  ClearErrors();
  if (SSL_renegotiate(ssl) != 1) return ThrowOpenSSL(env, "SSL_renegotiate");
  return Napi::Boolean::New(env, true);
}

Napi::Value ConnectionWrap::RenegotiatePending(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  return Napi::Boolean::New(env, SSL_renegotiate_pending(ssl) != 0);
}

Napi::Value ConnectionWrap::TotalRenegotiations(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  return Napi::Number::New(env, static_cast<double>(SSL_total_renegotiations(ssl)));
}

// Neither role may change under a running handshake (its state machine would read the other's).
Napi::Value ConnectionWrap::SetConnectState(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  NOT_BUSY
  SSL_set_connect_state(ssl);
  return env.Undefined();
}

Napi::Value ConnectionWrap::SetAcceptState(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  NOT_BUSY
  SSL_set_accept_state(ssl);
  return env.Undefined();
}

Napi::Value ConnectionWrap::IsServer(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  return Napi::Boolean::New(env, SSL_is_server(ssl) == 1);
}

Napi::Value ConnectionWrap::IsInitFinished(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  return Napi::Boolean::New(env, SSL_is_init_finished(ssl) == 1);
}

Napi::Value ConnectionWrap::SetContext(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  ContextWrap* w = ContextWrap::FromValue(env, info.Length() > 0 ? info[0] : env.Undefined(), "context");
  SSL_CTX* ctx = w == nullptr ? nullptr : w->Live(env);
  if (ctx == nullptr) return {};
  // A later setSession would change the SSL's method to the Context's (SSL_set_ssl_method), and a
  // DTLS connection's state is not a TLS one's: the two never mix.
  if ((w->method_id >= kDTLSMethod) != (SSL_is_dtls(ssl) == 1))
    return ThrowTypeError(env, "A DTLS Connection takes a DTLS Context, and a TLS Connection a TLS one", "ERR_INVALID_ARG_VALUE");
  // SSL_set_SSL_CTX frees the SSL's CERT, into which a handshake points once it has chosen its
  // certificate: mid-handshake only from the callbacks that run before that choice.
  const bool in_handshake = (SSL_in_init(ssl) != 0 && SSL_in_before(ssl) == 0) || driving > 0;
  if (in_handshake && switching_context == 0) {
    return ThrowStateError(env,
                           "setContext during a handshake is allowed only from a servername or client hello callback",
                           "ERR_OPENSSL_NAPI_REENTRANT");
  }
  if (SSL_set_SSL_CTX(ssl, ctx) == nullptr) return ThrowOpenSSL(env, "SSL_set_SSL_CTX");
  return env.Undefined();
}

// setVerify(mode, useHook): with useHook the TS object's _verifyHook is called.
Napi::Value ConnectionWrap::SetVerify(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  int64_t mode = 0;
  bool hook = false;
  if (!ArgInt(info, 0, "mode", &mode, 0, 0xff) || !ArgBool(info, 1, "useHook", &hook)) return {};
  verify_fn_set = hook;
  SSL_set_verify(ssl, static_cast<int>(mode), hook ? VerifyTrampoline : nullptr);
  return env.Undefined();
}

Napi::Value ConnectionWrap::GetVerifyMode(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  return Napi::Number::New(env, SSL_get_verify_mode(ssl));
}

Napi::Value ConnectionWrap::UseCertificate(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  X509* cert = X509Wrap::Arg(info, 0, "cert");
  if (cert == nullptr) return {};
  if (SSL_use_certificate(ssl, cert) != 1) return ThrowOpenSSL(env, "SSL_use_certificate");
  return env.Undefined();
}

Napi::Value ConnectionWrap::UsePrivatekey(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  EVP_PKEY* key = PKeyArg(info, 0, "pkey", true);
  if (key == nullptr) return {};
  if (SSL_use_PrivateKey(ssl, key) != 1) return ThrowOpenSSL(env, "SSL_use_PrivateKey");
  return env.Undefined();
}

Napi::Value ConnectionWrap::SetOptions(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  int64_t op = 0;
  if (!ArgInt(info, 0, "options", &op, 0, (int64_t{1} << 53) - 1)) return {};
  return Napi::Number::New(env, static_cast<double>(SSL_set_options(ssl, static_cast<uint64_t>(op))));
}

Napi::Value ConnectionWrap::ClearOptions(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  int64_t op = 0;
  if (!ArgInt(info, 0, "options", &op, 0, (int64_t{1} << 53) - 1)) return {};
  return Napi::Number::New(env, static_cast<double>(SSL_clear_options(ssl, static_cast<uint64_t>(op))));
}

Napi::Value ConnectionWrap::GetOptions(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  return Napi::Number::New(env, static_cast<double>(SSL_get_options(ssl)));
}

Napi::Value ConnectionWrap::SetAlpnProtos(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  ossl::Bytes wire;
  if (!ArgBytes(info, 0, "protos", &wire, false)) return {};
  if (SSL_set_alpn_protos(ssl, wire.data, static_cast<unsigned int>(wire.size)) != 0) return ThrowOpenSSL(env, "SSL_set_alpn_protos");
  return env.Undefined();
}

Napi::Value ConnectionWrap::GetAlpnProtoNegotiated(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  const unsigned char* p = nullptr;
  unsigned int len = 0;
  SSL_get0_alpn_selected(ssl, &p, &len);
  return CopyBuffer(env, p, p == nullptr ? 0 : len);
}

// setInfoCallback(useHook): with useHook the TS object's _infoHook is called.
Napi::Value ConnectionWrap::SetInfoCallback(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  bool hook = false;
  if (!ArgBool(info, 0, "useHook", &hook)) return {};
  info_fn_set = hook;
  SSL_set_info_callback(ssl, hook ? InfoTrampoline : nullptr);
  return env.Undefined();
}

Napi::Value ConnectionWrap::SetTlsextHostName(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  std::string name;
  if (!ArgCString(info, 0, "name", &name)) return {};
  if (SSL_set_tlsext_host_name(ssl, name.c_str()) != 1) return ThrowOpenSSL(env, "SSL_set_tlsext_host_name");
  return env.Undefined();
}

Napi::Value ConnectionWrap::GetServername(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
  return name == nullptr ? env.Null() : Napi::String::New(env, name);
}

Napi::Value ConnectionWrap::GetPeerCertificate(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  return X509Wrap::New(env, X509Ptr(SSL_get1_peer_certificate(ssl)));
}

Napi::Value ConnectionWrap::GetPeerCertChain(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  return X509Stack(env, SSL_get_peer_cert_chain(ssl));
}

Napi::Value ConnectionWrap::GetVerifiedChain(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  return X509Stack(env, SSL_get0_verified_chain(ssl));
}

Napi::Value ConnectionWrap::GetCertificate(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  X509* cert = SSL_get_certificate(ssl);
  return cert == nullptr ? env.Null() : X509Wrap::NewRef(env, cert);
}

Napi::Value ConnectionWrap::GetCipherName(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  const SSL_CIPHER* c = SSL_get_current_cipher(ssl);
  return c == nullptr ? env.Null() : Napi::String::New(env, SSL_CIPHER_get_name(c));
}

Napi::Value ConnectionWrap::GetCipherBits(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  const SSL_CIPHER* c = SSL_get_current_cipher(ssl);
  return c == nullptr ? env.Null() : Napi::Number::New(env, SSL_CIPHER_get_bits(c, nullptr));
}

Napi::Value ConnectionWrap::GetCipherVersion(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  const SSL_CIPHER* c = SSL_get_current_cipher(ssl);
  return c == nullptr ? env.Null() : Napi::String::New(env, SSL_CIPHER_get_version(c));
}

Napi::Value ConnectionWrap::GetCipherList(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  Napi::Array out = Napi::Array::New(env);
  const char* name;
  for (int i = 0; (name = SSL_get_cipher_list(ssl, i)) != nullptr; ++i) out.Set(static_cast<uint32_t>(i), name);
  return out;
}

Napi::Value ConnectionWrap::GetProtocolVersion(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  return Napi::Number::New(env, SSL_version(ssl));
}

Napi::Value ConnectionWrap::GetProtocolVersionName(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  return Napi::String::New(env, SSL_get_version(ssl));
}

Napi::Value ConnectionWrap::GetGroupName(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  if (SSL_get_session(ssl) == nullptr) return env.Null();
  const int nid = SSL_get_negotiated_group(ssl);
  if (nid == 0) return env.Null();
  const char* name = SSL_group_to_name(ssl, nid);
  return name == nullptr ? env.Null() : Napi::String::New(env, name);
}

Napi::Value ConnectionWrap::GetFinished(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  unsigned char buf[EVP_MAX_MD_SIZE];
  size_t n = SSL_get_finished(ssl, buf, sizeof buf);
  return MaybeBuffer(env, buf, n < sizeof buf ? n : sizeof buf);
}

Napi::Value ConnectionWrap::GetPeerFinished(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  unsigned char buf[EVP_MAX_MD_SIZE];
  size_t n = SSL_get_peer_finished(ssl, buf, sizeof buf);
  return MaybeBuffer(env, buf, n < sizeof buf ? n : sizeof buf);
}

Napi::Value ConnectionWrap::ClientRandom(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  if (SSL_get_session(ssl) == nullptr) return env.Null();
  unsigned char buf[SSL3_RANDOM_SIZE];
  size_t n = SSL_get_client_random(ssl, buf, sizeof buf);
  return CopyBuffer(env, buf, n);
}

Napi::Value ConnectionWrap::ServerRandom(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  if (SSL_get_session(ssl) == nullptr) return env.Null();
  unsigned char buf[SSL3_RANDOM_SIZE];
  size_t n = SSL_get_server_random(ssl, buf, sizeof buf);
  return CopyBuffer(env, buf, n);
}

Napi::Value ConnectionWrap::MasterKey(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  SSL_SESSION* s = SSL_get_session(ssl);
  if (s == nullptr) return env.Null();
  unsigned char buf[SSL_MAX_MASTER_KEY_LENGTH];
  size_t n = SSL_SESSION_get_master_key(s, buf, sizeof buf);
  return CopyBuffer(env, buf, n);
}

Napi::Value ConnectionWrap::ExportKeyingMaterial(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  ossl::Bytes label, context;
  int64_t olen = 0;
  if (!ArgBytes(info, 0, "label", &label) || !ArgInt(info, 1, "olen", &olen, 1, 1 << 24)) return {};
  const bool has_context = !ArgIsNullish(info, 2);
  if (has_context && !ArgBytes(info, 2, "context", &context)) return {};
  if (SSL_is_init_finished(ssl) != 1)
    return ThrowStateError(env, "exportKeyingMaterial needs a finished handshake (there are no keys yet)");
  Napi::Buffer<unsigned char> out = Napi::Buffer<unsigned char>::New(env, static_cast<size_t>(olen));
  if (out.IsEmpty()) return {};
  ClearErrors();
  if (SSL_export_keying_material(ssl, out.Data(), out.Length(), reinterpret_cast<const char*>(label.data), label.size,
                                 context.data, context.size, has_context ? 1 : 0) != 1)
    return ThrowOpenSSL(env, "SSL_export_keying_material");
  return out;
}

Napi::Value ConnectionWrap::GetSession(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  return SessionWrap::New(env, SSLSessionPtr(SSL_get1_session(ssl)));
}

Napi::Value ConnectionWrap::SetSession(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  NOT_BUSY
  SSL_SESSION* s = SessionWrap::Arg(info, 0, "session");
  if (s == nullptr) return {};
  // SSL_set_session may change the SSL's method (to its Context's), which resets the handshake
  // state OpenSSL is in the middle of: a session is for a handshake that has not begun.
  if (SSL_in_before(ssl) != 1)
    return ThrowStateError(env, "setSession must come before the handshake begins", "ERR_OPENSSL_NAPI_STATE");
  if (SSL_set_session(ssl, s) != 1) return ThrowOpenSSL(env, "SSL_set_session");
  DropMismatchedSession(ssl);
  return env.Undefined();
}

// The DER of `key` (SubjectPublicKeyInfo), or "" when it cannot be encoded.
static std::string PublicKeyDer(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int n = key == nullptr ? -1 : i2d_PUBKEY(key, &der);
  std::string out = n > 0 ? std::string(reinterpret_cast<char*>(der), static_cast<size_t>(n)) : std::string();
  OPENSSL_free(der);
  return out;
}

void ConnectionWrap::DropMismatchedSession(SSL* ssl) {
  if (SSL_is_server(ssl) == 1) return;
  SSL_SESSION* session = SSL_get_session(ssl);
  if (session == nullptr) return;
  X509* peer = SSL_SESSION_get0_peer(session);
  bool keep = true;
  // A PSK session has no certificate, and a raw-key one none either: no name was ever checked.
  if (!check_name_.empty() && peer != nullptr) {
    const int match = check_is_ip_ ? X509_check_ip_asc(peer, check_name_.c_str(), 0)
                                   : X509_check_host(peer, check_name_.c_str(), check_name_.size(),
                                                     X509_VERIFY_PARAM_get_hostflags(SSL_get0_param(ssl)), nullptr);
    keep = match == 1;
  }
  if (keep && !expected_rpks_.empty()) {
    EVP_PKEY* key = peer != nullptr ? X509_get0_pubkey(peer) : nullptr;
#if OSSL_NAPI_HAS_RPK
    if (key == nullptr) key = SSL_SESSION_get0_peer_rpk(session);
#endif
    const std::string der = PublicKeyDer(key);
    keep = !der.empty() && std::find(expected_rpks_.begin(), expected_rpks_.end(), der) != expected_rpks_.end();
  }
  if (!keep) SSL_set_session(ssl, nullptr);
  ERR_clear_error();
}

bool ConnectionWrap::ExpectRawPublicKey(SSL* ssl, EVP_PKEY* key) {
  std::string der = PublicKeyDer(key);
  if (der.empty()) return false;
  std::vector<std::string> keys = expected_rpks_;
  keys.push_back(std::move(der));
  if (SSL_is_server(ssl) == 1) {
    // The session id context: a digest of the expected keys (length-prefixed, in order).
    std::string all = "openssl-napi expected raw public keys";
    for (const std::string& k : keys) all += std::to_string(k.size()) + ":" + k;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    if (EVP_Digest(all.data(), all.size(), md, &md_len, EVP_sha256(), nullptr) != 1 || md_len > SSL_MAX_SID_CTX_LENGTH ||
        SSL_set_session_id_context(ssl, md, md_len) != 1)
      return false;
  }
  expected_rpks_ = std::move(keys);
  DropMismatchedSession(ssl);
  return true;
}

const char* ConnectionWrap::DaneBaseDomain(const SSL* ssl) const {
  if (!check_name_.empty() && !check_is_ip_) return check_name_.c_str();
  return SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
}

Napi::Value ConnectionWrap::GetClientCaList(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  STACK_OF(X509_NAME)* names = SSL_get_client_CA_list(ssl);
  Napi::Array out = Napi::Array::New(env);
  const int n = names == nullptr ? 0 : sk_X509_NAME_num(names);
  for (int i = 0; i < n; ++i) {
    X509NamePtr copy(X509_NAME_dup(sk_X509_NAME_value(names, i)));
    if (copy == nullptr) return ThrowOpenSSL(env, "X509_NAME_dup");
    Napi::Value v = X509NameWrap::NewOwned(env, std::move(copy));
    if (v.IsEmpty()) return {};
    out.Set(static_cast<uint32_t>(i), v);
  }
  return out;
}

Napi::Value ConnectionWrap::GetStateString(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  return Napi::String::New(env, SSL_state_string_long(ssl));
}

Napi::Value ConnectionWrap::RequestOcsp(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  if (SSL_set_tlsext_status_type(ssl, TLSEXT_STATUSTYPE_ocsp) != 1) return ThrowOpenSSL(env, "SSL_set_tlsext_status_type");
  return env.Undefined();
}

// The name to check may not change under a running handshake: dropping a mismatched session
// would free the SSL_SESSION it is using.
Napi::Value ConnectionWrap::SetHost(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  NOT_BUSY
  std::string name;
  if (!ArgCString(info, 0, "name", &name)) return {};
  // OpenSSL reads an empty name as "check no name": never what a caller asking for a check means.
  if (name.empty()) return ThrowRangeError(env, "The \"name\" argument must be a non-empty host name", "ERR_INVALID_ARG_VALUE");
  if (SSL_set1_host(ssl, name.c_str()) != 1) return ThrowOpenSSL(env, "SSL_set1_host");
  check_name_ = name;
  check_is_ip_ = false;
  DropMismatchedSession(ssl);
  return env.Undefined();
}

Napi::Value ConnectionWrap::SetIpAddress(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  NOT_BUSY
  std::string ip;
  if (!ArgCString(info, 0, "ip", &ip)) return {};
  if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), ip.c_str()) != 1) {
    return ThrowTypeError(env, "Invalid IP address: " + ip, "ERR_INVALID_ARG_VALUE");
  }
  check_name_ = ip;
  check_is_ip_ = true;
  DropMismatchedSession(ssl);
  return env.Undefined();
}

Napi::Value ConnectionWrap::SessionReused(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  return Napi::Boolean::New(env, SSL_session_reused(ssl) == 1);
}

Napi::Value ConnectionWrap::GetPeerTmpKey(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  EVP_PKEY* key = nullptr;
  if (SSL_get_peer_tmp_key(ssl, &key) != 1 || key == nullptr) {
    return env.Null();
  }
  return PKeyWrap::New(env, EVPPKeyPtr(key), true);
}

Napi::Value ConnectionWrap::GetSharedSigalgs(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  Napi::Array out = Napi::Array::New(env);
  const int n = SSL_get_shared_sigalgs(ssl, 0, nullptr, nullptr, nullptr, nullptr, nullptr);
  for (int i = 0; i < n; ++i) {
    int sign = 0, hash = 0;
    SSL_get_shared_sigalgs(ssl, i, &sign, &hash, nullptr, nullptr, nullptr);
    const char* sn = OBJ_nid2sn(sign);
    const char* hn = hash == NID_undef ? nullptr : OBJ_nid2sn(hash);
    std::string name = sn != nullptr ? sn : "UNDEF";
    if (hn != nullptr) name += std::string("+") + hn;
    out.Set(static_cast<uint32_t>(i), name);
  }
  return out;
}

Napi::Value ConnectionWrap::KeyUpdate(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  bool request_peer = false;
  if (!ArgIsNullish(info, 0) && !ArgBool(info, 0, "requestPeer", &request_peer)) return {};
  if (SSL_key_update(ssl, request_peer ? SSL_KEY_UPDATE_REQUESTED : SSL_KEY_UPDATE_NOT_REQUESTED) != 1)
    return ThrowOpenSSL(env, "SSL_key_update");
  return env.Undefined();
}

Napi::Value ConnectionWrap::GetVerifyResult(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  return Napi::Number::New(env, static_cast<double>(SSL_get_verify_result(ssl)));
}

Napi::Value ConnectionWrap::GetSelectedSrtpProfile(const Napi::CallbackInfo& info) {
  SSL_OR_RETURN
  SRTP_PROTECTION_PROFILE* p = SSL_get_selected_srtp_profile(ssl);
  return Napi::String::New(env, p == nullptr ? "" : p->name);
}

void ConnectionWrap::Init(Napi::Env env, Napi::Object exports) {
  Define(env, exports,
         {
             Method<&ConnectionWrap::Handshake>("handshake"),
             Method<&ConnectionWrap::Read>("read"),
             Method<&ConnectionWrap::ReadInto>("readInto"),
             Method<&ConnectionWrap::Write>("write"),
             Method<&ConnectionWrap::BioRead>("bioRead"),
             Method<&ConnectionWrap::BioReadInto>("bioReadInto"),
             Method<&ConnectionWrap::BioWrite>("bioWrite"),
             Method<&ConnectionWrap::BioShutdown>("bioShutdown"),
             Method<&ConnectionWrap::BioPending>("bioPending"),
             Method<&ConnectionWrap::Pump>("pump"),
             Method<&ConnectionWrap::PumpInto>("pumpInto"),
             Method<&ConnectionWrap::LastStatus>("lastStatus"),
             Method<&ConnectionWrap::Feed>("feed"),
             Method<&ConnectionWrap::Seal>("seal"),
             Method<&ConnectionWrap::LastWritten>("lastWritten"),
             Method<&ConnectionWrap::Shutdown>("shutdown"),
             Method<&ConnectionWrap::GetShutdown>("getShutdown"),
             Method<&ConnectionWrap::SetShutdown>("setShutdown"),
             Method<&ConnectionWrap::Pending>("pending"),
             Method<&ConnectionWrap::WantRead>("wantRead"),
             Method<&ConnectionWrap::WantWrite>("wantWrite"),
             Method<&ConnectionWrap::Renegotiate>("renegotiate"),
             Method<&ConnectionWrap::RenegotiatePending>("renegotiatePending"),
             Method<&ConnectionWrap::TotalRenegotiations>("totalRenegotiations"),
             Method<&ConnectionWrap::SetConnectState>("setConnectState"),
             Method<&ConnectionWrap::SetAcceptState>("setAcceptState"),
             Method<&ConnectionWrap::IsServer>("isServer"),
             Method<&ConnectionWrap::IsInitFinished>("isInitFinished"),
             Method<&ConnectionWrap::SetContext>("setContext"),
             Method<&ConnectionWrap::SetVerify>("setVerify"),
             Method<&ConnectionWrap::GetVerifyMode>("getVerifyMode"),
             Method<&ConnectionWrap::UseCertificate>("useCertificate"),
             Method<&ConnectionWrap::UsePrivatekey>("usePrivatekey"),
             Method<&ConnectionWrap::SetOptions>("setOptions"),
             Method<&ConnectionWrap::ClearOptions>("clearOptions"),
             Method<&ConnectionWrap::GetOptions>("getOptions"),
             Method<&ConnectionWrap::SetAlpnProtos>("setAlpnProtos"),
             Method<&ConnectionWrap::GetAlpnProtoNegotiated>("getAlpnProtoNegotiated"),
             Method<&ConnectionWrap::SetInfoCallback>("setInfoCallback"),
             Method<&ConnectionWrap::SetTlsextHostName>("setTlsextHostName"),
             Method<&ConnectionWrap::GetServername>("getServername"),
             Method<&ConnectionWrap::GetPeerCertificate>("getPeerCertificate"),
             Method<&ConnectionWrap::GetPeerCertChain>("getPeerCertChain"),
             Method<&ConnectionWrap::GetVerifiedChain>("getVerifiedChain"),
             Method<&ConnectionWrap::GetCertificate>("getCertificate"),
             Method<&ConnectionWrap::GetCipherName>("getCipherName"),
             Method<&ConnectionWrap::GetCipherBits>("getCipherBits"),
             Method<&ConnectionWrap::GetCipherVersion>("getCipherVersion"),
             Method<&ConnectionWrap::GetCipherList>("getCipherList"),
             Method<&ConnectionWrap::GetProtocolVersion>("getProtocolVersion"),
             Method<&ConnectionWrap::GetProtocolVersionName>("getProtocolVersionName"),
             Method<&ConnectionWrap::GetGroupName>("getGroupName"),
             Method<&ConnectionWrap::GetFinished>("getFinished"),
             Method<&ConnectionWrap::GetPeerFinished>("getPeerFinished"),
             Method<&ConnectionWrap::ClientRandom>("clientRandom"),
             Method<&ConnectionWrap::ServerRandom>("serverRandom"),
             Method<&ConnectionWrap::MasterKey>("masterKey"),
             Method<&ConnectionWrap::ExportKeyingMaterial>("exportKeyingMaterial"),
             Method<&ConnectionWrap::GetSession>("getSession"),
             Method<&ConnectionWrap::SetSession>("setSession"),
             Method<&ConnectionWrap::GetClientCaList>("getClientCaList"),
             Method<&ConnectionWrap::GetStateString>("getStateString"),
             Method<&ConnectionWrap::RequestOcsp>("requestOcsp"),
             Method<&ConnectionWrap::SetHost>("setHost"),
             Method<&ConnectionWrap::SetIpAddress>("setIpAddress"),
             Method<&ConnectionWrap::SessionReused>("sessionReused"),
             Method<&ConnectionWrap::GetPeerTmpKey>("getPeerTmpKey"),
             Method<&ConnectionWrap::GetSharedSigalgs>("getSharedSigalgs"),
             Method<&ConnectionWrap::KeyUpdate>("keyUpdate"),
             Method<&ConnectionWrap::GetVerifyResult>("getVerifyResult"),
             Method<&ConnectionWrap::WriteEarlyData>("writeEarlyData"),
             Method<&ConnectionWrap::GetPeerSignature>("getPeerSignature"),
             Method<&ConnectionWrap::GetMaxFragmentLength>("getMaxFragmentLength"),
             Method<&ConnectionWrap::SetPostHandshakeAuth>("setPostHandshakeAuth"),
             Method<&ConnectionWrap::VerifyClientPostHandshake>("verifyClientPostHandshake"),
             Method<&ConnectionWrap::ReadEarlyData>("readEarlyData"),
             Method<&ConnectionWrap::GetEarlyDataStatus>("getEarlyDataStatus"),
             Method<&ConnectionWrap::SetMaxEarlyData>("setMaxEarlyData"),
             Method<&ConnectionWrap::GetMaxEarlyData>("getMaxEarlyData"),
             Method<&ConnectionWrap::SetRecvMaxEarlyData>("setRecvMaxEarlyData"),
             Method<&ConnectionWrap::GetSelectedSrtpProfile>("getSelectedSrtpProfile"),
         });
}

namespace {
Module registration(&ConnectionWrap::Init);
}

}  // namespace ossl
