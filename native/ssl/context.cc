// SSL_CTX: the Context object and its plain settings (versions, certificates, verification, ciphers,
// sessions, ...). The callbacks, trampolines and setters, are in context_callbacks.cc.
#include "ssl/context.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/tls1.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "common/args.h"
#include "common/passphrase.h"
#include "pkey/pkey.h"
#include "ssl/connection.h"
#include "ssl/session.h"
#include "x509/certificate.h"
#include "x509/name.h"
#include "x509/store.h"

namespace ossl {

// ---------------------------------------------------------------------------------------------
// ContextWrap

int ContextWrap::ExIndex() {
  static int idx = -1;
  static std::once_flag once;
  std::call_once(once, [] { idx = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr); });
  return idx;
}

Napi::Function ContextWrap::Hook(Napi::Env env, const char* name) const {
  if (owner.IsEmpty()) return Napi::Function();
  Napi::Value o = owner.Value();
  if (o.IsEmpty() || !o.IsObject()) return Napi::Function();
  Napi::Value hooks = o.As<Napi::Object>().Get("_hooks");
  if (hooks.IsEmpty() || !hooks.IsObject()) return Napi::Function();
  Napi::Value fn = hooks.As<Napi::Object>().Get(name);
  if (fn.IsEmpty() || !fn.IsFunction()) return Napi::Function();
  return fn.As<Napi::Function>();
}

Napi::Value ContextWrap::SetOwner(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsObject()) return ThrowTypeError(env, "_setOwner needs an object");
  owner = Napi::Reference<Napi::Object>::New(info[0].As<Napi::Object>(), 0);
  return env.Undefined();
}

// setJsHooks(inHandshake, afterHandshake): which JS callbacks OpenSSL may run on its connections.
Napi::Value ContextWrap::SetJsHooks(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (Live(env) == nullptr) return {};
  bool in = false;
  bool after = false;
  if (!ArgBool(info, 0, "inHandshake", &in) || !ArgBool(info, 1, "afterHandshake", &after)) return {};
  js_hooks = in;
  js_hooks_after_handshake = after;
  return env.Undefined();
}

Napi::Function ContextWrap::HookOf(Napi::Env env, const SSL* ssl, const char* name) {
  ContextWrap* w = FromCtx(SSL_get_SSL_CTX(ssl));
  return w == nullptr ? Napi::Function() : w->Hook(env, name);
}

ContextWrap* ContextWrap::FromCtx(const SSL_CTX* ctx) {
  if (ctx == nullptr) return nullptr;
  return static_cast<ContextWrap*>(SSL_CTX_get_ex_data(ctx, ExIndex()));
}

ContextWrap::ContextWrap(const Napi::CallbackInfo& info) : Wrapper(info) {
  Napi::Env env = info.Env();
  if (IsAdopting(info)) return;
  int64_t method = 0;
  if (!ArgInt(info, 0, "method", &method, -0x7fffffff, 0x7fffffff)) return;
  const SSL_METHOD* m = nullptr;
  int pin = 0;
  switch (method) {
    case kSSLv23Method:
    case kTLSMethod: m = TLS_method(); break;
    case kTLSv1Method: m = TLS_method(); pin = TLS1_VERSION; break;
    case kTLSv1_1Method: m = TLS_method(); pin = TLS1_1_VERSION; break;
    case kTLSv1_2Method: m = TLS_method(); pin = TLS1_2_VERSION; break;
    case kTLSServerMethod: m = TLS_server_method(); break;
    case kTLSClientMethod: m = TLS_client_method(); break;
    case kDTLSMethod: m = DTLS_method(); break;
    case kDTLSServerMethod: m = DTLS_server_method(); break;
    case kDTLSClientMethod: m = DTLS_client_method(); break;
    default: ThrowRangeError(env, "No such protocol: " + std::to_string(method), "ERR_INVALID_ARG_VALUE"); return;
  }
  method_id = static_cast<int>(method);
  // An optional property query: every algorithm the Context fetches must match it
  // ("provider=default", "fips=yes", ...).
  std::string propq;
  const bool has_propq = !ArgIsNullish(info, 1);
  if (has_propq && !ArgCString(info, 1, "propertyQuery", &propq)) return;
  ERR_clear_error();
  Reset(Handle(SSL_CTX_new_ex(nullptr, has_propq ? propq.c_str() : nullptr, m)));
  SSL_CTX* ctx = get();
  if (ctx == nullptr) {
    ThrowOpenSSL(env, "SSL_CTX_new");
    return;
  }
  SSL_CTX_set_ex_data(ctx, ExIndex(), this);
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  SSL_CTX_set_dh_auto(ctx, 1);
  SSL_CTX_set_default_passwd_cb(ctx, PasswdTrampoline);
  SSL_CTX_set_default_passwd_cb_userdata(ctx, this);
  if (pin != 0 && (SSL_CTX_set_min_proto_version(ctx, pin) != 1 || SSL_CTX_set_max_proto_version(ctx, pin) != 1)) {
    ThrowOpenSSL(env, "SSL_CTX_set_min_proto_version");
    return;
  }
}

