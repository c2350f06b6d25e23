/**
 * The socket pump: moves ciphertext between a memory-BIO native connection and a `net.Socket`,
 * driven by socket events so the event loop never blocks.
 *
 * Per inbound socket chunk there is ONE native call (`feed`: write the ciphertext into the read
 * BIO, advance the handshake, decrypt straight into a slab the JS side owns), plus one `bioRead`
 * only when OpenSSL queued bytes for the peer. Per outbound write there is ONE native call
 * (`seal`: encrypt everything and return all the ciphertext as one Buffer) and one `socket.write`.
 * @internal
 * @module
 */
import type net from 'node:net';
import { OpenSSLError, SysCallError, ZeroReturnError } from '../errors.js';
import { native } from '../native.js';
import { EarlyDataStatus, Status, type NativeConnection } from './native-types.js';
import { PUMP_INIT_FINISHED, PUMP_MORE_PENDING, resultBytes, resultHas, resultStatus } from './pump-result.js';

/** Plaintext slab size: one feed decrypts up to this much (four full records). */
const SLAB = 64 * 1024;
/** A slab tail smaller than this is dropped rather than reused (less than a full record). */
const MIN_TAIL = 16 * 1024 + 256;
const EMPTY = Buffer.alloc(0);
// Plaintext a writer may send with immediate callbacks before one waits a turn of the event loop.
const BURST = 256 * 1024;
const FLUSH_CAP = 0x3fffffff;

/** What a pump reports to its owner (a SocketConnection, a SecureSocket or a DTLSSocket). @internal */
export interface EngineSink {
  /** The handshake finished. */
  onSecure(): void;
  /**
   * Decrypted bytes. Without `onread` the Buffer is the sink's to keep; with it, the bytes sit in
   * the reader's buffer and are valid only until this returns. Return false to pause reading.
   */
  onPlaintext(buf: Buffer): boolean;
  /** The peer sent close_notify. */
  onCloseNotify(): void;
  /** A fatal error: TLS (OpenSSLError), transport (SysCallError), or truncation (unexpected EOF). */
  onError(err: Error): void;
  /** The socket closed. */
  onClose(): void;
}

/** Maps a socket error to pyOpenSSL's SysCallError(errno, message), keeping the original as cause. */
export function sysCallError(err: Error & { errno?: number; code?: string }): SysCallError {
  if (err instanceof OpenSSLError) return err as SysCallError;
  const e = new SysCallError(typeof err.errno === 'number' ? Math.abs(err.errno) : 0, err.message);
  Object.defineProperty(e, 'cause', { value: err, configurable: true, writable: true });
  if (err.code) Object.defineProperty(e, 'syscallCode', { value: err.code, enumerable: true });
  return e;
}

/**
 * The contract of every pump: the stream-event one (TlsEngine, here), the descriptor one
 * (NativeEngine) and the datagram one (DatagramEngine). A pump moves one Connection's bytes over
 * one transport, reports to an {@link EngineSink}, and drives OpenSSL by status values: only a
 * real failure throws, and it reaches the sink's onError. @internal
 */
export interface Pump {
  handshakeDone: boolean;
  closeNotifyReceived: boolean;
  started: boolean;
  failed: boolean;
  error: Error | null;
  closed: boolean;
  shutdownSent: boolean;
  /** Starts pumping (idempotent). */
  start(): void;
  /** Encrypts and sends `data` (after the handshake; it waits until then); `cb` once the transport took it. */
  write(data: Uint8Array, cb?: (err?: Error | null) => void): void;
  /** Sends close_notify; true when the peer's was already received. */
  shutdown(cb?: (err?: Error | null) => void): boolean;
  /** Ends the connection with `err`, reported to the sink. */
  fail(err: Error): void;
  /** Drops the transport now. */
  destroy(): void;
}

