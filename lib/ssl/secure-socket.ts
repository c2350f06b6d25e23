/**
 * `SSL.SecureSocket`: a `stream.Duplex` over a socket-bound Connection, with `SSL.connect()` and
 * `SSL.createServer()`: the Node-native way in.
 * @module
 */
import net from 'node:net';
import { Duplex } from 'node:stream';
import type { Context, BytesLike } from './context.js';
import type { Session } from './session.js';
import { SocketConnection } from './socket-connection.js';
import { MemoryConnection, applyCheckHost } from './connection.js';
import { checkStreamArgs, createPump } from './pump.js';
import type { SocketEngine } from './tls-engine.js';
import { argTypeError, bytesOf, describe, isUint8Array } from '../handle.js';

/** The stream's buffer limits, each way (Node 20's default, stated so that every Node agrees). */
const STREAM_HIGH_WATER = 16 * 1024;

/**
 * Reading into one reusable buffer, as `net.Socket`'s and `tls.connect`'s `onread`: the plaintext
 * goes to `callback` instead of `data` events ('end', 'error', 'close', `pause()` and `resume()`
 * work as usual). With native socket I/O OpenSSL decrypts straight into the buffer: no allocation
 * per read and memory that stays in cache.
 */
export interface OnReadOptions {
  /** The buffer to reuse, or a function giving the buffer for the next read. */
  buffer: Uint8Array | (() => Uint8Array);
  /**
   * Called with each read: `bytesRead` bytes at the start of `buffer`, valid until it returns;
   * `socket` (also `this`) is the stream that read them. Returning false pauses reading (as
   * `pause()`), after the rest of the current read.
   */
  callback: (bytesRead: number, buffer: Uint8Array, socket: SecureSocket) => boolean | void;
}

/** Options of {@link SecureSocket}. */
export interface SecureSocketOptions {
  /** The Context to use (certificates, verification, ALPN, ...). */
  context: Context;
  /** Server side (accept) instead of client side (connect). */
  isServer?: boolean;
  /** Client: SNI host name to send. */
  servername?: string;
  /**
   * Client: also check the peer certificate against this name (or IP) during the handshake
   * (`Connection.setHost` / `setIpAddress`); the Context must use `VERIFY_PEER` for a mismatch to
   * fail the handshake. `true` means `servername` or else the host connected to (`host` for
   * {@link connect}, the socket's remote address otherwise). A `session` whose certificate does
   * not match is not resumed (a resumed handshake checks no certificate).
   */
  checkHost?: boolean | string;
  /**
   * Client: the host name or IP address the socket was connected to, which `checkHost: true`
   * checks when there is no `servername` (default: the socket's remote address).
   */
  host?: string;
  /** Client: a session to resume (from `getConnection().getSession()` of an earlier connection). */
  session?: Session | null;
  /** Client: ALPN protocols to offer (per connection; `Context.setAlpnProtos` sets them for all). */
  alpnProtocols?: BytesLike[];
  /**
   * Client: ask the server to staple an OCSP response (`SSL_set_tlsext_status_type`); check it
   * with `Context.setOcspClientCallback`.
   */
  requestOcsp?: boolean;
  /**
   * Client: the first bytes of the stream, sent as TLS 1.3 early data (0-RTT) with the
   * ClientHello when `session` allows that many (`session.maxEarlyData`,
   * `SSL_write_early_data`); otherwise, or when the server rejects them, they are sent again as
   * the first write after the handshake. Either way the peer reads them first, once; which way
   * they went: `getConnection().getEarlyDataStatus()` after `secureConnect`.
   */
  earlyData?: BytesLike;
  /**
   * Server: the most early data (0-RTT) to accept from a resuming client, and to allow in the
   * tickets this connection issues (`SSL_set_max_early_data`; default: the Context's, 0 = none).
   * Early data comes out as the first `data`, before `secure`, and may be a replay: see
   * {@link SecureSocket.earlyDataReceived}.
   */
  maxEarlyData?: number;
  /** Keep the writable side open after the peer's close_notify/FIN (default false, as `net`). */
  allowHalfOpen?: boolean;
  /**
   * Let OpenSSL read and write the socket's descriptor itself, so ciphertext never crosses into
   * JS (default true where the socket has one: TCP and Unix sockets on POSIX). With false, the
   * ciphertext moves through the net.Socket's stream events.
   */
  nativeIo?: boolean;
  /** Read into one reusable buffer instead of emitting `data` (see {@link OnReadOptions}). */
  onread?: OnReadOptions;
}

