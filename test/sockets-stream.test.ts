// SSL.SecureSocket / SSL.connect / SSL.createServer: stream semantics (backpressure, half-close,
// destroy, timeout, close_notify), and the Node HTTP stack on top (http.Server, https.request).
import { once } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OpenSSLError, SSL, SysCallError } from '../lib/index.js';
import { pki, serverContext } from './ssl-helpers.js';
import { collect } from './sockets-helpers.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function listen(server: net.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(() => new Promise((r) => server.close(r)));
  return (server.address() as net.AddressInfo).port;
}

/**
 * Writes `chunks` in order, waiting for 'drain' whenever write() asks to, then ends. Returns the
 * bytes written before each wait (filled in as it goes).
 */
function writeAllThenEnd(s: SSL.SecureSocket, chunks: Buffer[]): number[] {
  const waits: number[] = [];
  let i = 0;
  let written = 0;
  const pump = () => {
    while (i < chunks.length) {
      const chunk = chunks[i++]!;
      written += chunk.length;
      if (!s.write(chunk)) {
        waits.push(written);
        s.once('drain', pump);
        return;
      }
    }
    s.end();
  };
  pump();
  return waits;
}

function trustingClient(method = SSL.TLS_METHOD): SSL.Context {
  const ctx = new SSL.Context(method);
  ctx.setVerify(SSL.VERIFY_PEER);
  ctx.loadVerifyLocations(pki().caFile, null);
  return ctx;
}

