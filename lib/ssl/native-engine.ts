/**
 * The native socket pump: OpenSSL reads and writes the socket's descriptor itself
 * (native/ssl/socket_io.cc), so ciphertext never enters JS. Per batch of up to 64 KiB of plaintext
 * there is one event into JS; per write one native call. The net.Socket stays the owner of the
 * connection (its 'close', its destroy), but its own reading is stopped.
 *
 * Used for every socket with a file descriptor (TCP and Unix sockets on POSIX); {@link TlsEngine}
 * (the stream-event pump) serves the rest and `nativeIo: false`.
 * @internal
 * @module
 */
import type net from 'node:net';
import { native } from '../native.js';
import { SysCallError } from '../errors.js';
import { SocketEvent } from './native-types.js';
import { EngineBase } from './tls-engine.js';
import { hasDescriptorHandle, socketDescriptor, stopNodeReading, touchSocketTimer } from './node-socket.js';

/** Queued ciphertext above which a write's callback waits for the queue to drain. */
const HIGH_WATER = 64 * 1024;

type Callback = (err?: Error | null) => void;

/** OPENSSL_NAPI_SOCKET_IO=js forces the stream-event pump; read once (process.env is a slow lookup). */
let forcedJsIo: boolean | undefined;

/** True when `socket` can be pumped natively (it has, or will have at connect, a descriptor). */
export function canPumpNatively(socket: net.Socket): boolean {
  forcedJsIo ??= process.platform === 'win32' || process.env.OPENSSL_NAPI_SOCKET_IO === 'js';
  if (forcedJsIo) return false;
  return hasDescriptorHandle(socket);
}

/** The native pump: OpenSSL on the socket's descriptor (native/ssl/socket_io.cc). @internal */
export class NativeEngine extends EngineBase {
  private attached = false;
  /** The peer's side is done (close_notify or FIN) / our FIN went out. */
  private readEnded = false;
  private writeEnded = false;
  private endWaiters: Callback[] = [];
  /** The native pump was told to stop reading (and not yet to go on). */
  private nativePaused = false;
  /** resume() scheduled the native pump to read again on the next turn of the event loop. */
  private resumeQueued = false;
  /** The reader's buffer (SecureSocket's `onread`), once attached. */
  private target: Uint8Array | null = null;

  protected begin(): void {
    // No reading by Node from here on (a client socket would start at 'connect').
    this.socket.pause();
    if (this.socket.connecting) this.socket.once('connect', () => this.attach());
    else this.attach();
  }

  private attach(): void {
    if (this.failed || this.closed) return;
    const socket = this.socket;
    const fd = socketDescriptor(socket);
    if (fd < 0) {
      this.fatal(Object.assign(new Error('The socket has no file descriptor for native I/O (use nativeIo: false)'), {
        code: 'ERR_OPENSSL_NAPI_STATE',
      }));
      return;
    }
    socket.pause();
    const stopReading = stopNodeReading(socket);
    // Whatever Node read before the takeover goes first.
    let prefix: Buffer | null = null;
    if (socket.readableLength > 0) {
      const parts: Buffer[] = [];
      for (let d = socket.read() as Buffer | null; d !== null; d = socket.read() as Buffer | null) parts.push(d);
      stopReading();
      prefix = Buffer.concat(parts);
    }
    try {
      native.sockAttach(this.h, fd, prefix, (kind, a, b, c) => this.onEvent(kind, a, b, c));
      this.attached = true;
      if (this.target !== null) native.sockReadInto(this.h, this.target);
    } catch (err) {
      this.fatal(err as Error);
      return;
    }
    // The first step runs after the caller has attached its listeners: with a fast peer on
    // loopback, a whole handshake can complete inside one step.
    process.nextTick(() => {
      if (!this.attached || this.closed || this.failed) return;
      try {
        native.sockStart(this.h);
      } catch (err) {
        this.fatal(err as Error);
      }
    });
  }

  private onEvent(kind: number, a: unknown, b: number | undefined, c: number | undefined): void {
    touchSocketTimer(this.socket);
    switch (kind) {
      case SocketEvent.Data: {
        const slab = a as Buffer;
        if (!this.sink.onPlaintext(slab.subarray(b!, b! + c!))) this.pause();
        // A write stalled by a renegotiation may go now.
        if (this.stalled.length > 0 && this.handshakeDone && !this.failed) this.retryStalled();
        return;
      }
      case SocketEvent.Secure:
        this.secured();
        return;
      case SocketEvent.Drain: {
        const w = this.drainWaiters;
        this.drainWaiters = [];
        for (const f of w) f();
        if (this.handshakeDone) this.retryStalled();
        return;
      }
      case SocketEvent.Ended: {
        const w = this.endWaiters;
        this.endWaiters = [];
        for (const f of w) f();
        this.writeEnded = true;
        this.closeIfDone();
        return;
      }
      case SocketEvent.CloseNotify:
        this.closeNotifyReceived = true;
        this.readEnded = true;
        this.sink.onCloseNotify();
        this.closeIfDone();
        return;
      case SocketEvent.Eof:
        // We closed first: a peer that answers with a bare FIN is tolerated.
        if (this.shutdownSent) {
          this.readEnded = true;
          this.sink.onCloseNotify();
          this.closeIfDone();
        } else {
          this.fatal(new SysCallError(-1, 'Unexpected EOF'));
        }
        return;
      case SocketEvent.Error:
        this.fatal(a as Error);
        return;
    }
  }

