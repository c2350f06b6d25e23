#include "ssl/ech.h"

#include <openssl/bio.h>
#include <openssl/err.h>

#include <string>

#include "common/args.h"
#include "ssl/connection.h"
#include "ssl/context.h"

namespace ossl {
namespace {

// Every ECH entry point says this on an OpenSSL without ECH.
[[maybe_unused]] Napi::Value NeedsEch(Napi::Env env) {
  return ThrowStateError(env,
                         std::string("Encrypted Client Hello requires OpenSSL 4.0 or later; the binding runs ") +
                             OpenSSL_version(OPENSSL_VERSION_STRING),
                         "ERR_OPENSSL_NAPI_UNSUPPORTED");
}

#if OSSL_NAPI_HAS_ECH
// A string argument that may be null.
bool OptionalString(const Napi::CallbackInfo& info, size_t i, const char* name, std::string* out, bool* present) {
  *present = !ArgIsNullish(info, i);
  return !*present || ArgCString(info, i, name, out);
}

std::string Take(char* s) {
  std::string r = s == nullptr ? std::string() : std::string(s);
  OPENSSL_free(s);
  return r;
}

const char* StatusName(int status) {
  switch (status) {
    case SSL_ECH_STATUS_BACKEND: return "backend";
    case SSL_ECH_STATUS_GREASE_ECH: return "grease-ech";
    case SSL_ECH_STATUS_GREASE: return "grease";
    case SSL_ECH_STATUS_SUCCESS: return "success";
    case SSL_ECH_STATUS_FAILED: return "failed";
    case SSL_ECH_STATUS_BAD_CALL: return "bad-call";
    case SSL_ECH_STATUS_NOT_TRIED: return "not-tried";
    case SSL_ECH_STATUS_BAD_NAME: return "bad-name";
    case SSL_ECH_STATUS_NOT_CONFIGURED: return "not-configured";
    case SSL_ECH_STATUS_FAILED_ECH: return "failed-ech";
    case SSL_ECH_STATUS_FAILED_ECH_BAD_NAME: return "failed-ech-bad-name";
    default: return "unknown";
  }
}
#endif

// echSetStore(contextOrConnection, store): ECH keys (server) or configurations (client), deep-copied.
Napi::Value SetStore(const Napi::CallbackInfo& info) {
  if (!LiveSslTarget(info, true)) return {};
#if OSSL_NAPI_HAS_ECH
  Napi::Env env = info.Env();
  EchStore* store = EchStoreWrap::Arg(info, 1, "store");
  if (store == nullptr) return {};
  const SslTarget t = LiveSslTarget(info, true, true);
  if (!t) return {};
  if ((t.ctx != nullptr ? SSL_CTX_set1_echstore(t.ctx, store) : SSL_set1_echstore(t.ssl, store)) != 1)
    return ThrowOpenSSL(env, t.ctx != nullptr ? "SSL_CTX_set1_echstore" : "SSL_set1_echstore");
  return env.Undefined();
#else
  return NeedsEch(info.Env());
#endif
}

// echGetStore(contextOrConnection) -> a copy of its ECHStore, or null.
Napi::Value GetStore(const Napi::CallbackInfo& info) {
  const SslTarget t = LiveSslTarget(info, true);
  if (!t) return {};
#if OSSL_NAPI_HAS_ECH
  Napi::Env env = info.Env();
  OSSL_ECHSTORE* es = t.ctx != nullptr ? SSL_CTX_get1_echstore(t.ctx) : SSL_get1_echstore(t.ssl);
  ERR_clear_error();
  return es == nullptr ? env.Null() : EchStoreWrap::Adopt(env, EchStoreWrap::Handle(es));
#else
  return NeedsEch(info.Env());
#endif
}

// echSetConfigList(connection, list): the ECHConfigList a client uses (base64 or binary).
Napi::Value SetConfigList(const Napi::CallbackInfo& info) {
  if (!LiveSslTarget(info, false)) return {};
#if OSSL_NAPI_HAS_ECH
  SSL* ssl = LiveSslTarget(info, false, true).ssl;
  if (ssl == nullptr) return {};
  Bytes list;
  if (!ArgBytes(info, 1, "configList", &list)) return {};
  if (list.size == 0) return ThrowTypeError(info.Env(), "The \"configList\" argument is empty", "ERR_INVALID_ARG_VALUE");
  if (SSL_set1_ech_config_list(ssl, list.data, list.size) != 1) return ThrowOpenSSL(info.Env(), "SSL_set1_ech_config_list");
  return info.Env().Undefined();
#else
  return NeedsEch(info.Env());
#endif
}

// echSetServerNames(connection, inner, outer | null, noOuter)
Napi::Value SetServerNames(const Napi::CallbackInfo& info) {
  if (!LiveSslTarget(info, false)) return {};
#if OSSL_NAPI_HAS_ECH
  SSL* ssl = LiveSslTarget(info, false, true).ssl;
  if (ssl == nullptr) return {};
  std::string inner, outer;
  bool has_outer = false, no_outer = false;
  if (!ArgCString(info, 1, "innerName", &inner) || !OptionalString(info, 2, "outerName", &outer, &has_outer) ||
      !ArgBool(info, 3, "noOuter", &no_outer))
    return {};
  if (SSL_ech_set1_server_names(ssl, inner.c_str(), has_outer ? outer.c_str() : nullptr, no_outer ? 1 : 0) != 1)
    return ThrowOpenSSL(info.Env(), "SSL_ech_set1_server_names");
  return info.Env().Undefined();
#else
  return NeedsEch(info.Env());
#endif
}

// echSetOuterServerName(connection, outer | null, noOuter)
Napi::Value SetOuterServerName(const Napi::CallbackInfo& info) {
  if (!LiveSslTarget(info, false)) return {};
#if OSSL_NAPI_HAS_ECH
  SSL* ssl = LiveSslTarget(info, false, true).ssl;
  if (ssl == nullptr) return {};
  std::string outer;
  bool has_outer = false, no_outer = false;
  if (!OptionalString(info, 1, "outerName", &outer, &has_outer) || !ArgBool(info, 2, "noOuter", &no_outer)) return {};
  if (SSL_ech_set1_outer_server_name(ssl, has_outer ? outer.c_str() : nullptr, no_outer ? 1 : 0) != 1)
    return ThrowOpenSSL(info.Env(), "SSL_ech_set1_outer_server_name");
  return info.Env().Undefined();
#else
  return NeedsEch(info.Env());
#endif
}

// echSetOuterAlpnProtos(contextOrConnection, wire): the ALPN list of the outer ClientHello.
Napi::Value SetOuterAlpn(const Napi::CallbackInfo& info) {
  if (!LiveSslTarget(info, true)) return {};
#if OSSL_NAPI_HAS_ECH
  Napi::Env env = info.Env();
  Bytes wire;
  if (!ArgBytes(info, 1, "protos", &wire, false)) return {};
  const SslTarget t = LiveSslTarget(info, true, true);
  if (!t) return {};
  if ((t.ctx != nullptr ? SSL_CTX_ech_set1_outer_alpn_protos(t.ctx, wire.data, wire.size)
                        : SSL_ech_set1_outer_alpn_protos(t.ssl, wire.data, wire.size)) != 1)
    return ThrowOpenSSL(env, t.ctx != nullptr ? "SSL_CTX_ech_set1_outer_alpn_protos" : "SSL_ech_set1_outer_alpn_protos");
  return env.Undefined();
#else
  return NeedsEch(info.Env());
#endif
}

// echSetGrease(connection, suite | null, type | null): GREASE ECH with that HPKE suite / extension type.
Napi::Value SetGrease(const Napi::CallbackInfo& info) {
  if (!LiveSslTarget(info, false)) return {};
#if OSSL_NAPI_HAS_ECH
  SSL* ssl = LiveSslTarget(info, false, true).ssl;
  if (ssl == nullptr) return {};
  std::string suite;
  bool has_suite = false;
  if (!OptionalString(info, 1, "suite", &suite, &has_suite)) return {};
  int64_t type = 0;
  const bool has_type = !ArgIsNullish(info, 2);
  if (has_type && !ArgInt(info, 2, "type", &type, 0, 0xffff)) return {};
  if (has_suite && SSL_ech_set1_grease_suite(ssl, suite.c_str()) != 1) return ThrowOpenSSL(info.Env(), "SSL_ech_set1_grease_suite");
  if (has_type && SSL_ech_set_grease_type(ssl, static_cast<uint16_t>(type)) != 1)
    return ThrowOpenSSL(info.Env(), "SSL_ech_set_grease_type");
  SSL_set_options(ssl, SSL_OP_ECH_GREASE);
  return info.Env().Undefined();
#else
  return NeedsEch(info.Env());
#endif
}

// echStatus(connection) -> { status, name, innerServerName, outerServerName }
Napi::Value Status(const Napi::CallbackInfo& info) {
  if (!LiveSslTarget(info, false)) return {};
#if OSSL_NAPI_HAS_ECH
  Napi::Env env = info.Env();
  SSL* ssl = LiveSslTarget(info, false).ssl;
  if (ssl == nullptr) return {};
  char* inner = nullptr;
  char* outer = nullptr;
  const int status = SSL_ech_get1_status(ssl, &inner, &outer);
  ERR_clear_error();
  const std::string in = Take(inner), out = Take(outer);
  Napi::Object r = Napi::Object::New(env);
  r.Set("status", Napi::Number::New(env, status));
  r.Set("name", Napi::String::New(env, StatusName(status)));
  r.Set("innerServerName", inner == nullptr ? env.Null() : Napi::String::New(env, in));
  r.Set("outerServerName", outer == nullptr ? env.Null() : Napi::String::New(env, out));
  return r;
#else
  return NeedsEch(info.Env());
#endif
}

// echRetryConfig(connection) -> the server's retry ECHConfigList (binary), or null.
Napi::Value RetryConfig(const Napi::CallbackInfo& info) {
  if (!LiveSslTarget(info, false)) return {};
#if OSSL_NAPI_HAS_ECH
  Napi::Env env = info.Env();
  SSL* ssl = LiveSslTarget(info, false).ssl;
  if (ssl == nullptr) return {};
  unsigned char* ec = nullptr;
  size_t len = 0;
  if (SSL_ech_get1_retry_config(ssl, &ec, &len) != 1 || ec == nullptr || len == 0) {
    OPENSSL_free(ec);
    ERR_clear_error();
    return env.Null();
  }
  BytesPtr owned(ec);
  return CopyBuffer(env, ec, len);
#else
  return NeedsEch(info.Env());
#endif
}

}  // namespace

EchStoreWrap::EchStoreWrap(const Napi::CallbackInfo& info) : Wrapper(info) {
  if (IsAdopting(info)) return;
#if OSSL_NAPI_HAS_ECH
  Reset(Handle(OSSL_ECHSTORE_new(nullptr, nullptr)));
  if (get() == nullptr) ThrowOpenSSL(info.Env(), "OSSL_ECHSTORE_new");
#else
  NeedsEch(info.Env());
#endif
}

#if OSSL_NAPI_HAS_ECH
#define STORE_OR_RETURN        \
  Napi::Env env = info.Env();  \
  EchStore* es = Live(env);    \
  if (es == nullptr) return {};

// newConfig(publicName, suite | null, maxNameLength): a new key pair and its ECHConfig.
Napi::Value EchStoreWrap::NewConfig(const Napi::CallbackInfo& info) {
  STORE_OR_RETURN
  std::string name, suite_text;
  bool has_suite = false;
  int64_t max_name = 0;
  if (!ArgCString(info, 0, "publicName", &name) || !OptionalString(info, 1, "suite", &suite_text, &has_suite) ||
      !ArgInt(info, 2, "maxNameLength", &max_name, 0, OSSL_ECH_MAX_MAXNAMELEN))
    return {};
  if (name.empty() || name.size() > OSSL_ECH_MAX_PUBLICNAME)
    return ThrowRangeError(env, "The \"publicName\" must have 1 to 255 characters", "ERR_INVALID_ARG_VALUE");
  OSSL_HPKE_SUITE suite = OSSL_HPKE_SUITE_DEFAULT;
  if (has_suite && OSSL_HPKE_str2suite(suite_text.c_str(), &suite) != 1) {
    ERR_clear_error();
    return ThrowRangeError(env, "Unknown HPKE suite \"" + suite_text + "\" (for example \"x25519,hkdf-sha256,aes-128-gcm\")",
                           "ERR_INVALID_ARG_VALUE");
  }
  if (OSSL_ECHSTORE_new_config(es, OSSL_ECH_CURRENT_VERSION, static_cast<uint8_t>(max_name), name.c_str(), suite) != 1)
    return ThrowOpenSSL(env, "OSSL_ECHSTORE_new_config");
  return env.Undefined();
}

// readPem(pem, forRetry): a private key with its ECHConfigList (the ECH PEM file format).
Napi::Value EchStoreWrap::ReadPem(const Napi::CallbackInfo& info) {
  STORE_OR_RETURN
  Bytes pem;
  bool for_retry = true;
  if (!ArgBytes(info, 0, "pem", &pem) || !ArgBool(info, 1, "forRetry", &for_retry)) return {};
  BIOPtr bio(BIO_new_mem_buf(pem.data, static_cast<int>(pem.size)));
  if (bio == nullptr) return ThrowOpenSSL(env, "BIO_new_mem_buf");
  if (OSSL_ECHSTORE_read_pem(es, bio.get(), for_retry ? OSSL_ECH_FOR_RETRY : OSSL_ECH_NO_RETRY) != 1)
    return ThrowOpenSSL(env, "OSSL_ECHSTORE_read_pem");
  return env.Undefined();
}

// writePem(index): one entry with its private key, or (index -2) every public ECHConfig.
Napi::Value EchStoreWrap::WritePem(const Napi::CallbackInfo& info) {
  STORE_OR_RETURN
  int64_t index = OSSL_ECHSTORE_LAST;
  if (!ArgIsNullish(info, 0) && !ArgInt(info, 0, "index", &index, OSSL_ECHSTORE_ALL, INT32_MAX)) return {};
  BIOPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr) return ThrowOpenSSL(env, "BIO_new");
  if (OSSL_ECHSTORE_write_pem(es, static_cast<int>(index), bio.get()) != 1) return ThrowOpenSSL(env, "OSSL_ECHSTORE_write_pem");
  return BioToBuffer(env, bio.get());
}

