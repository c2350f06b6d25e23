/**
 * `Connection`: an `SSL` object. `new Connection(ctx)` is the memory-BIO mode (synchronous, as
 * pyOpenSSL's); `new Connection(ctx, socket)` is the socket mode ({@link SocketConnection}: the same
 * method names, I/O returning Promises). Both are `instanceof Connection`.
 * @module
 */
import { isIP } from 'node:net';
import { native } from '../native.js';
import { bytesOf, handleOf, isUint8Array, optionsOf } from '../handle.js';
import { WantReadError, WantWriteError, WantX509LookupError, ZeroReturnError } from '../errors.js';
import { X509 } from '../crypto/x509.js';
import { PKey } from '../crypto/pkey.js';
import { X509Name } from '../crypto/x509name.js';
import { Context, alpnWire, certTypes, type BytesLike, type CertType, type VerifyCallback } from './context.js';
import { Session } from './session.js';
import { ECHStore, type ECHStatus } from './ech.js';
import { certCompressionId, certCompressionIds, compressedCertificate, type CertCompressionAlgorithm } from './cert-compression.js';
import { srtpKeyingMaterial, type SrtpKeyingMaterial } from './dtls.js';
import type { SocketConnection } from './socket-connection.js';
import type { Connection } from './connection-constructor.js';
import { EarlyDataStatus, Status, type NativeConnection } from './native-types.js';
import type { NativeX509 } from '../crypto/native-types.js';
import { MSG_PEEK } from './constants.js';

/** A status of the no-throw methods ({@link MemoryConnection.tryRecvInto}, {@link pumpStatus}, {@link MemoryConnection.lastStatus}): done. */
export const STATUS_OK = 0;
/** Status: OpenSSL needs more bytes from the peer ("no data yet"; `SSL_ERROR_WANT_READ`). */
export const STATUS_WANT_READ = -2;
/** Status: OpenSSL needs to write first (`SSL_ERROR_WANT_WRITE`). */
export const STATUS_WANT_WRITE = -3;
/** Status: a certificate callback asked to be called again (`SSL_ERROR_WANT_X509_LOOKUP`). */
export const STATUS_WANT_X509_LOOKUP = -4;
/** Status: the peer sent close_notify (`SSL_ERROR_ZERO_RETURN`): nothing more will come. */
export const STATUS_ZERO_RETURN = -5;

export { PUMP_INIT_FINISHED, PUMP_MORE_PENDING, pumpBytes, pumpFinished, pumpMorePending, pumpStatus } from './pump-result.js';

/** Throws the pyOpenSSL exception for a status number of the native hot path. @internal */
export function raiseStatus(code: number): never {
  switch (code) {
    case Status.WantWrite:
      throw new WantWriteError();
    case Status.WantX509Lookup:
      throw new WantX509LookupError();
    case Status.ZeroReturn:
      throw new ZeroReturnError();
    default:
      throw new WantReadError();
  }
}

function peekFlag(flags: number | null | undefined): boolean {
  if (flags == null) return false;
  if (typeof flags !== 'number') throw Object.assign(new TypeError('The "flags" argument must be a number'), { code: 'ERR_INVALID_ARG_TYPE' });
  return (flags & MSG_PEEK) !== 0;
}

/**
 * A TLS connection in memory-BIO mode: synchronous methods that throw WantReadError/WantWriteError
 * as pyOpenSSL's do; move ciphertext with {@link MemoryConnection.bioRead} / {@link MemoryConnection.bioWrite}.
 * This is the type of `new SSL.Connection(context)`; `new SSL.Connection(context, socket)` gives a
 * {@link SocketConnection}. It owns an `SSL` with two memory BIOs (`BIO_s_mem`; datagram ones for
 * DTLS).
 *
 * @example A handshake in memory, both sides in one process
 * ```ts
 * import { SSL } from 'openssl-napi';
 *
 * // serverCtx: a Context with useCertificate/usePrivatekey; clientCtx: one that trusts it
 * const server = new SSL.Connection(serverCtx);
 * server.setAcceptState();
 * const client = new SSL.Connection(clientCtx);
 * client.setConnectState();
 * client.setTlsextHostName('example.com');
 * const step = (conn: SSL.MemoryConnection) => {
 *   try {
 *     conn.doHandshake();
 *   } catch (e) {
 *     if (!(e instanceof SSL.WantReadError)) throw e; // waiting for the peer's bytes
 *   }
 * };
 * while (!client.isInitFinished() || !server.isInitFinished()) {
 *   step(client);
 *   if (client.bioPending() > 0) server.bioWrite(client.bioRead(65536));
 *   step(server);
 *   if (server.bioPending() > 0) client.bioWrite(server.bioRead(65536));
 * }
 * client.send('hello');
 * server.bioWrite(client.bioRead(65536));
 * console.log(server.recv(1024).toString()); // hello
 * ```
 */