/** What SocketConnection and SecureSocket drive: a stream pump (this one or the native one). @internal */
export interface SocketEngine extends Pump {
  pause(): void;
  resume(): void;
  /**
   * Plaintext should land in `buffer` (from its start) rather than in fresh Buffers, where the
   * pump can decrypt into it; the sink gets a view of it then, else its own chunks (null: stop).
   */
  readInto(buffer: Uint8Array | null): void;
  /** Client, before start(): `data` begins the stream (see EngineBase.beginWith). */
  beginWith(data: Uint8Array, sentEarly: boolean): void;
  /** `cb` once everything OpenSSL produced is written. */
  flush(cb?: (err?: Error | null) => void): boolean;
  /** Half-closes the transport (FIN) after everything queued; `cb` when done. */
  end(cb: (err?: Error | null) => void): void;
  /** The Connection was freed: end the stream now. */
  freed(): void;
}

type Callback = (err?: Error | null) => void;

interface Stalled {
  data: Uint8Array;
  cb: Callback | undefined;
}

/** The state every pump keeps, as {@link Pump} names it. @internal */
export abstract class PumpState {
  handshakeDone = false;
  closeNotifyReceived = false;
  started = false;
  failed = false;
  /** The error that stopped the pump. */
  error: Error | null = null;
  /** The transport is gone (closed or destroyed). */
  closed = false;
  /** We sent close_notify (a FIN without the peer's close_notify is then tolerated). */
  shutdownSent = false;
}

/**
 * What both stream pumps share: the state SocketConnection and SecureSocket read, the socket's
 * error and close, writes that wait for the handshake (or a renegotiation, or a full kernel),
 * failure.
 * @internal
 */
export abstract class EngineBase extends PumpState implements SocketEngine {
  protected destroying = false;
  /** Writes waiting for the handshake (or for a renegotiation, or for the kernel) to go. */
  protected stalled: Stalled[] = [];
  /** Write callbacks waiting for the transport to drain. */
  protected drainWaiters: Callback[] = [];
  /** Plaintext written with immediate callbacks since the writer last waited a turn (see written). */
  private burst = 0;
  /** A client's early data (0-RTT), kept to send again if the server rejects it. */
  private earlyData: Uint8Array | null = null;

  constructor(
    readonly h: NativeConnection,
    readonly socket: net.Socket,
    protected readonly sink: EngineSink,
  ) {
    super();
    // Errors and close must be observed from the start (an 'error' without a listener crashes).
    socket.on('error', (err) => this.fail(sysCallError(err)));
    socket.on('close', () => {
      this.closed = true;
      this.detach();
      if (!this.failed && !this.closeNotifyReceived && !this.shutdownSent && !this.destroying && this.started && !this.handshakeDone) {
        // Closed under us without a socket error: the application destroyed the socket (both pumps
        // report a peer's FIN or reset before 'close'). After the handshake that is a quiet close,
        // as with node:tls ('close' without 'end': the stream did not end cleanly); before it,
        // there is no secure connection to report.
        this.fail(new SysCallError(-1, 'The socket was destroyed during the handshake'));
      }
      this.release(() => this.error ?? new SysCallError(-1, 'The connection is closed'));
      this.sink.onClose();
    });
  }

  /** Starts pumping: the client's first flight goes out now (or on connect). Idempotent. */
  start(): void {
    if (this.started) return;
    this.started = true;
    // TLS decides when to send FIN (after close_notify), not net's auto-end.
    this.socket.allowHalfOpen = true;
    if (this.socket.destroyed) {
      queueMicrotask(() => this.fail(new SysCallError(-1, 'Unexpected EOF')));
      return;
    }
    this.begin();
  }