// readConfigList(base64): the ECHConfigList a client got (from DNS, say).
Napi::Value EchStoreWrap::ReadConfigList(const Napi::CallbackInfo& info) {
  STORE_OR_RETURN
  Bytes text;
  if (!ArgBytes(info, 0, "configList", &text)) return {};
  if (text.size == 0) return ThrowTypeError(env, "The \"configList\" argument is empty", "ERR_INVALID_ARG_VALUE");
  BIOPtr bio(BIO_new_mem_buf(text.data, static_cast<int>(text.size)));
  if (bio == nullptr) return ThrowOpenSSL(env, "BIO_new_mem_buf");
  if (OSSL_ECHSTORE_read_echconfiglist(es, bio.get()) != 1) return ThrowOpenSSL(env, "OSSL_ECHSTORE_read_echconfiglist");
  return env.Undefined();
}

// entry(index) -> { publicName, config, hasPrivateKey, forRetry, loadedSeconds }
Napi::Value EchStoreWrap::Entry(const Napi::CallbackInfo& info) {
  STORE_OR_RETURN
  int64_t index = 0;
  if (!ArgInt(info, 0, "index", &index, 0, INT32_MAX)) return {};
  time_t secs = 0;
  char* name = nullptr;
  char* config = nullptr;
  int has_private = 0, for_retry = 0;
  if (OSSL_ECHSTORE_get1_info(es, static_cast<int>(index), &secs, &name, &config, &has_private, &for_retry) != 1) {
    OPENSSL_free(name);
    OPENSSL_free(config);
    return ThrowOpenSSLMessage(env, "OSSL_ECHSTORE_get1_info", "No ECH entry " + std::to_string(index));
  }
  Napi::Object r = Napi::Object::New(env);
  r.Set("publicName", Napi::String::New(env, Take(name)));
  r.Set("config", Napi::String::New(env, Take(config)));
  r.Set("hasPrivateKey", Napi::Boolean::New(env, has_private == 1));
  r.Set("forRetry", Napi::Boolean::New(env, for_retry == 1));
  r.Set("loadedSeconds", Napi::Number::New(env, static_cast<double>(secs)));
  return r;
}