/** Options of {@link connect}. */
export interface ConnectOptions extends Omit<SecureSocketOptions, 'isServer' | 'host'> {
  /** Host to connect to (default `127.0.0.1`); with `socket`, the host that socket was connected to. */
  host?: string;
  /** Port to connect to (required unless `socket` is given). */
  port?: number;
  /** An existing socket (connected or connecting) to run TLS over instead of connecting. */
  socket?: net.Socket;
  /** Idle timeout in milliseconds (emits 'timeout', as `net.Socket#setTimeout`). */
  timeout?: number;
}

/** Options of {@link createServer}. */
export interface ServerOptions {
  /** The Context for accepted connections. */
  context: Context;
  /** Handshake timeout in milliseconds (default 30 s): a client that stalls is dropped. */
  handshakeTimeout?: number;
  /** Keep accepted streams writable after the client's close_notify (default false). */
  allowHalfOpen?: boolean;
  /** As {@link SecureSocketOptions.maxEarlyData}, for every accepted connection. */
  maxEarlyData?: number;
  /** As {@link SecureSocketOptions.nativeIo} for accepted connections (default true). */
  nativeIo?: boolean;
  /**
   * Every accepted connection reads with `onread`, as {@link connect} does (no `data` events, no
   * Buffer per read). One buffer can serve all connections, since a read's bytes are only valid
   * until its callback returns; the callback's `socket` argument tells whose they are.
   */
  onread?: OnReadOptions;
}

/** Throws the coded TypeError for an `onread` option that is not { buffer, callback }. */
function checkOnRead(onread: OnReadOptions | undefined): void {
  if (onread !== undefined && (onread === null || typeof onread !== 'object' || typeof onread.callback !== 'function' ||
      (typeof onread.buffer !== 'function' && !(isUint8Array(onread.buffer) && onread.buffer.length > 0)))) {
    throw Object.assign(new TypeError('The "options.onread" property must be { buffer: Uint8Array | function, callback: function } with a non-empty buffer'), {
      code: 'ERR_INVALID_ARG_TYPE',
    });
  }
}

/** Throws the coded error for a `maxEarlyData` option that is not a byte count. */
function checkMaxEarlyData(bytes: number | undefined): void {
  if (bytes === undefined) return;
  if (typeof bytes !== 'number') {
    throw Object.assign(new TypeError(`The "options.maxEarlyData" property must be a number, got ${describe(bytes)}`), { code: 'ERR_INVALID_ARG_TYPE' });
  }
  if (!Number.isInteger(bytes) || bytes < 0 || bytes > 0xffffffff) {
    throw Object.assign(new RangeError(`The "options.maxEarlyData" property must be an integer from 0 to 4294967295, got ${bytes}`), { code: 'ERR_OUT_OF_RANGE' });
  }
}