  /**
   * Encrypts `data` and hands it to the transport. Before the handshake finishes (or while earlier
   * writes wait) the data waits. `cb` is called once the transport took the bytes without
   * backpressure (at once), after it drained otherwise, or with the error that stopped it.
   */
  write(data: Uint8Array, cb?: Callback): void {
    // (A socket destroyed under us: the native pump's duplicate descriptor would still send until
    // the socket's 'close' event, a tick later.)
    if (this.failed || this.closed || this.socket.destroyed) {
      if (cb) process.nextTick(cb, this.error ?? new SysCallError(-1, 'The connection is closed'));
      return;
    }
    if (!this.handshakeDone || this.stalled.length > 0) {
      this.stalled.push({ data, cb });
      return;
    }
    try {
      this.seal(data, cb);
    } catch (err) {
      // A TLS failure in SSL_write ends the connection as one in a read does (alert, error).
      if (cb) process.nextTick(cb, err as Error);
      this.fatal(err as Error);
    }
  }

  /**
   * Client: `data` begins the stream. When it went out as TLS 1.3 early data (`sentEarly`), it is
   * sent again, before any other write, if the server rejects it; otherwise it is the first write
   * after the handshake.
   */
  beginWith(data: Uint8Array, sentEarly: boolean): void {
    if (sentEarly) this.earlyData = data;
    else this.stalled.unshift({ data, cb: undefined });
  }

  /** The first handshake finished: rejected early data goes again first, then waiting writes. */
  protected secured(): void {
    if (this.socket.destroyed) {
      // Destroyed during the handshake (from a callback, say): no secure connection to report.
      this.fail(new SysCallError(-1, 'The socket was destroyed during the handshake'));
      return;
    }
    this.handshakeDone = true;
    const early = this.earlyData;
    this.earlyData = null;
    if (early !== null && this.h.getEarlyDataStatus() === EarlyDataStatus.Rejected) this.stalled.unshift({ data: early, cb: undefined });
    this.sink.onSecure();
    this.retryStalled();
  }

  protected retryStalled(): void {
    while (this.stalled.length > 0 && !this.failed) {
      const w = this.stalled.shift()!;
      let r: boolean;
      try {
        r = this.seal(w.data, w.cb);
      } catch (err) {
        if (w.cb) process.nextTick(w.cb, err as Error);
        this.fatal(err as Error);
        return;
      }
      if (!r) return; // stalled again
    }
  }

  fail(err: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.error = err;
    this.release(() => err);
    this.sink.onError(err);
  }

  /** Fails every write still waiting (the error is built only when someone waits). */
  protected release(reason: () => Error): void {
    const lists = [this.stalled.map((w) => w.cb), this.drainWaiters, ...this.moreWaiters()];
    if (lists.every((l) => l.length === 0)) return;
    const err = reason();
    this.stalled = [];
    this.drainWaiters = [];
    for (const list of lists) for (const f of list) if (f) process.nextTick(f, err);
  }

  /**
   * Calls the callback of a write whose bytes the transport took at once. A writer that never
   * waits would fill the socket buffers (megabytes on loopback) before the reader runs, which then
   * reads cold memory: after BURST bytes one callback waits a turn of the event loop (node:tls's
   * always do).
   */
  protected written(bytes: number, cb: Callback): void {
    if ((this.burst += bytes) < BURST) return cb();
    this.burst = 0;
    setImmediate(cb);
  }

  /**
   * The Connection was freed under the engine: the stream ends at once, its socket closed, with an
   * `ERR_OPENSSL_NAPI_FREED` error unless TLS had already closed both ways. From the next tick,
   * since free() may be called from inside one of the engine's own callbacks.
   */
  freed(): void {
    process.nextTick(() => {
      if (this.closed || this.failed) return;
      if (!(this.closeNotifyReceived && this.shutdownSent)) {
        this.fail(Object.assign(new Error('The Connection was freed while its stream was open'), { code: 'ERR_OPENSSL_NAPI_FREED' }));
      }
      this.destroy();
    });
  }

  /** Drops the socket now. */
  destroy(): void {
    this.destroying = true;
    this.detach();
    if (!this.socket.destroyed) this.socket.destroy();
  }

