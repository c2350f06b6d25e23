/**
 * `Context`: an `SSL_CTX`, with pyOpenSSL's 44 methods plus the extras of API.md.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { native } from '../native.js';
import { handleOf, isUint8Array, listOf, optionsOf } from '../handle.js';
import { X509 } from '../crypto/x509.js';
import { PKey } from '../crypto/pkey.js';
import { X509Name } from '../crypto/x509name.js';
import type { NativeContext, NativeClientHello, NativeSession } from './native-types.js';
import { NO_OVERLAPPING_PROTOCOLS } from './constants.js';
import { Session } from './session.js';
import type { Connection } from './connection-constructor.js';
import { X509Store } from '../crypto/x509store.js';
import { ECHStore } from './ech.js';
import { certCompressionId, certCompressionIds, compressedCertificate, type CertCompressionAlgorithm } from './cert-compression.js';
import { checkFn, setCookieHook, type CookieGenerateCallback, type CookieVerifyCallback } from './dtls.js';

/** Binary input. */
export type BytesLike = Uint8Array | string;

/**
 * Verify callback (`SSL_CTX_set_verify`): return `true` to accept the certificate at `depth`
 * (overriding a failure), `false` to reject it. Only a boolean counts: any other result (a
 * Promise from an `async` function, a string) fails the handshake with a TypeError.
 */
export type VerifyCallback = (conn: Connection, cert: X509, errnum: number, depth: number, ok: boolean) => boolean;
/** ALPN select callback: the protocol to use, or {@link NO_OVERLAPPING_PROTOCOLS}. */
export type AlpnSelectCallback = (conn: Connection, offered: Buffer[]) => Uint8Array | string | typeof NO_OVERLAPPING_PROTOCOLS;
/** What a client hello callback sees. */
export interface ClientHello {
  /** legacy_version field (0x303 for TLS 1.2 and 1.3). */
  version: number;
  /** Offered cipher suite ids. */
  ciphers: number[];
  /** Extension types present, in order. */
  extensions: number[];
  /**
   * The raw bytes of each extension, in the same order as {@link ClientHello.extensions}
   * (`SSL_client_hello_get0_ext`): enough to fingerprint the client (JA3, JA4).
   */
  extensionData: Buffer[];
  /** SNI host name, or null. */
  serverName: string | null;
  /** ALPN protocols offered. */
  alpn: string[];
}

/** TLS 1.2 PSK client answer. */
export interface PskClientResult {
  identity: BytesLike;
  psk: Uint8Array;
}

/** TLS 1.3 PSK client answer. */
export interface PskUseSessionResult {
  identity: Uint8Array | string;
  session: Session;
}

function alpnWire(protos: readonly BytesLike[]): Buffer {
  if (!Array.isArray(protos)) {
    throw Object.assign(new TypeError('The "protos" argument must be an array of Buffer or string'), { code: 'ERR_INVALID_ARG_TYPE' });
  }
  if (protos.length === 0) {
    throw Object.assign(new RangeError('The ALPN protocol list must not be empty'), { code: 'ERR_INVALID_ARG_VALUE' });
  }
  const parts: Buffer[] = [];
  for (const p of protos) {
    const b = typeof p === 'string' ? Buffer.from(p) : isUint8Array(p) ? Buffer.from(p) : null;
    if (b === null) throw Object.assign(new TypeError('ALPN protocols must be Buffers or strings'), { code: 'ERR_INVALID_ARG_TYPE' });
    if (b.length === 0 || b.length > 255) {
      throw Object.assign(new RangeError('An ALPN protocol must be 1..255 bytes'), { code: 'ERR_INVALID_ARG_VALUE' });
    }
    parts.push(Buffer.from([b.length]), b);
  }
  return Buffer.concat(parts);
}

/** @internal */
export { alpnWire };

function fn(cb: unknown, name: string): void {
  if (cb !== null && cb !== undefined && typeof cb !== 'function') {
    throw Object.assign(new TypeError(`The "${name}" argument must be a function or null`), { code: 'ERR_INVALID_ARG_TYPE' });
  }
}

/** A certificate type of RFC 7250: a certificate, or a raw public key. */
export type CertType = 'x509' | 'rpk';

/** @internal */
export function certTypes(types: readonly CertType[]): number[] {
  return listOf(types, 'types').map((t, i) => {
    if (t === 'x509') return 0;
    if (t === 'rpk') return 2;
    throw Object.assign(new RangeError(`types[${i}] must be 'x509' or 'rpk'`), { code: 'ERR_INVALID_ARG_VALUE' });
  });
}

/** The owner the native side passes to callbacks is always the TS Connection. */
function asConn(c: unknown): Connection {
  return c as Connection;
}

/**
 * Callbacks only a server's handshake runs: after the first handshake only a renegotiation does,
 * which a client can start only where the server allows it (`SSL_OP_ALLOW_CLIENT_RENEGOTIATION`).
 */