void ContextWrap::BeforeFree() {
  if (get() != nullptr) {
    SSL_CTX_set_ex_data(get(), ExIndex(), nullptr);
    SSL_CTX_set_default_passwd_cb_userdata(get(), nullptr);
  }
}

ContextWrap::~ContextWrap() { BeforeFree(); }

Napi::Value ContextWrap::SetMinProtoVersion(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  int64_t v = 0;
  if (!ArgInt(info, 0, "version", &v, 0, 0xffff)) return {};
  if (SSL_CTX_set_min_proto_version(ctx, static_cast<int>(v)) != 1) return ThrowOpenSSLMessage(env, "SSL_CTX_set_min_proto_version", "invalid protocol version");
  return env.Undefined();
}

Napi::Value ContextWrap::SetMaxProtoVersion(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  int64_t v = 0;
  if (!ArgInt(info, 0, "version", &v, 0, 0xffff)) return {};
  if (SSL_CTX_set_max_proto_version(ctx, static_cast<int>(v)) != 1) return ThrowOpenSSLMessage(env, "SSL_CTX_set_max_proto_version", "invalid protocol version");
  return env.Undefined();
}

Napi::Value ContextWrap::GetMinProtoVersion(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  return Napi::Number::New(env, SSL_CTX_get_min_proto_version(ctx));
}

Napi::Value ContextWrap::GetMaxProtoVersion(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  return Napi::Number::New(env, SSL_CTX_get_max_proto_version(ctx));
}

namespace {
// An optional path argument: nullish -> false with *out untouched, else a C string.
bool OptPath(const Napi::CallbackInfo& info, size_t i, const char* name, std::string* out, bool* present) {
  *present = !ArgIsNullish(info, i);
  if (!*present) return true;
  return ArgCString(info, i, name, out);
}
}  // namespace

Napi::Value ContextWrap::LoadVerifyLocations(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  std::string file, dir;
  bool has_file = false, has_dir = false;
  if (!OptPath(info, 0, "cafile", &file, &has_file) || !OptPath(info, 1, "capath", &dir, &has_dir)) return {};
  if (!has_file && !has_dir) return ThrowTypeError(env, "load_verify_locations needs a cafile or a capath", "ERR_INVALID_ARG_VALUE");
  if (SSL_CTX_load_verify_locations(ctx, has_file ? file.c_str() : nullptr, has_dir ? dir.c_str() : nullptr) != 1)
    return ThrowOpenSSL(env, "SSL_CTX_load_verify_locations");
  return env.Undefined();
}

Napi::Value ContextWrap::SetDefaultVerifyPaths(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  if (!SetDefaultPaths(SSL_CTX_get_cert_store(ctx))) return ThrowOpenSSL(env, "SSL_CTX_set_default_verify_paths");
  return env.Undefined();
}

Napi::Value ContextWrap::UseCertificateChainFile(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  std::string path;
  if (!ArgCString(info, 0, "certfile", &path)) return {};
  CallbackBridge::Scope scope(bridge, env);
  const int ok = SSL_CTX_use_certificate_chain_file(ctx, path.c_str());
  if (bridge.RethrowPending(env)) return {};
  if (ok != 1) return ThrowOpenSSL(env, "SSL_CTX_use_certificate_chain_file");
  return env.Undefined();
}

