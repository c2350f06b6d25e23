/**
 * `SocketConnection`: the socket mode of `SSL.Connection` (`new SSL.Connection(context, socket)`).
 * The same method names as the memory-BIO mode; the I/O methods return Promises, driven by socket
 * events (the event loop never blocks).
 * @module
 */
import net from 'node:net';
import { Duplex } from 'node:stream';
import { SysCallError, ZeroReturnError } from '../errors.js';
import { MemoryConnection, STATUS_WANT_READ, STATUS_ZERO_RETURN } from './connection.js';
import type { NativeConnection } from './native-types.js';
import type { BytesLike, Context } from './context.js';
import { MSG_PEEK } from './constants.js';
import type { EngineSink, SocketEngine } from './tls-engine.js';
import { checkStreamArgs, createPump } from './pump.js';
import { isUint8Array } from '../handle.js';

/** The memory-mode methods whose socket-mode twins differ (Promises) or do not exist (BIO access). */
type IOKeys =
  | MemoryOnlyKeys
  | 'send'
  | 'write'
  | 'sendall'
  | 'recv'
  | 'read'
  | 'recvInto'
  | 'tryRecvInto'
  | 'doHandshake'
  | 'renegotiate'
  | 'shutdown'
  | 'lastStatus';

/**
 * The memory-mode methods that read or write the memory BIOs, or the records, behind the pump's
 * back: on a socket each throws a TypeError (`ERR_OPENSSL_NAPI_STATE`) that says so. (Early data
 * over a socket: `SSL.connect({ session, earlyData })`.)
 */
const MEMORY_ONLY = [
  'bioRead',
  'bioReadInto',
  'bioWrite',
  'bioShutdown',
  'bioPending',
  'pump',
  'pumpInto',
  'writeEarlyData',
  'readEarlyData',
  'DTLSv1Listen',
  'DTLSv1HandleTimeout',
] as const;
type MemoryOnlyKeys = (typeof MEMORY_ONLY)[number];

/** Plaintext buffered ahead of recv() before the socket is paused (backpressure). */
const HIGH_WATER = 1 << 20;

/** What a memory-BIO method says here (native/ssl/connection.h says the same). */
const SOCKET_MODE =
  'This Connection runs over a socket: the memory-BIO methods (bioRead, bioWrite, pump, ...) are for a Connection made without one';

function notNone(): TypeError {
  return Object.assign(new TypeError(SOCKET_MODE), { code: 'ERR_OPENSSL_NAPI_STATE' });
}

function bytes(buf: BytesLike, name: string): Uint8Array {
  if (typeof buf === 'string') return Buffer.from(buf);
  if (!(isUint8Array(buf))) {
    throw Object.assign(new TypeError(`The "${name}" argument must be a Buffer, Uint8Array or string`), { code: 'ERR_INVALID_ARG_TYPE' });
  }
  return buf;
}

function peekFlag(flags: number | null | undefined): boolean {
  if (flags == null) return false;
  if (typeof flags !== 'number') throw Object.assign(new TypeError('The "flags" argument must be a number'), { code: 'ERR_INVALID_ARG_TYPE' });
  return (flags & MSG_PEEK) !== 0;
}

function positiveInt(n: unknown, name: string, min: number): number {
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    throw Object.assign(new TypeError(`The "${name}" argument must be an integer`), { code: 'ERR_INVALID_ARG_TYPE' });
  }
  if (n < min || n > 0x7fffffff) throw Object.assign(new RangeError(`The "${name}" argument is out of range`), { code: 'ERR_OUT_OF_RANGE' });
  return n;
}


/** Only {@link SocketConnection._create} may construct one. */
const CREATE = Symbol('SocketConnection._create');

