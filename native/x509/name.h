// X509_NAME: an owned name, or a live view into a certificate's/CSR's/CRL's name.
#pragma once
#include <napi.h>

#include <cstdint>

#include "common/wrap.h"

namespace ossl {

// An object that has names (X509: subject and issuer; X509_REQ: subject; X509_CRL: issuer).
// A view asks it for the current pointer on every access, and is stale once the owner replaced
// that name (setSubject/setIssuer), as in pyOpenSSL.
class NameOwner {
 public:
  virtual ~NameOwner() = default;
  // The current name (borrowed) or null if the owner was freed.
  virtual X509_NAME* OwnedName(int which) = 0;
  // Bumped each time the owner replaces that name.
  virtual uint64_t NameGeneration(int which) const = 0;
};

class X509NameWrap : public Wrapper<X509NameWrap, X509_NAME, X509_NAME_free> {
 public:
  static constexpr const char* kName = "X509Name";
  static void Init(Napi::Env env, Napi::Object exports);
  explicit X509NameWrap(const Napi::CallbackInfo& info);

  static Napi::Value NewOwned(Napi::Env env, X509NamePtr name);
  // A live view of owner's name `which`; `owner_object` is kept alive by the view.
  static Napi::Value NewView(Napi::Env env, Napi::Object owner_object, NameOwner* owner, int which);

  // The name this wrapper stands for, or null with an exception pending (freed, stale).
  X509_NAME* Name(Napi::Env env);
  // The X509_NAME behind argument i.
  static X509_NAME* NameArg(const Napi::CallbackInfo& info, size_t i, const char* arg);
  // free() on a view lets go of its owner.
  void BeforeFree() {
    owner_ = nullptr;
    owner_ref_.Reset();
  }

 private:
  Napi::Value GetEntry(const Napi::CallbackInfo& info);
  Napi::Value SetEntry(const Napi::CallbackInfo& info);
  Napi::Value GetComponents(const Napi::CallbackInfo& info);
  Napi::Value Oneline(const Napi::CallbackInfo& info);
  Napi::Value Rfc2253(const Napi::CallbackInfo& info);
  Napi::Value Der(const Napi::CallbackInfo& info);
  Napi::Value Hash(const Napi::CallbackInfo& info);
  Napi::Value Compare(const Napi::CallbackInfo& info);
  Napi::Value EntryCount(const Napi::CallbackInfo& info);
  Napi::Value IsView(const Napi::CallbackInfo& info);
  Napi::Value Copy(const Napi::CallbackInfo& info);

  NameOwner* owner_ = nullptr;
  Napi::ObjectReference owner_ref_;
  int which_ = 0;
  uint64_t generation_ = 0;
};

}  // namespace ossl
