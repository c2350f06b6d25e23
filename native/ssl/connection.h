// SSL: the Connection. Memory-BIO mode (two BIO_s_mem, like pyOpenSSL). The hot methods return
// status numbers (SSLStatus in common/errors.h) instead of building exception objects; lib/ssl
// maps them to WantReadError & co. Socket mode and DTLS build on the same object later.
#pragma once
#include <napi.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "common/args.h"
#include "common/bridge.h"
#include "common/wrap.h"

namespace ossl {

class ContextWrap;
class SocketIo;
class ConnectionWrap;

// A JS call (or a socket event) driving OpenSSL on a connection: opens the callback bridge, marks
// the connection active (for callbacks that only get an SSL_CTX), and holds an extra SSL reference
// so that a callback calling free() cannot pull the SSL out from under OpenSSL.
class ConnectionDrive {
 public:
  ConnectionDrive(ConnectionWrap* c, SSL* ssl, Napi::Env env);
  ~ConnectionDrive();
  ConnectionDrive(const ConnectionDrive&) = delete;
  ConnectionDrive& operator=(const ConnectionDrive&) = delete;

 private:
  CallbackBridge::Scope scope_;
  ConnectionWrap* c_;
  ConnectionWrap* saved_;
  SSL* ssl_;
};

class ConnectionWrap : public Wrapper<ConnectionWrap, SSL, SSL_free> {
 public:
  static constexpr const char* kName = "Connection";
  static void Init(Napi::Env env, Napi::Object exports);
  explicit ConnectionWrap(const Napi::CallbackInfo& info);
  ~ConnectionWrap() override;
  void BeforeFree();

  static ConnectionWrap* FromSSL(const SSL* ssl);
  static int ExIndex();

  // The TS Connection object: the handle's own `_owner` property (set by lib/ssl/connection.ts),
  // read only when a callback needs it (no per-connection reference or extra call), or undefined.
  Napi::Value Owner(Napi::Env env) const;

  CallbackBridge bridge;
  // Per-connection callbacks live on the TS object (fields _verifyHook/_infoHook), not here, so a
  // callback that captures its Connection does not pin it through a strong native reference.
  Napi::Function OwnerHook(Napi::Env env, const char* name) const;
  bool info_fn_set = false;
  std::string alpn_selected;          // keeps the ALPN select callback's answer alive
  std::string psk_identity;           // keeps the TLS 1.3 PSK identity alive
  bool verify_fn_set = false;
  int driving = 0;                    // >0 while a JS call drives OpenSSL on this SSL
  // >0 while a servername or client-hello callback runs: the one point of a handshake where the
  // SSL_CTX may change (before the certificate is chosen; SSL_set_SSL_CTX frees the SSL's CERT,
  // which the handshake points into from then on).
  int switching_context = 0;
  SocketIo* socket_io = nullptr;      // native socket I/O (ssl/socket_io.cc), while attached
  // The Context the SSL was made from: its session context (the SSL holds a reference), which an
  // SNI switch does not change (ssl/tickets.cc looks for ticket keys there).
  const SSL_CTX* created_ctx = nullptr;

  // True when OpenSSL may call JS from inside a read or write on `ssl`: a JS callback is set on
  // it or its Context (TLS 1.2 renegotiation can run any of them mid-stream; TLS 1.3 tickets,
  // key updates and post-handshake authentication some). Memory that JS owns is then not handed
  // to OpenSSL across the call: a callback could detach it (transfer its ArrayBuffer) and have
  // it freed under OpenSSL's read or write. See Bounce.
  bool MayCallJs(const SSL* ssl) const;

  // A client: a session set for resumption whose peer certificate does not match the name (or IP)
  // set to check, or whose peer key is not one of the expected raw public keys, is dropped, so the
  // handshake is a full one that checks it. OpenSSL checks names and expected keys only when it
  // verifies the peer, which a resumed handshake does not do.
  void DropMismatchedSession(SSL* ssl);

