/**
 * The datagram pump: moves one DTLS Connection's records between its memory BIOs and a UDP peer,
 * on the same {@link Pump} contract as the two stream pumps and reporting to the same
 * {@link EngineSink}. Every datagram in is one `bioWrite`, every `bioRead` one datagram out (a
 * datagram BIO keeps their boundaries), and the retransmission timer runs from the event loop
 * (`DTLSv1GetTimeout`, `setTimeout`, `DTLSv1HandleTimeout`). The handshake and the reads are
 * driven by status values (`pumpInto`, `tryRecvInto`): only a real failure throws.
 * @internal
 * @module
 */
import { MemoryConnection, STATUS_ZERO_RETURN } from './connection.js';
import { PUMP_INIT_FINISHED, resultHas } from './pump-result.js';
import { SysCallError } from '../errors.js';
import { PumpState, type EngineSink, type Pump } from './tls-engine.js';

/** Hands one datagram to the UDP socket. @internal */
export type Transmit = (datagram: Buffer) => void;

type Callback = (err?: Error | null) => void;

/** An empty output for pumpInto: the handshake step leaves its datagrams in the BIO for flush(). */
const NO_OUTPUT = Buffer.alloc(0);
/** One record's plaintext, read here and copied out (every datagram pump of the thread shares it). */
const recordBuffer = Buffer.alloc(65536);

/** The pump of one DTLS association (a client, or one peer of a server). @internal */
export class DatagramEngine extends PumpState implements Pump {
  private timer: NodeJS.Timeout | null = null;
  /** Writes made before the handshake finished, sent right after it. */
  private waiting: Array<{ data: Uint8Array; cb: Callback | undefined }> = [];

  constructor(
    readonly conn: MemoryConnection,
    private readonly transmit: Transmit,
    private readonly sink: EngineSink,
  ) {
    super();
  }

  /** Starts the handshake (the client's first flight goes out now; idempotent). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.drive();
  }

  /** One datagram from the peer. */
  receive(datagram: Buffer): void {
    if (this.closed) return;
    try {
      this.conn.bioWrite(datagram);
    } catch (e) {
      this.fail(e as Error);
      return;
    }
    this.drive();
  }

  /**
   * Encrypts `data` as one record (one datagram). Before the handshake finishes it waits; `cb`
   * then runs once it was sent. A failure of `SSL_write` goes to `cb`, or is thrown without one:
   * it fails this write, not the association.
   */
  write(data: Uint8Array, cb?: Callback): void {
    if (this.closed) {
      const err = this.error ?? new SysCallError(-1, 'The connection is closed');
      if (cb) queueMicrotask(() => cb(err));
      return;
    }
    if (!this.handshakeDone) {
      this.waiting.push({ data, cb });
      return;
    }
    try {
      this.conn.send(data);
      this.flush();
    } catch (e) {
      if (cb) return cb(e as Error);
      throw e;
    }
    if (cb) queueMicrotask(() => cb(null));
  }

  /** Sends close_notify (best effort: the peer may be gone); true when the peer's came first. */
  shutdown(cb?: Callback): boolean {
    if (this.handshakeDone && !this.closed && !this.shutdownSent) {
      this.shutdownSent = true;
      try {
        this.conn.shutdown();
        this.flush();
      } catch {
        // nothing to tell: the association ends either way
      }
    }
    if (cb) queueMicrotask(() => cb(null));
    return this.closeNotifyReceived;
  }

  /** Advances the handshake, reads records, sends output, re-arms the timer. */
  private drive(): void {
    if (this.closed) return;
    try {
      if (!this.handshakeDone) {
        // One handshake step; its datagrams wait in the BIO for flush().
        const r = this.conn.pumpInto(null, NO_OUTPUT);
        if (resultHas(r, PUMP_INIT_FINISHED)) {
          this.handshakeDone = true;
          this.flush();
          this.sink.onSecure();
          if (this.closed) return;
          const waiting = this.waiting;
          this.waiting = [];
          for (const w of waiting) this.write(w.data, w.cb);
        }
      }
      if (this.handshakeDone) {
        for (;;) {
          const n = this.conn.tryRecvInto(recordBuffer);
          if (n === STATUS_ZERO_RETURN) {
            // The peer's close_notify: answer it; the owner closes.
            this.closeNotifyReceived = true;
            this.shutdown();
            this.sink.onCloseNotify();
            return;
          }
          if (n < 0) break; // no record yet (or one OpenSSL consumed itself)
          // A Buffer of its own: the listener may keep it, the record buffer is reused.
          this.sink.onPlaintext(Buffer.from(recordBuffer.subarray(0, n)));
          if (this.closed) return;
        }
      }
      this.flush();
      this.arm();
    } catch (e) {
      try {
        this.flush(); // the alert, if OpenSSL made one
      } catch {
        // a Connection a listener freed has nothing left to send
      }
      this.fail(e as Error);
    }
  }

  /** Sends every queued outgoing datagram (one bioRead each: a datagram BIO). */
  private flush(): void {
    while (this.conn.bioPending() > 0) this.transmit(this.conn.bioRead(65536));
  }

  /** Re-arms the retransmission timer from DTLSv1GetTimeout. */
  private arm(): void {
    this.stopTimer();
    if (this.closed) return;
    const t = this.conn.DTLSv1GetTimeout();
    if (t === null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.closed) return;
      try {
        this.conn.DTLSv1HandleTimeout();
        this.flush();
        this.arm();
      } catch (e) {
        this.fail(e as Error);
      }
    }, Math.max(1, Math.ceil(t * 1000)));
  }

  private stopTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Ends the association with `err` (reported once, to the sink). */
  fail(err: Error): void {
    if (this.closed || this.failed) return;
    this.failed = true;
    this.error = err;
    this.stopTimer();
    this.sink.onError(err);
  }

  /** Stops everything now (the owner closes its UDP side). */
  destroy(): void {
    this.closed = true;
    this.stopTimer();
    const waiting = this.waiting;
    this.waiting = [];
    for (const w of waiting) if (w.cb) queueMicrotask(() => w.cb!(this.error ?? new SysCallError(-1, 'The connection is closed')));
  }
}
