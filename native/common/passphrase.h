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

class Passphrase {
 public:
  // Reads info[i] (nullish, string, Buffer/Uint8Array, or function). False with an exception pending.
  bool Read(const Napi::CallbackInfo& info, size_t i, const char* name);
  bool present() const { return has_bytes_ || !fn_.IsEmpty(); }

  // OpenSSL's pem_password_cb; `u` is this object.
  static int Callback(char* buf, int size, int rwflag, void* u);

  // After the OpenSSL call: rethrows a callback exception or reports a bad callback result.
  // Returns true if it threw.
  bool ThrowIfFailed(Napi::Env env);

  CallbackBridge& bridge() { return bridge_; }

 private:
  bool has_bytes_ = false;
  std::string bytes_;
  Napi::FunctionReference fn_;
  CallbackBridge bridge_;
  std::string problem_;  // our own complaint about a passphrase (too long, wrong type)
};

}  // namespace ossl