/**
 * A Connection bound to a `net.Socket` (from `new SSL.Connection(context, socket)` or
 * `SSL.Connection.accept(context, socket)`). `instanceof SSL.Connection` holds. `doHandshake`,
 * `send`, `sendall`, `recv`, `recvInto`, `shutdown` and `renegotiate` return Promises; `recv` and
 * `send` start the handshake if it has not been done. `bioRead`/`bioWrite` throw a TypeError.
 * A pump drives the `SSL` as the socket becomes readable or writable (`SSL_do_handshake`,
 * `SSL_read_ex`, `SSL_write_ex`): over the socket's descriptor with a BIO of the binding's own
 * (`BIO_meth_new`), else through memory BIOs fed from the socket's events.
 *
 * @example A pyOpenSSL-style client
 * ```ts
 * import net from 'node:net';
 * import { SSL } from 'openssl-napi';
 *
 * const ctx = new SSL.Context(SSL.TLS_CLIENT_METHOD);
 * ctx.setDefaultVerifyPaths();
 * ctx.setVerify(SSL.VERIFY_PEER);
 * const conn = new SSL.Connection(ctx, new net.Socket());
 * conn.setTlsextHostName('example.com');
 * conn.setHost('example.com');
 * await conn.connect(443, 'example.com'); // TCP, client mode
 * await conn.doHandshake();
 * await conn.sendall('HEAD / HTTP/1.0\r\nHost: example.com\r\n\r\n');
 * console.log((await conn.recv(4096)).toString());
 * await conn.shutdown();
 * conn.close();
 * ```
 */
// A façade: it holds a memory-mode Connection (settings and queries, delegated below) and a pump
// that moves its bytes over the socket; the memory-mode class knows nothing of sockets.
export class SocketConnection {
  /** @internal The connection whose settings and queries this one offers. */
  _conn: MemoryConnection;
  /** @internal Its native handle (the pump's and the I/O methods'). */
  _h: NativeConnection;
  /** @internal */
  _engine: SocketEngine;
  /** @internal */
  _socket: net.Socket;
  /** @internal Decrypted data not yet taken by recv. */
  _queue: Buffer[] = [];
  /** @internal */
  _queued = 0;
  /** @internal */
  _waiters: Array<() => void> = [];
  /** @internal */
  _error: Error | null = null;
  /** @internal Set when a SecureSocket drives this connection: the Promise I/O is then unavailable. */
  _stream: object | null = null;

  /** Not constructible directly: use `new SSL.Connection(context, socket)`. @internal */
  private constructor(
    token: symbol,
    conn: MemoryConnection,
    socket: net.Socket,
    stream: object | null,
    pump: (self: SocketConnection) => SocketEngine,
  ) {
    if (token !== CREATE) {
      throw Object.assign(new TypeError('Use new SSL.Connection(context, socket) or SSL.Connection.accept(context, socket)'), { code: 'ERR_ILLEGAL_CONSTRUCTOR' });
    }
    this._conn = conn;
    this._h = conn._h;
    // Callbacks receive this object, not the one it holds.
    this._h._owner = this;
    this._socket = socket;
    this._stream = stream;
    this._engine = pump(this);
  }

  /** @internal A socket-mode connection with the Promise I/O (Connection, Connection.accept). */
  static _create(context: Context, socket: net.Socket, server: boolean): SocketConnection {
    checkStreamArgs(context, socket);
    const conn = new MemoryConnection(context);
    if (server) conn.setAcceptState();
    return new SocketConnection(CREATE, conn, socket, null, (self) => createPump(self._h, socket, self._sink(), true));
  }

  /**
   * @internal The Connection face of a SecureSocket (its getConnection() and its callbacks' `conn`):
   * the stream drives `pump`, and the Promise I/O says so.
   */
  static _forStream(conn: MemoryConnection, socket: net.Socket, stream: object, pump: SocketEngine): SocketConnection {
    return new SocketConnection(CREATE, conn, socket, stream, () => pump);
  }

  /** @internal */
  _sink(): EngineSink {
    return {
      onSecure: () => this._wake(),
      onPlaintext: (buf) => {
        this._queue.push(buf);
        this._queued += buf.length;
        this._wake();
        return this._queued < HIGH_WATER;
      },
      onCloseNotify: () => this._wake(),
      onError: (err) => {
        this._error ??= err;
        this._wake();
      },
      onClose: () => this._wake(),
    };
  }

  /** @internal */
  _wake(): void {
    const w = this._waiters;
    this._waiters = [];
    for (const f of w) f();
  }

  /** @internal */
  _wait(): Promise<void> {
    return new Promise((resolve) => this._waiters.push(resolve));
  }

  /** @internal */
  _checkIo(): void {
    // Plaintext the pump decrypted before free() stays queued: a freed Connection gives none of it.
    if (this._h.isFreed()) {
      throw Object.assign(new Error('Connection has been freed'), { code: 'ERR_OPENSSL_NAPI_FREED' });
    }
    if (this._stream !== null) {
      throw Object.assign(new Error('This Connection is driven by a SecureSocket: use the stream for I/O'), {
        code: 'ERR_OPENSSL_NAPI_STATE',
      });
    }
  }

