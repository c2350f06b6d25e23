// Native socket I/O for a socket-mode Connection: OpenSSL reads and writes the TCP socket itself
// (through a transport BIO on a duplicate of the net.Socket's descriptor, watched by a libuv poll
// handle), so ciphertext never crosses into JS. JS sees one event per batch of plaintext (up to a
// 64 KiB slab) and one call per write. lib/ssl/native-engine.ts drives it; the net.Socket stays
// the owner of the connection's lifetime (it is destroyed after sockClose).
#pragma once
#include <napi.h>
#include <openssl/ssl.h>

#include "common/addon_data.h"

namespace ossl {

class ConnectionWrap;
struct FdTransport;
struct PollHandle;

class SocketIo {
 public:
  // Events passed to the JS handler as onEvent(kind, a, b).
  enum Event : int {
    kSecure = 1,       // the first handshake completed
    kData = 2,         // a = slab (or the reader's buffer), b = offset, c = length: decrypted bytes
    kCloseNotify = 3,  // the peer's close_notify
    kError = 4,        // a = the error (OpenSSLError, SysCallError, or a callback's own exception)
    kEof = 5,          // the peer closed the TCP stream without close_notify
    kDrain = 6,        // every queued byte reached the kernel
    kEnded = 7,        // our FIN went out (after everything queued)
  };

  // Stops polling, closes the descriptor and lets go of the Connection; never calls into JS.
  static void Detach(SocketIo* io);

  static void Init(Napi::Env env, Napi::Object exports);

 private:
  class Running;

  SocketIo(Napi::Env env, ConnectionWrap* conn, Napi::Object conn_obj, Napi::Function on_event);
  ~SocketIo();

  static Napi::Value Attach(const Napi::CallbackInfo& info);
  static Napi::Value Start(const Napi::CallbackInfo& info);
  static Napi::Value Write(const Napi::CallbackInfo& info);
  static Napi::Value Pause(const Napi::CallbackInfo& info);
  static Napi::Value ReadInto(const Napi::CallbackInfo& info);
  static Napi::Value End(const Napi::CallbackInfo& info);
  static Napi::Value Shutdown(const Napi::CallbackInfo& info);
  static Napi::Value MakeError(const Napi::CallbackInfo& info);
  static Napi::Value Queued(const Napi::CallbackInfo& info);
  static Napi::Value Close(const Napi::CallbackInfo& info);
  static SocketIo* From(const Napi::CallbackInfo& info);
  static void OnPoll(void* poll, int status, int events);
  static void CleanupHook(void* arg);

  // One round: advance the handshake, decrypt what is there, flush what is queued.
  void Advance(Napi::Env env);
  void ReadLoop(Napi::Env env);
  // Bounced plaintext (ConnectionWrap::MayCallJs) into the reader's buffer as it is now, or a new
  // Buffer; false with the error pending when a callback detached or shrank the reader's buffer.
  bool Unbounce(Napi::Env env, const unsigned char* data, size_t n, Napi::Value* holder);
  // The reader's (onread) buffer as it is now: false when it is detached or empty.
  bool ReaderView(Napi::Env env, Napi::Value* holder, unsigned char** data, size_t* len);
  // Where the next batch of plaintext goes: the reader's own buffer, or the tail of the shared
  // slab (*shared: the read must claim what it filled), or a fresh buffer while that is busy.
  bool ReadTarget(Napi::Env env, Napi::Value* holder, unsigned char** base, size_t* cap,
                  AddonData::ReadSlab** shared);
  void Flush(Napi::Env env);
  // Ends the pump with the error of SSL call `op` that returned `ret` (or a transport condition).
  void Fail(Napi::Env env, int ret, const char* op);
  // Calls the JS handler; false once the pump is closed (by the handler or before).
  bool Emit(Napi::Env env, Event kind, Napi::Value a = Napi::Value(), Napi::Value b = Napi::Value(),
            Napi::Value c = Napi::Value());
  void UpdatePoll();

  napi_env env_;
  ConnectionWrap* conn_;
  SSL* ssl_;                    // our own reference
  FdTransport* transport_;      // owned by the transport BIO (which the SSL owns)
  void* poll_ = nullptr;        // uv_poll_t
  napi_async_context async_ = nullptr;
  int fd_ = -1;                 // the duplicate descriptor (ours)
  int poll_events_ = 0;
  Napi::ObjectReference conn_ref_;  // strong: the Connection lives while its socket is pumped
  Napi::FunctionReference on_event_;
  // The reader's buffer (onread): every batch lands at its start, reused once the event returns.
  Napi::Reference<Napi::Value> target_;
  bool handshake_done_ = false;
  bool paused_ = false;
  bool read_done_ = false;   // close_notify, EOF or error: no more reading
  bool end_wanted_ = false;  // FIN after the queue drains
  bool ended_ = false;
  bool closed_ = false;
  bool in_js_ = false;       // driven by a JS call (a handler's exception propagates to it)
  bool in_cleanup_ = false;
  bool linger_ = false;      // failed with an alert: the descriptor lingers after Detach (Lingerer)
  bool write_waits_peer_ = false;  // SSL_write stopped for a renegotiation: retried once it is over
  int running_ = 0;          // > 0 while driving (deletion is then deferred)
};

}  // namespace ossl