  /** The native pump can be called: attached, not closed, and the Connection not freed (a reader may free it). */
  private get live(): boolean {
    return this.attached && !this.closed && !this.h.isFreed();
  }

  pause(): void {
    if (this.live) {
      native.sockPause(this.h, true);
      this.nativePaused = true;
    }
  }

  resume(): void {
    // Readable calls _read (and so this) after most pushes: a crossing only when it changes something.
    if (!this.nativePaused) return;
    this.nativePaused = false;
    if (this.resumeQueued) return;
    // Reading goes on from the event loop, never from inside the resume() call: a reader that
    // pauses and resumes from its own callback would recurse into the read loop, and one resumed
    // by a stream consumer (http.Server's parser) would read for as long as the peer sends,
    // its responses (next ticks) waiting behind.
    this.resumeQueued = true;
    setImmediate(() => {
      this.resumeQueued = false;
      if (this.nativePaused || !this.live || this.failed) return;
      try {
        native.sockPause(this.h, false);
      } catch (err) {
        this.fatal(err as Error);
      }
    });
  }

  override readInto(buffer: Uint8Array | null): void {
    this.target = buffer;
    if (this.live) native.sockReadInto(this.h, buffer);
  }

  /** One native call: OpenSSL encrypts record by record straight into the socket. */
  protected seal(data: Uint8Array, cb?: Callback): boolean {
    if (data.length === 0) {
      if (cb) cb();
      return true;
    }
    touchSocketTimer(this.socket);
    const r = native.sockWrite(this.h, data);
    if (typeof r !== 'number') {
      // The kernel is full (the rest goes after kDrain), or a renegotiation waits for the peer
      // (the rest goes after its next flight): the caller's bytes wait here, not copied.
      this.stalled.unshift({ data: data.subarray(r[1]), cb });
      return false;
    }
    if (r < 0) {
      this.socketFailed(-r, cb);
      return true;
    }
    if (cb) {
      if (r > HIGH_WATER) this.drainWaiters.push(cb);
      else this.written(data.length, cb);
    }
    return true;
  }

  shutdown(cb?: Callback): boolean {
    const r = this.attached && !this.closed ? native.sockShutdown(this.h) : this.h.shutdown();
    this.shutdownSent = true;
    if (typeof r === 'number' && r < 0) {
      this.socketFailed(-r, cb);
      return false;
    }
    this.flush(cb);
    return r === true;
  }

  /**
   * The socket failed under a write or close_notify (the peer reset it: EPIPE, ECONNRESET). As a
   * net.Socket reports a failed write, the error is built and reported from the event loop: the
   * caller's call returns, and the error's stack is not the caller's (whose capture and formatting
   * cost more than the rest of a peer's reset).
   */
  private socketFailed(errno: number, cb?: Callback): void {
    process.nextTick(() => {
      if (!this.failed) this.fatal(native.sockError(errno));
      if (cb) cb(this.error);
    });
  }

  flush(cb?: Callback): boolean {
    const queued = this.live ? native.sockQueued(this.h) : 0;
    if (queued === 0) {
      if (cb) process.nextTick(cb);
      return true;
    }
    if (cb) this.drainWaiters.push(cb);
    return false;
  }

  end(cb: Callback): void {
    if (!this.attached || this.closed) {
      if (!this.socket.destroyed) this.socket.end(() => cb());
      else process.nextTick(cb);
      return;
    }
    if (native.sockEnd(this.h)) {
      this.writeEnded = true;
      process.nextTick(cb);
      process.nextTick(() => this.closeIfDone());
    } else {
      this.endWaiters.push(cb);
    }
  }

  /**
   * Both directions are finished: close the socket, as a net.Socket does by itself once it has
   * ended both ways (Node's own reading, which would notice, is stopped).
   */
  private closeIfDone(): void {
    if (this.readEnded && this.writeEnded && !this.closed) this.destroy();
  }

  /** A failure: report it, then drop the socket (the alert, if any, is already on its way). */
  protected fatal(err: Error): void {
    if (this.failed) return;
    // Error handlers run later and often report the peer: keep its address past the close.
    void this.socket.remotePort;
    void this.socket.localPort;
    this.fail(err);
    this.destroy();
  }

  protected override moreWaiters(): Callback[][] {
    const w = this.endWaiters;
    this.endWaiters = [];
    return [w];
  }

  protected override detach(): void {
    if (!this.attached) return;
    this.attached = false;
    native.sockClose(this.h);
  }
}