  /** The socket this connection runs over (no OpenSSL call). */
  getSocket(): net.Socket {
    return this._socket;
  }

  /**
   * Runs the handshake over the socket (`SSL_do_handshake`, as the socket is ready); resolves once it
   * is complete.
   * @throws (rejects with) the OpenSSLError of a failed handshake, or SysCallError(-1, 'Unexpected
   * EOF') when the socket closes first.
   */
  async doHandshake(): Promise<void> {
    this._checkIo();
    this._engine.start();
    while (!this._engine.handshakeDone) {
      if (this._error) throw this._error;
      if (this._engine.closed) throw new SysCallError(-1, 'Unexpected EOF');
      await this._wait();
    }
  }

  /** Encrypts and sends all of `buf` (after the handshake; `SSL_write_ex`); resolves with its length once written to the socket. */
  async send(buf: BytesLike, flags?: number): Promise<number> {
    void flags;
    const data = bytes(buf, 'buf');
    await this.doHandshake();
    if (this._error) throw this._error;
    await new Promise<void>((resolve, reject) => {
      this._engine.write(data, (err) => (err ? reject(this._error ?? err) : resolve()));
    });
    return data.length;
  }

  /** Alias of {@link SocketConnection.send} (`SSL_write_ex`). */
  write(buf: BytesLike, flags?: number): Promise<number> {
    return this.send(buf, flags);
  }

  /** Sends all of `buf`; resolves with its length (as {@link SocketConnection.send}: `SSL_write_ex`). */
  sendall(buf: BytesLike, flags?: number): Promise<number> {
    return this.send(buf, flags);
  }

  /**
   * Resolves with up to `bufsiz` decrypted bytes as soon as some are available (`MSG_PEEK` leaves
   * them buffered). Rejects with ZeroReturnError after the peer's close_notify, SysCallError(-1,
   * 'Unexpected EOF') when the socket ends without one, or the OpenSSLError of a TLS failure. The
   * pump decrypts ahead as records arrive (`SSL_read_ex`); this takes from what it queued.
   */
  async recv(bufsiz: number, flags?: number | null): Promise<Buffer> {
    this._checkIo();
    positiveInt(bufsiz, 'bufsiz', 1);
    const peek = peekFlag(flags);
    await this._available();
    const first = this._queue[0]!;
    const n = Math.min(bufsiz, first.length);
    const out = first.subarray(0, n);
    if (!peek) this._consume(n);
    return out;
  }

  /** Alias of {@link SocketConnection.recv} (plaintext from `SSL_read_ex`). */
  read(bufsiz: number, flags?: number | null): Promise<Buffer> {
    return this.recv(bufsiz, flags);
  }

  /** Like {@link SocketConnection.recv}, but copies into `buffer` (up to `nbytes`); resolves with the count (plaintext from `SSL_read_ex`). */
  async recvInto(buffer: Uint8Array, nbytes?: number | null, flags?: number | null): Promise<number> {
    this._checkIo();
    if (!isUint8Array(buffer)) {
      throw Object.assign(new TypeError('The "buffer" argument must be a Buffer or Uint8Array'), { code: 'ERR_INVALID_ARG_TYPE' });
    }
    const cap = Math.min(buffer.length, nbytes == null ? buffer.length : positiveInt(nbytes, 'nbytes', 0));
    const peek = peekFlag(flags);
    if (cap === 0) return 0;
    await this._available();
    const got = this._copyQueued(buffer, 0, cap);
    if (!peek) this._consume(got);
    return got;
  }

  /** @internal Copies up to `cap` queued plaintext bytes into `buffer` at `offset` (not consumed). */
  _copyQueued(buffer: Uint8Array, offset: number, cap: number): number {
    let got = 0;
    for (const chunk of this._queue) {
      if (got >= cap) break;
      const n = Math.min(cap - got, chunk.length);
      buffer.set(chunk.subarray(0, n), offset + got);
      got += n;
    }
    return got;
  }