export class MemoryConnection {
  /** @internal */
  _h!: NativeConnection;
  /** @internal */
  _context!: Context;
  /** @internal */
  _appData: unknown = null;
  /** @internal Per-connection callbacks, called by the native side through these fields (no strong native refs). */
  _verifyHook: ((c: unknown, cert: NativeX509 | null, e: number, d: number, ok: boolean) => unknown) | null = null;
  /** @internal */
  _infoHook: ((c: unknown, where: number, ret: number) => void) | null = null;

  /**
   * A connection from `context`. Without a socket (or with null) it is in memory-BIO mode: feed
   * the peer's bytes with {@link MemoryConnection.bioWrite}, take bytes for the peer with
   * {@link MemoryConnection.bioRead} (`SSL_new`, `SSL_set_bio`).
   */
  constructor(context: Context) {
    const ctx = handleOf(context, Context, 'context');
    this._h = new native.Connection(ctx);
    this._context = context;
    // Callbacks get this object from the handle's own property: no native call, no napi reference.
    this._h._owner = this;
  }

  /** The Context (the one set by {@link MemoryConnection.setContext} after an SNI switch; kept in JS, no OpenSSL call). */
  getContext(): Context {
    return this._context;
  }
  /**
   * Switches the SSL_CTX (SNI callback use; `SSL_set_SSL_CTX`): its certificate, key and chain
   * answer from now on. As in OpenSSL, the verify mode and the verify callback stay those of the
   * Context the connection was made from (set them there, or per connection with `setVerify`).
   * During a handshake only from the servername or client hello callback, before the certificate
   * is chosen (`ERR_OPENSSL_NAPI_REENTRANT` otherwise).
   */
  setContext(context: Context): void {
    this._h.setContext(handleOf(context, Context, 'context'));
    this._context = context;
  }
  /** Per-connection `OP_*` options, ORed in; returns the new mask (`SSL_set_options`). */
  setOptions(options: number): number {
    return this._h.setOptions(options);
  }
  /** SNI host name the client sent, or null (`SSL_get_servername`). */
  getServername(): string | null {
    return this._h.getServername();
  }
  /** Per-connection verify mode and callback, as {@link Context.setVerify} (`SSL_set_verify`). */
  setVerify(mode: number, callback: VerifyCallback | null = null): void {
    if (callback != null && typeof callback !== 'function') {
      throw Object.assign(new TypeError('The "callback" argument must be a function or null'), { code: 'ERR_INVALID_ARG_TYPE' });
    }
    this._h.setVerify(mode, callback != null);
    this._verifyHook = callback ? (c, cert, e, d, ok) => callback(c as Connection, (cert ? X509._wrap(cert) : (null as unknown as X509)), e, d, ok) : null;
  }
  /** The verify mode (`SSL_get_verify_mode`). */
  getVerifyMode(): number {
    return this._h.getVerifyMode();
  }
  /** Per-connection certificate (`SSL_use_certificate`). */
  useCertificate(cert: X509): void {
    this._h.useCertificate(handleOf(cert, X509, 'cert'));
  }
  /** Per-connection private key (`SSL_use_PrivateKey`). */
  usePrivatekey(pkey: PKey): void {
    this._h.usePrivatekey(handleOf(pkey, PKey, 'pkey'));
  }
  /** Client SNI (`SSL_set_tlsext_host_name`). */
  setTlsextHostName(name: string): void {
    this._h.setTlsextHostName(name);
  }
  /** Decrypted bytes buffered and ready for {@link MemoryConnection.recv} (`SSL_pending`). */
  pending(): number {
    return this._h.pending();
  }

