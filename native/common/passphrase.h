// The passphrase bridge for PEM reads and writes: a fixed passphrase (string/Buffer) or a JS
// callback `(writing: boolean) => string | Buffer`. Without one, an encrypted key fails cleanly
// instead of OpenSSL prompting on the terminal.
#pragma once
#include <napi.h>
#include <openssl/pem.h>

#include <string>

#include "common/args.h"
#include "common/bridge.h"

namespace ossl {

// The one rule for a passphrase a callback returned, used by every passphrase callback (PEM
// loads and dumps here, a Context's key files in ssl/context.cc): a string (UTF-8) or bytes,
// copied into OpenSSL's buffer of `size` bytes. Longer is cut to `size` where `truncate` (the
// Context's callback is told maxLength, as in pyOpenSSL) and refused otherwise. Returns the
// length, or -1 with a coded error stored in the bridge: the OpenSSL call then fails, and the
// driving method throws that error.
int DeliverPassphrase(CallbackBridge& bridge, const Napi::Value& result, char* buf, int size, bool truncate);

class Passphrase {
 public:
  // Reads info[i] (nullish, string, Buffer/Uint8Array, or function). False with an exception pending.
  bool Read(const Napi::CallbackInfo& info, size_t i, const char* name);
  bool present() const { return has_bytes_ || !fn_.IsEmpty(); }
  // A JS function: OpenSSL calls JS while it reads the key, so the key's bytes must be our own.
  bool calls_js() const { return !fn_.IsEmpty(); }

  // OpenSSL's pem_password_cb; `u` is this object.
  static int Callback(char* buf, int size, int rwflag, void* u);

  // After the OpenSSL call: rethrows a callback's exception or our complaint about a passphrase.
  // Returns true if it threw.
  bool ThrowIfFailed(Napi::Env env);

  CallbackBridge& bridge() { return bridge_; }

 private:
  bool has_bytes_ = false;
  std::string bytes_;
  Napi::FunctionReference fn_;
  CallbackBridge bridge_;
};

}  // namespace ossl