  /**
   * The no-wait read: copies the plaintext already received into `buffer[offset, offset + length)`
   * and returns the count, or {@link STATUS_WANT_READ} when none has arrived yet, or
   * {@link STATUS_ZERO_RETURN} after the peer's close_notify; throws the connection's error.
   * Synchronous, as in memory mode: it takes what the pump decrypted (`SSL_read_ex`) and makes no
   * OpenSSL call itself.
   */
  tryRecvInto(buffer: Uint8Array, offset = 0, length?: number): number {
    this._checkIo();
    if (!isUint8Array(buffer)) {
      throw Object.assign(new TypeError('The "buffer" argument must be a Buffer or Uint8Array'), { code: 'ERR_INVALID_ARG_TYPE' });
    }
    positiveInt(offset, 'offset', 0);
    if (offset > buffer.length) throw Object.assign(new RangeError(`The "offset" argument must be at most ${buffer.length}`), { code: 'ERR_OUT_OF_RANGE' });
    const cap = length === undefined ? buffer.length - offset : positiveInt(length, 'length', 0);
    if (offset + cap > buffer.length) throw Object.assign(new RangeError(`The "length" argument must be at most ${buffer.length - offset}`), { code: 'ERR_OUT_OF_RANGE' });
    this._engine.start();
    if (this._queued === 0) {
      if (this._error) throw this._error;
      if (this._engine.closeNotifyReceived) return STATUS_ZERO_RETURN;
      if (this._engine.closed) throw new SysCallError(-1, 'Unexpected EOF');
      return STATUS_WANT_READ;
    }
    const got = this._copyQueued(buffer, offset, cap);
    this._consume(got);
    return got;
  }

  /** @internal Waits until plaintext is queued, or throws the reason there will be none. */
  async _available(): Promise<void> {
    this._engine.start();
    for (;;) {
      if (this._queued > 0) return;
      if (this._error) throw this._error;
      if (this._engine.closeNotifyReceived) throw new ZeroReturnError();
      if (this._engine.closed) throw new SysCallError(-1, 'Unexpected EOF');
      await this._wait();
    }
  }

  /** @internal */
  _consume(n: number): void {
    let left = n;
    while (left > 0) {
      const head = this._queue[0]!;
      if (head.length <= left) {
        this._queue.shift();
        left -= head.length;
      } else {
        this._queue[0] = head.subarray(left);
        left = 0;
      }
    }
    this._queued -= n;
    if (this._queued < HIGH_WATER / 2) this._engine.resume();
  }

  /**
   * Sends close_notify; resolves once it is written to the socket, with true when the peer's
   * close_notify had already been received (the shutdown is then complete), false otherwise
   * (`SSL_shutdown`).
   */
  async shutdown(): Promise<boolean> {
    this._checkIo();
    if (this._error) throw this._error;
    let done = false;
    await new Promise<void>((resolve, reject) => {
      done = this._engine.shutdown((err) => (err ? reject(err) : resolve()));
    });
    return done;
  }

  /** Starts a TLS 1.2 renegotiation and sends its first flight; resolves with whether one was started (`SSL_renegotiate`, `SSL_do_handshake`). */
  async renegotiate(): Promise<boolean> {
    this._checkIo();
    await this.doHandshake();
    const started = this._h.renegotiate();
    if (started) {
      this._h.handshake();
      await new Promise<void>((resolve, reject) => this._engine.flush((err) => (err ? reject(err) : resolve())));
    }
    return started;
  }

