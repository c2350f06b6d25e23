// SSL_CTX: the Context. JS callbacks registered on a Context are kept here as FunctionReferences;
// the C trampolines find the Connection (and its per-Connection CallbackBridge) through SSL ex_data
// and the Context through SSL_CTX ex_data. Both slots are cleared before the objects are released,
// so a callback fired from SSL_free/SSL_CTX_free (a finalizer) finds nothing and does the default.
#pragma once
#include <napi.h>

#include "common/bridge.h"
#include "common/wrap.h"

namespace ossl {

class ConnectionWrap;

// pyOpenSSL's private method numbers.
enum MethodId : int {
  kSSLv23Method = 3,
  kTLSv1Method = 4,
  kTLSv1_1Method = 5,
  kTLSv1_2Method = 6,
  kTLSMethod = 7,
  kTLSServerMethod = 8,
  kTLSClientMethod = 9,
  kDTLSMethod = 10,
  kDTLSServerMethod = 11,
  kDTLSClientMethod = 12,
};

class ContextWrap : public Wrapper<ContextWrap, SSL_CTX, SSL_CTX_free> {
 public:
  static constexpr const char* kName = "Context";
  static void Init(Napi::Env env, Napi::Object exports);
  explicit ContextWrap(const Napi::CallbackInfo& info);
  ~ContextWrap() override;
  void BeforeFree();

  static ContextWrap* FromCtx(const SSL_CTX* ctx);
  static int ExIndex();

  // JS callbacks live on the TS Context object (its `_hooks` record, keyed by name: verify,
  // info, keylog, servername, alpnSelect, ocspServer, ocspClient, passwd, newSession,
  // removeSession, clientHello, msg, pskClient, pskServer, pskFindSession, pskUseSession; the
  // DTLS engineer adds cookieGenerate/cookieVerify the same way), reached through a weak
  // reference to that object: a callback that captures its Context does not pin it.
  Napi::Function Hook(Napi::Env env, const char* name) const;
  // The hook of the Context behind ssl, or an empty function.
  static Napi::Function HookOf(Napi::Env env, const SSL* ssl, const char* name);
  Napi::Reference<Napi::Object> owner;

  // For Context-level calls that may fire callbacks (passphrase, session flush).
  CallbackBridge bridge;
  // Some JS callback is set that a handshake may run, or one that may run after it (a client's
  // renegotiation, post-handshake messages): lib/ssl/context.ts keeps both current, for
  // ConnectionWrap::MayCallJs.
  bool js_hooks = false;
  bool js_hooks_after_handshake = false;
  int method_id = 0;