  /** The pump's own first step (the socket is there and not destroyed). */
  protected abstract begin(): void;
  /** Encrypts and sends `data`; false when the write stalled (and was queued again). */
  protected abstract seal(data: Uint8Array, cb?: Callback): boolean;
  /** A TLS or transport failure: send what alert there is, drop the socket, report. */
  protected abstract fatal(err: Error): void;
  /** Other callbacks that must fail with the engine (they are emptied). */
  protected moreWaiters(): Callback[][] {
    return [];
  }
  /** Lets go of the socket's descriptor (the native pump); the stream pump has nothing to do. */
  protected detach(): void {}

  abstract pause(): void;
  abstract resume(): void;

  /** The stream-event pump hands over the chunks `feed` decrypts: nothing to redirect. */
  readInto(_buffer: Uint8Array | null): void {}
  abstract shutdown(cb?: Callback): boolean;
  abstract flush(cb?: Callback): boolean;
  abstract end(cb: Callback): void;
}

/** The stream-event pump: ciphertext through the net.Socket's 'data' events and write(). @internal */
export class TlsEngine extends EngineBase {
  private paused = false;
  private slab: Buffer<ArrayBufferLike> = EMPTY;

  protected begin(): void {
    const socket = this.socket;
    socket.on('data', (chunk: Buffer) => this.drive(chunk));
    socket.on('end', () => this.onEnd());
    // A socket accepted with pauseOnConnect (or paused by its creator) starts flowing now.
    if (!this.paused) socket.resume();
    if (socket.connecting) socket.once('connect', () => this.drive(null));
    else this.drive(null);
  }

  /** One inbound step (`input` may be null: continue with what OpenSSL already holds). */
  drive(input: Buffer | null): void {
    if (this.failed) return;
    let inp: Buffer | null = input;
    let out: Buffer<ArrayBufferLike> = EMPTY;
    try {
      for (;;) {
        out = EMPTY;
        if (!this.paused && !this.closeNotifyReceived) {
          if (this.slab.length < MIN_TAIL) this.slab = Buffer.allocUnsafeSlow(SLAB);
          out = this.slab;
        }
        const code = this.h.feed(inp, out);
        inp = null;
        const status = resultStatus(code);
        const pendingOut = resultHas(code, PUMP_MORE_PENDING);
        const finished = resultHas(code, PUMP_INIT_FINISHED);
        const n = resultBytes(code);
        if (pendingOut) this.flush();
        if (finished && !this.handshakeDone) {
          this.secured();
          if (this.failed) return;
        }
        if (n > 0) {
          const chunk = out.subarray(0, n);
          this.slab = out.subarray(n);
          if (!this.sink.onPlaintext(chunk)) this.pause();
          if (this.failed) return;
        }
        if (status === Status.ZeroReturn) {
          if (!this.handshakeDone) {
            // A close_notify before the handshake finished: no connection to end cleanly.
            this.fatal(new ZeroReturnError());
            return;
          }
          this.closeNotifyReceived = true;
          this.flush();
          this.sink.onCloseNotify();
          return;
        }
        // Stop when OpenSSL has nothing more (status != Ok), when reading is paused, or when the
        // handshake waits; loop when the slab filled up, or after a server's early data (plaintext
        // before the handshake finished: the handshake goes on in the next step).
        if (status !== Status.Ok || out.length === 0 || (n < out.length && (finished || n === 0))) break;
      }
      if (this.handshakeDone && this.stalled.length > 0) this.retryStalled();
    } catch (err) {
      // Plaintext decrypted before the failure is delivered first (feed counts it on the error).
      const e = err as Error & { bytesRead?: number };
      const n = e.bytesRead;
      if (n !== undefined) {
        delete e.bytesRead;
        if (n > 0 && n <= out.length) this.sink.onPlaintext(out.subarray(0, n));
      }
      // Send the alert OpenSSL queued (if any), then give up.
      this.fatal(e);
    }
  }

  pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.socket.pause();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (!this.started || this.failed) return;
    this.socket.resume();
    // Decrypt what was left in OpenSSL's buffers when we paused.
    this.drive(null);
  }

  /** One native call (`seal`: all the ciphertext as one Buffer), one socket.write. */
  protected seal(data: Uint8Array, cb?: Callback): boolean {
    if (data.length === 0) {
      if (cb) cb();
      return true;
    }
    const r = this.h.seal(data);
    if (typeof r === 'number') {
      // SSL_write stopped (a renegotiation is under way): keep the rest for after it.
      const taken = this.h.lastWritten();
      this.flush();
      this.stalled.unshift({ data: data.subarray(taken), cb });
      return false;
    }
    if (r === null || this.socket.write(r)) {
      if (cb) this.written(data.length, cb);
    } else if (cb) {
      if (this.drainWaiters.length === 0) this.socket.once('drain', this.onDrain);
      this.drainWaiters.push(cb);
    }
    return true;
  }

  private readonly onDrain = (): void => {
    const w = this.drainWaiters;
    this.drainWaiters = [];
    for (const f of w) f();
  };

  /** Sends close_notify (flushed to the socket). Returns true when the peer's was already received. */
  shutdown(cb?: (err?: Error | null) => void): boolean {
    const r = this.h.shutdown();
    this.shutdownSent = true;
    this.flush(cb);
    return r === true;
  }

  /** Writes everything OpenSSL queued for the peer to the socket in one write. */
  flush(cb?: (err?: Error | null) => void): boolean {
    const out = this.closed ? null : this.h.bioRead(FLUSH_CAP);
    if (out === null) {
      if (cb) process.nextTick(cb);
      return true;
    }
    return this.socket.write(out, cb);
  }

  end(cb: (err?: Error | null) => void): void {
    if (this.socket.destroyed) process.nextTick(cb);
    else this.socket.end(() => cb());
  }

  private onEnd(): void {
    if (this.failed || this.closeNotifyReceived) return;
    if (this.shutdownSent) {
      // We closed first; a peer that answers with a bare FIN is tolerated.
      this.sink.onCloseNotify();
      return;
    }
    // The transport ended without close_notify: mid-handshake or mid-stream, that is a truncation.
    this.fail(new SysCallError(-1, 'Unexpected EOF'));
  }

  /**
   * A TLS error: send the alert and our FIN, then close as `openssl s_server` does (and as the
   * native pump does): the peer's bytes are read and dropped until its FIN, for 2 s and 256 KiB at
   * most. Closing with them unread would make the kernel send a reset, and a peer still sending
   * would lose the alert. Then report.
   */
  protected fatal(err: Error): void {
    if (this.failed) return;
    try {
      if (!this.closed && !this.socket.destroyed) {
        const alert = this.h.bioRead(FLUSH_CAP);
        if (alert !== null) this.socket.end(alert);
        else this.socket.end();
        lingerThenClose(this.socket);
      }
    } catch {
      this.socket.destroy();
    }
    this.fail(err);
  }
}

/** Lingering after a fatal alert: the native pump's rule (its Lingerer), for a net.Socket. */
const { millis: LINGER_MS, maxBytes: LINGER_BYTES } = native.sockLinger;

/** Reads and drops what the peer still sends until its FIN (bounded), then closes the socket. */
function lingerThenClose(socket: net.Socket): void {
  let dropped = 0;
  const close = () => {
    clearTimeout(timer);
    if (!socket.destroyed) socket.destroy();
  };
  const timer = setTimeout(close, LINGER_MS);
  timer.unref();
  socket.on('data', (chunk: Buffer) => {
    if ((dropped += chunk.length) > LINGER_BYTES) close();
  });
  socket.once('end', close);
  socket.once('close', () => clearTimeout(timer));
  socket.resume();
}