/**
 * A TLS stream over a socket. Emits `secureConnect` (client) or `secure` (server) once the
 * handshake is done, then `data`/`end`/`close` as any Duplex; a failed handshake is an `error`
 * carrying the OpenSSLError, a peer vanishing without close_notify a SysCallError(-1, 'Unexpected
 * EOF'). Writes before the handshake are queued. `end()` sends close_notify then FIN; the peer's
 * close_notify ends the readable side. Backpressure is honoured both ways (the socket is paused
 * while the reader is full; writes wait for the socket's 'drain'). Its Connection's `SSL` is driven
 * by a pump as the socket becomes readable or writable (`SSL_do_handshake`, `SSL_read_ex`,
 * `SSL_write_ex`, `SSL_shutdown`).
 *
 * @example Over a socket of your own
 * ```ts
 * import net from 'node:net';
 * import { SSL } from 'openssl-napi';
 *
 * const tls = new SSL.SecureSocket(net.connect(443, 'example.com'), {
 *   context: clientCtx,
 *   servername: 'example.com',
 *   checkHost: true,
 * });
 * tls.on('secureConnect', () => tls.end('GET / HTTP/1.0\r\nHost: example.com\r\n\r\n'));
 * tls.on('data', (chunk) => process.stdout.write(chunk));
 * ```
 */
export class SecureSocket extends Duplex {
  /** The underlying TCP socket. */
  readonly socket: net.Socket;
  /** Always true (as `tls.TLSSocket#encrypted`). */
  readonly encrypted = true;
  /** Whether the handshake is complete (as `tls.TLSSocket#secureConnecting`, inverted). */
  secureConnected = false;
  /**
   * Server: how many bytes at the start of the stream came as TLS 1.3 early data (0-RTT), before
   * the handshake finished. An attacker may replay early data (OpenSSL's anti-replay accepts each
   * ticket's once per server): act on it only if doing so twice is harmless.
   */
  earlyDataReceived = 0;
  private readonly conn: SocketConnection;
  private readonly engine: SocketEngine;
  private readonly isServer: boolean;
  private readonly onread: OnReadOptions | undefined;
  /** Where the next read goes when `onread` is set. */
  private readTarget: Uint8Array | null = null;
  /** `onread` plaintext that arrived while the reader was paused. */
  private held: Buffer[] = [];

  /**
   * Runs TLS over `socket` (connected or connecting) with a new Connection from `options.context`
   * (`SSL_new`; a client's options through `SSL_set_tlsext_host_name`, `SSL_set_alpn_protos`,
   * `SSL_set_session`, `SSL_write_early_data`).
   * @throws a TypeError for bad options, or a DTLS Context (use {@link DTLSSocket}).
   */
  constructor(socket: net.Socket, options: SecureSocketOptions) {
    if (options === null || typeof options !== 'object') {
      throw Object.assign(new TypeError('The "options" argument must be an object'), { code: 'ERR_INVALID_ARG_TYPE' });
    }
    const onread = options.onread;
    checkOnRead(onread);
    checkMaxEarlyData(options.maxEarlyData);
    // The stream's limits are set, not inherited: Node 22 raised the default writable high-water
    // mark from 16 KiB to 64 KiB, and when write() asks for 'drain' must not depend on the Node.
    super({
      allowHalfOpen: options.allowHalfOpen ?? false,
      emitClose: true,
      autoDestroy: true,
      writableHighWaterMark: STREAM_HIGH_WATER,
      readableHighWaterMark: STREAM_HIGH_WATER,
    });
    this.socket = socket;
    this.isServer = options.isServer === true;
    this.onread = onread;
    // The stream is a Duplex over a Connection and a pump; getConnection() is its Connection face.
    checkStreamArgs(options.context, socket);
    const conn = new MemoryConnection(options.context);
    // Before the pump takes the socket: a bad checkHost throws with nothing to undo.
    if (!this.isServer) {
      applyCheckHost(conn, options.checkHost, options.servername, options.host ?? socket.remoteAddress ?? '');
    }
    if (this.isServer) {
      conn.setAcceptState();
      if (options.maxEarlyData !== undefined) conn.setMaxEarlyData(options.maxEarlyData);
    }
    this.engine = createPump(conn._h, socket, {
      onSecure: () => this.onSecure(),
      onPlaintext: (buf) => {
        const more = onread ? this.deliver(buf) : this.push(buf);
        if (this.secureConnected) return more;
        // Plaintext before the handshake finished is a server's early data: bounded by the
        // recv-max limit, and waited on by nobody, so it never pauses the handshake.
        this.earlyDataReceived += buf.length;
        return true;
      },
      onCloseNotify: () => this.push(null),
      onError: (err) => this.destroy(err),
      onClose: () => {
        if (!this.destroyed) this.destroy();
      },
    }, options.nativeIo !== false);
    this.conn = SocketConnection._forStream(conn, socket, this, this.engine);
    if (!this.isServer) {
      if (options.servername) this.conn.setTlsextHostName(options.servername);
      if (options.alpnProtocols) this.conn.setAlpnProtos(options.alpnProtocols);
      if (options.requestOcsp) this.conn.requestOcsp();
      if (options.session) this.conn.setSession(options.session);
      this.conn.setConnectState();
      if (options.earlyData !== undefined) this.beginWith(conn, bytesOf(options.earlyData, 'options.earlyData'), options.session);
    }
    socket.on('timeout', () => this.emit('timeout'));
    if (socket.connecting) socket.once('connect', () => this.emit('connect'));
    if (onread) {
      this.nextReadTarget();
      // Nothing is ever pushed: flowing from the start, so the peer's end still emits 'end'.
      super.resume();
    }
    this.engine.start();
  }