describe('SecureSocket', () => {
  it('echo: secureConnect/secureConnection, data, end, close; close_notify both ways', async () => {
    const server = SSL.createServer({ context: serverContext() }, (s) => {
      s.pipe(s);
    });
    const port = await listen(server);
    const c = SSL.connect({ context: trustingClient(), port, servername: 'localhost', checkHost: true });
    expect(c).toBeInstanceOf(SSL.SecureSocket);
    await once(c, 'secureConnect');
    expect(c.getConnection()).toBeInstanceOf(SSL.Connection);
    expect(c.getConnection().getPeerCertificate()!.getSubject().CN).toBe('localhost');
    expect(c.getConnection().getServername()).toBe('localhost');
    expect(c.encrypted).toBe(true);
    // The Promise I/O of the Connection is the stream's.
    await expect(c.getConnection().recv(10)).rejects.toThrow(/driven by a SecureSocket/);
    const closed = once(c, 'close');
    c.end('hello over tls');
    const got = await collect(c);
    expect(got.toString()).toBe('hello over tls');
    await closed;
    // Both close_notify were sent and received.
    expect(c.getConnection().getShutdown()).toBe(SSL.SENT_SHUTDOWN | SSL.RECEIVED_SHUTDOWN);
  });

  it('backpressure both ways: 16 MiB through a slow reader', async () => {
    const total = 16 * 1024 * 1024;
    const chunk = Buffer.alloc(256 * 1024, 0x5a);
    let serverSide: SSL.SecureSocket | null = null;
    const server = SSL.createServer({ context: serverContext() }, (s) => {
      serverSide = s;
      writeAllThenEnd(s, Array<Buffer>(total / chunk.length).fill(chunk));
    });
    const port = await listen(server);
    const c = SSL.connect({ context: new SSL.Context(SSL.TLS_METHOD), port });
    await once(c, 'secureConnect');
    let got = 0;
    let maxBuffered = 0;
    let sawBackpressure = false;
    c.pause();
    // Slow reader: let the sender hit backpressure before reading.
    await new Promise((r) => setTimeout(r, 100));
    sawBackpressure = serverSide!.writableNeedDrain || serverSide!.writableLength > 0;
    for await (const d of c) {
      got += (d as Buffer).length;
      maxBuffered = Math.max(maxBuffered, c.readableLength);
      if (got % (4 * 1024 * 1024) < (d as Buffer).length) await new Promise((r) => setImmediate(r));
    }
    expect(got).toBe(total);
    expect(sawBackpressure).toBe(true);
    // The reader side never buffered much more than its high-water mark plus one slab.
    expect(maxBuffered).toBeLessThan(1024 * 1024);
  });

  it('a writer that never waits still yields to the reader; writes of mixed sizes arrive byte-exact', async () => {
    // 1 byte to 100 KiB per write, 3 MiB in all, in a pattern that shows loss or reordering.
    const sizes: number[] = [];
    let seed = 7;
    let total = 0;
    while (total < 3 * 1024 * 1024) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const n = 1 + (seed % (100 * 1024));
      sizes.push(n);
      total += n;
    }
    const expected = Buffer.alloc(total);
    for (let i = 0; i < total; i++) expected[i] = (i * 31 + (i >> 10)) & 0xff;
    const chunks: Buffer[] = [];
    for (let i = 0, off = 0; i < sizes.length; off += sizes[i++]!) chunks.push(expected.subarray(off, off + sizes[i]!));
    let waits: number[] = [];
    const server = SSL.createServer({ context: serverContext() }, (s) => {
      waits = writeAllThenEnd(s, chunks);
    });
    const port = await listen(server);
    const c = SSL.connect({ context: new SSL.Context(SSL.TLS_METHOD), port });
    const got = await collect(c);
    expect(got.length).toBe(total);
    expect(got.equals(expected)).toBe(true);
    // Even when the kernel takes everything at once, write() asks the writer to wait for 'drain'
    // within 256 KiB (plus the write that crossed it), so the reader gets a turn.
    expect(waits[0]).toBeGreaterThan(0);
    expect(waits[0]).toBeLessThanOrEqual(356 * 1024);
  });

  it('a write made from a callback inside another connection\'s write goes out whole', async () => {
    // The msg callback runs inside connection A's SSL_write (whose records are being batched) and
    // writes to connection B: B's records then go out one by one, and neither stream loses a byte.
    const ctx = serverContext();
    const sockets: SSL.SecureSocket[] = [];
    const payload = Buffer.alloc(1024 * 1024 + 7);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 7) & 0xff;
    const relay = Buffer.alloc(40_000, 0x42);
    let relayed = 0;
    let armed = false;
    // 256: a record header (its first byte 23, application data), one per record written.
    ctx.setMsgCallback((conn, direction, _version, contentType, bytes) => {
      if (armed && direction === 'write' && contentType === 256 && bytes[0] === 23 && relayed < 3 && conn === sockets[0]!.getConnection()) {
        relayed++;
        sockets[1]!.write(relay);
      }
    });
    const server = SSL.createServer({ context: ctx }, (s) => {
      sockets.push(s);
      if (sockets.length === 2) {
        armed = true;
        sockets[0]!.end(payload);
        setImmediate(() => sockets[1]!.end());
      }
    });
    const port = await listen(server);
    const a = SSL.connect({ context: new SSL.Context(SSL.TLS_METHOD), port });
    await once(a, 'secureConnect');
    const gotA = collect(a);
    const b = SSL.connect({ context: new SSL.Context(SSL.TLS_METHOD), port });
    const gotB = collect(b);
    expect((await gotA).equals(payload)).toBe(true);
    expect(relayed).toBe(3);
    expect((await gotB).equals(Buffer.concat([relay, relay, relay]))).toBe(true);
  });

  it('a read made from a callback inside another connection\'s read keeps both streams whole', async () => {
    // Reads decrypt into one slab shared by all connections. The msg callback runs inside client
    // A's SSL_read, before A has claimed the bytes it is decrypting, and makes client B read (B's
    // buffer falls below its high-water mark): B must not decrypt into the tail A is filling.
    const payloads = [Buffer.alloc(300_000), Buffer.alloc(300_000)];
    for (let i = 0; i < payloads[0]!.length; i++) {
      payloads[0]![i] = (i * 7) & 0xff;
      payloads[1]![i] = (i * 13 + 5) & 0xff;
    }
    const first = 20_000; // B's first read: more than its high-water mark, less than a slab
    const servers: SSL.SecureSocket[] = [];
    const server = SSL.createServer({ context: serverContext() }, (s) => {
      servers.push(s);
      s.write(servers.length === 1 ? payloads[0]!.subarray(0, first) : payloads[1]!);
      if (servers.length === 2) s.end();
    });
    const port = await listen(server);
    const cctx = new SSL.Context(SSL.TLS_METHOD);
    // TLS 1.2: only application data comes in records of type 23 (TLS 1.3 wraps the handshake too).
    cctx.setMaxProtoVersion(SSL.TLS1_2_VERSION);
    const b = SSL.connect({ context: cctx, port });
    const endB = once(b, 'end');
    // B holds its first read (its reading then stops); the rest waits in its socket.
    while (b.readableLength < first) await new Promise((r) => setTimeout(r, 5));
    servers[0]!.end(payloads[0]!.subarray(first));
    await new Promise((r) => setTimeout(r, 50));
    const partsB: Buffer[] = [];
    let nested = 0;
    let a: SSL.SecureSocket | null = null;
    // 256: a record header (its first byte 23, application data).
    cctx.setMsgCallback((conn, direction, _version, contentType, bytes) => {
      if (a && direction === 'read' && contentType === 256 && bytes[0] === 23 && nested < 3 && conn === a.getConnection()) {
        nested++;
        // Takes what B holds; B then reads again at once, and what it reads stays in its buffer.
        const d = b.read(b.readableLength) as Buffer | null;
        if (d !== null) partsB.push(d);
      }
    });
    a = SSL.connect({ context: cctx, port });
    const gotA = collect(a);
    expect((await gotA).equals(payloads[1]!)).toBe(true);
    expect(nested).toBe(3);
    b.on('data', (d: Buffer) => partsB.push(d));
    await endB;
    expect(Buffer.concat(partsB).equals(payloads[0]!)).toBe(true);
  });

  it('a TLS 1.3 server\'s session tickets leave together: the client takes both in one turn', async () => {
    // Sent one by one, the second small record would wait for the client's ACK (Nagle), which a
    // delayed ACK holds back for up to 40 ms.
    const server = SSL.createServer({ context: serverContext() }, (s) => s.on('error', () => {}));
    const port = await listen(server);
    const cctx = new SSL.Context(SSL.TLS_METHOD);
    cctx.setSessionCacheMode(SSL.SESS_CACHE_CLIENT);
    let tickets = 0;
    const inFirstTurn = new Promise<number>((resolve) => {
      cctx.setSessionCallbacks({
        newSession: () => {
          if (++tickets === 1) setImmediate(() => resolve(tickets));
        },
      });
    });
    const c = SSL.connect({ context: cctx, port });
    c.on('error', () => {});
    cleanups.push(() => c.destroy());
    expect(await inFirstTurn).toBe(2);
  });

  it('half-close: the client ends its side and still reads the reply', async () => {
    const server = SSL.createServer({ context: serverContext(), allowHalfOpen: true }, async (s) => {
      const req = await collect(s); // until the client's close_notify
      s.end(Buffer.concat([Buffer.from('got:'), req]));
    });
    const port = await listen(server);
    const c = SSL.connect({ context: new SSL.Context(SSL.TLS_METHOD), port, allowHalfOpen: true });
    c.end('request');
    const reply = await collect(c);
    expect(reply.toString()).toBe('got:request');
  });

  it('destroy(): the peer sees an unexpected EOF; nothing leaks', async () => {
    const serverErr = new Promise<Error>((resolve) => {
      const server = SSL.createServer({ context: serverContext() }, (s) => {
        s.on('error', resolve);
        s.write('hi');
      });
      void listen(server).then((port) => {
        const c = SSL.connect({ context: new SSL.Context(SSL.TLS_METHOD), port });
        c.once('data', () => c.destroy());
      });
    });
    const err = await serverErr;
    expect(err).toBeInstanceOf(SysCallError);
  });

  for (const nativeIo of [true, false]) {
    it(`the application destroying the net.Socket: a quiet close once secure, as node:tls; an error before (nativeIo: ${nativeIo})`, async () => {
      const server = SSL.createServer({ context: serverContext() }, (s) => s.on('error', () => {}));
      server.on('tlsClientError', () => {});
      const port = await listen(server);
      const events = (s: SSL.SecureSocket): string[] => {
        const seen: string[] = [];
        s.on('error', (e) => seen.push(`error: ${e.message}`));
        s.on('end', () => seen.push('end'));
        s.on('close', () => seen.push('close'));
        return seen;
      };
      const secure = SSL.connect({ context: new SSL.Context(SSL.TLS_METHOD), port, nativeIo });
      const afterHandshake = events(secure);
      await once(secure, 'secureConnect');
      secure.socket.destroy();
      await once(secure, 'close');
      expect(afterHandshake).toEqual(['close']);

      const early = SSL.connect({ context: new SSL.Context(SSL.TLS_METHOD), port, nativeIo });
      const duringHandshake = events(early);
      early.on('secureConnect', () => duringHandshake.push('secureConnect'));
      early.socket.once('connect', () => early.socket.destroy());
      await new Promise((resolve) => early.once('close', resolve)); // (events.once would reject on the 'error')
      expect(duringHandshake).toEqual(['error: The socket was destroyed during the handshake', 'close']);
    });
  }

  it('a peer that resets the connection is an error with the socket\'s own errno (never EBADF)', async () => {
    const serverErr = new Promise<SysCallError>((resolve) => {
      const server = SSL.createServer({ context: serverContext() }, (s) => {
        s.on('error', (e) => resolve(e as SysCallError));
        s.write('hi');
      });
      void listen(server).then((port) => {
        const c = SSL.connect({ context: new SSL.Context(SSL.TLS_METHOD), port });
        c.on('error', () => {});
        // An RST (SO_LINGER 0), which the server's poll sees as POLLERR.
        c.once('data', () => c.socket.resetAndDestroy());
      });
    });
    const err = await serverErr;
    expect(err).toBeInstanceOf(SysCallError);
    expect(err.message).not.toMatch(/bad file descriptor/i);
    expect(['ECONNRESET', 'EPIPE', 'Unexpected EOF']).toContain(
      err.errno === 104 ? 'ECONNRESET' : err.errno === 32 ? 'EPIPE' : err.message,
    );
  });

  it('end() after the peer went: returns, and the socket error follows from the event loop', async () => {
    // The benchmark's shape: the client leaves as soon as its handshake is done (its unread
    // session tickets make its close an RST), the server's handler ends at once.
    const result = new Promise<{ threw: unknown; err: SysCallError }>((resolve) => {
      const server = SSL.createServer({ context: serverContext() }, function onSecure(s) {
        let threw: unknown = null;
        s.on('error', (err) => resolve({ threw, err: err as SysCallError }));
        try {
          s.end();
        } catch (err) {
          threw = err;
        }
      });
      void listen(server).then((port) => {
        const c = SSL.connect({ context: new SSL.Context(SSL.TLS_METHOD), port }, () => c.destroy());
      });
    });
    const { threw, err } = await result;
    expect(threw).toBeNull();
    expect(err).toBeInstanceOf(SysCallError);
    expect(err.message).not.toMatch(/bad file descriptor/i);
    expect([32, 104, -1]).toContain(err.errno); // EPIPE, ECONNRESET, or the FIN read first
    // Built by the event loop, as a net.Socket's write errors: no frames of the handler's.
    expect(err.stack).not.toMatch(/onSecure/);
  });

  it('after the socket closed, the Connection still answers every query (its record buffers are gone)', async () => {
    const server = SSL.createServer({ context: serverContext() }, (s) => s.end('bye'));
    const port = await listen(server);
    const c = SSL.connect({ context: new SSL.Context(SSL.TLS_METHOD), port });
    const got = await collect(c);
    if (!c.destroyed) await once(c, 'close');
    expect(got.toString()).toBe('bye');
    const conn = c.getConnection();
    expect(conn.getPeerCertificate()).not.toBeNull();
    expect(conn.getCipherName()).toMatch(/^TLS_/);
    expect(conn.getProtocolVersionName()).toBe('TLSv1.3');
    expect(conn.getSession()).not.toBeNull();
    expect(conn.getFinished()).not.toBeNull();
    // I/O after the close is an error, never a crash.
    const err = await new Promise<Error | null | undefined>((resolve) => c.write('late', resolve));
    expect(err).toBeInstanceOf(Error);
    await expect(conn.send(Buffer.from('late'))).rejects.toThrow();
  });

  it('timeout: emits timeout after idle, destroy then closes', async () => {
    const server = SSL.createServer({ context: serverContext() }, () => {});
    const port = await listen(server);
    const c = SSL.connect({ context: new SSL.Context(SSL.TLS_METHOD), port, timeout: 50 });
    await once(c, 'timeout');
    c.destroy();
    await once(c, 'close');
    expect(c.destroyed).toBe(true);
  });

  it('a handshake failure is an error event carrying the OpenSSLError; the server sees tlsClientError', async () => {
    const server = SSL.createServer({ context: serverContext() }, () => {});
    const port = await listen(server);
    const clientErr = once(server, 'tlsClientError');
    const c = SSL.connect({ context: trustingClient(), port, servername: 'wrong.example', checkHost: true });
    const [err] = (await once(c, 'error').catch((e) => [e])) as [Error];
    expect(err).toBeInstanceOf(OpenSSLError);
    expect(err.message).toMatch(/certificate verify failed/);
    expect(c.getConnection().getVerifyResult()).toBe(62); // X509_V_ERR_HOSTNAME_MISMATCH
    const [serr] = (await clientErr) as [Error];
    expect(serr).toBeInstanceOf(OpenSSLError);
  });

  it('plaintext that arrives with a bad record in one read is delivered before the error', async () => {
    const got: Buffer[] = [];
    let serverError: Error | null = null;
    const server = SSL.createServer({ context: serverContext() }, (s) => {
      s.on('data', (d: Buffer) => got.push(Buffer.from(d)));
      s.on('error', (e) => (serverError = e));
    });
    const port = await listen(server);
    // A memory-mode client over a raw socket, so that its bytes can be spoiled on purpose.
    const raw = net.connect(port, '127.0.0.1');
    cleanups.push(() => raw.destroy());
    await once(raw, 'connect');
    const client = new SSL.Connection(new SSL.Context(SSL.TLS_METHOD));
    client.setConnectState();
    const inbox: Buffer[] = [];
    raw.on('data', (d: Buffer) => inbox.push(d));
    const step = (): boolean => {
      try {
        client.doHandshake();
        return true;
      } catch (e) {
        if (e instanceof SSL.WantReadError) return false;
        throw e;
      }
    };
    for (;;) {
      const done = step();
      if (client.bioPending() > 0) raw.write(client.bioRead(65536));
      if (done) break;
      while (inbox.length === 0) await new Promise((r) => setTimeout(r, 5));
      client.bioWrite(Buffer.concat(inbox.splice(0)));
    }
    client.send(Buffer.from('before the bad record'));
    const good = client.bioRead(65536);
    // An application-data record of the right shape whose tag cannot verify (bad_record_mac).
    const bad = Buffer.concat([Buffer.from([0x17, 0x03, 0x03, 0x00, 0x20]), Buffer.alloc(32, 0xab)]);
    raw.write(Buffer.concat([good, bad]));
    for (let i = 0; i < 200 && serverError === null; i++) await new Promise((r) => setTimeout(r, 5));
    expect(Buffer.concat(got).toString()).toBe('before the bad record');
    expect(serverError).toBeInstanceOf(OpenSSLError);
    expect(String(serverError)).toMatch(/bad record mac|decryption failed/i);
    expect((serverError as unknown as { bytesRead?: number }).bytesRead).toBeUndefined();
  });

  it('handshake timeout on the server drops a silent client', async () => {
    const server = SSL.createServer({ context: serverContext(), handshakeTimeout: 50 }, () => {});
    const port = await listen(server);
    const err = once(server, 'tlsClientError');
    const raw = net.connect({ host: '127.0.0.1', port });
    const [e] = (await err) as [Error & { code?: string }];
    expect(e.code).toBe('ERR_TLS_HANDSHAKE_TIMEOUT');
    await once(raw, 'close');
  });

  it('writes before the handshake are queued; bad options throw', async () => {
    const server = SSL.createServer({ context: serverContext() }, (s) => s.pipe(s));
    const port = await listen(server);
    const c = SSL.connect({ context: new SSL.Context(SSL.TLS_METHOD), port });
    c.write('early');
    const [d] = (await once(c, 'data')) as [Buffer];
    expect(d.toString()).toBe('early');
    c.destroy();
    expect(() => SSL.connect(null as never)).toThrow(TypeError);
    expect(() => SSL.connect({ context: new SSL.Context(SSL.TLS_METHOD) })).toThrow(TypeError);
    expect(() => SSL.connect({ context: 'x' as never, port })).toThrow(TypeError);
    expect(() => SSL.createServer(null as never)).toThrow(TypeError);
  });

  it('onread: plaintext lands in one reused buffer; no data events; end and close as usual', async () => {
    const payload = Buffer.alloc(1024 * 1024 + 123);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 7 + (i >> 12)) & 0xff;
    const server = SSL.createServer({ context: serverContext() }, (s) => s.end(payload));
    const port = await listen(server);
    // Smaller than a record: the pump must split records across reads.
    const buffer = Buffer.alloc(5000);
    const parts: Buffer[] = [];
    const seen = new Set<Uint8Array>();
    const c = SSL.connect({
      context: new SSL.Context(SSL.TLS_METHOD),
      port,
      onread: {
        buffer,
        callback(n, buf) {
          seen.add(buf);
          expect(n).toBeGreaterThan(0);
          expect(n).toBeLessThanOrEqual(buffer.length);
          parts.push(Buffer.from(buf.subarray(0, n)));
        },
      },
    });
    let dataEvents = 0;
    c.on('data', () => dataEvents++);
    const closed = once(c, 'close');
    await once(c, 'end');
    await closed;
    expect(Buffer.concat(parts).equals(payload)).toBe(true);
    expect([...seen]).toEqual([buffer]);
    expect(dataEvents).toBe(0);
  });

  it('onread: a buffer function per read; false from the callback pauses until resume()', async () => {
    const total = 2 * 1024 * 1024;
    const server = SSL.createServer({ context: serverContext() }, (s) => s.end(Buffer.alloc(total, 0x61)));
    const port = await listen(server);
    let got = 0;
    let buffers = 0;
    let calls = 0;
    const c = SSL.connect({
      context: new SSL.Context(SSL.TLS_METHOD),
      port,
      onread: {
        buffer: () => {
          buffers++;
          return new Uint8Array(64 * 1024);
        },
        callback(n, buf) {
          expect(buf.subarray(0, n).every((b) => b === 0x61)).toBe(true);
          got += n;
          return ++calls !== 1; // pause after the first read
        },
      },
    });
    while (calls === 0) await new Promise((r) => setTimeout(r, 5));
    expect(c.isPaused()).toBe(true);
    const at = calls;
    await new Promise((r) => setTimeout(r, 100));
    expect(calls).toBe(at); // nothing while paused
    const ended = once(c, 'end');
    c.resume();
    await ended;
    expect(got).toBe(total);
    expect(buffers).toBeGreaterThanOrEqual(calls); // one for each read, plus the next one's
  });

  it('onread: pause() before the handshake holds every read until resume()', async () => {
    const server = SSL.createServer({ context: serverContext() }, (s) => s.end('held back'));
    const port = await listen(server);
    const parts: Buffer[] = [];
    const c = SSL.connect({
      context: new SSL.Context(SSL.TLS_METHOD),
      port,
      onread: { buffer: Buffer.alloc(1024), callback: (n, buf) => void parts.push(Buffer.from(buf.subarray(0, n))) },
    });
    c.pause();
    await once(c, 'secureConnect');
    await new Promise((r) => setTimeout(r, 100));
    expect(parts).toEqual([]);
    const ended = once(c, 'end');
    c.resume();
    await ended;
    expect(Buffer.concat(parts).toString()).toBe('held back');
  });

  it('onread: false from the callback holds the rest of a read until resume(), in order', async () => {
    const payload = Buffer.from(Array.from({ length: 10000 }, (_, i) => i & 0xff));
    const server = SSL.createServer({ context: serverContext() }, (s) => s.end(payload));
    const port = await listen(server);
    const parts: Buffer[] = [];
    const c = SSL.connect({
      context: new SSL.Context(SSL.TLS_METHOD),
      port,
      onread: {
        buffer: Buffer.alloc(1000),
        callback(n, buf) {
          parts.push(Buffer.from(buf.subarray(0, n)));
          return parts.length !== 1;
        },
      },
    });
    while (parts.length === 0) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50));
    expect(parts.length).toBe(1);
    expect(c.isPaused()).toBe(true);
    const ended = once(c, 'end');
    c.resume();
    await ended;
    expect(Buffer.concat(parts).equals(payload)).toBe(true);
  });

  it('onread: bad options throw; a buffer function that returns no buffer is an error', async () => {
    const server = SSL.createServer({ context: serverContext() }, (s) => s.end('x'));
    const port = await listen(server);
    const ctx = new SSL.Context(SSL.TLS_METHOD);
    for (const onread of [null, {}, { buffer: Buffer.alloc(0), callback: () => {} }, { buffer: 'x', callback: () => {} }, { buffer: Buffer.alloc(8) }]) {
      expect(() => SSL.connect({ context: ctx, port, onread: onread as never })).toThrow(TypeError);
    }
    const c = SSL.connect({ context: ctx, port, onread: { buffer: () => 'nope' as never, callback: () => {} } });
    const [err] = (await once(c, 'error')) as [Error & { code: string }];
    expect(err).toBeInstanceOf(TypeError);
    expect(err.code).toBe('ERR_INVALID_RETURN_VALUE');
  });

  it('onread: a buffer detached under the reader is an error, not a crash', async () => {
    const server = SSL.createServer({ context: serverContext() }, (s) => {
      s.on('error', () => {});
      s.write('first');
      // 'second' only once the client has read 'first': sent together, the stream-event pump
      // could hand both over in one callback, and nothing would be left to read into the
      // detached buffer.
      s.once('data', () => s.end('second'));
    });
    const port = await listen(server);
    const buffer = new Uint8Array(4096);
    let calls = 0;
    const c = SSL.connect({
      context: new SSL.Context(SSL.TLS_METHOD),
      port,
      onread: {
        buffer,
        callback() {
          // Transferring the ArrayBuffer detaches the reader's view of it.
          if (++calls === 1) {
            structuredClone(buffer.buffer, { transfer: [buffer.buffer] });
            c.write('go');
          }
        },
      },
    });
    const [err] = (await once(c, 'error')) as [Error & { code: string }];
    expect(buffer.length).toBe(0);
    expect(err).toBeInstanceOf(TypeError);
    expect(err.code).toBe('ERR_INVALID_ARG_VALUE');
    expect(calls).toBe(1);
  });

  it('runs over the pump the environment selects; nativeIo: false always takes the stream-event one', async () => {
    const server = SSL.createServer({ context: serverContext() }, (s) => s.pipe(s));
    const port = await listen(server);
    const engineOf = (s: SSL.SecureSocket) => (s.getConnection() as unknown as { _engine: object })._engine.constructor.name;
    const a = SSL.connect({ context: new SSL.Context(SSL.TLS_METHOD), port });
    const b = SSL.connect({ context: new SSL.Context(SSL.TLS_METHOD), port, nativeIo: false });
    expect(engineOf(a)).toBe(process.env.OPENSSL_NAPI_SOCKET_IO === 'js' ? 'TlsEngine' : 'NativeEngine');
    expect(engineOf(b)).toBe('TlsEngine');
    for (const c of [a, b]) {
      c.end('same bytes');
      expect((await collect(c)).toString()).toBe('same bytes');
    }
  });

  it('takes over a socket that already holds unread bytes (the ClientHello Node read first)', async () => {
    const accepted = new Promise<SSL.SecureSocket>((resolve) => {
      const raw = net.createServer((sock) => {
        // Let Node read the ClientHello into the socket's buffer, unconsumed, then hand it over.
        sock.once('readable', () => {
          expect(sock.readableLength).toBeGreaterThan(0);
          const s = new SSL.SecureSocket(sock, { context: serverContext(), isServer: true });
          s.pipe(s);
          resolve(s);
        });
      });
      listen(raw).then((port) => {
        const c = SSL.connect({ context: trustingClient(), port, servername: 'localhost' });
        c.end('after a prefix');
        collect(c).then((got) => expect(got.toString()).toBe('after a prefix'));
        cleanups.push(() => once(c, 'close'));
      });
    });
    const s = await accepted;
    await once(s, 'close');
  });

  it('freeing the Connection under an established stream fails its I/O cleanly', async () => {
    const server = SSL.createServer({ context: serverContext() }, (s) => s.pipe(s));
    const port = await listen(server);
    const c = SSL.connect({ context: new SSL.Context(SSL.TLS_METHOD), port });
    await once(c, 'secureConnect');
    c.getConnection().free();
    const err = once(c, 'error');
    const closed = new Promise((r) => c.once('close', r)); // (events.once would reject on 'error')
    c.write('after free');
    const [e] = (await err) as [Error & { code?: string }];
    expect(e.code).toBe('ERR_OPENSSL_NAPI_FREED');
    await closed;
  });

  it('a socket that never connects has no descriptor: a clear error, no crash', async () => {
    const c = SSL.connect({ context: new SSL.Context(SSL.TLS_METHOD), socket: new net.Socket() });
    const [e] = (await once(c, 'error')) as [Error];
    expect(e).toBeInstanceOf(Error);
  });

  it('runs over a Unix domain socket', async () => {
    const file = path.join(os.tmpdir(), `onapi-${process.pid}-${Date.now()}.sock`);
    const server = SSL.createServer({ context: serverContext() }, (s) => s.pipe(s));
    server.listen(file);
    await once(server, 'listening');
    cleanups.push(() => new Promise((r) => server.close(r)));
    const c = SSL.connect({ context: trustingClient(), socket: net.connect(file), servername: 'localhost' });
    c.end('over a unix socket');
    expect((await collect(c)).toString()).toBe('over a unix socket');
  });
});