 private:
  Napi::Value SetOwner(const Napi::CallbackInfo& info);
  Napi::Value SetJsHooks(const Napi::CallbackInfo& info);
  Napi::Value SetMinProtoVersion(const Napi::CallbackInfo& info);
  Napi::Value SetMaxProtoVersion(const Napi::CallbackInfo& info);
  Napi::Value GetMinProtoVersion(const Napi::CallbackInfo& info);
  Napi::Value GetMaxProtoVersion(const Napi::CallbackInfo& info);
  Napi::Value LoadVerifyLocations(const Napi::CallbackInfo& info);
  Napi::Value SetPasswdCb(const Napi::CallbackInfo& info);
  Napi::Value SetDefaultVerifyPaths(const Napi::CallbackInfo& info);
  Napi::Value UseCertificateChainFile(const Napi::CallbackInfo& info);
  Napi::Value UseCertificateFile(const Napi::CallbackInfo& info);
  Napi::Value UseCertificate(const Napi::CallbackInfo& info);
  Napi::Value AddExtraChainCert(const Napi::CallbackInfo& info);
  Napi::Value UsePrivatekeyFile(const Napi::CallbackInfo& info);
  Napi::Value UsePrivatekey(const Napi::CallbackInfo& info);
  Napi::Value CheckPrivatekey(const Napi::CallbackInfo& info);
  Napi::Value LoadClientCa(const Napi::CallbackInfo& info);
  Napi::Value SetSessionId(const Napi::CallbackInfo& info);
  Napi::Value SetSessionCacheMode(const Napi::CallbackInfo& info);
  Napi::Value GetSessionCacheMode(const Napi::CallbackInfo& info);
  Napi::Value SetVerify(const Napi::CallbackInfo& info);
  Napi::Value GetVerifyMode(const Napi::CallbackInfo& info);
  Napi::Value SetVerifyDepth(const Napi::CallbackInfo& info);
  Napi::Value GetVerifyDepth(const Napi::CallbackInfo& info);
  Napi::Value LoadTmpDh(const Napi::CallbackInfo& info);
  Napi::Value SetTmpEcdh(const Napi::CallbackInfo& info);
  Napi::Value SetCipherList(const Napi::CallbackInfo& info);
  Napi::Value SetTls13Ciphersuites(const Napi::CallbackInfo& info);
  Napi::Value SetClientCaList(const Napi::CallbackInfo& info);
  Napi::Value AddClientCa(const Napi::CallbackInfo& info);
  Napi::Value SetTimeout(const Napi::CallbackInfo& info);
  Napi::Value GetTimeout(const Napi::CallbackInfo& info);
  Napi::Value GetCertStore(const Napi::CallbackInfo& info);
  Napi::Value SetInfoCallback(const Napi::CallbackInfo& info);
  Napi::Value SetKeylogCallback(const Napi::CallbackInfo& info);
  Napi::Value SetOptions(const Napi::CallbackInfo& info);
  Napi::Value ClearOptions(const Napi::CallbackInfo& info);
  Napi::Value GetOptions(const Napi::CallbackInfo& info);
  Napi::Value SetMode(const Napi::CallbackInfo& info);
  Napi::Value ClearMode(const Napi::CallbackInfo& info);
  Napi::Value GetMode(const Napi::CallbackInfo& info);
  Napi::Value SetServernameCallback(const Napi::CallbackInfo& info);
  Napi::Value SetTlsextUseSrtp(const Napi::CallbackInfo& info);
  Napi::Value SetAlpnProtos(const Napi::CallbackInfo& info);
  Napi::Value SetAlpnSelectCallback(const Napi::CallbackInfo& info);
  Napi::Value SetOcspServerCallback(const Napi::CallbackInfo& info);
  Napi::Value SetOcspClientCallback(const Napi::CallbackInfo& info);
  Napi::Value SetGroupsList(const Napi::CallbackInfo& info);
  Napi::Value SetSigalgsList(const Napi::CallbackInfo& info);
  Napi::Value SetNumTickets(const Napi::CallbackInfo& info);
  Napi::Value SetMaxEarlyData(const Napi::CallbackInfo& info);
  Napi::Value SetCertCallback(const Napi::CallbackInfo& info);
  Napi::Value SetBlockPadding(const Napi::CallbackInfo& info);
  Napi::Value SetRecordPaddingCallback(const Napi::CallbackInfo& info);
  Napi::Value SetMaxFragmentLength(const Napi::CallbackInfo& info);
  Napi::Value SetClientCertCallback(const Napi::CallbackInfo& info);
  Napi::Value SetPostHandshakeAuth(const Napi::CallbackInfo& info);
  Napi::Value GetMaxEarlyData(const Napi::CallbackInfo& info);
  Napi::Value SetRecvMaxEarlyData(const Napi::CallbackInfo& info);
  Napi::Value SetAllowEarlyDataCallback(const Napi::CallbackInfo& info);
  Napi::Value GetNumTickets(const Napi::CallbackInfo& info);
  Napi::Value SetSessionCallbacks(const Napi::CallbackInfo& info);
  Napi::Value SetClientHelloCallback(const Napi::CallbackInfo& info);
  Napi::Value SetMsgCallback(const Napi::CallbackInfo& info);
  Napi::Value SetPskClientCallback(const Napi::CallbackInfo& info);
  Napi::Value SetPskServerCallback(const Napi::CallbackInfo& info);
  Napi::Value UsePskIdentityHint(const Napi::CallbackInfo& info);
  Napi::Value SetPskFindSessionCallback(const Napi::CallbackInfo& info);
  Napi::Value SetPskUseSessionCallback(const Napi::CallbackInfo& info);
  Napi::Value SetSecurityLevel(const Napi::CallbackInfo& info);
  Napi::Value GetSecurityLevel(const Napi::CallbackInfo& info);
  Napi::Value SetHostFlags(const Napi::CallbackInfo& info);
  Napi::Value FlushSessions(const Napi::CallbackInfo& info);
  Napi::Value SessionCacheSize(const Napi::CallbackInfo& info);
};

// The first line of every ContextWrap method: `env` and the live `ctx`, or return after the
// coded "freed" error.
#define CTX_OR_RETURN         \
  Napi::Env env = info.Env(); \
  SSL_CTX* ctx = Live(env);   \
  if (ctx == nullptr) return {};

// Shared C callbacks (also installed per SSL by ConnectionWrap).
int VerifyTrampoline(int preverify_ok, X509_STORE_CTX* store);
void InfoTrampoline(const SSL* ssl, int where, int ret);
// The passphrase callback of every Context (its hook, when set, answers).
int PasswdTrampoline(char* buf, int size, int rwflag, void* u);

}  // namespace ossl
