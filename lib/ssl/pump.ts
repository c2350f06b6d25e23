/**
 * Making a pump: the object that moves one Connection's bytes over a stream socket (the pump
 * contract is {@link SocketEngine} in tls-engine.ts). The native descriptor pump serves every socket
 * with a descriptor (TCP and Unix sockets on POSIX); the stream-event pump the rest, and
 * `nativeIo: false`. Both socket-mode faces (SecureSocket and the Promise-returning
 * SocketConnection) make theirs here, after the same checks.
 * @internal
 * @module
 */
import net from 'node:net';
import { Context } from './context.js';
import { DTLS_CLIENT_METHOD, DTLS_METHOD, DTLS_SERVER_METHOD } from './constants.js';
import type { NativeConnection } from './native-types.js';
import { NativeEngine, canPumpNatively } from './native-engine.js';
import { TlsEngine, type EngineSink, type SocketEngine } from './tls-engine.js';

const DTLS_METHODS = [DTLS_METHOD, DTLS_SERVER_METHOD, DTLS_CLIENT_METHOD];

/** Throws the coded TypeError when `socket` is not a net.Socket, or `context` is a DTLS one. */
export function checkStreamArgs(context: Context, socket: net.Socket): void {
  if (!(socket instanceof net.Socket)) {
    throw Object.assign(new TypeError('The "socket" argument must be a net.Socket or null'), { code: 'ERR_INVALID_ARG_TYPE' });
  }
  // A stream socket cannot carry DTLS's datagrams: that is SSL.DTLSSocket's job.
  if (context instanceof Context && DTLS_METHODS.includes(context._method)) {
    throw Object.assign(new TypeError('A DTLS Context cannot run over a stream socket; use SSL.DTLSSocket or SSL.createDTLSServer'), {
      code: 'ERR_INVALID_ARG_VALUE',
    });
  }
}

/** The pump for `h` over `socket`, reporting to `sink`. */
export function createPump(h: NativeConnection, socket: net.Socket, sink: EngineSink, nativeIo: boolean): SocketEngine {
  return nativeIo && canPumpNatively(socket) ? new NativeEngine(h, socket, sink) : new TlsEngine(h, socket, sink);
}