  // rpkAddExpected (ssl/rpk.cc): `key` is a key the peer may present. A
  // client drops a set session whose key is not one of them; a server binds its sessions to the
  // set (the session id context becomes a digest of it), so a session made under other
  // expectations is never resumed. False with nothing changed when OpenSSL refuses.
  bool ExpectRawPublicKey(SSL* ssl, EVP_PKEY* key);

  // The name rpkAddExpected's DANE base domain must keep: the one setHost set (DANE replaces the
  // host to check with its base domain), else the SNI name; null when there is neither.
  const char* DaneBaseDomain(const SSL* ssl) const;

  // The connection failed or its socket closed: its record buffers (about 36 KiB) go back now
  // instead of when the GC collects it; what its queries read stays.
  void Ended(SSL* ssl);

  // Replaces the memory BIOs by one transport BIO (the SSL takes ownership of `bio`): the BIO
  // methods then throw ThrowSocketMode's error, as in socket mode.
  void UseTransport(BIO* bio);

  // Server, TLS 1.3 0-RTT over a socket: whether the pump reads the client's early data
  // (SSL_read_early_data) before it drives the handshake. Decided at the first step: a server
  // that allows early data (a max early data above 0) and has not begun its handshake.
  bool ReadsEarlyData(SSL* ssl);
  // One SSL_read_early_data into `dst`: 1 with *n bytes, 0 once the early data is over (the
  // handshake goes on as usual), -1 for SSLResult(ssl, 0) (want read, failure).
  int EarlyRead(SSL* ssl, unsigned char* dst, size_t cap, size_t* n);