  /** Client: `data` begins the stream, as early data when the session allows (see `earlyData`). */
  private beginWith(conn: MemoryConnection, data: Buffer, session: Session | null | undefined): void {
    if (data.length === 0) return;
    // Into the memory BIO, after the ClientHello: the pump sends both when it starts.
    const sentEarly = session != null && session.maxEarlyData >= data.length && conn.writeEarlyData(data) === data.length;
    this.engine.beginWith(data, sentEarly);
  }

  /** Takes the buffer for the next read (calling `onread.buffer` when it is a function). */
  private nextReadTarget(): void {
    const b = this.onread!.buffer;
    const target = typeof b === 'function' ? b() : b;
    if (!(isUint8Array(target)) || target.length === 0) {
      this.readTarget = null;
      this.destroy(Object.assign(new TypeError('The "onread.buffer" function must return a non-empty Uint8Array'), { code: 'ERR_INVALID_RETURN_VALUE' }));
      return;
    }
    this.readTarget = target;
    this.engine.readInto(target);
  }

  /**
   * `onread`: natively decrypted plaintext already sits at the start of the reader's buffer; the
   * stream-event pump's is copied in, one buffer-full per callback. While the reader is paused
   * (a false return, or `pause()`) plaintext waits here. Returns false when paused.
   */
  private deliver(data: Buffer): boolean {
    const onread = this.onread!;
    for (let off = 0; off < data.length; ) {
      if (this.destroyed) return false;
      if (this.isPaused()) {
        this.held.push(Buffer.from(data.subarray(off))); // a copy: the reader's buffer is reused
        return false;
      }
      const target = this.readTarget;
      if (target === null) return false;
      if (target.length === 0) {
        this.destroy(Object.assign(new TypeError('The onread buffer is empty or detached'), { code: 'ERR_INVALID_ARG_VALUE' }));
        return false;
      }
      let n: number;
      if (off === 0 && data.buffer === target.buffer && data.byteOffset === target.byteOffset) {
        n = data.length;
      } else {
        n = Math.min(data.length - off, target.length);
        target.set(data.subarray(off, off + n));
      }
      off += n;
      const more = onread.callback.call(this, n, target, this) !== false;
      if (typeof onread.buffer === 'function') this.nextReadTarget();
      if (!more) this.pause();
    }
    return !this.isPaused();
  }

  /** As Readable's; with `onread` it also stops reading from the peer (after the handshake). */
  override pause(): this {
    super.pause();
    if (this.onread && this.secureConnected) this.engine.pause();
    return this;
  }

