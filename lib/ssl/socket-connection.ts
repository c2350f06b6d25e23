/**
 * `SocketConnection`: the socket mode of `SSL.Connection` (`new SSL.Connection(context, socket)`).
 * The same method names as the memory-BIO mode; the I/O methods return Promises, driven by socket
 * events (the event loop never blocks).
 * @module
 */
import net from 'node:net';
import { Duplex } from 'node:stream';
import { SysCallError, ZeroReturnError } from '../errors.js';
import { MemoryConnection, STATUS_WANT_READ, STATUS_ZERO_RETURN, _registerSocketMode } from './connection.js';
import { Context, type BytesLike } from './context.js';
import { DTLS_CLIENT_METHOD, DTLS_METHOD, DTLS_SERVER_METHOD, MSG_PEEK } from './constants.js';

const DTLS_METHODS = [DTLS_METHOD, DTLS_SERVER_METHOD, DTLS_CLIENT_METHOD];
import { TlsEngine, type EngineSink, type SocketEngine } from './tls-engine.js';
import { NativeEngine, canPumpNatively } from './native-engine.js';
import { isUint8Array } from '../handle.js';

/** The memory-mode methods whose socket-mode twins differ (Promises) or do not exist (BIO access). */
type IOKeys =
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
  | 'bioRead'
  | 'bioWrite'
  | 'bioShutdown'
  | 'pump'
  | 'pumpInto'
  | 'lastStatus'
  | 'bioPending';

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

/**
 * The Connection constructor typed without the memory-mode I/O, which socket mode replaces: every
 * non-I/O method of the memory mode (queries and settings) works the same on a socket.
 */
const ConnectionBase = MemoryConnection as unknown as new (context: Context, socket: null) => Omit<MemoryConnection, IOKeys>;

/** Only {@link SocketConnection._create} may construct one. */
const CREATE = Symbol('SocketConnection._create');

/**
 * A Connection bound to a `net.Socket` (from `new SSL.Connection(context, socket)` or
 * `SSL.Connection.accept(context, socket)`). `instanceof SSL.Connection` holds. `doHandshake`,
 * `send`, `sendall`, `recv`, `recvInto`, `shutdown` and `renegotiate` return Promises; `recv` and
 * `send` start the handshake if it has not been done. `bioRead`/`bioWrite` throw a TypeError.
 */