Napi::Value ContextWrap::UseCertificateFile(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  std::string path;
  int type = kFiletypePEM;
  if (!ArgCString(info, 0, "certfile", &path)) return {};
  if (!ArgIsNullish(info, 1) && !ArgFiletype(info, 1, &type, false)) return {};
  if (SSL_CTX_use_certificate_file(ctx, path.c_str(), type == kFiletypePEM ? SSL_FILETYPE_PEM : SSL_FILETYPE_ASN1) != 1)
    return ThrowOpenSSL(env, "SSL_CTX_use_certificate_file");
  return env.Undefined();
}

Napi::Value ContextWrap::UseCertificate(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  X509* cert = X509Wrap::Arg(info, 0, "cert");
  if (cert == nullptr) return {};
  if (SSL_CTX_use_certificate(ctx, cert) != 1) return ThrowOpenSSL(env, "SSL_CTX_use_certificate");
  return env.Undefined();
}

Napi::Value ContextWrap::AddExtraChainCert(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  X509* cert = X509Wrap::Arg(info, 0, "certobj");
  if (cert == nullptr) return {};
  X509Ptr copy(X509_dup(cert));
  if (copy == nullptr) return ThrowOpenSSL(env, "X509_dup");
  if (SSL_CTX_add_extra_chain_cert(ctx, copy.get()) != 1) return ThrowOpenSSL(env, "SSL_CTX_add_extra_chain_cert");
  copy.release();  // owned by the SSL_CTX now
  return env.Undefined();
}

Napi::Value ContextWrap::UsePrivatekeyFile(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  std::string path;
  int type = kFiletypePEM;
  if (!ArgCString(info, 0, "keyfile", &path)) return {};
  if (!ArgIsNullish(info, 1) && !ArgFiletype(info, 1, &type, false)) return {};
  CallbackBridge::Scope scope(bridge, env);
  const int ok = SSL_CTX_use_PrivateKey_file(ctx, path.c_str(), type == kFiletypePEM ? SSL_FILETYPE_PEM : SSL_FILETYPE_ASN1);
  if (bridge.RethrowPending(env)) return {};
  if (ok != 1) return ThrowOpenSSL(env, "SSL_CTX_use_PrivateKey_file");
  return env.Undefined();
}

Napi::Value ContextWrap::UsePrivatekey(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  EVP_PKEY* key = PKeyArg(info, 0, "pkey", true);
  if (key == nullptr) return {};
  if (SSL_CTX_use_PrivateKey(ctx, key) != 1) return ThrowOpenSSL(env, "SSL_CTX_use_PrivateKey");
  return env.Undefined();
}

Napi::Value ContextWrap::CheckPrivatekey(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  if (SSL_CTX_check_private_key(ctx) != 1) return ThrowOpenSSL(env, "SSL_CTX_check_private_key");
  return env.Undefined();
}

Napi::Value ContextWrap::LoadClientCa(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  std::string path;
  if (!ArgCString(info, 0, "cafile", &path)) return {};
  STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(path.c_str());
  if (names == nullptr) return ThrowOpenSSL(env, "SSL_load_client_CA_file");
  SSL_CTX_set_client_CA_list(ctx, names);
  return env.Undefined();
}

Napi::Value ContextWrap::SetSessionId(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  ossl::Bytes b;
  if (!ArgBytes(info, 0, "buf", &b)) return {};
  if (b.size > SSL_MAX_SID_CTX_LENGTH)
    return ThrowRangeError(env, "The session id context must be at most 32 bytes", "ERR_INVALID_ARG_VALUE");
  if (SSL_CTX_set_session_id_context(ctx, b.data, static_cast<unsigned int>(b.size)) != 1)
    return ThrowOpenSSL(env, "SSL_CTX_set_session_id_context");
  return env.Undefined();
}

Napi::Value ContextWrap::SetSessionCacheMode(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  int64_t mode = 0;
  if (!ArgInt(info, 0, "mode", &mode, 0, 0xffffffffLL)) return {};
  return Napi::Number::New(env, static_cast<double>(SSL_CTX_set_session_cache_mode(ctx, static_cast<long>(mode))));
}

Napi::Value ContextWrap::GetSessionCacheMode(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  return Napi::Number::New(env, static_cast<double>(SSL_CTX_get_session_cache_mode(ctx)));
}

