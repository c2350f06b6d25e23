#include "x509/name.h"

#include <openssl/err.h>

#include "common/args.h"

namespace ossl {
namespace {

// The NID for an attribute name as pyOpenSSL accepts it (short or long form).
int FieldNid(const std::string& field) {
  int nid = OBJ_txt2nid(field.c_str());
  return nid;
}

}  // namespace

X509NameWrap::X509NameWrap(const Napi::CallbackInfo& info) : Wrapper(info) {
  if (IsAdopting(info)) return;
  if (!ArgIsNullish(info, 0)) {
    X509_NAME* src = NameArg(info, 0, "name");
    if (src == nullptr) return;
    Reset(Handle(X509_NAME_dup(src)));
  } else {
    Reset(Handle(X509_NAME_new()));
  }
  if (get() == nullptr) ThrowOpenSSL(info.Env(), "X509_NAME_new");
}

Napi::Value X509NameWrap::NewOwned(Napi::Env env, X509NamePtr name) { return Adopt(env, std::move(name)); }

Napi::Value X509NameWrap::NewView(Napi::Env env, Napi::Object owner_object, NameOwner* owner, int which) {
  // Views own nothing: the adopted handle stays null, and Name() resolves through the owner.
  AddonData* data = GetAddonData(env);
  (void)data;
  Napi::Value v = Adopt(env, X509NamePtr(X509_NAME_new()));
  X509NameWrap* w = v.IsObject() && !ExceptionPending(env) ? Unwrap(v.As<Napi::Object>()) : nullptr;
  if (w == nullptr) return Napi::Value();  // (an environment that is stopping)
  w->handle_.reset();
  w->owner_ = owner;
  w->owner_ref_ = Napi::Persistent(owner_object);
  w->which_ = which;
  w->generation_ = owner->NameGeneration(which);
  return v;
}

X509_NAME* X509NameWrap::Name(Napi::Env env) {
  if (owner_ == nullptr) return Live(env);
  if (owner_->NameGeneration(which_) != generation_) {
    ThrowStateError(env, "This X509Name view is stale: its owner's name was replaced (setSubject/setIssuer)",
                    "ERR_OPENSSL_NAPI_STALE_VIEW");
    return nullptr;
  }
  X509_NAME* n = owner_->OwnedName(which_);
  if (n == nullptr) ThrowStateError(env, "The object owning this X509Name has been freed", "ERR_OPENSSL_NAPI_FREED");
  return n;
}

X509_NAME* X509NameWrap::NameArg(const Napi::CallbackInfo& info, size_t i, const char* arg) {
  X509NameWrap* w = FromValue(info.Env(), i < info.Length() ? info[i] : info.Env().Undefined(), arg);
  return w == nullptr ? nullptr : w->Name(info.Env());
}

Napi::Value X509NameWrap::GetEntry(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  X509_NAME* name = Name(env);
  std::string field;
  if (name == nullptr || !ArgCString(info, 0, "field", &field)) return {};
  int nid = FieldNid(field);
  if (nid == NID_undef) {
    return ThrowTypeError(env, "No such X509Name attribute: " + field, "ERR_INVALID_ARG_VALUE");
  }
  int idx = X509_NAME_get_index_by_NID(name, nid, -1);
  if (idx < 0) return env.Null();
  const X509_NAME_ENTRY* entry = X509_NAME_get_entry(name, idx);
  const ASN1_STRING* data = entry == nullptr ? nullptr : X509_NAME_ENTRY_get_data(entry);
  if (data == nullptr) return env.Null();
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, data);
  if (len < 0) return ThrowOpenSSL(env, "ASN1_STRING_to_UTF8");
  BytesPtr owned(utf8);
  return Napi::String::New(env, reinterpret_cast<const char*>(utf8), static_cast<size_t>(len));
}

Napi::Value X509NameWrap::SetEntry(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  X509_NAME* name = Name(env);
  std::string field;
  Bytes value;
  if (name == nullptr || !ArgCString(info, 0, "field", &field) || !ArgBytes(info, 1, "value", &value)) return {};
  int nid = FieldNid(field);
  if (nid == NID_undef) {
    return ThrowTypeError(env, "No such X509Name attribute: " + field, "ERR_INVALID_ARG_VALUE");
  }
  // Replace: drop every existing entry of this type first.
  for (int idx = X509_NAME_get_index_by_NID(name, nid, -1); idx >= 0; idx = X509_NAME_get_index_by_NID(name, nid, -1)) {
    X509_NAME_ENTRY_free(X509_NAME_delete_entry(name, idx));
  }
  ERR_clear_error();
  // The length is explicit, so NUL bytes inside the value are kept.
  if (X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8, value.data, static_cast<int>(value.size), -1, 0) != 1)
    return ThrowOpenSSL(env, "X509_NAME_add_entry_by_NID");
  return env.Undefined();
}