// A real subclass (not an instance re-prototyped after the fact): V8 then caches its object layout,
// where re-prototyping gave every connection a layout of its own and every access a cache miss.
export class SocketConnection extends ConnectionBase {
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
    context: Context,
    socket: net.Socket,
    server: boolean,
    sink: ((c: SocketConnection) => EngineSink) | undefined,
    nativeIo: boolean,
  ) {
    if (token !== CREATE) throw new TypeError('Use new SSL.Connection(context, socket) or SSL.Connection.accept(context, socket)');
    super(context, null);
    this._socket = socket;
    if (server) this.setAcceptState();
    const engineSink = sink ? sink(this) : this._sink();
    this._engine = nativeIo && canPumpNatively(socket) ? new NativeEngine(this._h, socket, engineSink) : new TlsEngine(this._h, socket, engineSink);
  }

  /** @internal Builds a socket-mode connection. */
  static _create(
    context: Context,
    socket: net.Socket,
    server: boolean,
    sink?: (c: SocketConnection) => EngineSink,
    nativeIo = true,
  ): SocketConnection {
    if (!(socket instanceof net.Socket)) {
      throw Object.assign(new TypeError('The "socket" argument must be a net.Socket or null'), { code: 'ERR_INVALID_ARG_TYPE' });
    }
    // Every socket-mode path (Connection, SecureSocket, createServer) comes here: a stream socket
    // cannot carry DTLS's datagrams, that is SSL.DTLSSocket's job.
    if (context instanceof Context && DTLS_METHODS.includes(context._method)) {
      throw Object.assign(new TypeError('A DTLS Context cannot run over a stream socket; use SSL.DTLSSocket or SSL.createDTLSServer'), {
        code: 'ERR_INVALID_ARG_VALUE',
      });
    }
    return new SocketConnection(CREATE, context, socket, server, sink, nativeIo);
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
    if (this._stream !== null) {
      throw Object.assign(new Error('This Connection is driven by a SecureSocket: use the stream for I/O'), {
        code: 'ERR_OPENSSL_NAPI_STATE',
      });
    }
  }

  /** The socket this connection runs over. */
  getSocket(): net.Socket {
    return this._socket;
  }

  /** Runs the handshake over the socket; resolves once it is complete, rejects with the OpenSSLError. */
  async doHandshake(): Promise<void> {
    this._checkIo();
    this._engine.start();
    while (!this._engine.handshakeDone) {
      if (this._error) throw this._error;
      if (this._engine.closed) throw new SysCallError(-1, 'Unexpected EOF');
      await this._wait();
    }
  }

  /** Encrypts and sends all of `buf` (after the handshake); resolves with its length once written to the socket. */
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

  /** Alias of {@link SocketConnection.send}. */
  write(buf: BytesLike, flags?: number): Promise<number> {
    return this.send(buf, flags);
  }

  /** Sends all of `buf`; resolves with its length. */
  sendall(buf: BytesLike, flags?: number): Promise<number> {
    return this.send(buf, flags);
  }

  /**
   * Resolves with up to `bufsiz` decrypted bytes as soon as some are available (`MSG_PEEK` leaves
   * them buffered). Rejects with ZeroReturnError after the peer's close_notify, SysCallError(-1,
   * 'Unexpected EOF') when the socket ends without one, or the OpenSSLError of a TLS failure.
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

  /** Alias of {@link SocketConnection.recv}. */
  read(bufsiz: number, flags?: number | null): Promise<Buffer> {
    return this.recv(bufsiz, flags);
  }

  /** Like {@link SocketConnection.recv}, but copies into `buffer` (up to `nbytes`); resolves with the count. */
  async recvInto(buffer: Uint8Array, nbytes?: number | null, flags?: number | null): Promise<number> {
    this._checkIo();
    if (!isUint8Array(buffer)) {
      throw Object.assign(new TypeError('The "buffer" argument must be a Buffer or Uint8Array'), { code: 'ERR_INVALID_ARG_TYPE' });
    }
    const cap = Math.min(buffer.length, nbytes == null ? buffer.length : positiveInt(nbytes, 'nbytes', 0));
    const peek = peekFlag(flags);
    if (cap === 0) return 0;
    await this._available();
    let got = 0;
    for (const chunk of this._queue) {
      if (got >= cap) break;
      const n = Math.min(cap - got, chunk.length);
      buffer.set(chunk.subarray(0, n), got);
      got += n;
    }
    if (!peek) this._consume(got);
    return got;
  }

  /**
   * The no-wait read: copies the plaintext already received into `buffer[offset, offset + length)`
   * and returns the count, or {@link STATUS_WANT_READ} when none has arrived yet, or
   * {@link STATUS_ZERO_RETURN} after the peer's close_notify; throws the connection's error.
   * Synchronous, as in memory mode.
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
    let got = 0;
    for (const chunk of this._queue) {
      if (got >= cap) break;
      const n = Math.min(cap - got, chunk.length);
      buffer.set(chunk.subarray(0, n), offset + got);
      got += n;
    }
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
   * close_notify had already been received (the shutdown is then complete), false otherwise.
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

  /** Starts a TLS 1.2 renegotiation and sends its first flight; resolves with whether one was started. */
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
   * {@link SocketConnection.doHandshake}). Rejects with the socket's error.
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

  /** pyOpenSSL's `connect_ex`: as {@link SocketConnection.connect}, but resolves with 0 or the error's errno (negative, as libuv's) instead of rejecting. */
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
   * close_notify). For new code, {@link SecureSocket} is the stream form with less overhead.
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
   * Send close_notify first ({@link SocketConnection.shutdown}) for a clean TLS close.
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

  /** Closes the socket (without close_notify: call {@link SocketConnection.shutdown} first for a clean close). */
  close(): void {
    this._engine.destroy();
    this._wake();
  }

  /** Socket mode has no memory BIO: throws a TypeError (`ERR_OPENSSL_NAPI_STATE`) that says so. */
  bioRead(bufsiz: number): never {
    void bufsiz;
    throw notNone();
  }
  /** Socket mode has no memory BIO: throws a TypeError (`ERR_OPENSSL_NAPI_STATE`) that says so. */
  bioWrite(buf: BytesLike): never {
    void buf;
    throw notNone();
  }
  /** Socket mode has no memory BIO: throws a TypeError (`ERR_OPENSSL_NAPI_STATE`) that says so. */
  bioShutdown(): never {
    throw notNone();
  }
  /** Socket mode has no memory BIO: throws a TypeError (`ERR_OPENSSL_NAPI_STATE`) that says so. */
  pump(input: Uint8Array | null, outCap?: number): never {
    void input;
    void outCap;
    throw notNone();
  }
  /** Socket mode has no memory BIO: throws a TypeError (`ERR_OPENSSL_NAPI_STATE`) that says so. */
  pumpInto(input: Uint8Array | null, out: Uint8Array): never {
    void input;
    void out;
    throw notNone();
  }
  /** Socket mode has no memory BIO: throws a TypeError (`ERR_OPENSSL_NAPI_STATE`) that says so. */
  bioPending(): never {
    throw notNone();
  }
}

// free() on a socket-mode Connection ends its stream at once: the socket is closed and its
// descriptor released, with an ERR_OPENSSL_NAPI_FREED error unless TLS had closed both ways.
// (On the prototype: the base class is typed through Omit, which has no methods to override.)
(SocketConnection.prototype as unknown as { _onFreed(this: SocketConnection): void })._onFreed = function (this: SocketConnection): void {
  this._engine.freed();
};

_registerSocketMode((context, socket, server) => SocketConnection._create(context, socket, server));