// counts() -> [entries, keys]
Napi::Value EchStoreWrap::Counts(const Napi::CallbackInfo& info) {
  STORE_OR_RETURN
  int entries = 0, keys = 0;
  if (OSSL_ECHSTORE_num_entries(es, &entries) != 1 || OSSL_ECHSTORE_num_keys(es, &keys) != 1)
    return ThrowOpenSSL(env, "OSSL_ECHSTORE_num_entries");
  Napi::Array r = Napi::Array::New(env, 2);
  r.Set(0u, Napi::Number::New(env, entries));
  r.Set(1u, Napi::Number::New(env, keys));
  return r;
}

Napi::Value EchStoreWrap::Downselect(const Napi::CallbackInfo& info) {
  STORE_OR_RETURN
  int64_t index = 0;
  if (!ArgInt(info, 0, "index", &index, 0, INT32_MAX)) return {};
  if (OSSL_ECHSTORE_downselect(es, static_cast<int>(index)) != 1) return ThrowOpenSSL(env, "OSSL_ECHSTORE_downselect");
  return env.Undefined();
}

Napi::Value EchStoreWrap::FlushKeys(const Napi::CallbackInfo& info) {
  STORE_OR_RETURN
  int64_t age = 0;
  if (!ArgInt(info, 0, "ageSeconds", &age, 0, INT64_C(1) << 40)) return {};
  if (OSSL_ECHSTORE_flush_keys(es, static_cast<time_t>(age)) != 1) return ThrowOpenSSL(env, "OSSL_ECHSTORE_flush_keys");
  return env.Undefined();
}
#else
// (Unreachable: the constructor throws. Defined so that the class has its methods everywhere.)
Napi::Value EchStoreWrap::NewConfig(const Napi::CallbackInfo& info) { return NeedsEch(info.Env()); }
Napi::Value EchStoreWrap::ReadPem(const Napi::CallbackInfo& info) { return NeedsEch(info.Env()); }
Napi::Value EchStoreWrap::WritePem(const Napi::CallbackInfo& info) { return NeedsEch(info.Env()); }
Napi::Value EchStoreWrap::ReadConfigList(const Napi::CallbackInfo& info) { return NeedsEch(info.Env()); }
Napi::Value EchStoreWrap::Entry(const Napi::CallbackInfo& info) { return NeedsEch(info.Env()); }
Napi::Value EchStoreWrap::Counts(const Napi::CallbackInfo& info) { return NeedsEch(info.Env()); }
Napi::Value EchStoreWrap::Downselect(const Napi::CallbackInfo& info) { return NeedsEch(info.Env()); }
Napi::Value EchStoreWrap::FlushKeys(const Napi::CallbackInfo& info) { return NeedsEch(info.Env()); }
#endif

