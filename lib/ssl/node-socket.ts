/**
 * Every private internal of a Node `net.Socket` that the binding relies on, in one place. The
 * native pump (native-engine.ts) needs the socket's descriptor, must stop Node's own reading of it,
 * and refreshes the socket's idle timer on activity it does not see. These members have been stable
 * since Node 0.x, but they are not public: test/node-socket.test.ts checks each of them on the
 * running Node and fails loudly if a version changes them.
 * @internal
 * @module
 */
import type net from 'node:net';

/** The members of `socket._handle` (a TCPWrap or PipeWrap) used here. */
interface SocketHandle {
  fd?: number;
  reading?: boolean;
  readStop?(): number;
}
interface SocketInternals {
  _handle?: SocketHandle | null;
  _unrefTimer?(): void;
}

function handleOf(socket: net.Socket): SocketHandle | null | undefined {
  return (socket as unknown as SocketInternals)._handle;
}

/**
 * True when `socket` has, or will have once it connects, a handle with a descriptor that can be
 * read with `readStop` (TCP and Unix sockets on POSIX; not a JS stream wrapped as a socket).
 */
export function hasDescriptorHandle(socket: net.Socket): boolean {
  const h = handleOf(socket);
  if (h === undefined || h === null) return socket.connecting || !socket.destroyed;
  return 'fd' in h && typeof h.readStop === 'function';
}

/** The socket's descriptor, or -1 when it has none (not connected, closed, or not a TCP/pipe handle). */
export function socketDescriptor(socket: net.Socket): number {
  const fd = handleOf(socket)?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : -1;
}

/**
 * Stops Node's own reading of the socket (libuv's read watcher) for good, as a paused stream does
 * not: it still reads once into its buffer. Returns a function that stops it again if Node
 * restarted it (`socket.read()` does).
 */
export function stopNodeReading(socket: net.Socket): () => void {
  const handle = handleOf(socket);
  const stop = () => {
    if (handle?.reading) {
      handle.reading = false;
      handle.readStop?.();
    }
  };
  stop();
  return stop;
}

/** Refreshes the socket's idle timer (`setTimeout`), for activity Node's own I/O did not see. */
export function touchSocketTimer(socket: net.Socket): void {
  (socket as unknown as SocketInternals)._unrefTimer?.();
}
