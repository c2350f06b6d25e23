/**
 * DTLS over UDP (`node:dgram`): {@link DTLSSocket} (a client, or one peer of a server) and
 * {@link DTLSServer} ({@link createDTLSServer}). Each association is a memory-BIO DTLS
 * {@link Connection} moved by the datagram pump (datagram-engine.ts: every UDP datagram in is one
 * `bioWrite`, every `bioRead` is one datagram out, and the retransmission timer runs from the
 * event loop), on the same pump contract as the stream sockets.
 *
 * The server is stateless until a client proves its address: every datagram from an unknown
 * address goes through `DTLSv1Listen` on one scratch Connection, which answers with a
 * HelloVerifyRequest (an HMAC cookie over the address) and keeps nothing. Only a ClientHello
 * carrying a valid cookie turns the scratch Connection into that peer's connection.
 * @module
 */
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { native } from '../native.js';
import { Status } from './native-types.js';
import { MemoryConnection, applyCheckHost } from './connection.js';
import type { Connection } from './connection-constructor.js';
import { Context, type BytesLike } from './context.js';
import { DatagramEngine, type Transmit } from './datagram-engine.js';
import { bytesOf, isUint8Array } from '../handle.js';

/** The address of a UDP peer. */
export interface PeerAddress {
  address: string;
  port: number;
  family: 'IPv4' | 'IPv6';
}

/** Options of a client {@link DTLSSocket}. */
export interface DTLSSocketOptions {
  /** A DTLS Context (`DTLS_METHOD` or `DTLS_CLIENT_METHOD`). */
  context: Context;
  /** `'udp4'` (default) or `'udp6'`. */
  type?: 'udp4' | 'udp6';
  /** SNI host name to send. */
  servername?: string;
  /**
   * Also check the peer certificate against this name (or IP) during the handshake, as
   * `SSL.connect`'s option does: `true` means `servername` or else the host connected to. The
   * Context must use `VERIFY_PEER` for a mismatch to fail the handshake.
   */
  checkHost?: boolean | string;
  /** First retransmission timeout in milliseconds (OpenSSL's default is 1000). */
  initialTimeout?: number;
  /** Datagram size limit (`setCiphertextMtu`, with `OP_NO_QUERY_MTU`). */
  mtu?: number;
}

/** Options of {@link createDTLSServer}. */
export interface DTLSServerOptions {
  /** A DTLS Context (`DTLS_METHOD` or `DTLS_SERVER_METHOD`) with the server certificate. */
  context: Context;
  /** `'udp4'` (default) or `'udp6'`. */
  type?: 'udp4' | 'udp6';
  /**
   * Key of the HMAC cookie (random by default). If the Context already has cookie callbacks
   * they are used instead; they can read the peer with {@link DTLSServer.peerOf}.
   */
  cookieSecret?: Uint8Array;
  /** First retransmission timeout in milliseconds for each peer. */
  initialTimeout?: number;
  /** Datagram size limit for each peer. */
  mtu?: number;
  /**
   * Milliseconds a peer that returned a valid cookie has to finish the handshake before its
   * state is dropped (`'clientError'`). Default 30000.
   */
  handshakeTimeout?: number;
  /**
   * The most peers holding state at once (each holds an SSL, about 56 KiB); a peer that returns a
   * valid cookie beyond that is refused with a `'clientError'` (`ERR_OPENSSL_NAPI_TOO_MANY_PEERS`).
   * Default 4096.
   */
  maxPeers?: number;
  /**
   * Milliseconds without a datagram after which a peer is closed (close_notify, then `'close'`):
   * UDP has no end of its own, and a peer that went away silently would hold its state forever.
   * Default 0: never.
   */
  idleTimeout?: number;
}

/** Sends on `udp`, counting datagrams in flight so that a close waits for close_notify to leave. */
class Sender {
  inflight = 0;
  private closeWhenIdle: (() => void) | null = null;
  constructor(readonly udp: dgram.Socket) {}
  send(d: Buffer, port?: number, address?: string): void {
    this.inflight++;
    const done = (): void => {
      if (--this.inflight === 0 && this.closeWhenIdle) {
        const f = this.closeWhenIdle;
        this.closeWhenIdle = null;
        f();
      }
    };
    if (port === undefined) this.udp.send(d, done);
    else this.udp.send(d, port, address, done);
  }
  /** Closes the socket once every queued datagram has been handed to the kernel. */
  close(cb: () => void): void {
    const f = (): void => {
      try {
        this.udp.close(cb);
      } catch {
        queueMicrotask(cb); // already closed
      }
    };
    if (this.inflight === 0) f();
    else this.closeWhenIdle = f;
  }
}