Napi::Value ContextWrap::GetVerifyMode(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  return Napi::Number::New(env, SSL_CTX_get_verify_mode(ctx));
}

Napi::Value ContextWrap::SetVerifyDepth(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  int64_t depth = 0;
  if (!ArgInt(info, 0, "depth", &depth, 0, 0x7fffffff)) return {};
  SSL_CTX_set_verify_depth(ctx, static_cast<int>(depth));
  return env.Undefined();
}

Napi::Value ContextWrap::GetVerifyDepth(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  return Napi::Number::New(env, SSL_CTX_get_verify_depth(ctx));
}

Napi::Value ContextWrap::LoadTmpDh(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  std::string path;
  if (!ArgCString(info, 0, "dhfile", &path)) return {};
  BIOPtr bio(BIO_new_file(path.c_str(), "r"));
  if (bio == nullptr) return ThrowOpenSSL(env, "BIO_new_file");
  EVPPKeyPtr dh(PEM_read_bio_Parameters(bio.get(), nullptr));
  if (dh == nullptr) return ThrowOpenSSL(env, "PEM_read_bio_Parameters");
  if (EVP_PKEY_get_base_id(dh.get()) != EVP_PKEY_DH)
    return ThrowOpenSSLMessage(env, "load_tmp_dh", "the file does not hold DH parameters");
  if (SSL_CTX_set0_tmp_dh_pkey(ctx, dh.get()) != 1) return ThrowOpenSSL(env, "SSL_CTX_set0_tmp_dh_pkey");
  dh.release();
  return env.Undefined();
}

Napi::Value ContextWrap::SetTmpEcdh(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  std::string curve;
  if (!ArgCString(info, 0, "curve", &curve)) return {};
  int nid = EC_curve_nist2nid(curve.c_str());
  if (nid == NID_undef) nid = OBJ_sn2nid(curve.c_str());
  if (nid == NID_undef) nid = OBJ_ln2nid(curve.c_str());
  if (nid == NID_undef && curve == "secp256r1") nid = NID_X9_62_prime256v1;
  if (nid == NID_undef && curve == "secp192r1") nid = NID_X9_62_prime192v1;
  if (nid == NID_undef) return ThrowRangeError(env, "Unknown curve name: " + curve, "ERR_INVALID_ARG_VALUE");
  ERR_clear_error();
  if (SSL_CTX_set1_groups(ctx, &nid, 1) != 1) return ThrowOpenSSL(env, "SSL_CTX_set1_groups");
  return env.Undefined();
}

Napi::Value ContextWrap::SetCipherList(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  std::string list;
  if (!ArgCString(info, 0, "cipherList", &list)) return {};
  if (SSL_CTX_set_cipher_list(ctx, list.c_str()) != 1) return ThrowOpenSSL(env, "SSL_CTX_set_cipher_list");
  return env.Undefined();
}

Napi::Value ContextWrap::SetTls13Ciphersuites(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  std::string list;
  if (!ArgCString(info, 0, "ciphersuites", &list)) return {};
  if (SSL_CTX_set_ciphersuites(ctx, list.c_str()) != 1) return ThrowOpenSSL(env, "SSL_CTX_set_ciphersuites");
  return env.Undefined();
}

Napi::Value ContextWrap::SetClientCaList(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  if (info.Length() < 1 || !info[0].IsArray()) return ThrowTypeError(env, "The \"certificateAuthorities\" argument must be an array of X509Name");
  Napi::Array arr = info[0].As<Napi::Array>();
  STACK_OF(X509_NAME)* raw = sk_X509_NAME_new_null();
  if (raw == nullptr) return ThrowOpenSSL(env, "sk_X509_NAME_new_null");
  struct Free {
    void operator()(STACK_OF(X509_NAME) * s) const { sk_X509_NAME_pop_free(s, X509_NAME_free); }
  };
  std::unique_ptr<STACK_OF(X509_NAME), Free> names(raw);
  for (uint32_t i = 0; i < arr.Length(); ++i) {
    Napi::Value v = arr.Get(i);
    X509NameWrap* w = X509NameWrap::FromValue(env, v, "certificateAuthorities[i]");
    if (w == nullptr) return {};
    X509_NAME* n = w->Name(env);
    if (n == nullptr) return {};
    X509NamePtr copy(X509_NAME_dup(n));
    if (copy == nullptr || sk_X509_NAME_push(names.get(), copy.get()) == 0) return ThrowOpenSSL(env, "sk_X509_NAME_push");
    copy.release();
  }
  SSL_CTX_set_client_CA_list(ctx, names.release());
  return env.Undefined();
}