  /**
   * pyOpenSSL's `connect`: connects the (not yet connected) socket to `port` on `host` (default
   * 127.0.0.1) and puts the connection in client mode; resolves once TCP is up (then
   * {@link SocketConnection.doHandshake}). Rejects with the socket's error. Node's `socket.connect`
   * and `SSL_set_connect_state`.
   */
  async connect(port: number, host = '127.0.0.1'): Promise<void> {
    const socket = this._socket;
    if (socket.connecting || (!socket.pending && !socket.destroyed) || socket.destroyed) {
      throw Object.assign(new Error('connect() needs a socket that is not connected (new net.Socket())'), { code: 'ERR_OPENSSL_NAPI_STATE' });
    }
    this.setConnectState();
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      socket.once('error', onError);
      socket.connect(port, host, () => {
        socket.off('error', onError);
        resolve();
      });
    });
  }

  /**
   * pyOpenSSL's `connect_ex`: as {@link SocketConnection.connect} (`SSL_set_connect_state`), but
   * resolves with 0 or the error's errno (negative, as libuv's) instead of rejecting.
   */
  async connectEx(port: number, host = '127.0.0.1'): Promise<number> {
    try {
      await this.connect(port, host);
      return 0;
    } catch (err) {
      const errno = (err as NodeJS.ErrnoException).errno;
      if (typeof errno !== 'number') throw err;
      return errno;
    }
  }

  /**
   * pyOpenSSL's `makefile`: the connection as a Duplex stream of plaintext (reads with
   * {@link SocketConnection.recv}, writes with {@link SocketConnection.sendall}, `end()` sends
   * close_notify). For new code, {@link SecureSocket} is the stream form with less overhead. Stream
   * plumbing over those methods: no OpenSSL call of its own.
   */
  makefile(): Duplex {
    const duplex: Duplex = new Duplex({
      read: (size) => {
        this.recv(Math.max(1, Math.min(size, 16384))).then(
          (buf) => duplex.push(buf),
          (err: unknown) => (err instanceof ZeroReturnError ? duplex.push(null) : duplex.destroy(err as Error)),
        );
      },
      write: (chunk: Buffer, _enc, cb) => {
        this.sendall(chunk).then(() => cb(), cb);
      },
      final: (cb) => {
        this.shutdown().then(() => cb(), cb);
      },
    });
    return duplex;
  }

  /**
   * pyOpenSSL's `sock_shutdown(how)` on the TCP socket, under TLS: 1 (SHUT_WR) sends our FIN once
   * everything queued is out; 2 (SHUT_RDWR) closes the socket; 0 (SHUT_RD) stops reading.
   * Send close_notify first ({@link SocketConnection.shutdown}) for a clean TLS close. Socket only:
   * no OpenSSL call.
   */
  async sockShutdown(how: 0 | 1 | 2): Promise<void> {
    if (how === 1) {
      await new Promise<void>((resolve) => this._engine.end(() => resolve()));
    } else if (how === 2) {
      this.close();
    } else if (how === 0) {
      this._engine.pause();
    } else {
      throw Object.assign(new RangeError('The "how" argument must be 0 (SHUT_RD), 1 (SHUT_WR) or 2 (SHUT_RDWR)'), { code: 'ERR_INVALID_ARG_VALUE' });
    }
  }

  /** Closes the socket (without close_notify: call {@link SocketConnection.shutdown} first for a clean close; no OpenSSL call). */
  close(): void {
    this._engine.destroy();
    this._wake();
  }

  /**
   * Releases the SSL now. The stream it carried ends at once: the socket is closed and its
   * descriptor released, with an `ERR_OPENSSL_NAPI_FREED` error unless TLS had closed both ways
   * (`SSL_free`).
   */
  free(): void {
    const live = !this._h.isFreed();
    this._conn.free();
    this._queue = [];
    this._queued = 0;
    if (live) this._engine.freed();
  }
  /** Same as {@link SocketConnection.free} (`SSL_free`). */
  [Symbol.dispose](): void {
    this.free();
  }
}

/** Every setting and query of the memory mode, the same on a socket (delegated to `_conn`). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface SocketConnection extends Omit<MemoryConnection, IOKeys | 'free' | typeof Symbol.dispose | '_h'> {}

// The delegation, made once from the memory-mode class: each method not redefined above calls the
// held connection's. The per-connection hooks the native side reads from the callbacks' owner
// (this object) are the held connection's fields.
for (const name of MEMORY_ONLY) {
  Object.defineProperty(SocketConnection.prototype, name, {
    value: function (): never {
      throw notNone();
    },
    writable: true,
    configurable: true,
  });
}
for (const name of Object.getOwnPropertyNames(MemoryConnection.prototype)) {
  if (name === 'constructor' || Object.prototype.hasOwnProperty.call(SocketConnection.prototype, name)) continue;
  const desc = Object.getOwnPropertyDescriptor(MemoryConnection.prototype, name)!;
  if (typeof desc.value !== 'function') continue;
  const method = desc.value as (...args: unknown[]) => unknown;
  Object.defineProperty(SocketConnection.prototype, name, {
    value: function (this: SocketConnection, ...args: unknown[]): unknown {
      return method.apply(this._conn, args);
    },
    writable: true,
    configurable: true,
  });
}
for (const field of ['_context', '_appData', '_verifyHook', '_infoHook'] as const) {
  Object.defineProperty(SocketConnection.prototype, field, {
    get(this: SocketConnection): unknown {
      return this._conn[field];
    },
    set(this: SocketConnection, v: never): void {
      this._conn[field] = v;
    },
    configurable: true,
  });
}