function typeError(message: string): TypeError {
  return Object.assign(new TypeError(message), { code: 'ERR_INVALID_ARG_TYPE' });
}

function stateError(message: string, code = 'ERR_OPENSSL_NAPI_STATE'): Error {
  return Object.assign(new Error(message), { code });
}

const toBuffer = (data: BytesLike, name: string): Buffer => bytesOf(data, name);

function checkContext(context: unknown): Context {
  if (!(context instanceof Context)) throw typeError('The "context" option must be an SSL.Context');
  return context;
}

function configure(conn: MemoryConnection, opts: { initialTimeout?: number; mtu?: number }): void {
  if (!conn.isDtls()) throw stateError('The Context is not a DTLS Context (use DTLS_METHOD)', 'ERR_OPENSSL_NAPI_NOT_DTLS');
  if (opts.initialTimeout != null) conn.setDtlsInitialTimeout(opts.initialTimeout);
  if (opts.mtu != null) {
    conn.setOptions(0x1000 /* OP_NO_QUERY_MTU */);
    conn.setCiphertextMtu(opts.mtu);
  }
}

/**
 * A DTLS association over UDP. As a client: `new DTLSSocket({ context })` then
 * {@link DTLSSocket.connect}. A server hands these out in its `'connection'` event.
 *
 * Events: `'secureConnect'` (handshake done), `'message'` (`(msg: Buffer, rinfo: PeerAddress)`,
 * one per decrypted datagram), `'close'`, `'error'`. It drives its memory-BIO Connection from the
 * UDP socket's events and a timer (`SSL_do_handshake`, `SSL_read_ex`, `SSL_write_ex`,
 * `DTLSv1_get_timeout`, `DTLSv1_handle_timeout`).
 *
 * @example
 * ```ts
 * import { SSL } from 'openssl-napi';
 *
 * const ctx = new SSL.Context(SSL.DTLS_CLIENT_METHOD);
 * ctx.loadVerifyLocations('ca.pem');
 * ctx.setVerify(SSL.VERIFY_PEER);
 * const sock = new SSL.DTLSSocket({ context: ctx, servername: 'media.example.com', checkHost: true });
 * sock.on('message', (msg) => console.log(msg.toString()));
 * sock.connect(4433, '192.0.2.1', () => sock.send('hello'));
 * ```
 */
export class DTLSSocket extends EventEmitter {
  /** The DTLS Connection (peer certificate, cipher, SRTP profile, keying material, ...). */
  readonly connection: MemoryConnection;
  /** @internal */
  _udp: dgram.Socket | null = null;
  /** @internal */
  _sender: Sender | null = null;
  /** @internal Sends one datagram to the peer (set by connect() on a client). */
  _transmit: Transmit | null = null;
  /** @internal */
  _remote: PeerAddress | null = null;
  /** @internal The datagram pump. */
  _engine: DatagramEngine;
  /** @internal */
  _closed = false;
  /** @internal */
  _onClose: (() => void) | null = null;
  /** @internal */
  _options: DTLSSocketOptions;