Napi::Value ContextWrap::AddClientCa(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  X509* cert = X509Wrap::Arg(info, 0, "certificateAuthority");
  if (cert == nullptr) return {};
  if (SSL_CTX_add_client_CA(ctx, cert) != 1) return ThrowOpenSSL(env, "SSL_CTX_add_client_CA");
  return env.Undefined();
}

Napi::Value ContextWrap::SetTimeout(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  int64_t t = 0;
  if (!ArgInt(info, 0, "timeout", &t, 0, 0x7fffffff)) return {};
  return Napi::Number::New(env, static_cast<double>(SSL_CTX_set_timeout(ctx, static_cast<long>(t))));
}

Napi::Value ContextWrap::GetTimeout(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  return Napi::Number::New(env, static_cast<double>(SSL_CTX_get_timeout(ctx)));
}

// getCertStore() -> the context's own X509_STORE (one more reference), so that trust anchors,
// CRLs and flags added to it apply to this context's handshakes.
Napi::Value ContextWrap::GetCertStore(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  X509_STORE* store = SSL_CTX_get_cert_store(ctx);
  if (store == nullptr) return env.Null();
  ERR_clear_error();
  X509StorePtr ref = UpRef(store);
  if (ref == nullptr) return ThrowOpenSSL(env, "X509_STORE_up_ref");
  return X509StoreWrap::Adopt(env, std::move(ref));
}

Napi::Value ContextWrap::SetOptions(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  int64_t op = 0;
  if (!ArgInt(info, 0, "options", &op, 0, (int64_t{1} << 53) - 1)) return {};
  return Napi::Number::New(env, static_cast<double>(SSL_CTX_set_options(ctx, static_cast<uint64_t>(op))));
}

Napi::Value ContextWrap::ClearOptions(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  int64_t op = 0;
  if (!ArgInt(info, 0, "options", &op, 0, (int64_t{1} << 53) - 1)) return {};
  return Napi::Number::New(env, static_cast<double>(SSL_CTX_clear_options(ctx, static_cast<uint64_t>(op))));
}

Napi::Value ContextWrap::GetOptions(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  return Napi::Number::New(env, static_cast<double>(SSL_CTX_get_options(ctx)));
}

Napi::Value ContextWrap::SetMode(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  int64_t m = 0;
  if (!ArgInt(info, 0, "mode", &m, 0, 0xffffffffLL)) return {};
  return Napi::Number::New(env, static_cast<double>(SSL_CTX_set_mode(ctx, static_cast<long>(m))));
}

Napi::Value ContextWrap::ClearMode(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  int64_t m = 0;
  if (!ArgInt(info, 0, "mode", &m, 0, 0xffffffffLL)) return {};
  return Napi::Number::New(env, static_cast<double>(SSL_CTX_clear_mode(ctx, static_cast<long>(m))));
}

Napi::Value ContextWrap::GetMode(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  return Napi::Number::New(env, static_cast<double>(SSL_CTX_get_mode(ctx)));
}

Napi::Value ContextWrap::SetTlsextUseSrtp(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  std::string profiles;
  if (!ArgCString(info, 0, "profiles", &profiles)) return {};
  if (SSL_CTX_set_tlsext_use_srtp(ctx, profiles.c_str()) != 0) return ThrowOpenSSL(env, "SSL_CTX_set_tlsext_use_srtp");
  return env.Undefined();
}

Napi::Value ContextWrap::SetAlpnProtos(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  ossl::Bytes wire;
  if (!ArgBytes(info, 0, "protos", &wire, false)) return {};
  if (SSL_CTX_set_alpn_protos(ctx, wire.data, static_cast<unsigned int>(wire.size)) != 0)
    return ThrowOpenSSL(env, "SSL_CTX_set_alpn_protos");
  return env.Undefined();
}