 private:
  Napi::Value Handshake(const Napi::CallbackInfo& info);
  Napi::Value Read(const Napi::CallbackInfo& info);
  Napi::Value ReadInto(const Napi::CallbackInfo& info);
  Napi::Value Write(const Napi::CallbackInfo& info);
  Napi::Value BioRead(const Napi::CallbackInfo& info);
  Napi::Value BioReadInto(const Napi::CallbackInfo& info);
  Napi::Value BioWrite(const Napi::CallbackInfo& info);
  Napi::Value BioShutdown(const Napi::CallbackInfo& info);
  Napi::Value BioPending(const Napi::CallbackInfo& info);
  Napi::Value Pump(const Napi::CallbackInfo& info);
  Napi::Value PumpInto(const Napi::CallbackInfo& info);
  Napi::Value LastStatus(const Napi::CallbackInfo& info);
  Napi::Value Feed(const Napi::CallbackInfo& info);
  Napi::Value Seal(const Napi::CallbackInfo& info);
  Napi::Value LastWritten(const Napi::CallbackInfo& info);
  Napi::Value Shutdown(const Napi::CallbackInfo& info);
  Napi::Value GetShutdown(const Napi::CallbackInfo& info);
  Napi::Value SetShutdown(const Napi::CallbackInfo& info);
  Napi::Value Pending(const Napi::CallbackInfo& info);
  Napi::Value WantRead(const Napi::CallbackInfo& info);
  Napi::Value WantWrite(const Napi::CallbackInfo& info);
  Napi::Value Renegotiate(const Napi::CallbackInfo& info);
  Napi::Value RenegotiatePending(const Napi::CallbackInfo& info);
  Napi::Value TotalRenegotiations(const Napi::CallbackInfo& info);
  Napi::Value SetConnectState(const Napi::CallbackInfo& info);
  Napi::Value SetAcceptState(const Napi::CallbackInfo& info);
  Napi::Value IsServer(const Napi::CallbackInfo& info);
  Napi::Value IsInitFinished(const Napi::CallbackInfo& info);
  Napi::Value SetContext(const Napi::CallbackInfo& info);
  Napi::Value SetVerify(const Napi::CallbackInfo& info);
  Napi::Value GetVerifyMode(const Napi::CallbackInfo& info);
  Napi::Value UseCertificate(const Napi::CallbackInfo& info);
  Napi::Value UsePrivatekey(const Napi::CallbackInfo& info);
  Napi::Value SetOptions(const Napi::CallbackInfo& info);
  Napi::Value ClearOptions(const Napi::CallbackInfo& info);
  Napi::Value GetOptions(const Napi::CallbackInfo& info);
  Napi::Value SetAlpnProtos(const Napi::CallbackInfo& info);
  Napi::Value GetAlpnProtoNegotiated(const Napi::CallbackInfo& info);
  Napi::Value SetInfoCallback(const Napi::CallbackInfo& info);
  Napi::Value SetTlsextHostName(const Napi::CallbackInfo& info);
  Napi::Value GetServername(const Napi::CallbackInfo& info);
  Napi::Value GetPeerCertificate(const Napi::CallbackInfo& info);
  Napi::Value GetPeerCertChain(const Napi::CallbackInfo& info);
  Napi::Value GetVerifiedChain(const Napi::CallbackInfo& info);
  Napi::Value GetCertificate(const Napi::CallbackInfo& info);
  Napi::Value GetCipherName(const Napi::CallbackInfo& info);
  Napi::Value GetCipherBits(const Napi::CallbackInfo& info);
  Napi::Value GetCipherVersion(const Napi::CallbackInfo& info);
  Napi::Value GetCipherList(const Napi::CallbackInfo& info);
  Napi::Value GetProtocolVersion(const Napi::CallbackInfo& info);
  Napi::Value GetProtocolVersionName(const Napi::CallbackInfo& info);
  Napi::Value GetGroupName(const Napi::CallbackInfo& info);
  Napi::Value GetFinished(const Napi::CallbackInfo& info);
  Napi::Value GetPeerFinished(const Napi::CallbackInfo& info);
  Napi::Value ClientRandom(const Napi::CallbackInfo& info);
  Napi::Value ServerRandom(const Napi::CallbackInfo& info);
  Napi::Value MasterKey(const Napi::CallbackInfo& info);
  Napi::Value ExportKeyingMaterial(const Napi::CallbackInfo& info);
  Napi::Value GetSession(const Napi::CallbackInfo& info);
  Napi::Value SetSession(const Napi::CallbackInfo& info);
  Napi::Value GetClientCaList(const Napi::CallbackInfo& info);
  Napi::Value GetStateString(const Napi::CallbackInfo& info);
  Napi::Value RequestOcsp(const Napi::CallbackInfo& info);
  Napi::Value SetHost(const Napi::CallbackInfo& info);
  Napi::Value SetIpAddress(const Napi::CallbackInfo& info);
  Napi::Value SessionReused(const Napi::CallbackInfo& info);
  Napi::Value GetPeerTmpKey(const Napi::CallbackInfo& info);
  Napi::Value GetSharedSigalgs(const Napi::CallbackInfo& info);
  Napi::Value KeyUpdate(const Napi::CallbackInfo& info);
  Napi::Value GetVerifyResult(const Napi::CallbackInfo& info);
  Napi::Value GetSelectedSrtpProfile(const Napi::CallbackInfo& info);
  Napi::Value WriteEarlyData(const Napi::CallbackInfo& info);
  Napi::Value GetPeerSignature(const Napi::CallbackInfo& info);
  Napi::Value GetMaxFragmentLength(const Napi::CallbackInfo& info);
  Napi::Value SetPostHandshakeAuth(const Napi::CallbackInfo& info);
  Napi::Value VerifyClientPostHandshake(const Napi::CallbackInfo& info);
  Napi::Value ReadEarlyData(const Napi::CallbackInfo& info);
  Napi::Value GetEarlyDataStatus(const Napi::CallbackInfo& info);
  Napi::Value SetMaxEarlyData(const Napi::CallbackInfo& info);
  Napi::Value GetMaxEarlyData(const Napi::CallbackInfo& info);
  Napi::Value SetRecvMaxEarlyData(const Napi::CallbackInfo& info);

  // Maps SSLResult: Want*/ZeroReturn -> a status number; a real error is thrown (returns
  // an empty value). Rethrows a callback's exception first.
  Napi::Value Status(Napi::Env env, SSL* ssl, int ret, const char* op);
  // Status() without boxing: false with the exception pending, else *status is set.
  bool StatusCode(Napi::Env env, SSL* ssl, int ret, const char* op, int* status);
  // One SSL_do_handshake step, inside the caller's Drive: a Want*/ZeroReturn status lands in
  // *status (left alone on success); false with the JS exception pending.
  bool HandshakeStep(Napi::Env env, SSL* ssl, int* status);