  /** As Readable's; with `onread` it first hands over what waited, then reads from the peer again. */
  override resume(): this {
    super.resume();
    if (this.onread) {
      const waiting = this.held;
      this.held = [];
      for (let i = 0; i < waiting.length; i++) {
        if (this.isPaused() || this.destroyed) {
          this.held.push(...waiting.slice(i));
          break;
        }
        this.deliver(waiting[i]!); // keeps its own rest if the reader pauses again
      }
      if (this.secureConnected && !this.isPaused()) this.engine.resume();
    }
    return this;
  }

  private onSecure(): void {
    this.secureConnected = true;
    // A reader that paused before the handshake gets nothing until it resumes.
    if (this.onread && this.isPaused()) this.engine.pause();
    this.emit(this.isServer ? 'secure' : 'secureConnect');
  }

  /** The Connection behind this stream, for every low-level query (peer certificate, cipher, ALPN, session, ...). */
  getConnection(): SocketConnection {
    return this.conn;
  }

  /** The same as {@link SecureSocket.getConnection} (as `DTLSSocket.connection`). */
  get connection(): SocketConnection {
    return this.conn;
  }

  /** The negotiated ALPN protocol, or false (as `tls.TLSSocket#alpnProtocol`; `SSL_get0_alpn_selected`). */
  get alpnProtocol(): string | false {
    const p = this.conn.getAlpnProtoNegotiated();
    return p.length ? p.toString('latin1') : false;
  }

  /** True while the TCP connection is being made (as `net.Socket#connecting`). */
  get connecting(): boolean {
    return this.socket.connecting;
  }

  /** Remote address of the socket. */
  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  /** Remote port of the socket. */
  get remotePort(): number | undefined {
    return this.socket.remotePort;
  }

  /** Remote address family of the socket. */
  get remoteFamily(): string | undefined {
    return this.socket.remoteFamily;
  }

  /** Local address of the socket. */
  get localAddress(): string | undefined {
    return this.socket.localAddress;
  }

  /** Local port of the socket. */
  get localPort(): number | undefined {
    return this.socket.localPort;
  }

  /** As `net.Socket#address`. */
  address(): net.AddressInfo | object {
    return this.socket.address();
  }

  /** As `net.Socket#setTimeout`: emits 'timeout' after `ms` idle (0 disables). */
  setTimeout(ms: number, cb?: () => void): this {
    this.socket.setTimeout(ms);
    if (cb) {
      if (ms === 0) this.off('timeout', cb);
      else this.once('timeout', cb);
    }
    return this;
  }

  /** As `net.Socket#setNoDelay`. */
  setNoDelay(noDelay?: boolean): this {
    this.socket.setNoDelay(noDelay);
    return this;
  }

  /** As `net.Socket#setKeepAlive`. */
  setKeepAlive(enable?: boolean, delay?: number): this {
    if (enable !== undefined && typeof enable !== 'boolean') throw argTypeError(`The "enable" argument must be a boolean, got ${describe(enable)}`);
    if (delay !== undefined && (typeof delay !== 'number' || !(delay >= 0))) throw argTypeError(`The "initialDelay" argument must be a non-negative number, got ${describe(delay)}`);
    this.socket.setKeepAlive(enable, delay);
    return this;
  }

  /** As `net.Socket#ref`. */
  ref(): this {
    this.socket.ref();
    return this;
  }

  /** As `net.Socket#unref`. */
  unref(): this {
    this.socket.unref();
    return this;
  }

  /** Ends (close_notify with `SSL_shutdown`, then FIN) and destroys once everything is written (used by `http.Server`). */
  destroySoon(): void {
    if (this.writable) this.end();
    if (this.writableFinished) this.destroy();
    else this.once('finish', () => this.destroy());
  }

  /** Duplex plumbing: lets the pump read from the peer again (no OpenSSL call of its own). */
  override _read(): void {
    // With `onread` nothing is pushed: pause() and resume() drive the engine instead.
    if (!this.onread) this.engine.resume();
  }