  /**
   * A client socket (call {@link DTLSSocket.connect}) with a new Connection from `options.context`
   * (`SSL_new`; `SSL_set_tlsext_host_name`, `SSL_set_mtu` and `DTLS_set_timer_cb` per the options).
   * @throws a TypeError for bad options, an Error (`ERR_OPENSSL_NAPI_NOT_DTLS`) for a TLS Context.
   */
  constructor(options: DTLSSocketOptions);
  /** @internal A server-side peer. */
  constructor(options: DTLSSocketOptions, conn: MemoryConnection, remote: PeerAddress, transmit: Transmit);
  constructor(options: DTLSSocketOptions, conn?: MemoryConnection, remote?: PeerAddress, transmit?: Transmit) {
    super();
    if (options === null || typeof options !== 'object') throw typeError('The "options" argument must be an object');
    this._options = options;
    if (conn !== undefined) {
      this.connection = conn;
      this._remote = remote!;
      this._transmit = transmit!;
    } else {
      const context = checkContext(options.context);
      if (options.type != null && options.type !== 'udp4' && options.type !== 'udp6') {
        throw Object.assign(new TypeError('The "type" option must be "udp4" or "udp6"'), { code: 'ERR_INVALID_ARG_VALUE' });
      }
      this.connection = new MemoryConnection(context);
      configure(this.connection, options);
      if (options.servername != null) this.connection.setTlsextHostName(options.servername);
    }
    this._engine = new DatagramEngine(this.connection, (d) => this._transmit?.(d), {
      onSecure: () => this.emit('secureConnect'),
      onPlaintext: (msg) => {
        this.emit('message', msg, this._remote);
        return true;
      },
      onCloseNotify: () => this._finish(),
      onError: (err) => this._finish(err),
      // The UDP side is this socket's (or its server's): the pump never closes it.
      onClose: () => {},
    });
  }

  /** The same as {@link DTLSSocket.connection} (as `SecureSocket.getConnection()`; no OpenSSL call). */
  getConnection(): MemoryConnection {
    return this.connection;
  }

  /** The peer's address, or null before {@link DTLSSocket.connect}. */
  remoteAddress(): PeerAddress | null {
    return this._remote;
  }

  /** The local UDP address (client sockets). */
  address(): PeerAddress | null {
    if (this._udp === null) return null;
    const a = this._udp.address();
    return { address: a.address, port: a.port, family: a.family === 'IPv6' ? 'IPv6' : 'IPv4' };
  }

  /** Whether the handshake has completed. */
  get secure(): boolean {
    return this._engine.handshakeDone;
  }

  /**
   * Client: connects the UDP socket to `port`/`host` (`connect(port, host)` like `dgram`, or
   * `connect(host, port)`) and starts the handshake (`SSL_set_connect_state`, `SSL_do_handshake`);
   * `callback` runs on `'secureConnect'`. Handshake failures are `'error'` events.
   */
  connect(port: number | string, host?: string | number | (() => void), callback?: () => void): this {
    if (typeof host === 'function') {
      callback = host;
      host = undefined;
    }
    let p: unknown = port;
    let h: unknown = host ?? (this._options.type === 'udp6' ? '::1' : '127.0.0.1');
    if (typeof port === 'string' && typeof host === 'number') {
      p = host;
      h = port;
    }
    if (typeof p !== 'number' || !Number.isInteger(p) || p <= 0 || p > 65535) {
      throw Object.assign(new RangeError('The "port" argument must be an integer in 1..65535'), { code: 'ERR_SOCKET_BAD_PORT' });
    }
    if (typeof h !== 'string') throw typeError('The "host" argument must be a string');
    if (callback != null && typeof callback !== 'function') throw typeError('The "callback" argument must be a function');
    if (this._transmit !== null || this._closed) throw stateError('The DTLSSocket is already connected or closed');
    applyCheckHost(this.connection, this._options.checkHost, this._options.servername, h);
    const udp = dgram.createSocket(this._options.type ?? 'udp4');
    this._udp = udp;
    const sender = new Sender(udp);
    this._sender = sender;
    this._transmit = (d) => sender.send(d);
    if (callback) this.once('secureConnect', callback);
    udp.on('error', (err) => this._fail(err));
    udp.on('message', (msg) => this._receive(msg));
    udp.connect(p, h, () => {
      const r = udp.remoteAddress();
      this._remote = { address: r.address, port: r.port, family: r.family === 'IPv6' ? 'IPv6' : 'IPv4' };
      this.connection.setConnectState();
      this._engine.start();
    });
    return this;
  }

  /**
   * Encrypts `data` as one DTLS record (one datagram; keep it within
   * `connection.getCleartextMtu()` to avoid IP fragmentation; `SSL_write_ex`). Before the handshake
   * finishes the data is queued.
   */
  send(data: BytesLike, callback?: (err: Error | null) => void): void {
    const buf = toBuffer(data, 'data');
    if (callback != null && typeof callback !== 'function') throw typeError('The "callback" argument must be a function');
    if (this._closed) throw stateError('The DTLSSocket is closed', 'ERR_SOCKET_DGRAM_NOT_RUNNING');
    this._engine.write(buf, callback ? (err) => callback(err ?? null) : undefined);
  }

