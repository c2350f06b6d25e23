// SSL.Connection: one constructor for both modes (connection-constructor.ts). The memory-mode class
// and the socket-mode façade know nothing of each other; these tests hold the public contract.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { SSL } from '../lib/index.js';
import { clientContext, handshake, pair, serverContext } from './ssl-helpers.js';

describe('SSL.Connection, the constructor of both modes', () => {
  it('makes a memory-mode Connection without a socket and a socket-mode one with it; instanceof holds for both', () => {
    const ctx = clientContext();
    const mem = new SSL.Connection(ctx);
    expect(mem).toBeInstanceOf(SSL.MemoryConnection);
    expect(mem).toBeInstanceOf(SSL.Connection);
    expect(mem.constructor.name).toBe('Connection');
    const sock = new net.Socket();
    const sc = new SSL.Connection(ctx, sock);
    expect(sc).toBeInstanceOf(SSL.SocketConnection);
    expect(sc).toBeInstanceOf(SSL.Connection);
    expect(sc).not.toBeInstanceOf(SSL.MemoryConnection);
    expect(SSL.Connection.accept(serverContext(), sock).isServer()).toBe(true);
    expect(new SSL.Connection(ctx, null)).toBeInstanceOf(SSL.MemoryConnection);
    sock.destroy();
  });

  it('can be subclassed, and refuses a call without new with a coded error', () => {
    class Tagged extends SSL.Connection {
      tag(): string {
        return `tagged ${this.isServer()}`;
      }
    }
    const t = new Tagged(clientContext());
    t.setConnectState();
    expect(t).toBeInstanceOf(Tagged);
    expect(t).toBeInstanceOf(SSL.Connection);
    expect(t.tag()).toBe('tagged false');
    expect(() => (SSL.Connection as unknown as (c: SSL.Context) => unknown)(clientContext())).toThrow(
      expect.objectContaining({ code: 'ERR_CONSTRUCT_CALL_REQUIRED' }),
    );
    expect(() => new SSL.Connection({} as SSL.Context)).toThrow(TypeError);
  });

  it('a socket-mode connection offers every setting and query, and callbacks receive it, not what it holds', async () => {
    const srvCtx = serverContext();
    const server = SSL.createServer({ context: srvCtx }, (s) => s.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const sock = net.connect(port, '127.0.0.1');
    const ctx = clientContext();
    const seenByContext: unknown[] = [];
    ctx.setInfoCallback((c) => seenByContext.push(c));
    const conn = new SSL.Connection(ctx, sock);
    conn.setAppData({ who: 'me' });
    expect(conn.getAppData()).toEqual({ who: 'me' });
    const seenByVerify: unknown[] = [];
    // A per-connection verify callback: the hook lives on the held connection, the native side finds it through the façade.
    conn.setVerify(SSL.VERIFY_PEER, (c, _cert, _errno, _depth, _ok) => {
      seenByVerify.push(c);
      return true;
    });
    conn.setConnectState();
    conn.setTlsextHostName('localhost');
    await conn.doHandshake();
    expect(conn.isInitFinished()).toBe(true);
    expect(conn.getProtocolVersionName()).toMatch(/TLS/);
    expect(seenByVerify.length).toBeGreaterThan(0);
    expect(seenByVerify.every((c) => c === conn)).toBe(true);
    expect(seenByContext.length).toBeGreaterThan(0);
    expect(seenByContext.every((c) => c === conn)).toBe(true);
    conn.free();
    expect(() => conn.getProtocolVersionName()).toThrow(expect.objectContaining({ code: 'ERR_OPENSSL_NAPI_FREED' }));
    server.close();
  });

  it('memory mode is unchanged: a pair still handshakes', () => {
    const { server, client } = pair(serverContext(), clientContext());
    handshake(client, server);
    expect(client.isInitFinished() && server.isInitFinished()).toBe(true);
  });

  it('SocketConnection is made only through SSL.Connection: its own constructor is a coded TypeError (found by the API fuzzer)', () => {
    const Direct = SSL.SocketConnection as unknown as new (...args: unknown[]) => unknown;
    for (const args of [[], [new SSL.Context(SSL.TLS_METHOD)], [null, null, null, null]]) {
      expect(() => new Direct(...args)).toThrow(expect.objectContaining({ name: 'TypeError', code: 'ERR_ILLEGAL_CONSTRUCTOR' }));
    }
  });
});