  /** Encrypts `buf` (one `SSL_write_ex`); returns how many bytes were taken (partial writes are on). */
  send(buf: BytesLike, flags?: number): number {
    void flags;
    const r = this._h.write(buf);
    if (r < 0) raiseStatus(r);
    return r;
  }
  /** Alias of {@link MemoryConnection.send} (`SSL_write_ex`). */
  write(buf: BytesLike, flags?: number): number {
    return this.send(buf, flags);
  }
  /** Encrypts all of `buf` (`SSL_write_ex` until it is all taken); returns its length. */
  sendall(buf: BytesLike, flags?: number): number {
    void flags;
    const data = typeof buf === 'string' ? Buffer.from(buf) : buf;
    if (!(isUint8Array(data))) {
      throw Object.assign(new TypeError('The "buf" argument must be a Buffer, Uint8Array or string'), { code: 'ERR_INVALID_ARG_TYPE' });
    }
    let off = 0;
    while (off < data.length) {
      const r = this._h.write(off === 0 ? data : data.subarray(off));
      if (r < 0) raiseStatus(r);
      off += r;
    }
    return data.length;
  }
  /**
   * Up to `bufsiz` decrypted bytes (at most one record); `MSG_PEEK` leaves them buffered
   * (`SSL_read_ex`, `SSL_peek_ex`).
   * @throws {@link WantReadError} when no plaintext has arrived yet (feed the peer's bytes with
   * {@link MemoryConnection.bioWrite}); {@link ZeroReturnError} after the peer's close_notify;
   * {@link SysCallError} after {@link MemoryConnection.bioShutdown} without close_notify.
   */
  recv(bufsiz: number, flags?: number | null): Buffer {
    const r = this._h.read(bufsiz, peekFlag(flags));
    if (typeof r === 'number') raiseStatus(r);
    return r;
  }
  /** Alias of {@link MemoryConnection.recv} (`SSL_read_ex`). */
  read(bufsiz: number, flags?: number | null): Buffer {
    return this.recv(bufsiz, flags);
  }
  /**
   * Client, TLS 1.3 0-RTT: sends `buf` as early data with the ClientHello (before
   * {@link MemoryConnection.doHandshake}), on a resumed session that allows it
   * (`session.maxEarlyData > 0`); returns the bytes taken. Throws WantReadError once the
   * ClientHello is out (move the bytes, then go on with the handshake). Whether the server took it:
   * {@link MemoryConnection.getEarlyDataStatus} after the handshake (`SSL_write_early_data`).
   */
  writeEarlyData(buf: BytesLike): number {
    const r = this._h.writeEarlyData(buf);
    if (r < 0) raiseStatus(r);
    return r;
  }
  /**
   * Server, TLS 1.3 0-RTT: reads early data before the handshake ends (`SSL_read_early_data`).
   * Returns `{ data, done }`: `done` once the client's early data is over (then finish with
   * {@link MemoryConnection.doHandshake}); throws WantReadError while more may come.
   */
  readEarlyData(bufsiz: number): { data: Buffer; done: boolean } {
    const r = this._h.readEarlyData(bufsiz);
    if (typeof r === 'number') raiseStatus(r);
    return { data: r[1], done: r[0] === 2 };
  }
  /**
   * How the peer signed its handshake: the digest (null where the algorithm has none of its own:
   * Ed25519, ML-DSA, ...) and the key type, as OpenSSL's short names (`SHA256`, `RSASSA-PSS`,
   * `id-ecPublicKey`, `ED25519`, ...); null before the peer signed (`SSL_get_peer_signature_nid`,
   * `SSL_get_peer_signature_type_nid`).
   */
  getPeerSignature(): { digest: string | null; type: string | null } | null {
    return this._h.getPeerSignature();
  }
  /** As {@link Context.setCertCompressionPreference}, for this connection (`SSL_set1_cert_comp_preference`). */
  setCertCompressionPreference(algorithms: CertCompressionAlgorithm[]): void {
    native.certCompSetPreference(this._h, certCompressionIds(algorithms));
  }
  /** As {@link Context.compressCertificates}, for this connection's own certificate, before its handshake (`SSL_compress_certs`). */
  compressCertificates(algorithm?: CertCompressionAlgorithm): void {
    native.certCompCompress(this._h, algorithm === undefined ? 0 : certCompressionId(algorithm));
  }
  /** As {@link Context.getCompressedCertificate}, for this connection (`SSL_get1_compressed_cert`). */
  getCompressedCertificate(algorithm: CertCompressionAlgorithm): { data: Buffer; originalLength: number } | null {
    return compressedCertificate(native.certCompGet(this._h, certCompressionId(algorithm)));
  }
  /** As {@link Context.setServerCertTypes}, for this connection (`SSL_set1_server_cert_type`). */
  setServerCertTypes(types: CertType[]): void {
    native.rpkSetCertTypes(this._h, false, certTypes(types));
  }
  /** As {@link Context.setClientCertTypes}, for this connection (`SSL_set1_client_cert_type`). */
  setClientCertTypes(types: CertType[]): void {
    native.rpkSetCertTypes(this._h, true, certTypes(types));
  }
  /**
   * The certificate types the handshake chose for each side, or null where none was
   * (`SSL_get_negotiated_server_cert_type`, `..._client_cert_type`). OpenSSL 3.2+.
   * @throws an Error with code `ERR_OPENSSL_NAPI_UNSUPPORTED` before OpenSSL 3.2 (as every raw
   * public key method).
   */
  getNegotiatedCertTypes(): { server: CertType | null; client: CertType | null } {
    const [s, c] = native.rpkNegotiated(this._h);
    const name = (t: number): CertType | null => (t === 2 ? 'rpk' : t === 0 ? 'x509' : null);
    return { server: name(s), client: name(c) };
  }
  /** The peer's raw public key, when it sent one instead of a certificate (`SSL_get0_peer_rpk`). OpenSSL 3.2+. */
  getPeerRawPublicKey(): PKey | null {
    const h = native.rpkPeer(this._h);
    return h === null ? null : PKey._wrap(h);
  }
  /**
   * A raw public key the peer may present (`SSL_add_expected_rpk`): with `VERIFY_PEER`, a raw key
   * that is not one of these fails verification. OpenSSL 3.2+.
   */
  addExpectedRawPublicKey(pkey: PKey): void {
    native.rpkAddExpected(this._h, handleOf(pkey, PKey, 'pkey'));
  }
  /** The negotiated maximum fragment length in bytes (RFC 6066), or 0 when none was (`SSL_SESSION_get_max_fragment_length`). */
  getMaxFragmentLength(): number {
    return this._h.getMaxFragmentLength();
  }
  /** As {@link Context.setPostHandshakeAuth}, for this client connection (`SSL_set_post_handshake_auth`). */
  setPostHandshakeAuth(enabled: boolean): void {
    this._h.setPostHandshakeAuth(enabled);
  }
  /**
   * Server, TLS 1.3: ask the client for its certificate now, after the handshake (the client must
   * have enabled post-handshake authentication). The request goes out with the next
   * {@link MemoryConnection.doHandshake} or write; the certificate is verified as in a handshake
   * (`SSL_verify_client_post_handshake`).
   */
  verifyClientPostHandshake(): void {
    this._h.verifyClientPostHandshake();
  }
  /** What became of early data: `'not-sent'`, `'rejected'` or `'accepted'` (`SSL_get_early_data_status`). */
  getEarlyDataStatus(): 'not-sent' | 'rejected' | 'accepted' {
    const s = this._h.getEarlyDataStatus();
    return s === EarlyDataStatus.Accepted ? 'accepted' : s === EarlyDataStatus.Rejected ? 'rejected' : 'not-sent';
  }
  /** As {@link Context.setMaxEarlyData}, for this connection (`SSL_set_max_early_data`). */
  setMaxEarlyData(bytes: number): void {
    this._h.setMaxEarlyData(bytes);
  }
  /** This connection's early-data limit (`SSL_get_max_early_data`). */
  getMaxEarlyData(): number {
    return this._h.getMaxEarlyData();
  }
  /** As {@link Context.setRecvMaxEarlyData}, for this connection (`SSL_set_recv_max_early_data`). */
  setRecvMaxEarlyData(bytes: number): void {
    this._h.setRecvMaxEarlyData(bytes);
  }
  /**
   * The fast read: decrypts into `buffer[offset, offset + length)` (default: all of it) and returns
   * the byte count, or, without throwing, a negative status: {@link STATUS_WANT_READ} when no
   * plaintext is there yet (for instance after the handshake, when only TLS 1.3 session tickets
   * arrived: they are processed by this call), {@link STATUS_WANT_WRITE}, or
   * {@link STATUS_ZERO_RETURN} at the peer's close_notify. Fatal errors still throw
   * (`SSL_read_ex`). Beyond pyOpenSSL.
   */
  tryRecvInto(buffer: Uint8Array, offset?: number, length?: number): number {
    if (!(isUint8Array(buffer))) {
      throw Object.assign(new TypeError('The "buffer" argument must be a Buffer or Uint8Array'), { code: 'ERR_INVALID_ARG_TYPE' });
    }
    return this._h.readInto(buffer, 0x7fffffff, undefined, offset, length);
  }
  /**
   * Decrypts straight into `buffer` (no copy); returns the byte count (`SSL_read_ex`, `SSL_peek_ex`
   * with `MSG_PEEK`).
   * @throws {@link WantReadError} / {@link ZeroReturnError} as {@link MemoryConnection.recv}.
   */
  recvInto(buffer: Uint8Array, nbytes?: number | null, flags?: number | null): number {
    if (!(isUint8Array(buffer))) {
      throw Object.assign(new TypeError('The "buffer" argument must be a Buffer or Uint8Array'), { code: 'ERR_INVALID_ARG_TYPE' });
    }
    const r = this._h.readInto(buffer, nbytes ?? buffer.length, peekFlag(flags));
    if (r < 0) raiseStatus(r);
    return r;
  }