  // What the SSL holds that V8 cannot see, reported with napi_adjust_external_memory so that the
  // GC runs as often as that memory needs: an SSL in use (measured on OpenSSL 3.0: about 50 KiB
  // for a server connection that failed in its handshake: record buffers, handshake message
  // buffer and state), and one whose record buffers went back (Ended).
  static constexpr int64_t kLiveBytes = 56 * 1024;
  static constexpr int64_t kEndedBytes = 20 * 1024;
  void Account(int64_t bytes);
  int64_t accounted_ = 0;

  BIO* rbio_ = nullptr;  // owned by the SSL
  BIO* wbio_ = nullptr;  // owned by the SSL
  int last_status_ = 0;
  size_t last_written_ = 0;
  bool handshake_seen_ = false;  // feed(): the first handshake has completed
  enum class Early : unsigned char { kUndecided, kReading, kDone };
  Early early_ = Early::kUndecided;  // ReadsEarlyData
  std::string check_name_;           // setHost / setIpAddress: what the peer's certificate must match
  bool check_is_ip_ = false;
  std::vector<std::string> expected_rpks_;  // rpkAddExpected, as SubjectPublicKeyInfo DER
};

// Argument 0 of a free function on SSL objects: a live Context's SSL_CTX (when `context_ok`) or a
// live Connection's SSL (when `idle`, one not driven by a call of its own: its callbacks may not
// reconfigure it), for the functions OpenSSL has in both forms (SSL_CTX_x, SSL_x). Empty, with the
// error pending, for anything else. Checked first, before anything that depends on the OpenSSL
// version, so that a freed object says so whatever OpenSSL runs; taken again after the other
// arguments are read, since reading them may run JS that frees the object.
struct SslTarget {
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  explicit operator bool() const { return ctx != nullptr || ssl != nullptr; }
};
SslTarget LiveSslTarget(const Napi::CallbackInfo& info, bool context_ok, bool idle = false);

// Where OpenSSL reads or writes plaintext while it may call JS (ConnectionWrap::MayCallJs): memory
// of our own, copied from or into the caller's buffer outside the OpenSSL call. Otherwise the
// caller's memory itself (no copy on the hot path).
class Bounce {
 public:
  // `cap` bytes of our own when `needed`.
  Bounce(bool needed, size_t cap) : own_(needed ? new unsigned char[cap > 0 ? cap : 1] : nullptr) {}
  bool active() const { return own_ != nullptr; }
  // Where OpenSSL writes: ours when active, else `caller`.
  unsigned char* Target(unsigned char* caller) const { return own_ ? own_.get() : caller; }
  // Where OpenSSL reads `n` bytes of `src`: a copy when active (made before the call).
  const unsigned char* Source(const unsigned char* src, size_t n) {
    if (!own_) return src;
    std::memcpy(own_.get(), src, n);
    return own_.get();
  }
  const unsigned char* data() const { return own_.get(); }

 private:
  std::unique_ptr<unsigned char[]> own_;
};

// The same argument read again after a call that ran JS: false, with a TypeError pending, when
// it no longer has `needed` bytes (a callback detached or shrank it).
bool Reborrow(const Napi::CallbackInfo& info, size_t index, const char* name, size_t range_index, size_t needed,
              Bytes* out);

// What a memory-BIO method says on a Connection that runs over a socket (lib/ssl/socket-connection.ts
// says the same).
constexpr const char* kSocketModeMessage =
    "This Connection runs over a socket: the memory-BIO methods (bioRead, bioWrite, pump, ...) are for a "
    "Connection made without one";
Napi::Value ThrowSocketMode(Napi::Env env);

// False, with the JS error thrown, while a JS call drives OpenSSL on `c` (a call from its own
// callback would re-enter the SSL).
bool NotBusy(Napi::Env env, const ConnectionWrap* c);

}  // namespace ossl