Napi::Value ContextWrap::SetGroupsList(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  std::string list;
  if (!ArgCString(info, 0, "groups", &list)) return {};
  if (SSL_CTX_set1_groups_list(ctx, list.c_str()) != 1) return ThrowOpenSSL(env, "SSL_CTX_set1_groups_list");
  return env.Undefined();
}

Napi::Value ContextWrap::SetSigalgsList(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  std::string list;
  if (!ArgCString(info, 0, "sigalgs", &list)) return {};
  if (SSL_CTX_set1_sigalgs_list(ctx, list.c_str()) != 1) return ThrowOpenSSL(env, "SSL_CTX_set1_sigalgs_list");
  return env.Undefined();
}

Napi::Value ContextWrap::SetNumTickets(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  int64_t n = 0;
  if (!ArgInt(info, 0, "count", &n, 0, 0xffff)) return {};
  if (SSL_CTX_set_num_tickets(ctx, static_cast<size_t>(n)) != 1) return ThrowOpenSSL(env, "SSL_CTX_set_num_tickets");
  return env.Undefined();
}

Napi::Value ContextWrap::GetNumTickets(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  return Napi::Number::New(env, static_cast<double>(SSL_CTX_get_num_tickets(ctx)));
}

// setBlockPadding(size): TLS 1.3 records padded to a multiple of `size` bytes (1: none).
Napi::Value ContextWrap::SetBlockPadding(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  int64_t size = 0;
  if (!ArgInt(info, 0, "blockSize", &size, 1, SSL3_RT_MAX_PLAIN_LENGTH)) return {};
  if (SSL_CTX_set_block_padding(ctx, static_cast<size_t>(size)) != 1) return ThrowOpenSSL(env, "SSL_CTX_set_block_padding");
  return env.Undefined();
}

// setMaxFragmentLength(bytes): a client asks for records of at most 512, 1024, 2048 or 4096 bytes
// (RFC 6066; 0: no request). SSL_CTX_set_tlsext_max_fragment_length.
Napi::Value ContextWrap::SetMaxFragmentLength(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  int64_t bytes = 0;
  if (!ArgInt(info, 0, "bytes", &bytes, 0, 4096)) return {};
  uint8_t mode = 0;
  switch (bytes) {
    case 0: mode = TLSEXT_max_fragment_length_DISABLED; break;
    case 512: mode = TLSEXT_max_fragment_length_512; break;
    case 1024: mode = TLSEXT_max_fragment_length_1024; break;
    case 2048: mode = TLSEXT_max_fragment_length_2048; break;
    case 4096: mode = TLSEXT_max_fragment_length_4096; break;
    default: return ThrowRangeError(env, "The max fragment length must be 512, 1024, 2048, 4096 or 0", "ERR_INVALID_ARG_VALUE");
  }
  if (SSL_CTX_set_tlsext_max_fragment_length(ctx, mode) != 1) return ThrowOpenSSL(env, "SSL_CTX_set_tlsext_max_fragment_length");
  return env.Undefined();
}

// setPostHandshakeAuth(on): a TLS 1.3 client offers to authenticate after the handshake.
Napi::Value ContextWrap::SetPostHandshakeAuth(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  bool on = false;
  if (!ArgBool(info, 0, "enabled", &on)) return {};
  SSL_CTX_set_post_handshake_auth(ctx, on ? 1 : 0);
  return env.Undefined();
}

// setMaxEarlyData(n) / setRecvMaxEarlyData(n): TLS 1.3 0-RTT data a session may carry (sent in
// its tickets), and what the server reads.
Napi::Value ContextWrap::SetMaxEarlyData(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  int64_t n = 0;
  if (!ArgInt(info, 0, "bytes", &n, 0, UINT32_MAX)) return {};
  if (SSL_CTX_set_max_early_data(ctx, static_cast<uint32_t>(n)) != 1) return ThrowOpenSSL(env, "SSL_CTX_set_max_early_data");
  return env.Undefined();
}

Napi::Value ContextWrap::GetMaxEarlyData(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  return Napi::Number::New(env, SSL_CTX_get_max_early_data(ctx));
}