describe('HTTP over SecureSocket', () => {
  it('http.Server gets SecureSockets via emit("connection"); https.request uses SSL.connect as createConnection', async () => {
    const httpServer = http.createServer((req, res) => {
      res.setHeader('content-type', 'text/plain');
      res.end(`hello ${req.url} over ${(req.socket as unknown as SSL.SecureSocket).getConnection().getProtocolVersionName()}`);
    });
    const tlsServer = SSL.createServer({ context: serverContext() }, (s) => httpServer.emit('connection', s));
    const port = await listen(tlsServer);
    cleanups.push(() => httpServer.close());
    const body = await new Promise<string>((resolve, reject) => {
      const req = https.request(
        {
          host: '127.0.0.1',
          port,
          path: '/x',
          createConnection: () => SSL.connect({ context: trustingClient(), port, servername: 'localhost', checkHost: true }) as unknown as net.Socket,
        },
        (res) => {
          res.setEncoding('utf8');
          let b = '';
          res.on('data', (d) => (b += d));
          res.on('end', () => resolve(b));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(body).toBe('hello /x over TLSv1.3');
  });

  it('https.request against a node https server', async () => {
    const srv = https.createServer({ cert: pki().rsa.certPem, key: pki().rsa.keyPem }, (req, res) => res.end(`node https ${req.method}`));
    srv.listen(0, '127.0.0.1');
    await once(srv, 'listening');
    cleanups.push(() => new Promise((r) => srv.close(r)));
    const port = (srv.address() as net.AddressInfo).port;
    const ctx = trustingClient();
    ctx.setAlpnProtos([Buffer.from('http/1.1')]);
    let sock: SSL.SecureSocket | null = null;
    const body = await new Promise<string>((resolve, reject) => {
      const req = https.request(
        {
          method: 'POST',
          host: '127.0.0.1',
          port,
          createConnection: () => (sock = SSL.connect({ context: ctx, port, servername: 'localhost', checkHost: true })) as unknown as net.Socket,
        },
        (res) => {
          let b = '';
          res.on('data', (d) => (b += d));
          res.on('end', () => resolve(b));
        },
      );
      req.on('error', reject);
      req.end('payload');
    });
    expect(body).toBe('node https POST');
    expect(sock!.alpnProtocol).toBe('http/1.1');
  });
});

describe('hostile peers and readers (each once hung, crashed or grew without bound)', () => {
  /** A client reading with `onread` into one 4 KiB buffer; `callback` gets each read's size. */
  const reader = (port: number, nativeIo: boolean, callback: (n: number, sock: SSL.SecureSocket) => boolean | void): SSL.SecureSocket =>
    SSL.connect({
      context: new SSL.Context(SSL.TLS_METHOD),
      port,
      nativeIo,
      onread: { buffer: Buffer.alloc(4096), callback: (n, _buf, sock) => callback(n, sock) },
    });

  it('a TLS 1.2 renegotiation in the middle of an upload: the upload goes on (native pump)', async () => {
    const sctx = serverContext();
    sctx.setMaxProtoVersion(SSL.TLS1_2_VERSION);
    let got = 0;
    let renegotiatedAt = -1;
    // A memory-BIO server over a net.Socket, which asks for a renegotiation after 1 MB.
    const server = net.createServer((sock) => {
      const c = new SSL.Connection(sctx);
      c.setAcceptState();
      const out = () => {
        while (c.bioPending() > 0) sock.write(c.bioRead(1 << 20));
      };
      let done = false;
      sock.on('data', (d) => {
        c.bioWrite(d);
        try {
          if (!done) done = (c.doHandshake(), true);
        } catch {
          // wants more
        }
        for (;;) {
          try {
            got += c.recv(65536).length;
          } catch {
            break;
          }
        }
        if (done && renegotiatedAt < 0 && got > 1e6) {
          renegotiatedAt = got;
          c.renegotiate();
          try {
            c.doHandshake();
          } catch {
            // the client answers later
          }
        }
        out();
      });
      sock.on('error', () => {});
    });
    const port = await listen(server);
    const s = SSL.connect({ context: new SSL.Context(SSL.TLS_METHOD), port });
    cleanups.push(() => s.destroy());
    s.on('error', () => {});
    const chunk = Buffer.alloc(65536, 0x62);
    const pump = () => {
      while (!s.destroyed && s.write(chunk));
    };
    s.on('drain', pump);
    s.on('secureConnect', pump);
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`upload stalled at ${got} bytes (renegotiated at ${renegotiatedAt})`)), 10_000);
      const check = setInterval(() => {
        if (renegotiatedAt > 0 && got > renegotiatedAt + 4e6) {
          clearInterval(check);
          clearTimeout(deadline);
          resolve();
        }
      }, 20);
    });
  });

  for (const nativeIo of [true, false]) {
    it(`onread: a callback that pauses and resumes every time, under a flood, neither recurses nor crashes (nativeIo: ${nativeIo})`, async () => {
      const server = SSL.createServer({ context: serverContext() }, (s) => {
        s.on('error', () => {});
        const chunk = Buffer.alloc(256 * 1024, 0x61);
        const flood = () => {
          while (!s.destroyed && s.write(chunk));
        };
        s.on('drain', flood);
        flood();
      });
      const port = await listen(server);
      let calls = 0;
      let bytes = 0;
      const c = reader(port, nativeIo, (n, sock) => {
        calls++;
        bytes += n;
        sock.pause();
        sock.resume();
      });
      cleanups.push(() => c.destroy());
      const errors: Error[] = [];
      c.on('error', (e) => errors.push(e));
      while (bytes < 32 * 1024 * 1024 && errors.length === 0) await new Promise((r) => setTimeout(r, 20));
      expect(errors).toEqual([]);
      expect(calls).toBeGreaterThan(1000);
    });

    it(`onread: a callback that frees its Connection gets an error event, not an uncaught exception (nativeIo: ${nativeIo})`, async () => {
      const server = SSL.createServer({ context: serverContext() }, (s) => {
        s.on('error', () => {});
        s.write(Buffer.alloc(100000, 0x61));
      });
      const port = await listen(server);
      const c = reader(port, nativeIo, (_n, sock) => {
        sock.getConnection().free();
        return false;
      });
      const [err] = (await once(c, 'error')) as [Error & { code: string }];
      expect(err.code).toBe('ERR_OPENSSL_NAPI_FREED');
    });

    it(`a close_notify instead of a ServerHello fails the handshake (nativeIo: ${nativeIo})`, async () => {
      const server = net.createServer((s) => {
        s.on('error', () => {});
        s.once('data', () => s.write(Buffer.from([21, 3, 3, 0, 2, 1, 0]))); // close_notify, in plaintext
      });
      const port = await listen(server);
      const c = SSL.connect({ context: new SSL.Context(SSL.TLS_METHOD), port, nativeIo });
      const [err] = (await once(c, 'error')) as [Error & { code: string }];
      expect(err.code).toBe('ERR_SSL_ZERO_RETURN');
      expect(c.secureConnected ?? false).toBe(false);
    });
  }

  it('http.Server over SSL.createServer: a client that pipelines requests and never reads cannot hold the event loop', async () => {
    const httpServer = http.createServer((req, res) => req.on('end', () => res.end('x'.repeat(1024))).resume());
    const server = SSL.createServer({ context: serverContext() }, (s) => httpServer.emit('connection', s));
    const port = await listen(server);
    const c = SSL.connect({ context: new SSL.Context(SSL.TLS_METHOD), port });
    cleanups.push(() => c.destroy());
    c.on('error', () => {});
    await once(c, 'secureConnect');
    c.pause(); // never reads the responses
    const requests = Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(2000));
    let sent = 0;
    const send = () => {
      while (!c.destroyed && sent < 200 && c.write(requests)) sent++;
    };
    c.on('drain', send);
    send();
    // The server's event loop keeps turning: a timer set now fires on time.
    let worst = 0;
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      await new Promise((r) => setTimeout(r, 10));
      worst = Math.max(worst, performance.now() - t0);
    }
    expect(worst).toBeLessThan(1000);
    expect(process.memoryUsage().rss).toBeLessThan(1024 * 1024 * 1024);
  });
});