  /** Sends close_notify (`SSL_shutdown`), stops the timer and (client) closes the UDP socket. */
  close(callback?: () => void): void {
    if (callback != null && typeof callback !== 'function') throw typeError('The "callback" argument must be a function');
    if (this._closed) {
      if (callback) queueMicrotask(callback);
      return;
    }
    if (callback) this.once('close', callback);
    this._engine.shutdown();
    this._finish();
  }

  /** @internal One datagram from the peer. */
  _receive(msg: Buffer): void {
    this._engine.receive(msg);
  }

  /** @internal Ends the association with `err` (a server's handshake deadline). */
  _fail(err: Error): void {
    this._engine.fail(err);
  }

  /** @internal */
  _finish(err?: Error): void {
    if (this._closed) return;
    this._closed = true;
    this._engine.destroy();
    const sender = this._sender;
    this._sender = null;
    this._udp = null;
    const done = (): void => {
      this._onClose?.();
      if (err !== undefined) this.emit('error', err);
      this.emit('close');
    };
    if (sender !== null) sender.close(done);
    else queueMicrotask(done);
  }
}

const peerOfConn = new WeakMap<object, PeerAddress>();

/**
 * A DTLS server on one UDP socket. Events: `'listening'`, `'connection'` (a {@link DTLSSocket}
 * whose handshake has completed), `'clientError'` (`(err, peer)`: a peer's handshake failed, or
 * a cookie callback threw), `'error'` (UDP socket errors), `'close'`. Unknown addresses go through
 * the stateless cookie exchange (`DTLSv1_listen`) before any state is kept for them.
 *
 * @example
 * ```ts
 * import { SSL } from 'openssl-napi';
 *
 * const ctx = new SSL.Context(SSL.DTLS_SERVER_METHOD);
 * ctx.useCertificate(cert);
 * ctx.usePrivatekey(key);
 * const server = SSL.createDTLSServer({ context: ctx }, (peer) => {
 *   peer.on('message', (msg) => peer.send(msg)); // echo
 * });
 * server.on('clientError', (err, addr) => console.error(addr, err.message));
 * server.listen(4433, '0.0.0.0');
 * ```
 */
export class DTLSServer extends EventEmitter {
  /** @internal */
  _udp: dgram.Socket;
  /** @internal */
  _sender: Sender;
  /** @internal */
  _context: Context;
  /** @internal */
  _options: DTLSServerOptions;
  /** @internal Peers that proved their address (returned a valid cookie), by "address|port". */
  _peers = new Map<string, DTLSSocket>();
  /** @internal The stateless Connection that answers unknown addresses. */
  _scratch: MemoryConnection | null;
  /** @internal Connections allocated so far (the scratch ones included). */
  _allocated = 0;
  /** @internal */
  _closed = false;
  /** @internal When each peer last sent a datagram (idleTimeout). */
  _lastSeen = new WeakMap<DTLSSocket, number>();
  /** @internal The idle sweep (idleTimeout), while listening. */
  _sweep: NodeJS.Timeout | null = null;