  /**
   * Ciphertext for the peer (at most `bufsiz` bytes; `BIO_read` on the write BIO).
   * @throws {@link WantReadError} when there is none.
   */
  bioRead(bufsiz: number): Buffer {
    const r = this._h.bioRead(bufsiz);
    if (r === null) throw new WantReadError();
    return r;
  }
  /**
   * Copies pending ciphertext for the peer into `buffer` (no allocation) and returns the byte
   * count, 0 when there is none (`BIO_read`). Beyond pyOpenSSL: the bulk-transfer form of {@link MemoryConnection.bioRead}.
   */
  bioReadInto(buffer: Uint8Array): number {
    return this._h.bioReadInto(buffer);
  }
  /**
   * Ciphertext from the peer; returns the byte count (`BIO_write` on the read BIO). `offset` and
   * `length` (beyond pyOpenSSL) take a part of `buf` without a subarray.
   */
  bioWrite(buf: BytesLike, offset?: number, length?: number): number {
    return offset === undefined && length === undefined ? this._h.bioWrite(buf) : this._h.bioWrite(buf, offset, length);
  }
  /** Signals EOF from the peer (`BIO_set_mem_eof_return` 0): later reads fail with SysCallError(-1, 'Unexpected EOF'). */
  bioShutdown(): void {
    this._h.bioShutdown();
  }
  /**
   * The fast path: feeds `input` (may be null), advances the handshake if it is not finished,
   * and returns up to `outCap` bytes of ciphertext for the peer, or null. Never throws Want*:
   * {@link MemoryConnection.lastStatus} tells what the handshake waits for (0 = done)
   * (`BIO_write`, `SSL_do_handshake`, `BIO_read`).
   */
  pump(input: Uint8Array | null, outCap = 65536): Buffer | null {
    return this._h.pump(input, outCap);
  }
  /**
   * {@link MemoryConnection.pump} without allocating: feeds `input` (may be null) into the connection,
   * advances the handshake if it is not finished, and copies ciphertext for the peer into `out`.
   * Returns one number that tells everything the caller needs (no lastStatus/isInitFinished/
   * bioPending calls): `bytes * 32 + flags + (-status)`. Decode it with {@link pumpBytes},
   * {@link pumpStatus} (0 ok, -2 want read, -3 want write, -4 X509 lookup, -5 zero return,
   * -6 other, as {@link MemoryConnection.lastStatus}), {@link pumpFinished} (the handshake has
   * finished) and {@link pumpMorePending} (ciphertext beyond what `out` could take: call again
   * with null); the flags are also {@link PUMP_INIT_FINISHED} and {@link PUMP_MORE_PENDING}.
   * Never throws Want*; a fatal error throws (the alert, if any, stays for {@link MemoryConnection.bioRead}).
   * The optional ranges (`outOffset`/`outLength` of `out`, `inOffset`/`inLength` of `input`; default:
   * all of each) let a ring buffer be used without subarrays. Beyond pyOpenSSL (`BIO_write`,
   * `SSL_do_handshake`, `BIO_read`).
   */
  pumpInto(input: Uint8Array | null, out: Uint8Array, outOffset?: number, outLength?: number, inOffset?: number, inLength?: number): number {
    return outOffset === undefined && inOffset === undefined && outLength === undefined && inLength === undefined
      ? this._h.pumpInto(input, out)
      : this._h.pumpInto(input, out, outOffset, outLength, inOffset, inLength);
  }
  /**
   * The handshake status of the last {@link MemoryConnection.pump} or {@link MemoryConnection.pumpInto}:
   * 0 done, -2 wants read, ... (what `SSL_get_error` said then; kept, no OpenSSL call now).
   */
  lastStatus(): number {
    return this._h.lastStatus();
  }
  /** Bytes of ciphertext waiting for {@link MemoryConnection.bioRead} (`BIO_ctrl_pending`). */
  bioPending(): number {
    return this._h.bioPending();
  }