  /** Duplex plumbing: encrypts `chunk` through the pump (`SSL_write_ex`); queued until the handshake is done. */
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    try {
      this.engine.write(chunk, cb);
    } catch (err) {
      cb(err as Error);
    }
  }

  /** Duplex plumbing: small batches are joined into one write, large ones written chunk by chunk (`SSL_write_ex`). */
  override _writev(chunks: Array<{ chunk: Buffer }>, cb: (err?: Error | null) => void): void {
    let total = 0;
    for (const c of chunks) total += c.chunk.length;
    if (total <= 64 * 1024) {
      // Small writes: one seal, fewer and fuller records.
      this._write(Buffer.concat(chunks.map((c) => c.chunk), total), 'binary', cb);
      return;
    }
    // Large writes: no concatenation copy; one seal per chunk. (The cork gathers the stream pump's
    // socket writes; the native pump batches its records itself.)
    this.socket.cork();
    try {
      for (let i = 0; i < chunks.length - 1; i++) this.engine.write(chunks[i]!.chunk);
      this.engine.write(chunks[chunks.length - 1]!.chunk, cb);
    } catch (err) {
      cb(err as Error);
    } finally {
      this.socket.uncork();
    }
  }

  /** Duplex plumbing for `end()`: close_notify (`SSL_shutdown`) after the queued writes, then FIN. */
  override _final(cb: (err?: Error | null) => void): void {
    const finish = () => {
      try {
        this.engine.shutdown();
      } catch (err) {
        cb(err as Error);
        return;
      }
      this.engine.end(() => cb());
    };
    if (this.engine.handshakeDone) finish();
    else {
      // Let queued writes go first: close_notify after the handshake.
      this.engine.write(Buffer.alloc(0), (err) => (err ? cb(err) : finish()));
    }
  }

  /** Duplex plumbing for `destroy()`: closes the socket without close_notify (no OpenSSL call). */
  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    // After a TLS failure the engine already ended the socket with the alert (and lingers).
    if (!this.engine.failed || !(this.socket.writableEnded)) this.engine.destroy();
    cb(err);
  }
}

/**
 * Connects to a TLS server and returns the stream; `secureConnect` fires after the handshake. A
 * {@link SecureSocket} over `net.connect`; `checkHost` sets `SSL_set1_host` (or the IP check).
 * @throws a TypeError when `options.port` is missing (and no `socket` is given) or an option is bad.
 * @example
 * ```ts
 * import { SSL } from 'openssl-napi';
 *
 * const ctx = new SSL.Context(SSL.TLS_CLIENT_METHOD);
 * ctx.setDefaultVerifyPaths();
 * ctx.setVerify(SSL.VERIFY_PEER);
 * const tls = SSL.connect(
 *   { host: 'example.com', port: 443, context: ctx, servername: 'example.com', checkHost: true, alpnProtocols: ['http/1.1'] },
 *   () => {
 *     console.log(tls.alpnProtocol, tls.getConnection().getProtocolVersionName());
 *     tls.end('GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n');
 *   },
 * );
 * tls.on('data', (chunk) => process.stdout.write(chunk));
 * tls.on('error', (err) => console.error(err.message)); // e.g. a failed verification (an OpenSSLError)
 * ```
 */
export function connect(options: ConnectOptions, onSecureConnect?: () => void): SecureSocket {
  if (options === null || typeof options !== 'object') {
    throw Object.assign(new TypeError('The "options" argument must be an object'), { code: 'ERR_INVALID_ARG_TYPE' });
  }
  if (!options.socket && typeof options.port !== 'number') {
    throw Object.assign(new TypeError('The "options.port" property must be a number'), { code: 'ERR_INVALID_ARG_TYPE' });
  }
  // A socket handed in was connected by the caller: its host is options.host or its remote address.
  const host = options.socket ? options.host : (options.host ?? '127.0.0.1');
  const socket = options.socket ?? net.connect({ host: host!, port: options.port!, allowHalfOpen: true });
  let s: SecureSocket;
  try {
    s = new SecureSocket(socket, { ...options, host, isServer: false });
  } catch (err) {
    if (!options.socket) socket.destroy();
    throw err;
  }
  if (options.timeout !== undefined) s.setTimeout(options.timeout);
  if (onSecureConnect) s.once('secureConnect', onSecureConnect);
  return s;
}