  /**
   * Use {@link createDTLSServer}. Without cookie callbacks on the Context, it installs HMAC-SHA256
   * ones keyed by `cookieSecret` (`SSL_CTX_set_cookie_generate_cb`, `SSL_CTX_set_cookie_verify_cb`;
   * the HMAC is `node:crypto`'s).
   */
  constructor(options: DTLSServerOptions, connectionListener?: (socket: DTLSSocket) => void) {
    super();
    if (options === null || typeof options !== 'object') throw typeError('The "options" argument must be an object');
    this._context = checkContext(options.context);
    if (options.type != null && options.type !== 'udp4' && options.type !== 'udp6') {
      throw Object.assign(new TypeError('The "type" option must be "udp4" or "udp6"'), { code: 'ERR_INVALID_ARG_VALUE' });
    }
    if (options.cookieSecret != null && !(isUint8Array(options.cookieSecret))) {
      throw typeError('The "cookieSecret" option must be a Buffer or Uint8Array');
    }
    const ht = options.handshakeTimeout;
    if (ht != null && (typeof ht !== 'number' || !Number.isFinite(ht) || ht <= 0)) {
      throw Object.assign(new RangeError('The "handshakeTimeout" option must be a positive number of milliseconds'), {
        code: 'ERR_OUT_OF_RANGE',
      });
    }
    const mp = options.maxPeers;
    if (mp != null && (typeof mp !== 'number' || !Number.isInteger(mp) || mp < 1)) {
      throw Object.assign(new RangeError('The "maxPeers" option must be a positive integer'), { code: 'ERR_OUT_OF_RANGE' });
    }
    const it = options.idleTimeout;
    if (it != null && (typeof it !== 'number' || !Number.isFinite(it) || it < 0)) {
      throw Object.assign(new RangeError('The "idleTimeout" option must be a number of milliseconds (0: never)'), {
        code: 'ERR_OUT_OF_RANGE',
      });
    }
    if (connectionListener != null && typeof connectionListener !== 'function') {
      throw typeError('The "connectionListener" argument must be a function');
    }
    this._options = options;
    const hooks = this._context._hooks;
    if (typeof hooks.cookieGenerate !== 'function' || typeof hooks.cookieVerify !== 'function') {
      const secret = Buffer.from(options.cookieSecret ?? randomBytes(32));
      const mac = (conn: Connection): Buffer => {
        const peer = peerOfConn.get(conn);
        return createHmac('sha256', secret)
          .update(peer ? `${peer.family}|${peer.address}|${peer.port}` : 'unknown')
          .digest();
      };
      this._context.setCookieGenerateCallback(mac);
      this._context.setCookieVerifyCallback((conn, cookie) => {
        const want = mac(conn);
        return cookie.length === want.length && timingSafeEqual(cookie, want);
      });
    }
    this._scratch = this._newConnection();
    this._udp = dgram.createSocket(options.type ?? 'udp4');
    this._sender = new Sender(this._udp);
    this._udp.on('message', (msg, rinfo) => this._receive(msg, rinfo));
    this._udp.on('error', (err) => this.emit('error', err));
    this._udp.on('listening', () => {
      this._startSweep();
      this.emit('listening');
    });
    if (connectionListener) this.on('connection', connectionListener);
  }

  /** The peer a server-side Connection talks to (for custom cookie callbacks), or null (no OpenSSL call). */
  static peerOf(conn: Connection): PeerAddress | null {
    return peerOfConn.get(conn) ?? null;
  }