const SERVER_HANDSHAKE_HOOKS: ReadonlySet<string> = new Set([
  'servername', 'alpnSelect', 'clientHello', 'ocspServer', 'pskServer', 'pskFindSession', 'allowEarlyData',
  'cookieGenerate', 'cookieVerify', 'ticketDecrypt',
]);

/**
 * An `SSL_CTX`: configuration shared by the Connections made from it.
 *
 * @example A server and a client Context
 * ```ts
 * import { SSL, crypto } from 'openssl-napi';
 *
 * const server = new SSL.Context(SSL.TLS_SERVER_METHOD);
 * server.setMinProtoVersion(SSL.TLS1_2_VERSION);
 * server.useCertificate(crypto.loadCertificate(crypto.FILETYPE_PEM, certPem));
 * server.usePrivatekey(crypto.loadPrivatekey(crypto.FILETYPE_PEM, keyPem));
 * server.checkPrivatekey();
 * server.setAlpnSelectCallback((conn, offered) =>
 *   offered.some((p) => p.toString() === 'h2') ? 'h2' : SSL.NO_OVERLAPPING_PROTOCOLS);
 *
 * const client = new SSL.Context(SSL.TLS_CLIENT_METHOD);
 * client.loadVerifyLocations('ca.pem');
 * client.setVerify(SSL.VERIFY_PEER, (conn, cert, errnum, depth, ok) => ok);
 * client.setAlpnProtos(['h2', 'http/1.1']);
 * ```
 */
export class Context {
  /** @internal */
  _h: NativeContext;
  /** @internal */
  _appData: unknown = null;
  /** @internal Callbacks by name; the native side reaches them through a weak reference to this object. */
  _hooks: Record<string, unknown> = Object.create(null) as Record<string, unknown>;

  /** @internal Records a callback under `name` and returns it (for the native setter). */
  _hook<F>(name: string, f: F): F {
    this._hooks[name] = f;
    // Where a callback may run inside OpenSSL's reads and writes, the native side keeps JS-owned
    // buffers away from them: in a handshake for any callback, after it for those a client's
    // handshake or post-handshake messages run (see SERVER_HANDSHAKE_HOOKS).
    let inHandshake = false;
    let afterHandshake = false;
    for (const [n, h] of Object.entries(this._hooks)) {
      if (typeof h !== 'function' || n === 'passwd') continue;
      inHandshake = true;
      if (!SERVER_HANDSHAKE_HOOKS.has(n)) afterHandshake = true;
    }
    this._h.setJsHooks(inHandshake, afterHandshake);
    return f;
  }

  /**
   * A new context for `method` (`TLS_METHOD`, `TLS_SERVER_METHOD`, `TLS_CLIENT_METHOD`,
   * `TLSv1_2_METHOD` (pins the version), `DTLS_METHOD`, ...). Partial writes and moving write
   * buffers are always enabled, as in pyOpenSSL; servers get automatic DH parameters.
   * `options.propertyQuery` restricts every algorithm the Context fetches to the providers and
   * properties it names, e.g. `"provider=default"` or `"fips=yes"` (`SSL_CTX_new_ex`).
   * @throws a RangeError (`ERR_INVALID_ARG_VALUE`) for an unknown method, an OpenSSLError when
   * OpenSSL cannot make the context (e.g. a property query no provider matches).
   */
  constructor(method: number, options: { propertyQuery?: string } = {}) {
    this._h = new native.Context(method, optionsOf(options, 'options').propertyQuery ?? null);
    this._h._setOwner(this);
    this._method = method;
  }

  /** @internal The pyOpenSSL method number this Context was made with. */
  _method: number;