  /**
   * Runs the handshake (`SSL_do_handshake`); throws WantReadError until the peer's bytes arrive.
   * @throws {@link WantReadError} while it waits for the peer (move the bytes of
   * {@link MemoryConnection.bioRead} to the peer, the peer's to {@link MemoryConnection.bioWrite}, and
   * call again); an OpenSSLError when the handshake fails (the alert, if any, is left for bioRead).
   */
  doHandshake(): void {
    const r = this._h.handshake();
    if (r !== Status.Ok) raiseStatus(r);
  }
  /** Starts a TLS 1.2 renegotiation if none is pending; true if one was started (`SSL_renegotiate`). */
  renegotiate(): boolean {
    return this._h.renegotiate();
  }
  /** Whether a renegotiation is in progress (`SSL_renegotiate_pending`). */
  renegotiatePending(): boolean {
    return this._h.renegotiatePending();
  }
  /** Number of renegotiations (`SSL_total_renegotiations`). */
  totalRenegotiations(): number {
    return this._h.totalRenegotiations();
  }
  /** Sends close_notify; true once both sides have closed (`SSL_shutdown`). */
  shutdown(): boolean {
    const r = this._h.shutdown();
    if (typeof r === 'number') raiseStatus(r);
    return r;
  }
  /** Names of the enabled ciphers (`SSL_get_cipher_list`). */
  getCipherList(): string[] {
    return this._h.getCipherList();
  }
  /** CA names: the configured ones (server) or those the server sent (client) (`SSL_get_client_CA_list`, copied). */
  getClientCaList(): X509Name[] {
    return this._h.getClientCaList().map((h) => X509Name._wrap(h));
  }
  /** The object stored with {@link MemoryConnection.setAppData} (kept in JS, no OpenSSL call). */
  getAppData(): unknown {
    return this._appData;
  }
  /** Stores any value on the connection (kept in JS, no OpenSSL call). */
  setAppData(data: unknown): void {
    this._appData = data;
  }
  /** `SENT_SHUTDOWN` / `RECEIVED_SHUTDOWN` bits (`SSL_get_shutdown`). */
  getShutdown(): number {
    return this._h.getShutdown();
  }
  /** Sets the shutdown bits (`SSL_set_shutdown`). */
  setShutdown(state: number): void {
    this._h.setShutdown(state);
  }
  /** OpenSSL's long state string (`SSL_state_string_long`). */
  getStateString(): string {
    return this._h.getStateString();
  }
  /** The server hello random, or null before a session exists (`SSL_get_server_random`). */
  serverRandom(): Buffer | null {
    return this._h.serverRandom();
  }
  /** The client hello random, or null before a session exists (`SSL_get_client_random`). */
  clientRandom(): Buffer | null {
    return this._h.clientRandom();
  }
  /** The session master secret, or null before a session exists (`SSL_SESSION_get_master_key`). */
  masterKey(): Buffer | null {
    return this._h.masterKey();
  }
  /**
   * RFC 5705 / 8446 exporter: `olen` bytes for `label` and the optional `context`
   * (`SSL_export_keying_material`).
   * @throws an Error (`ERR_OPENSSL_NAPI_STATE`) before the handshake has finished.
   */
  exportKeyingMaterial(label: BytesLike, olen: number, context: BytesLike | null = null): Buffer {
    return this._h.exportKeyingMaterial(label, olen, context);
  }
  /** Our certificate, or null (`SSL_get_certificate`). */
  getCertificate(): X509 | null {
    const h = this._h.getCertificate();
    return h ? X509._wrap(h) : null;
  }
  /** The peer's certificate, or null (before the handshake or when none was sent; `SSL_get1_peer_certificate`). */
  getPeerCertificate(): X509 | null {
    const h = this._h.getPeerCertificate();
    return h ? X509._wrap(h) : null;
  }
  /** The chain the peer sent, or null (`SSL_get_peer_cert_chain`; on a server it lacks the client's own certificate). */
  getPeerCertChain(): X509[] | null {
    const l = this._h.getPeerCertChain();
    return l ? l.map((h) => X509._wrap(h)) : null;
  }
  /** The verified chain, leaf first, or null (`SSL_get0_verified_chain`). */
  getVerifiedChain(): X509[] | null {
    const l = this._h.getVerifiedChain();
    return l ? l.map((h) => X509._wrap(h)) : null;
  }
  /** Whether the TLS layer wants to read (`SSL_want_read`). */
  wantRead(): boolean {
    return this._h.wantRead();
  }
  /** Whether the TLS layer wants to write (`SSL_want_write`). */
  wantWrite(): boolean {
    return this._h.wantWrite();
  }
  /** Server role (`SSL_set_accept_state`); not from the connection's own callbacks. */
  setAcceptState(): void {
    this._h.setAcceptState();
  }
  /** Client role (`SSL_set_connect_state`); not from the connection's own callbacks. */
  setConnectState(): void {
    this._h.setConnectState();
  }
  /** The session (to resume later on a Connection of the same Context), or null (`SSL_get1_session`). */
  getSession(): Session | null {
    const h = this._h.getSession();
    return h ? Session._wrap(h, this._context) : null;
  }
  /**
   * Resumes `session`; it must come from this Connection's Context (`SSL_set_session`).
   * @throws an Error (`ERR_OPENSSL_NAPI_SESSION_CONTEXT`) for a session of another Context.
   */
  setSession(session: Session): void {
    const h = handleOf(session, Session, 'session');
    if (session._context !== this._context) {
      throw Object.assign(new Error('Session was created by a different Context than this Connection\'s'), {
        code: 'ERR_OPENSSL_NAPI_SESSION_CONTEXT',
      });
    }
    this._h.setSession(h);
  }
  /** Our Finished message, or null (`SSL_get_finished`). */
  getFinished(): Buffer | null {
    return this._h.getFinished();
  }
  /** The peer's Finished message, or null (`SSL_get_peer_finished`). */
  getPeerFinished(): Buffer | null {
    return this._h.getPeerFinished();
  }
  /** The negotiated cipher name, or null (`SSL_get_current_cipher`, `SSL_CIPHER_get_name`). */
  getCipherName(): string | null {
    return this._h.getCipherName();
  }
  /** The negotiated cipher's secret bits, or null (`SSL_CIPHER_get_bits`). */
  getCipherBits(): number | null {
    return this._h.getCipherBits();
  }
  /** The protocol version that introduced the cipher, or null (`SSL_CIPHER_get_version`). */
  getCipherVersion(): string | null {
    return this._h.getCipherVersion();
  }
  /** The protocol version's name, e.g. `"TLSv1.3"` (`SSL_get_version`). */
  getProtocolVersionName(): string {
    return this._h.getProtocolVersionName();
  }
  /** The protocol version, e.g. `0x304` (`SSL_version`). */
  getProtocolVersion(): number {
    return this._h.getProtocolVersion();
  }
  /** The key-exchange group, or null (`SSL_get_negotiated_group`, `SSL_group_to_name`). */
  getGroupName(): string | null {
    return this._h.getGroupName();
  }
  /** Client ALPN offer (`SSL_set_alpn_protos`). */
  setAlpnProtos(protos: BytesLike[]): void {
    this._h.setAlpnProtos(alpnWire(protos));
  }
  /** ECH keys (server) or configurations (client) for this connection only, copied (`SSL_set1_echstore`). OpenSSL 4.0+. */
  setEchStore(store: ECHStore): void {
    native.echSetStore(this._h, handleOf(store, ECHStore, 'store'));
  }
  /** A copy of the connection's ECH store, or null (`SSL_get1_echstore`). */
  getEchStore(): ECHStore | null {
    const h = native.echGetStore(this._h);
    return h === null ? null : ECHStore._wrap(h);
  }
  /**
   * Client: encrypt the ClientHello to the server's ECHConfigList (base64 as published in DNS, or
   * binary; `SSL_set1_ech_config_list`). The outer SNI is the config's public name unless
   * {@link MemoryConnection.setEchServerNames} says otherwise; set the real name with setTlsextHostName.
   * @throws an Error with code `ERR_OPENSSL_NAPI_UNSUPPORTED` before OpenSSL 4.0 (as every ECH method).
   */
  setEchConfigList(list: Uint8Array | string): void {
    native.echSetConfigList(this._h, typeof list === 'string' ? list : bytesOf(list, 'list'));
  }
  /**
   * Client: the inner (encrypted) server name, and the outer one to show instead of the config's
   * public name (null: the public name; `noOuter`: no outer SNI at all; `SSL_ech_set1_server_names`).
   */
  setEchServerNames(innerName: string, outerName: string | null = null, noOuter = false): void {
    native.echSetServerNames(this._h, innerName, outerName, noOuter);
  }
  /** Client: only the outer server name, as {@link MemoryConnection.setEchServerNames} (`SSL_ech_set1_outer_server_name`). */
  setEchOuterServerName(outerName: string | null, noOuter = false): void {
    native.echSetOuterServerName(this._h, outerName, noOuter);
  }
  /** Client: the ALPN list of the outer ClientHello (`SSL_ech_set1_outer_alpn_protos`). */
  setEchOuterAlpnProtos(protos: BytesLike[]): void {
    native.echSetOuterAlpnProtos(this._h, alpnWire(protos));
  }
  /**
   * Client without a real ECHConfig: send a GREASE ECH extension (`SSL_OP_ECH_GREASE`), optionally
   * with this HPKE suite and extension type (`SSL_ech_set1_grease_suite`, `SSL_ech_set_grease_type`).
   * A server that does ECH answers with retry configs ({@link MemoryConnection.getEchRetryConfig}).
   */
  setEchGrease(options: { suite?: string; type?: number } = {}): void {
    const o = optionsOf(options, 'options');
    native.echSetGrease(this._h, o.suite ?? null, o.type ?? null);
  }
  /** How ECH went, on either side, with the inner and outer server names (`SSL_ech_get1_status`). */
  getEchStatus(): ECHStatus {
    return native.echStatus(this._h);
  }
  /**
   * Client: the ECHConfigList (binary) a server sent back when ECH failed or was GREASEd, to retry
   * with ({@link ECHStore.readConfigList} or {@link MemoryConnection.setEchConfigList}); null when none
   * (`SSL_ech_get1_retry_config`).
   */
  getEchRetryConfig(): Buffer | null {
    return native.echRetryConfig(this._h);
  }
  /** The agreed ALPN protocol, or an empty Buffer (`SSL_get0_alpn_selected`). */
  getAlpnProtoNegotiated(): Buffer {
    return this._h.getAlpnProtoNegotiated();
  }
  /** The SRTP profile name, or "" (`SSL_get_selected_srtp_profile`). */
  getSelectedSrtpProfile(): string {
    return this._h.getSelectedSrtpProfile();
  }
  /** Client: ask the server for an OCSP staple (`SSL_set_tlsext_status_type`). */
  requestOcsp(): void {
    this._h.requestOcsp();
  }
  /** Per-connection info callback, as {@link Context.setInfoCallback} (`SSL_set_info_callback`). */
  setInfoCallback(callback: ((conn: Connection, where: number, ret: number) => void) | null): void {
    if (callback != null && typeof callback !== 'function') {
      throw Object.assign(new TypeError('The "callback" argument must be a function or null'), { code: 'ERR_INVALID_ARG_TYPE' });
    }
    this._h.setInfoCallback(callback != null);
    this._infoHook = callback ? (c, w, r) => callback(c as Connection, w, r) : null;
  }
  /**
   * Checks the peer certificate against this host name during the handshake (needs VERIFY_PEER to
   * fail it; `SSL_set1_host`). A session set for resumption whose certificate does not match is
   * dropped (a resumed handshake checks no certificate), so the handshake is a full one. Not from
   * the connection's own callbacks (`ERR_OPENSSL_NAPI_REENTRANT`).
   * @throws a RangeError (`ERR_INVALID_ARG_VALUE`) for an empty name (OpenSSL would check nothing).
   */
  setHost(name: string): void {
    this._h.setHost(name);
  }
  /**
   * Checks the peer certificate against this IP address during the handshake (needs VERIFY_PEER to
   * fail it; `X509_VERIFY_PARAM_set1_ip_asc`). Text that is not an IP address is a TypeError. A
   * session whose certificate does not match is dropped, as with {@link MemoryConnection.setHost}.
   */
  setIpAddress(ip: string): void {
    this._h.setIpAddress(ip);
  }
  /** Whether the session was resumed (`SSL_session_reused`). */
  sessionReused(): boolean {
    return this._h.sessionReused();
  }
  /** The peer's ephemeral key, or null (`SSL_get_peer_tmp_key`). */
  getPeerTmpKey(): PKey | null {
    const h = this._h.getPeerTmpKey();
    return h ? PKey._wrap(h) : null;
  }
  /** Shared signature algorithms, e.g. `"RSASSA-PSS+SHA256"` (`SSL_get_shared_sigalgs`). */
  getSharedSigalgs(): string[] {
    return this._h.getSharedSigalgs();
  }
  /** TLS 1.3 key update (sent with the next write or handshake call; `SSL_key_update`). */
  keyUpdate(requestPeer = false): void {
    this._h.keyUpdate(requestPeer);
  }
  /** The `X509_V_*` verification result (`SSL_get_verify_result`). */
  getVerifyResult(): number {
    return this._h.getVerifyResult();
  }
  /** Whether this is the server side (`SSL_is_server`). */
  isServer(): boolean {
    return this._h.isServer();
  }
  /** Whether the handshake has completed (`SSL_is_init_finished`). */
  isInitFinished(): boolean {
    return this._h.isInitFinished();
  }
  /** Releases the SSL now (`SSL_free`); later calls throw `ERR_OPENSSL_NAPI_FREED`. */
  free(): void {
    this._h.free();
  }
  /** Same as {@link MemoryConnection.free} (`SSL_free`). */
  [Symbol.dispose](): void {
    this.free();
  }
  // DTLS (dtls.ts has the types and helpers)
  /**
   * Server: the stateless cookie exchange (`DTLSv1_listen`). Feed the client's datagram with
   * {@link MemoryConnection.bioWrite}, call this, and send whatever {@link MemoryConnection.bioRead} gives
   * (a HelloVerifyRequest). Throws WantReadError until a ClientHello with a valid cookie
   * arrives; then returns and the handshake continues with {@link MemoryConnection.doHandshake}.
   * Needs cookie callbacks on the Context; an exception thrown by one is rethrown here.
   * @throws {@link WantReadError} until a ClientHello with a valid cookie arrives; an Error with code
   * `ERR_OPENSSL_NAPI_NOT_DTLS` on a TLS connection (as every DTLS method), `ERR_OPENSSL_NAPI_STATE`
   * on a client or once the handshake has started.
   */
  DTLSv1Listen(): void {
    const r = native.dtlsListen(this._h);
    if (r !== Status.Ok) throw new WantReadError();
  }
  /** Seconds until {@link MemoryConnection.DTLSv1HandleTimeout} should be called, or null when no timer runs (`DTLSv1_get_timeout`). */
  DTLSv1GetTimeout(): number | null {
    return native.dtlsGetTimeout(this._h);
  }
  /** Handles an expired retransmission timer; true when a flight was retransmitted (`DTLSv1_handle_timeout`). */
  DTLSv1HandleTimeout(): boolean {
    return native.dtlsHandleTimeout(this._h);
  }
  /** Sets the datagram size (record headers included) DTLS must fit in (`SSL_set_mtu`); also set `OP_NO_QUERY_MTU`. */
  setCiphertextMtu(mtu: number): void {
    native.dtlsSetMtu(this._h, mtu);
  }
  /** Plaintext bytes that fit in one record at the current MTU and cipher (`DTLS_get_data_mtu`); 0 before a cipher is chosen. */
  getCleartextMtu(): number {
    return native.dtlsGetDataMtu(this._h);
  }
  /**
   * The first retransmission timeout in milliseconds (OpenSSL's default is 1000; it doubles on
   * each retry up to 60 s). null restores the default. Uses `DTLS_set_timer_cb`.
   */
  setDtlsInitialTimeout(ms: number | null): void {
    native.dtlsSetInitialTimeout(this._h, ms ?? null);
  }
  /** Whether this connection was made from a DTLS Context (`SSL_is_dtls`). */
  isDtls(): boolean {
    return native.dtlsIsDtls(this._h);
  }
  /**
   * DTLS-SRTP keys (RFC 5764 section 4.2) from `exportKeyingMaterial('EXTRACTOR-dtls_srtp', ...)`
   * for the negotiated SRTP profile, or null when none was negotiated
   * (`SSL_get_selected_srtp_profile`, `SSL_export_keying_material`).
   */
  getSrtpKeyingMaterial(): SrtpKeyingMaterial | null {
    return srtpKeyingMaterial(this);
  }
}

