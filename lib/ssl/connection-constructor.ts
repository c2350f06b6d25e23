/**
 * `SSL.Connection`, the one public constructor of both modes: `new SSL.Connection(context)` is a
 * {@link MemoryConnection}, `new SSL.Connection(context, socket)` a {@link SocketConnection}. The
 * two classes know nothing of each other; this file is where they meet.
 * @module
 */
import type net from 'node:net';
import { MemoryConnection } from './connection.js';
import type { Context } from './context.js';
import { SocketConnection } from './socket-connection.js';

/** The `SSL.Connection` constructor: memory-BIO mode without a socket, socket mode with one. */
export interface ConnectionConstructor {
  /** Memory-BIO mode: synchronous I/O, ciphertext through bioRead/bioWrite. */
  new (context: Context, socket?: null): MemoryConnection;
  /** Socket mode over a `net.Socket` (connected or connecting): I/O methods return Promises. */
  new (context: Context, socket: net.Socket): SocketConnection;
  /** Either, as the argument decides at run time. */
  new (context: Context, socket: net.Socket | null | undefined): MemoryConnection | SocketConnection;
  readonly prototype: MemoryConnection;
  /** A server-side socket-mode connection on an accepted socket (`setAcceptState` done). */
  accept(context: Context, socket: net.Socket): SocketConnection;
}

/**
 * A TLS connection in either mode, as `x instanceof SSL.Connection` sees it: a
 * {@link MemoryConnection} (memory-BIO mode) or, made with a socket, a {@link SocketConnection}.
 * Every Context callback receives this type. For one mode, name its class.
 */
export type Connection = MemoryConnection | SocketConnection;

function ConnectionImpl(this: unknown, context: Context, socket?: net.Socket | null): MemoryConnection | SocketConnection {
  if (new.target === undefined) {
    throw Object.assign(new TypeError("Class constructor Connection cannot be invoked without 'new'"), { code: 'ERR_CONSTRUCT_CALL_REQUIRED' });
  }
  if (socket != null) return SocketConnection._create(context, socket, false);
  // A subclass of SSL.Connection gets its own prototype (whose chain holds the memory-mode one).
  return Reflect.construct(MemoryConnection, [context], new.target === ConnectionImpl ? MemoryConnection : new.target) as MemoryConnection;
}
ConnectionImpl.prototype = MemoryConnection.prototype;
Object.defineProperty(ConnectionImpl, 'name', { value: 'Connection' });
// `x instanceof SSL.Connection` holds for both modes.
Object.defineProperty(ConnectionImpl, Symbol.hasInstance, {
  value: (x: unknown): boolean => x instanceof MemoryConnection || x instanceof SocketConnection,
});

/**
 * `SSL.Connection`: `new Connection(ctx)` (memory mode) or `new Connection(ctx, socket)` (socket
 * mode); either way one `SSL` made from the Context's `SSL_CTX` (`SSL_new`).
 * @example
 * ```ts
 * import net from 'node:net';
 * import { SSL } from 'openssl-napi';
 *
 * const ctx = new SSL.Context(SSL.TLS_CLIENT_METHOD);
 * ctx.setDefaultVerifyPaths();
 * ctx.setVerify(SSL.VERIFY_PEER);
 * const memory = new SSL.Connection(ctx); // bioRead/bioWrite, synchronous
 * const socket = new SSL.Connection(ctx, net.connect(443, 'example.com')); // Promises
 * socket.setTlsextHostName('example.com');
 * socket.setHost('example.com');
 * socket.setConnectState();
 * await socket.doHandshake();
 * ```
 */
export const Connection: ConnectionConstructor = Object.assign(ConnectionImpl, {
  accept(context: Context, socket: net.Socket): SocketConnection {
    return SocketConnection._create(context, socket, true);
  },
}) as unknown as ConnectionConstructor;