  /** Minimum protocol version (`TLS1_2_VERSION`, ...; 0 = lowest supported; `SSL_CTX_set_min_proto_version`); an unknown version is an OpenSSLError. */
  setMinProtoVersion(version: number): void {
    this._h.setMinProtoVersion(version);
  }
  /** Maximum protocol version (0 = highest supported; `SSL_CTX_set_max_proto_version`); an unknown version is an OpenSSLError. */
  setMaxProtoVersion(version: number): void {
    this._h.setMaxProtoVersion(version);
  }
  /**
   * Trusted CAs from a PEM file and/or a hashed directory (`SSL_CTX_load_verify_locations`).
   * @throws a TypeError when both are null, an OpenSSLError when OpenSSL cannot load them.
   */
  loadVerifyLocations(cafile: string | null, capath: string | null = null): void {
    this._h.loadVerifyLocations(cafile ?? null, capath ?? null);
  }
  /**
   * Passphrase callback for encrypted key files: `cb(maxLength, verify, userdata)` returns the
   * passphrase (truncated to maxLength). OpenSSL calls it through the context's default passphrase
   * callback (`SSL_CTX_set_default_passwd_cb`), e.g. from {@link Context.usePrivatekeyFile}.
   */
  setPasswdCb(callback: ((maxLength: number, verify: boolean, userdata: unknown) => BytesLike) | null, userdata: unknown = null): void {
    fn(callback, 'callback');
    this._h.setPasswdCb(this._hook('passwd', callback ? (max, verify) => callback(max, verify, userdata) : null));
  }
  /**
   * Encrypted Client Hello (OpenSSL 4.0+): a server's keys and ECHConfigs, or a client's
   * configurations, for every connection made from this Context. The store is copied: later
   * changes to `store` do not reach the Context (`SSL_CTX_set1_echstore`).
   * @throws an Error with code `ERR_OPENSSL_NAPI_UNSUPPORTED` before OpenSSL 4.0.
   */
  setEchStore(store: ECHStore): void {
    native.echSetStore(this._h, handleOf(store, ECHStore, 'store'));
  }
  /** A copy of the Context's ECH store, or null (`SSL_CTX_get1_echstore`). */
  getEchStore(): ECHStore | null {
    const h = native.echGetStore(this._h);
    return h === null ? null : ECHStore._wrap(h);
  }
  /** The ALPN list a client sends in its outer (visible) ClientHello (`SSL_CTX_ech_set1_outer_alpn_protos`). */
  setEchOuterAlpnProtos(protos: BytesLike[]): void {
    native.echSetOuterAlpnProtos(this._h, alpnWire(protos));
  }
  /**
   * Trust OpenSSL's default CA locations (what `SSL_CTX_set_default_verify_paths` does, done as
   * `X509_STORE_set_default_paths` on the context's store: `SSL_CERT_FILE`,
   * `SSL_CERT_DIR`, else the OPENSSLDIR the library was built with). When neither variable is set
   * and those built-in locations hold nothing (an OpenSSL built from source into a prefix), the
   * platform's CA bundle is loaded instead (`/etc/ssl/certs/ca-certificates.crt` and the other
   * usual places).
   */
  setDefaultVerifyPaths(): void {
    this._h.setDefaultVerifyPaths();
  }
  /** Certificate plus chain from a PEM file (`SSL_CTX_use_certificate_chain_file`). */
  useCertificateChainFile(certfile: string): void {
    this._h.useCertificateChainFile(certfile);
  }
  /** Certificate from a file (FILETYPE_PEM or FILETYPE_ASN1; `SSL_CTX_use_certificate_file`). */
  useCertificateFile(certfile: string, filetype?: number): void {
    this._h.useCertificateFile(certfile, filetype);
  }
  /** The certificate to present (`SSL_CTX_use_certificate`). */
  useCertificate(cert: X509): void {
    this._h.useCertificate(handleOf(cert, X509, 'cert'));
  }
  /** Appends (a copy of) an intermediate to the chain presented (`SSL_CTX_add_extra_chain_cert`). */
  addExtraChainCert(certobj: X509): void {
    this._h.addExtraChainCert(handleOf(certobj, X509, 'certobj'));
  }
  /** Private key from a file (the passphrase comes from {@link Context.setPasswdCb}; `SSL_CTX_use_PrivateKey_file`). */
  usePrivatekeyFile(keyfile: string, filetype?: number): void {
    this._h.usePrivatekeyFile(keyfile, filetype);
  }
  /** The private key matching the certificate (`SSL_CTX_use_PrivateKey`). */
  usePrivatekey(pkey: PKey): void {
    this._h.usePrivatekey(handleOf(pkey, PKey, 'pkey'));
  }
  /**
   * Throws if the key does not match the certificate (`SSL_CTX_check_private_key`).
   * @throws an OpenSSLError when they do not match, or one of them is missing.
   */
  checkPrivatekey(): void {
    this._h.checkPrivatekey();
  }
  /** CA names sent in CertificateRequest, from a PEM file, replacing the list (`SSL_load_client_CA_file`, `SSL_CTX_set_client_CA_list`). */
  loadClientCa(cafile: string): void {
    this._h.loadClientCa(cafile);
  }
  /** Sets the session id context (pyOpenSSL's misleading name kept; at most 32 bytes; `SSL_CTX_set_session_id_context`). */
  setSessionId(buf: BytesLike): void {
    this._h.setSessionId(buf);
  }
  /** `SESS_CACHE_*` flags; returns the previous mode (`SSL_CTX_set_session_cache_mode`). */
  setSessionCacheMode(mode: number): number {
    return this._h.setSessionCacheMode(mode);
  }
  /** The session cache mode (`SSL_CTX_get_session_cache_mode`). */
  getSessionCacheMode(): number {
    return this._h.getSessionCacheMode();
  }
  /** `VERIFY_*` flags and an optional callback (null = OpenSSL's own result; `SSL_CTX_set_verify`). */
  setVerify(mode: number, callback: VerifyCallback | null = null): void {
    fn(callback, 'callback');
    this._h.setVerify(mode, this._hook('verify', callback ? (c, cert, e, d, ok) => callback(asConn(c), (cert ? X509._wrap(cert) : (null as unknown as X509)), e, d, ok) : null));
  }
  /** The verify mode (`SSL_CTX_get_verify_mode`). */
  getVerifyMode(): number {
    return this._h.getVerifyMode();
  }
  /** Maximum chain depth (`SSL_CTX_set_verify_depth`). */
  setVerifyDepth(depth: number): void {
    this._h.setVerifyDepth(depth);
  }
  /** Maximum chain depth (`SSL_CTX_get_verify_depth`). */
  getVerifyDepth(): number {
    return this._h.getVerifyDepth();
  }
  /** DH parameters from a PEM file (`PEM_read_bio_Parameters`, `SSL_CTX_set0_tmp_dh_pkey`). */
  loadTmpDh(dhfile: string): void {
    this._h.loadTmpDh(dhfile);
  }
  /**
   * Restricts ECDHE to one curve (`prime256v1`, `secp384r1`, ...): the key-exchange groups become
   * that curve alone (`SSL_CTX_set1_groups`). An unknown name is a RangeError.
   */
  setTmpEcdh(curve: string): void {
    this._h.setTmpEcdh(curve);
  }
  /** TLS <= 1.2 cipher string (`SSL_CTX_set_cipher_list`). */
  setCipherList(cipherList: string): void {
    this._h.setCipherList(cipherList);
  }
  /** TLS 1.3 cipher suites (`SSL_CTX_set_ciphersuites`). */
  setTls13Ciphersuites(ciphersuites: string): void {
    this._h.setTls13Ciphersuites(ciphersuites);
  }
  /** Replaces the CA names sent in CertificateRequest (copied; `SSL_CTX_set_client_CA_list`). */
  setClientCaList(certificateAuthorities: X509Name[]): void {
    if (!Array.isArray(certificateAuthorities)) {
      throw Object.assign(new TypeError('The "certificateAuthorities" argument must be an array of X509Name'), { code: 'ERR_INVALID_ARG_TYPE' });
    }
    this._h.setClientCaList(certificateAuthorities.map((n) => handleOf(n, X509Name, 'certificateAuthorities[]')));
  }
  /** Adds a certificate's subject to the CA names (`SSL_CTX_add_client_CA`). */
  addClientCa(certificateAuthority: X509): void {
    this._h.addClientCa(handleOf(certificateAuthority, X509, 'certificateAuthority'));
  }
  /** Session timeout in seconds; returns the previous one (`SSL_CTX_set_timeout`). */
  setTimeout(timeout: number): number {
    return this._h.setTimeout(timeout);
  }
  /** Session timeout in seconds (`SSL_CTX_get_timeout`). */
  getTimeout(): number {
    return this._h.getTimeout();
  }
  /** `cb(conn, where, ret)` on state changes and alerts (`SSL_CB_*`; `SSL_CTX_set_info_callback`). */
  setInfoCallback(callback: ((conn: Connection, where: number, ret: number) => void) | null): void {
    fn(callback, 'callback');
    this._h.setInfoCallback(this._hook('info', callback ? (c, w, r) => callback(asConn(c), w, r) : null));
  }
  /** `cb(conn, line)` with NSS key-log lines (no trailing newline; `SSL_CTX_set_keylog_callback`). */
  setKeylogCallback(callback: ((conn: Connection, line: Buffer) => void) | null): void {
    fn(callback, 'callback');
    this._h.setKeylogCallback(this._hook('keylog', callback ? (c, l) => callback(asConn(c), l) : null));
  }
  /** The object stored with {@link Context.setAppData} (kept in JS, no OpenSSL call). */
  getAppData(): unknown {
    return this._appData;
  }
  /** Stores any value on the context (kept in JS, no OpenSSL call). */
  setAppData(data: unknown): void {
    this._appData = data;
  }
  /**
   * The context's own trust store (`SSL_CTX_get_cert_store`): certificates, CRLs and flags added to
   * it (`addCert`, `addCrl`, `setFlags(X509StoreFlags.CRL_CHECK)`, ...) apply to this context's
   * handshakes. The X509Store holds its own reference, so it stays valid after the Context is
   * freed. Null only if OpenSSL has no store for the context.
   */
  getCertStore(): X509Store | null {
    const h = this._h.getCertStore();
    return h ? X509Store._wrap(h) : null;
  }
  /** ORs in `OP_*` options; returns the new mask (`SSL_CTX_set_options`). */
  setOptions(options: number): number {
    return this._h.setOptions(options);
  }
  /** Clears `OP_*` options; returns the new mask (`SSL_CTX_clear_options`). */
  clearOptions(options: number): number {
    return this._h.clearOptions(options);
  }
  /** The `OP_*` mask (`SSL_CTX_get_options`). */
  getOptions(): number {
    return this._h.getOptions();
  }
  /** ORs in `MODE_*` bits; returns the new mask (`SSL_CTX_set_mode`). */
  setMode(mode: number): number {
    return this._h.setMode(mode);
  }
  /** Clears `MODE_*` bits; returns the new mask (`SSL_CTX_clear_mode`). */
  clearMode(mode: number): number {
    return this._h.clearMode(mode);
  }
  /** The `MODE_*` mask (`SSL_CTX_get_mode`). */
  getMode(): number {
    return this._h.getMode();
  }
  /**
   * SNI callback `cb(conn)` on the server; typically calls `conn.setContext(other)`. A throw aborts
   * the handshake (`SSL_CTX_set_tlsext_servername_callback`).
   */
  setTlsextServernameCallback(callback: ((conn: Connection) => void) | null): void {
    fn(callback, 'callback');
    this._h.setTlsextServernameCallback(this._hook('servername', callback ? (c) => callback(asConn(c)) : null));
  }
  /** Colon-separated SRTP profiles (`SSL_CTX_set_tlsext_use_srtp`). */
  setTlsextUseSrtp(profiles: string): void {
    this._h.setTlsextUseSrtp(profiles);
  }
  /** Client ALPN offer (`SSL_CTX_set_alpn_protos`); an empty list or a protocol over 255 bytes is a RangeError. */
  setAlpnProtos(protos: BytesLike[]): void {
    this._h.setAlpnProtos(alpnWire(protos));
  }
  /**
   * Server ALPN choice: `cb(conn, offered)` returns one of the offered protocols, or
   * {@link NO_OVERLAPPING_PROTOCOLS} (`SSL_CTX_set_alpn_select_cb`).
   */
  setAlpnSelectCallback(callback: AlpnSelectCallback | null): void {
    fn(callback, 'callback');
    this._h.setAlpnSelectCallback(this._hook('alpnSelect', 
      callback
        ? (c, offered) => {
            const r = callback(asConn(c), offered);
            if (r === NO_OVERLAPPING_PROTOCOLS) return null;
            if (typeof r !== 'string' && !(isUint8Array(r))) {
              throw Object.assign(new TypeError('The ALPN select callback must return a Buffer or NO_OVERLAPPING_PROTOCOLS'), {
                code: 'ERR_INVALID_RETURN_VALUE',
              });
            }
            return r;
          }
        : null,
    ));
  }
  /** Server OCSP stapling: `cb(conn, data)` returns the DER response (empty = none; `SSL_CTX_set_tlsext_status_cb`, `SSL_set_tlsext_status_ocsp_resp`). */
  setOcspServerCallback(callback: ((conn: Connection, data: unknown) => Uint8Array) | null, data: unknown = null): void {
    fn(callback, 'callback');
    this._h.setOcspServerCallback(this._hook('ocspServer', callback ? (c) => callback(asConn(c), data) : null));
  }
  /**
   * Client OCSP check: `cb(conn, ocsp, data)` returns true to accept, false to reject; nothing but
   * a boolean counts (needs `conn.requestOcsp()`; `SSL_CTX_set_tlsext_status_cb`,
   * `SSL_get_tlsext_status_ocsp_resp`).
   */
  setOcspClientCallback(callback: ((conn: Connection, ocsp: Buffer, data: unknown) => boolean) | null, data: unknown = null): void {
    fn(callback, 'callback');
    this._h.setOcspClientCallback(this._hook('ocspClient', callback ? (c, o) => callback(asConn(c), o, data) : null));
  }
  /** Key-exchange groups, e.g. `"X25519:P-256"` (`SSL_CTX_set1_groups_list`). */
  setGroupsList(groups: string): void {
    this._h.setGroupsList(groups);
  }
  /** Signature algorithms, e.g. `"ECDSA+SHA256:RSA-PSS+SHA256"` (`SSL_CTX_set1_sigalgs_list`). */
  setSigalgsList(sigalgs: string): void {
    this._h.setSigalgsList(sigalgs);
  }
  /** Number of TLS 1.3 tickets a server sends (`SSL_CTX_set_num_tickets`). */
  setNumTickets(count: number): void {
    this._h.setNumTickets(count);
  }
  /** Number of TLS 1.3 tickets a server sends (`SSL_CTX_get_num_tickets`). */
  getNumTickets(): number {
    return this._h.getNumTickets();
  }
  /**
   * Session ticket keys of the binding's own (`SSL_CTX_set_tlsext_ticket_key_evp_cb`), so that
   * several servers or processes resume each other's sessions, and keys rotate: each key is 80
   * bytes (a 16-byte name, a 32-byte AES-256-CBC key, a 32-byte HMAC-SHA256 key; make one with
   * {@link Context.generateTicketKey}). The first key encrypts new tickets; every key decrypts, and
   * a ticket under any but the first is renewed under the first. A ticket under a key no longer
   * listed means a full handshake. Null goes back to OpenSSL's own per-Context random keys.
   */
  setTicketKeys(keys: readonly Uint8Array[] | null): void {
    native.ticketSetKeys(this._h, keys === null ? null : listOf(keys, 'keys'));
  }
  /**
   * The application's own data in session tickets, and the decision on each ticket a client
   * presents (`SSL_CTX_set_session_ticket_cb`). `generate(conn)` returns the bytes to seal into a
   * new ticket (or null); `decrypt(conn, appData, status)` gets them back (null unless the ticket
   * decrypted) with OpenSSL's status (`'success'`, `'success-renew'`, `'no-decrypt'`, `'empty'`,
   * `'none'`) and answers `'use'` or `'use-renew'` (decrypted tickets only), `'ignore'`,
   * `'ignore-renew'` (a full handshake, with or without a new ticket) or `'abort'`. Any other
   * answer fails the handshake with a TypeError. Null for both removes them.
   */
  setSessionTicketCallback(
    generate: ((conn: Connection) => Uint8Array | string | null) | null,
    decrypt: ((conn: Connection, appData: Buffer | null, status: string) => 'use' | 'use-renew' | 'ignore' | 'ignore-renew' | 'abort') | null,
  ): void {
    fn(generate, 'generate');
    fn(decrypt, 'decrypt');
    this._hook('ticketGenerate', generate ? (c: unknown) => generate(asConn(c)) : null);
    this._hook('ticketDecrypt', decrypt ? (c: unknown, d: Buffer | null, st: string) => decrypt(asConn(c), d, st) : null);
    native.ticketSetCallbacks(this._h, generate !== null || decrypt !== null);
  }
  /** 80 random bytes: a new key for {@link Context.setTicketKeys} (from `node:crypto`'s randomBytes, not the binding's OpenSSL). */
  static generateTicketKey(): Buffer {
    return randomBytes(80);
  }
  /**
   * Raw public keys (RFC 7250, OpenSSL 3.2+): the certificate types the server may send, in order
   * of preference (`'rpk'`: its bare public key, `'x509'`: a certificate). On a client: what it
   * accepts from the server; on a server: what it offers (`SSL_CTX_set1_server_cert_type`).
   * @throws an Error with code `ERR_OPENSSL_NAPI_UNSUPPORTED` before OpenSSL 3.2.
   */
  setServerCertTypes(types: CertType[]): void {
    native.rpkSetCertTypes(this._h, false, certTypes(types));
  }
  /** As {@link Context.setServerCertTypes}, for the client's own certificate (`SSL_CTX_set1_client_cert_type`). */
  setClientCertTypes(types: CertType[]): void {
    native.rpkSetCertTypes(this._h, true, certTypes(types));
  }
  /**
   * Certificate compression (RFC 8879, TLS 1.3, OpenSSL 3.2+): the algorithms this side uses,
   * best first, to compress its own certificate and accepts for the peer's
   * (`SSL_CTX_set1_cert_comp_preference`). Each must be in `SSL.CERT_COMPRESSION_ALGORITHMS`.
   * Receiving compressed certificates is on by default where OpenSSL has an algorithm; a side sends
   * its own compressed once {@link Context.compressCertificates} stored them.
   * `SSL.OP_NO_TX_CERTIFICATE_COMPRESSION` and `SSL.OP_NO_RX_CERTIFICATE_COMPRESSION` switch either
   * direction off.
   * @throws an `ERR_OPENSSL_NAPI_UNSUPPORTED` error before OpenSSL 3.2 or without a compression library.
   */
  setCertCompressionPreference(algorithms: CertCompressionAlgorithm[]): void {
    native.certCompSetPreference(this._h, certCompressionIds(algorithms));
  }
  /**
   * Compresses the configured certificate chains now, once, so that handshakes with a peer that
   * accepts the algorithm send them compressed (`SSL_CTX_compress_certs`): with `algorithm`, or
   * with every preferred one when omitted. Call it after the certificate and chain are set.
   * @throws an Error with code `ERR_OPENSSL_NAPI_UNSUPPORTED` before OpenSSL 3.2 or without a
   * compression library.
   */
  compressCertificates(algorithm?: CertCompressionAlgorithm): void {
    native.certCompCompress(this._h, algorithm === undefined ? 0 : certCompressionId(algorithm));
  }
  /**
   * The certificate message compressed with `algorithm` (as {@link Context.compressCertificates}
   * stored it, else compressed now), with its uncompressed length; null when OpenSSL has none
   * (`SSL_CTX_get1_compressed_cert`).
   */
  getCompressedCertificate(algorithm: CertCompressionAlgorithm): { data: Buffer; originalLength: number } | null {
    return compressedCertificate(native.certCompGet(this._h, certCompressionId(algorithm)));
  }
  /** TLS 1.3 records are padded to a multiple of `blockSize` bytes, hiding their true length (1: no padding; `SSL_CTX_set_block_padding`). */
  setBlockPadding(blockSize: number): void {
    this._h.setBlockPadding(blockSize);
  }
  /**
   * Chooses the padding of each TLS 1.3 record (`SSL_CTX_set_record_padding_callback`):
   * `callback(conn, contentType, length)` returns how many bytes of padding to add (0 to 16384).
   * Any other answer fails the write with a TypeError.
   */
  setRecordPaddingCallback(callback: ((conn: Connection, contentType: number, length: number) => number) | null): void {
    fn(callback, 'callback');
    this._h.setRecordPaddingCallback(this._hook('recordPadding', callback ? (c, t, n) => callback(asConn(c), t, n) : null));
  }
  /**
   * A client asks the server for records of at most `bytes` (512, 1024, 2048 or 4096; 0: no
   * request; RFC 6066 max_fragment_length; `SSL_CTX_set_tlsext_max_fragment_length`).
   */
  setMaxFragmentLength(bytes: 0 | 512 | 1024 | 2048 | 4096): void {
    this._h.setMaxFragmentLength(bytes);
  }
  /**
   * Chooses the certificate per handshake (`SSL_CTX_set_cert_cb`): called on a server before it
   * sends its certificate (after the ClientHello: its server name, signature algorithms and groups
   * are known), and on a client when the server asks for one. Set the certificate and key with
   * `conn.useCertificate` / `conn.usePrivatekey` inside; return `true` to go on, `false` to fail
   * the handshake. Any other result fails it with a TypeError.
   */
  setCertCallback(callback: ((conn: Connection) => boolean) | null): void {
    fn(callback, 'callback');
    this._h.setCertCallback(this._hook('cert', callback ? (c) => callback(asConn(c)) : null));
  }
  /**
   * A client's certificate, asked for only when the server requests one and none is set
   * (`SSL_CTX_set_client_cert_cb`): return `{ cert, key }`, or null to send none.
   */
  setClientCertCallback(callback: ((conn: Connection) => { cert: X509; key: PKey } | null) | null): void {
    fn(callback, 'callback');
    this._h.setClientCertCallback(
      this._hook(
        'clientCert',
        callback
          ? (c) => {
              const r = callback(asConn(c));
              if (r === null || r === undefined) return null;
              const o = optionsOf(r, 'the client certificate callback result');
              return [handleOf(o.cert, X509, 'cert'), handleOf(o.key, PKey, 'key')];
            }
          : null,
      ),
    );
  }
  /**
   * TLS 1.3 post-handshake authentication (client side): offer to send a certificate after the
   * handshake when the server asks (`Connection.verifyClientPostHandshake()`;
   * `SSL_CTX_set_post_handshake_auth`).
   */
  setPostHandshakeAuth(enabled: boolean): void {
    this._h.setPostHandshakeAuth(enabled);
  }
  /**
   * TLS 1.3 early data (0-RTT): the most a client may send before the handshake ends on a session
   * from this server (0, the default, allows none; sent in its tickets; `SSL_CTX_set_max_early_data`).
   * A client's Context needs no setting: its session says. Anti-replay stays on, as in OpenSSL:
   * each session's early data is accepted once.
   */
  setMaxEarlyData(bytes: number): void {
    this._h.setMaxEarlyData(bytes);
  }
  /** The server's early-data limit (`SSL_CTX_get_max_early_data`). */
  getMaxEarlyData(): number {
    return this._h.getMaxEarlyData();
  }
  /** The most early data a server reads before it fails the handshake (`SSL_CTX_set_recv_max_early_data`). */
  setRecvMaxEarlyData(bytes: number): void {
    this._h.setRecvMaxEarlyData(bytes);
  }
  /**
   * The server decides per connection whether to accept a client's early data
   * (`SSL_CTX_set_allow_early_data_cb`): return `true` to accept, `false` to reject (the client
   * then sends it again after the handshake). Any other result fails the handshake with a TypeError.
   */
  setAllowEarlyDataCallback(callback: ((conn: Connection) => boolean) | null): void {
    fn(callback, 'callback');
    this._h.setAllowEarlyDataCallback(this._hook('allowEarlyData', callback ? (c) => callback(asConn(c)) : null));
  }
  /**
   * Session cache callbacks. `newSession(conn, session)` fires for each new session (clients
   * need `SESS_CACHE_CLIENT` in the cache mode); `removeSession(session)` when one is dropped
   * (`SSL_CTX_sess_set_new_cb`, `SSL_CTX_sess_set_remove_cb`).
   */
  setSessionCallbacks(callbacks: {
    newSession?: ((conn: Connection, session: Session) => void) | null;
    removeSession?: ((session: Session) => void) | null;
  }): void {
    const { newSession, removeSession } = callbacks ?? {};
    fn(newSession, 'newSession');
    fn(removeSession, 'removeSession');
    this._h.setSessionCallbacks(
      this._hook('newSession', newSession ? (c: unknown, s: NativeSession) => newSession(asConn(c), Session._wrap(s, this)) : null),
      this._hook('removeSession', removeSession ? (s: NativeSession) => removeSession(Session._wrap(s, this)) : null),
    );
  }
  /**
   * Inspect the ClientHello on the server (`SSL_CTX_set_client_hello_cb`): return `true` to go on,
   * `false` (or throw) to abort the handshake. Any other result fails the handshake with a TypeError.
   */
  setClientHelloCallback(callback: ((conn: Connection, hello: ClientHello) => boolean) | null): void {
    fn(callback, 'callback');
    this._h.setClientHelloCallback(this._hook('clientHello', callback ? (c, h: NativeClientHello) => callback(asConn(c), h) : null));
  }
  /**
   * Every protocol message: `cb(conn, direction, version, contentType, bytes)`
   * (`SSL_CTX_set_msg_callback`). `contentType` is the record's (20 change_cipher_spec, 21 alert,
   * 22 handshake, 23 application data; `bytes[0]` of a handshake message is its type), or one of
   * OpenSSL's pseudo types: 256 a record header, 257 a TLS 1.3 record's inner content type.
   */
  setMsgCallback(
    callback: ((conn: Connection, direction: 'read' | 'write', version: number, contentType: number, bytes: Buffer) => void) | null,
  ): void {
    fn(callback, 'callback');
    this._h.setMsgCallback(this._hook('msg', callback ? (c, d, v, t, b) => callback(asConn(c), d, v, t, b) : null));
  }
  /** TLS <= 1.2 PSK, client: `cb(conn, hint)` returns `{ identity, psk }` or null (`SSL_CTX_set_psk_client_callback`). */
  setPskClientCallback(callback: ((conn: Connection, hint: string | null) => PskClientResult | null) | null): void {
    fn(callback, 'callback');
    this._h.setPskClientCallback(this._hook('pskClient', callback ? (c, h) => callback(asConn(c), h) : null));
  }
  /** TLS <= 1.2 PSK, server: `cb(conn, identity)` returns the key or null (`SSL_CTX_set_psk_server_callback`). */
  setPskServerCallback(callback: ((conn: Connection, identity: string) => Uint8Array | null) | null): void {
    fn(callback, 'callback');
    this._h.setPskServerCallback(this._hook('pskServer', callback ? (c, i) => callback(asConn(c), i) : null));
  }
  /** The PSK identity hint a TLS 1.2 server sends (`SSL_CTX_use_psk_identity_hint`). */
  usePskIdentityHint(hint: string): void {
    this._h.usePskIdentityHint(hint);
  }
  /** TLS 1.3 PSK, server: `cb(conn, identity)` returns a Session (see `Session.forPsk`) or null (`SSL_CTX_set_psk_find_session_callback`). */
  setPskFindSessionCallback(callback: ((conn: Connection, identity: Buffer) => Session | null) | null): void {
    fn(callback, 'callback');
    this._h.setPskFindSessionCallback(this._hook('pskFindSession', 
      callback
        ? (c, id) => {
            const s = callback(asConn(c), id);
            return s == null ? null : handleOf(s, Session, 'session');
          }
        : null,
    ));
  }
  /** TLS 1.3 PSK, client: `cb(conn, digestName)` returns `{ identity, session }` or null (`SSL_CTX_set_psk_use_session_callback`). */
  setPskUseSessionCallback(callback: ((conn: Connection, md: string | null) => PskUseSessionResult | null) | null): void {
    fn(callback, 'callback');
    this._h.setPskUseSessionCallback(this._hook('pskUseSession', 
      callback
        ? (c, md) => {
            const r = callback(asConn(c), md);
            if (r == null) return null;
            return { identity: r.identity, session: handleOf(r.session, Session, 'session') };
          }
        : null,
    ));
  }
  /** OpenSSL security level (0..5; `SSL_CTX_set_security_level`). */
  setSecurityLevel(level: number): void {
    this._h.setSecurityLevel(level);
  }
  /** OpenSSL security level (`SSL_CTX_get_security_level`). */
  getSecurityLevel(): number {
    return this._h.getSecurityLevel();
  }
  /** `X509_CHECK_FLAG_*` flags for host name checks (`Connection.setHost`; `X509_VERIFY_PARAM_set_hostflags`). */
  setHostFlags(flags: number): void {
    this._h.setHostFlags(flags);
  }
  /** Drops cached sessions that expired at `time` (seconds since the epoch; `SSL_CTX_flush_sessions`). */
  flushSessions(time: number): void {
    this._h.flushSessions(time);
  }
  /** Number of sessions in the internal cache (`SSL_CTX_sess_number`). */
  sessionCacheSize(): number {
    return this._h.sessionCacheSize();
  }
  /** Releases the SSL_CTX now (Connections made from it keep their reference; `SSL_CTX_free`). */
  free(): void {
    this._h.free();
  }
  /** Same as {@link Context.free} (`SSL_CTX_free`). */
  [Symbol.dispose](): void {
    this.free();
  }

  // DTLS (dtls.ts has the types and helpers)
  /** DTLS server: `cb(conn)` returns the cookie for a HelloVerifyRequest (1..255 bytes). null removes it (`SSL_CTX_set_cookie_generate_cb`). */
  setCookieGenerateCallback(callback: CookieGenerateCallback | null): void {
    checkFn(callback, 'callback');
    setCookieHook(this, 'cookieGenerate', callback ? (c: unknown) => callback(c as Connection) : null);
  }
  /** DTLS server: `cb(conn, cookie)` returns true if the cookie is valid. null removes it (`SSL_CTX_set_cookie_verify_cb`). */
  setCookieVerifyCallback(callback: CookieVerifyCallback | null): void {
    checkFn(callback, 'callback');
    setCookieHook(this, 'cookieVerify', callback ? (c: unknown, cookie: Buffer) => callback(c as Connection, cookie) : null);
  }
}