// Users meet this class as SSL.Connection (connection-constructor.ts): its instances say so.
Object.defineProperty(MemoryConnection, 'name', { value: 'Connection' });

/**
 * @internal A client's `checkHost` option: the certificate must name `checkHost` (a string), or
 * with `true` the SNI name, else the host connected to (an IP address checks the IP SAN).
 */
export function applyCheckHost(conn: { setHost(name: string): void; setIpAddress(ip: string): void }, checkHost: boolean | string | undefined,
  servername: string | undefined, host: string): void {
  if (checkHost !== undefined && typeof checkHost !== 'boolean' && typeof checkHost !== 'string') {
    throw Object.assign(new TypeError('The "options.checkHost" property must be a boolean or a string'), { code: 'ERR_INVALID_ARG_TYPE' });
  }
  if (!checkHost) return;
  // An empty servername (Node's https Agent sends '' for an IP host) means no SNI, not "check no name".
  const name = typeof checkHost === 'string' ? checkHost : servername || host;
  if (!name) {
    throw Object.assign(new RangeError('checkHost needs a host name or IP address to check: give "servername", "host" or a string'), {
      code: 'ERR_INVALID_ARG_VALUE',
    });
  }
  if (isIP(name)) conn.setIpAddress(name);
  else conn.setHost(name);
}