Napi::Value X509NameWrap::GetComponents(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  X509_NAME* name = Name(env);
  if (name == nullptr) return {};
  const int n = X509_NAME_entry_count(name);
  Napi::Array out = Napi::Array::New(env, n);
  for (int i = 0; i < n; ++i) {
    const X509_NAME_ENTRY* e = X509_NAME_get_entry(name, i);
    const int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(e));
    const char* sn = nid == NID_undef ? "UNDEF" : OBJ_nid2sn(nid);
    const ASN1_STRING* data = X509_NAME_ENTRY_get_data(e);
    Napi::Array pair = Napi::Array::New(env, 2);
    pair.Set(0u, CopyBuffer(env, reinterpret_cast<const unsigned char*>(sn), std::strlen(sn)));
    pair.Set(1u, CopyBuffer(env, ASN1_STRING_get0_data(data), static_cast<size_t>(ASN1_STRING_length(data))));
    out.Set(static_cast<uint32_t>(i), pair);
  }
  return out;
}

Napi::Value X509NameWrap::Oneline(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  X509_NAME* name = Name(env);
  if (name == nullptr) return {};
  CharsPtr text(X509_NAME_oneline(name, nullptr, 0));
  if (text == nullptr) return ThrowOpenSSL(env, "X509_NAME_oneline");
  return Napi::String::New(env, text.get());
}

Napi::Value X509NameWrap::Rfc2253(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  X509_NAME* name = Name(env);
  if (name == nullptr) return {};
  BIOPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0)
    return ThrowOpenSSL(env, "X509_NAME_print_ex");
  return BioToString(env, bio.get());
}

Napi::Value X509NameWrap::Der(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  X509_NAME* name = Name(env);
  if (name == nullptr) return {};
  unsigned char* der = nullptr;
  int len = i2d_X509_NAME(name, &der);
  if (len < 0) return ThrowOpenSSL(env, "i2d_X509_NAME");
  BytesPtr owned(der);
  return CopyBuffer(env, der, static_cast<size_t>(len));
}

Napi::Value X509NameWrap::Hash(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  X509_NAME* name = Name(env);
  if (name == nullptr) return {};
  return Napi::Number::New(env, static_cast<double>(X509_NAME_hash_ex(name, nullptr, nullptr, nullptr)));
}

Napi::Value X509NameWrap::Compare(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  X509_NAME* name = Name(env);
  if (name == nullptr) return {};
  X509_NAME* other = NameArg(info, 0, "other");
  if (other == nullptr) return {};
  const int r = X509_NAME_cmp(name, other);
  return Napi::Number::New(env, r < 0 ? -1 : (r > 0 ? 1 : 0));
}

Napi::Value X509NameWrap::EntryCount(const Napi::CallbackInfo& info) {
  X509_NAME* name = Name(info.Env());
  if (name == nullptr) return {};
  return Napi::Number::New(info.Env(), X509_NAME_entry_count(name));
}

Napi::Value X509NameWrap::IsView(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), owner_ != nullptr); }

Napi::Value X509NameWrap::Copy(const Napi::CallbackInfo& info) {
  X509_NAME* name = Name(info.Env());
  if (name == nullptr) return {};
  X509NamePtr dup(X509_NAME_dup(name));
  if (dup == nullptr) return ThrowOpenSSL(info.Env(), "X509_NAME_dup");
  return NewOwned(info.Env(), std::move(dup));
}

void X509NameWrap::Init(Napi::Env env, Napi::Object exports) {
  Define(env, exports,
         {
             Method<&X509NameWrap::GetEntry>("getEntry"),
             Method<&X509NameWrap::SetEntry>("setEntry"),
             Method<&X509NameWrap::GetComponents>("getComponents"),
             Method<&X509NameWrap::Oneline>("oneline"),
             Method<&X509NameWrap::Rfc2253>("rfc2253"),
             Method<&X509NameWrap::Der>("der"),
             Method<&X509NameWrap::Hash>("hash"),
             Method<&X509NameWrap::Compare>("compare"),
             Method<&X509NameWrap::EntryCount>("entryCount"),
             Method<&X509NameWrap::IsView>("isView"),
             Method<&X509NameWrap::Copy>("copy"),
         });
}

namespace {
Module registration(&X509NameWrap::Init);
}

}  // namespace ossl
