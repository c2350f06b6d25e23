// One wrapper base for every OpenSSL type: a JS object owns exactly one OpenSSL reference, can be
// released early with free(), throws a clear error when used after that, and is recognised by a
// Node-API type tag (never by duck typing), so a wrong object is a TypeError, not a bad cast.
//
// A subclass declares:
//   static constexpr const char* kName = "X509";      // JS class name, used in messages
//   static void Init(Napi::Env, Napi::Object exports); // calls Define(...)
// and builds its own OpenSSL object in its constructor unless IsAdopting(info).
#pragma once
#include <napi.h>

#include <string>
#include <utility>
#include <vector>

#include "addon_data.h"
#include "bridge.h"
#include "errors.h"
#include "ptr.h"

namespace ossl {

template <class Self, class T, void (*FreeFn)(T*)>
class Wrapper : public Napi::ObjectWrap<Self> {
 public:
  using Handle = Ptr<T, FreeFn>;

  explicit Wrapper(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Self>(info) {
    napi_type_tag_object(info.Env(), info.This(), &TypeTag());
    // OpenSSL objects live in one thread's heap: postMessage() of one fails at once (see AddonData).
    AddonData* data = GetAddonData(info.Env());
    if (data != nullptr && !data->clone_guard.IsEmpty())
      napi_set_named_property(info.Env(), info.This(), "cannotCrossThreads", data->clone_guard.Value());
  }

  // The owned object, or null after free().
  T* get() const { return handle_.get(); }

  // The owned object; after free() throws "<Name> has been freed" and returns null.
  T* Live(Napi::Env env) const {
    if (handle_ == nullptr) {
      ThrowStateError(env, std::string(Self::kName) + " has been freed", "ERR_OPENSSL_NAPI_FREED");
    }
    return handle_.get();
  }

  // Replaces the owned object (used by constructors and setters that build a new one). The old
  // one may still be in use by OpenSSL if a callback is running: see ReleaseSafely (bridge.h).
  void Reset(Handle h) {
    ReleaseSafely(handle_);
    handle_ = std::move(h);
  }

  // True when this constructor call comes from Adopt(): the object arrives afterwards.
  static bool IsAdopting(const Napi::CallbackInfo& info) {
    if (info.Length() != 1 || !info[0].IsObject()) return false;
    AddonData* data = GetAddonData(info.Env());
    return !data->adopt_token.IsEmpty() && info[0].StrictEquals(data->adopt_token.Value());
  }

  // Wraps an owned OpenSSL object in a new JS instance.
  static Napi::Value Adopt(Napi::Env env, Handle h) {
    if (h == nullptr) return env.Null();
    AddonData* data = GetAddonData(env);
    auto it = data->constructors.find(&TypeTag());
    if (it == data->constructors.end()) return ThrowStateError(env, std::string(Self::kName) + " is not registered");
    if (data->adopt_token.IsEmpty()) data->adopt_token = Napi::Persistent(Napi::Object::New(env));
    Napi::Object obj = it->second.New({data->adopt_token.Value()});
    // In an environment that is stopping (worker.terminate()) the constructor does not run: no
    // wrapper to hand the object to, and `h` frees it.
    Self* w = obj.IsEmpty() || ExceptionPending(env) ? nullptr : Self::Unwrap(obj);
    if (w == nullptr) return Napi::Value();
    w->handle_ = std::move(h);
    return obj;
  }

  // The wrapper behind a JS value, checked by type tag; throws a TypeError naming the argument.
  static Self* FromValue(Napi::Env env, Napi::Value v, const char* arg) {
    bool ok = false;
    if (v.IsObject()) napi_check_object_type_tag(env, v, &TypeTag(), &ok);
    if (!ok) {
      ThrowTypeError(env, std::string("The \"") + arg + "\" argument must be a native " + Self::kName + " handle");
      return nullptr;
    }
    return Self::Unwrap(v.As<Napi::Object>());
  }

  // FromValue + Live: the OpenSSL object behind a JS argument, or null with an exception pending.
  static T* Arg(const Napi::CallbackInfo& info, size_t i, const char* arg) {
    Self* w = FromValue(info.Env(), i < info.Length() ? info[i] : info.Env().Undefined(), arg);
    return w == nullptr ? nullptr : w->Live(info.Env());
  }

  static bool Is(Napi::Env env, Napi::Value v) {
    bool ok = false;
    if (v.IsObject()) napi_check_object_type_tag(env, v, &TypeTag(), &ok);
    return ok;
  }

 protected:
  using MethodPtr = typename Napi::ObjectWrap<Self>::InstanceMethodCallback;

  // An instance method under the error-queue discipline (NativeCall, errors.h). Every class
  // defines its methods through this, never with InstanceMethod directly.
  template <Napi::Value (Self::*M)(const Napi::CallbackInfo&)>
  static typename Napi::ObjectWrap<Self>::PropertyDescriptor Method(const char* name) {
    return Napi::ObjectWrap<Self>::InstanceMethod(name, static_cast<MethodPtr>(&Wrapper::template Entry<M>));
  }

  // Defines the JS class with free()/isFreed() added, and registers its constructor.
  static void Define(Napi::Env env, Napi::Object exports,
                     std::vector<typename Napi::ObjectWrap<Self>::PropertyDescriptor> props) {
    props.push_back(Napi::ObjectWrap<Self>::InstanceMethod("free", &Wrapper::FreeMethod));
    props.push_back(Napi::ObjectWrap<Self>::InstanceMethod("isFreed", &Wrapper::IsFreedMethod));
    Napi::Function ctor = Napi::ObjectWrap<Self>::DefineClass(env, Self::kName, props);
    GetAddonData(env)->constructors[&TypeTag()] = Napi::Persistent(ctor);
    exports.Set(Self::kName, ctor);
  }

  // Called by free() before the handle is released (e.g. to detach callbacks). Default: nothing.
  void BeforeFree() {}

  Handle handle_;

 private:
  static const napi_type_tag& TypeTag() {
    // One tag per wrapper class: the address of this function's static is unique per Self.
    static const napi_type_tag tag = MakeTag();
    return tag;
  }
  static napi_type_tag MakeTag() {
    static const char marker = 0;
    const auto bits = reinterpret_cast<uintptr_t>(&marker);
    return napi_type_tag{0x6f70656e73736c00ULL ^ static_cast<uint64_t>(bits), static_cast<uint64_t>(bits)};
  }

  template <Napi::Value (Self::*M)(const Napi::CallbackInfo&)>
  Napi::Value Entry(const Napi::CallbackInfo& info) {
    NativeCall call;
    return (static_cast<Self*>(this)->*M)(info);
  }

  Napi::Value FreeMethod(const Napi::CallbackInfo& info) {
    static_cast<Self*>(this)->BeforeFree();
    ReleaseSafely(handle_);
    return info.Env().Undefined();
  }
  Napi::Value IsFreedMethod(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), handle_ == nullptr);
  }
};

// Self-registration: each area file declares `static ossl::Module reg(&Init);` so that adding a
// class means adding a file to sources.json, never editing a central list.
using ModuleInit = void (*)(Napi::Env env, Napi::Object exports);
std::vector<ModuleInit>& ModuleRegistry();
struct Module {
  explicit Module(ModuleInit init) { ModuleRegistry().push_back(init); }
};

}  // namespace ossl