  /** Binds the UDP socket (`port` 0 picks a free one). */
  listen(port = 0, host = '127.0.0.1', callback?: () => void): this {
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
      throw Object.assign(new RangeError('The "port" argument must be an integer in 0..65535'), { code: 'ERR_SOCKET_BAD_PORT' });
    }
    if (typeof host !== 'string') throw typeError('The "host" argument must be a string');
    if (callback != null && typeof callback !== 'function') throw typeError('The "callback" argument must be a function');
    if (this._closed) throw stateError('The DTLSServer is closed', 'ERR_SOCKET_DGRAM_NOT_RUNNING');
    if (callback) this.once('listening', callback);
    this._udp.bind(port, host);
    return this;
  }

  /** The bound address. */
  address(): PeerAddress {
    const a = this._udp.address();
    return { address: a.address, port: a.port, family: a.family === 'IPv6' ? 'IPv6' : 'IPv4' };
  }

  /** Number of peers holding state (those that returned a valid cookie). */
  get peerCount(): number {
    return this._peers.size;
  }

  /** Sends close_notify to every peer (`SSL_shutdown`) and closes the UDP socket. */
  close(callback?: () => void): void {
    if (callback != null && typeof callback !== 'function') throw typeError('The "callback" argument must be a function');
    if (this._closed) {
      if (callback) queueMicrotask(callback);
      return;
    }
    if (callback) this.once('close', callback);
    if (this._sweep !== null) clearInterval(this._sweep);
    this._sweep = null;
    for (const p of [...this._peers.values()]) p.close(); // close_notify to each peer
    this._closed = true;
    this._peers.clear();
    this._scratch?.free();
    this._scratch = null;
    this._sender.close(() => this.emit('close'));
  }

  /** @internal */
  _newConnection(): MemoryConnection {
    const c = new MemoryConnection(this._context);
    configure(c, this._options);
    c.setAcceptState();
    this._allocated++;
    return c;
  }

  /** @internal Closes the peers idle for longer than idleTimeout, checked a few times per period. */
  _startSweep(): void {
    const idle = this._options.idleTimeout ?? 0;
    if (idle <= 0 || this._sweep !== null) return;
    this._sweep = setInterval(() => {
      const now = Date.now();
      for (const p of [...this._peers.values()]) if (now - (this._lastSeen.get(p) ?? now) >= idle) p.close();
    }, Math.max(10, Math.min(idle / 4, 60_000)));
    this._sweep.unref();
  }

  /** @internal */
  _receive(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (this._closed) return;
    const key = `${rinfo.address}|${rinfo.port}`;
    const known = this._peers.get(key);
    if (known !== undefined) {
      this._lastSeen.set(known, Date.now());
      known._receive(msg);
      return;
    }
    const peer: PeerAddress = { address: rinfo.address, port: rinfo.port, family: rinfo.family === 'IPv6' ? 'IPv6' : 'IPv4' };
    try {
      this._admit(msg, peer);
    } catch (e) {
      // Anything that fails for one datagram (a cookie callback that threw, OpenSSL, or a Context
      // freed under the server) is that peer's error: reported, and the server keeps serving.
      this._scratch?.free();
      this._scratch = null;
      this.emit('clientError', e, peer);
    }
  }

  /** @internal A datagram from a peer without state: the cookie exchange, then a DTLSSocket. */
  _admit(msg: Buffer, peer: PeerAddress): void {
    const key = `${peer.address}|${peer.port}`;
    const send: Transmit = (d) => {
      if (!this._closed) this._sender.send(d, peer.port, peer.address);
    };
    const scratch = (this._scratch ??= this._newConnection());
    peerOfConn.set(scratch, peer);
    scratch.bioWrite(msg);
    // DTLSv1_listen's status (a cookie callback's exception is rethrown from here).
    const verified = native.dtlsListen(scratch._h) === Status.Ok;
    if (!verified) {
      // the HelloVerifyRequest (if any): nothing about this peer is kept
      while (scratch.bioPending() > 0) send(scratch.bioRead(65536));
      peerOfConn.delete(scratch);
      return;
    }
    // the cookie came back: the scratch Connection becomes this peer's connection
    this._scratch = null;
    if (this._peers.size >= (this._options.maxPeers ?? 4096)) {
      peerOfConn.delete(scratch);
      scratch.free();
      throw Object.assign(new Error(`DTLSServer: ${this._peers.size} peers hold state already (maxPeers)`), {
        code: 'ERR_OPENSSL_NAPI_TOO_MANY_PEERS',
      });
    }
    const sock = new DTLSSocket({ context: this._context }, scratch, peer, send);
    try {
      this._scratch = this._newConnection();
    } catch {
      // made again on the next datagram, which then reports why it cannot be
    }
    this._peers.set(key, sock);
    this._lastSeen.set(sock, Date.now());
    sock._onClose = () => {
      if (this._peers.get(key) === sock) this._peers.delete(key);
    };
    const deadline = setTimeout(() => {
      if (!sock.secure) sock._fail(Object.assign(new Error('DTLS handshake timed out'), { code: 'ERR_OPENSSL_NAPI_HANDSHAKE_TIMEOUT' }));
    }, this._options.handshakeTimeout ?? 30000);
    deadline.unref();
    sock.once('close', () => clearTimeout(deadline));
    sock.once('secureConnect', () => {
      clearTimeout(deadline);
      this.emit('connection', sock);
    });
    sock.on('error', (err: Error) => this.emit('clientError', err, peer));
    sock._engine.start();
  }
}

/** A DTLS server over UDP; call {@link DTLSServer.listen}. Peers are admitted after the cookie exchange (`DTLSv1_listen`). */
export function createDTLSServer(options: DTLSServerOptions, connectionListener?: (socket: DTLSSocket) => void): DTLSServer {
  return new DTLSServer(options, connectionListener);
}
