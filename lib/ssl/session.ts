/**
 * `Session`: a resumable TLS session (pyOpenSSL's opaque Session, plus DER and getters).
 * @module
 */
import { native } from '../native.js';
import { handleOf } from '../handle.js';
import type { NativeSession } from './native-types.js';
import { Context } from './context.js';

/** A TLS session, from `Connection.getSession()`, `Session.fromDER()` or a session callback. */
export class Session {
  /** @internal */
  _h: NativeSession;
  /** @internal The Context the session belongs to (resumption only within it). */
  _context: Context | null = null;

  /** An empty session (as pyOpenSSL allows); useless until filled by OpenSSL. */
  constructor() {
    this._h = new native.Session();
  }

  /** @internal */
  static _wrap(h: NativeSession, context: Context | null): Session {
    const s = Object.create(Session.prototype) as Session;
    s._h = h;
    s._context = context;
    return s;
  }

  /** Parses a session serialised with {@link Session.toDER}, pinned to `context` for resumption. */
  static fromDER(buf: Uint8Array, context: Context): Session {
    const ctx = handleOf(context, Context, 'context');
    void ctx;
    return Session._wrap(native.sessionFromDER(buf), context);
  }

  /**
   * A TLS 1.3 external PSK as a session, for `Context.setPskUseSessionCallback` /
   * `setPskFindSessionCallback`: the key and the TLS 1.3 suite (e.g. `TLS_AES_128_GCM_SHA256`).
   */
  static forPsk(context: Context, key: Uint8Array, cipher: string): Session {
    return Session._wrap(native.sessionForPsk(handleOf(context, Context, 'context'), key, cipher), context);
  }

  /** DER serialisation (`i2d_SSL_SESSION`). Contains the master secret: keep it private. */
  toDER(): Buffer {
    return this._h.toDER();
  }

  /** The session id (may be empty for TLS 1.3 ticket sessions on the server side). */
  get id(): Buffer {
    return this._h.id();
  }

  /** The protocol version, e.g. `0x304`. */
  get protocolVersion(): number {
    return this._h.protocolVersion();
  }

  /** The cipher name, or null. */
  get cipher(): string | null {
    return this._h.cipher();
  }

  /** Creation time, seconds since the epoch. */
  get time(): number {
    return this._h.time();
  }

  /** Timeout in seconds. */
  get timeout(): number {
    return this._h.timeout();
  }

  /** The ticket lifetime hint (seconds) the server sent, or 0. */
  get ticketLifetimeHint(): number {
    return this._h.ticketLifetimeHint();
  }

  /** True if the session can be used to resume. */
  get isResumable(): boolean {
    return this._h.isResumable();
  }

  /** The most TLS 1.3 early data a client may send when it resumes this session; 0: none (`SSL_SESSION_get_max_early_data`). */
  get maxEarlyData(): number {
    return this._h.maxEarlyData();
  }

  /** True if the session holds a ticket. */
  get hasTicket(): boolean {
    return this._h.hasTicket();
  }

  /** Releases the session now. */
  free(): void {
    this._h.free();
  }

  /** Same as {@link Session.free}. */
  [Symbol.dispose](): void {
    this.free();
  }
}