Napi::Value ContextWrap::SetRecvMaxEarlyData(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  int64_t n = 0;
  if (!ArgInt(info, 0, "bytes", &n, 0, UINT32_MAX)) return {};
  if (SSL_CTX_set_recv_max_early_data(ctx, static_cast<uint32_t>(n)) != 1)
    return ThrowOpenSSL(env, "SSL_CTX_set_recv_max_early_data");
  return env.Undefined();
}

Napi::Value ContextWrap::UsePskIdentityHint(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  std::string hint;
  if (!ArgCString(info, 0, "hint", &hint)) return {};
  if (SSL_CTX_use_psk_identity_hint(ctx, hint.c_str()) != 1) return ThrowOpenSSL(env, "SSL_CTX_use_psk_identity_hint");
  return env.Undefined();
}

Napi::Value ContextWrap::SetSecurityLevel(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  int64_t level = 0;
  if (!ArgInt(info, 0, "level", &level, 0, 5)) return {};
  SSL_CTX_set_security_level(ctx, static_cast<int>(level));
  return env.Undefined();
}

Napi::Value ContextWrap::GetSecurityLevel(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  return Napi::Number::New(env, SSL_CTX_get_security_level(ctx));
}

Napi::Value ContextWrap::SetHostFlags(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  int64_t flags = 0;
  if (!ArgInt(info, 0, "flags", &flags, 0, 0xffffffffLL)) return {};
  X509_VERIFY_PARAM_set_hostflags(SSL_CTX_get0_param(ctx), static_cast<unsigned int>(flags));
  return env.Undefined();
}

Napi::Value ContextWrap::FlushSessions(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  int64_t t = 0;
  if (!ArgInt(info, 0, "time", &t, 0, (int64_t{1} << 53) - 1)) return {};
  CallbackBridge::Scope scope(bridge, env);
  SSL_CTX_flush_sessions(ctx, static_cast<long>(t));
  if (bridge.RethrowPending(env)) return {};
  return env.Undefined();
}

Napi::Value ContextWrap::SessionCacheSize(const Napi::CallbackInfo& info) {
  CTX_OR_RETURN
  return Napi::Number::New(env, static_cast<double>(SSL_CTX_sess_number(ctx)));
}