void EchStoreWrap::Init(Napi::Env env, Napi::Object exports) {
  Define(env, exports,
         {
             Method<&EchStoreWrap::NewConfig>("newConfig"),
             Method<&EchStoreWrap::ReadPem>("readPem"),
             Method<&EchStoreWrap::WritePem>("writePem"),
             Method<&EchStoreWrap::ReadConfigList>("readConfigList"),
             Method<&EchStoreWrap::Entry>("entry"),
             Method<&EchStoreWrap::Counts>("counts"),
             Method<&EchStoreWrap::Downselect>("downselect"),
             Method<&EchStoreWrap::FlushKeys>("flushKeys"),
         });
  exports.Set("echSupported", Napi::Boolean::New(env, OSSL_NAPI_HAS_ECH == 1));
  exports.Set("echSetStore", NativeFunction<SetStore>(env, "echSetStore"));
  exports.Set("echGetStore", NativeFunction<GetStore>(env, "echGetStore"));
  exports.Set("echSetConfigList", NativeFunction<SetConfigList>(env, "echSetConfigList"));
  exports.Set("echSetServerNames", NativeFunction<SetServerNames>(env, "echSetServerNames"));
  exports.Set("echSetOuterServerName", NativeFunction<SetOuterServerName>(env, "echSetOuterServerName"));
  exports.Set("echSetOuterAlpnProtos", NativeFunction<SetOuterAlpn>(env, "echSetOuterAlpnProtos"));
  exports.Set("echSetGrease", NativeFunction<SetGrease>(env, "echSetGrease"));
  exports.Set("echStatus", NativeFunction<Status>(env, "echStatus"));
  exports.Set("echRetryConfig", NativeFunction<RetryConfig>(env, "echRetryConfig"));
}

namespace {
Module registration(&EchStoreWrap::Init);
}

}  // namespace ossl