/**
 * A TCP server whose connections are TLS: emits `secureConnection` with a {@link SecureSocket}
 * after each handshake, and `tlsClientError` (error, socket) when one fails (the socket is then
 * destroyed), or when an established SecureSocket fails (e.g. the client vanished without
 * close_notify) and nobody else listens for its 'error'. Listen and close it as any `net.Server`.
 * Each accepted socket gets a server-side Connection from `options.context` (`SSL_new`,
 * `SSL_set_accept_state`).
 * @throws a TypeError for bad options or callback.
 * @example
 * ```ts
 * import { SSL, crypto } from 'openssl-napi';
 *
 * const ctx = new SSL.Context(SSL.TLS_SERVER_METHOD);
 * ctx.useCertificate(crypto.loadCertificate(crypto.FILETYPE_PEM, certPem));
 * ctx.usePrivatekey(crypto.loadPrivatekey(crypto.FILETYPE_PEM, keyPem));
 * const server = SSL.createServer({ context: ctx }, (tls) => {
 *   tls.end(`hello ${tls.getConnection().getCipherName()}\n`);
 * });
 * server.on('tlsClientError', (err) => console.error(err.message));
 * server.listen(8443);
 * ```
 */
export function createServer(options: ServerOptions, onSecureConnection?: (socket: SecureSocket) => void): net.Server {
  if (options === null || typeof options !== 'object') {
    throw Object.assign(new TypeError('The "options" argument must be an object'), { code: 'ERR_INVALID_ARG_TYPE' });
  }
  if (onSecureConnection != null && typeof onSecureConnection !== 'function') {
    throw Object.assign(new TypeError('The "onSecureConnection" argument must be a function'), { code: 'ERR_INVALID_ARG_TYPE' });
  }
  checkOnRead(options.onread);
  checkMaxEarlyData(options.maxEarlyData);
  const context = options.context;
  // Accepted sockets start paused: OpenSSL reads them (nothing is read by Node first).
  const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: options.nativeIo !== false }, (raw) => {
    let s: SecureSocket;
    try {
      s = new SecureSocket(raw, {
        context,
        isServer: true,
        allowHalfOpen: options.allowHalfOpen ?? false,
        nativeIo: options.nativeIo,
        onread: options.onread,
        maxEarlyData: options.maxEarlyData,
      });
    } catch (err) {
      raw.destroy();
      server.emit('tlsClientError', err, raw);
      return;
    }
    const timer = setTimeout(() => s.destroy(Object.assign(new Error('TLS handshake timeout'), { code: 'ERR_TLS_HANDSHAKE_TIMEOUT' })),
      options.handshakeTimeout ?? 30_000);
    const onError = (err: Error) => {
      clearTimeout(timer);
      server.emit('tlsClientError', err, s);
    };
    const onClose = () => clearTimeout(timer);
    s.once('error', onError);
    s.once('close', onClose);
    s.once('secure', () => {
      clearTimeout(timer);
      s.off('error', onError);
      s.off('close', onClose);
      // A client vanishing must not crash a server whose handler did not listen for 'error':
      // such errors go to the server's 'tlsClientError' instead.
      s.on('error', (err) => {
        if (s.listenerCount('error') === 1) server.emit('tlsClientError', err, s);
      });
      server.emit('secureConnection', s);
    });
  });
  if (onSecureConnection) server.on('secureConnection', onSecureConnection);
  return server;
}