void ContextWrap::Init(Napi::Env env, Napi::Object exports) {
  Define(env, exports,
         {
             Method<&ContextWrap::SetOwner>("_setOwner"),
             Method<&ContextWrap::SetMinProtoVersion>("setMinProtoVersion"),
             Method<&ContextWrap::SetMaxProtoVersion>("setMaxProtoVersion"),
             Method<&ContextWrap::GetMinProtoVersion>("getMinProtoVersion"),
             Method<&ContextWrap::GetMaxProtoVersion>("getMaxProtoVersion"),
             Method<&ContextWrap::LoadVerifyLocations>("loadVerifyLocations"),
             Method<&ContextWrap::SetPasswdCb>("setPasswdCb"),
             Method<&ContextWrap::SetDefaultVerifyPaths>("setDefaultVerifyPaths"),
             Method<&ContextWrap::UseCertificateChainFile>("useCertificateChainFile"),
             Method<&ContextWrap::UseCertificateFile>("useCertificateFile"),
             Method<&ContextWrap::UseCertificate>("useCertificate"),
             Method<&ContextWrap::AddExtraChainCert>("addExtraChainCert"),
             Method<&ContextWrap::UsePrivatekeyFile>("usePrivatekeyFile"),
             Method<&ContextWrap::UsePrivatekey>("usePrivatekey"),
             Method<&ContextWrap::CheckPrivatekey>("checkPrivatekey"),
             Method<&ContextWrap::LoadClientCa>("loadClientCa"),
             Method<&ContextWrap::SetSessionId>("setSessionId"),
             Method<&ContextWrap::SetSessionCacheMode>("setSessionCacheMode"),
             Method<&ContextWrap::GetSessionCacheMode>("getSessionCacheMode"),
             Method<&ContextWrap::SetVerify>("setVerify"),
             Method<&ContextWrap::GetVerifyMode>("getVerifyMode"),
             Method<&ContextWrap::SetVerifyDepth>("setVerifyDepth"),
             Method<&ContextWrap::GetVerifyDepth>("getVerifyDepth"),
             Method<&ContextWrap::LoadTmpDh>("loadTmpDh"),
             Method<&ContextWrap::SetTmpEcdh>("setTmpEcdh"),
             Method<&ContextWrap::SetCipherList>("setCipherList"),
             Method<&ContextWrap::SetTls13Ciphersuites>("setTls13Ciphersuites"),
             Method<&ContextWrap::SetClientCaList>("setClientCaList"),
             Method<&ContextWrap::AddClientCa>("addClientCa"),
             Method<&ContextWrap::SetTimeout>("setTimeout"),
             Method<&ContextWrap::GetTimeout>("getTimeout"),
             Method<&ContextWrap::GetCertStore>("getCertStore"),
             Method<&ContextWrap::SetInfoCallback>("setInfoCallback"),
             Method<&ContextWrap::SetKeylogCallback>("setKeylogCallback"),
             Method<&ContextWrap::SetOptions>("setOptions"),
             Method<&ContextWrap::ClearOptions>("clearOptions"),
             Method<&ContextWrap::GetOptions>("getOptions"),
             Method<&ContextWrap::SetMode>("setMode"),
             Method<&ContextWrap::ClearMode>("clearMode"),
             Method<&ContextWrap::GetMode>("getMode"),
             Method<&ContextWrap::SetServernameCallback>("setTlsextServernameCallback"),
             Method<&ContextWrap::SetTlsextUseSrtp>("setTlsextUseSrtp"),
             Method<&ContextWrap::SetAlpnProtos>("setAlpnProtos"),
             Method<&ContextWrap::SetAlpnSelectCallback>("setAlpnSelectCallback"),
             Method<&ContextWrap::SetOcspServerCallback>("setOcspServerCallback"),
             Method<&ContextWrap::SetOcspClientCallback>("setOcspClientCallback"),
             Method<&ContextWrap::SetGroupsList>("setGroupsList"),
             Method<&ContextWrap::SetSigalgsList>("setSigalgsList"),
             Method<&ContextWrap::SetNumTickets>("setNumTickets"),
             Method<&ContextWrap::SetMaxEarlyData>("setMaxEarlyData"),
             Method<&ContextWrap::SetCertCallback>("setCertCallback"),
             Method<&ContextWrap::SetBlockPadding>("setBlockPadding"),
             Method<&ContextWrap::SetRecordPaddingCallback>("setRecordPaddingCallback"),
             Method<&ContextWrap::SetMaxFragmentLength>("setMaxFragmentLength"),
             Method<&ContextWrap::SetClientCertCallback>("setClientCertCallback"),
             Method<&ContextWrap::SetPostHandshakeAuth>("setPostHandshakeAuth"),
             Method<&ContextWrap::GetMaxEarlyData>("getMaxEarlyData"),
             Method<&ContextWrap::SetRecvMaxEarlyData>("setRecvMaxEarlyData"),
             Method<&ContextWrap::SetAllowEarlyDataCallback>("setAllowEarlyDataCallback"),
             Method<&ContextWrap::GetNumTickets>("getNumTickets"),
             Method<&ContextWrap::SetSessionCallbacks>("setSessionCallbacks"),
             Method<&ContextWrap::SetClientHelloCallback>("setClientHelloCallback"),
             Method<&ContextWrap::SetMsgCallback>("setMsgCallback"),
             Method<&ContextWrap::SetJsHooks>("setJsHooks"),
             Method<&ContextWrap::SetPskClientCallback>("setPskClientCallback"),
             Method<&ContextWrap::SetPskServerCallback>("setPskServerCallback"),
             Method<&ContextWrap::UsePskIdentityHint>("usePskIdentityHint"),
             Method<&ContextWrap::SetPskFindSessionCallback>("setPskFindSessionCallback"),
             Method<&ContextWrap::SetPskUseSessionCallback>("setPskUseSessionCallback"),
             Method<&ContextWrap::SetSecurityLevel>("setSecurityLevel"),
             Method<&ContextWrap::GetSecurityLevel>("getSecurityLevel"),
             Method<&ContextWrap::SetHostFlags>("setHostFlags"),
             Method<&ContextWrap::FlushSessions>("flushSessions"),
             Method<&ContextWrap::SessionCacheSize>("sessionCacheSize"),
         });
}

namespace {
Module registration(&ContextWrap::Init);
}

}  // namespace ossl
