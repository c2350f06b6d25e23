// DTLS over UDP on 127.0.0.1: SSL.DTLSSocket / SSL.createDTLSServer against each other and against
// `openssl s_server -dtls1_2` / `openssl s_client -dtls1_2`, with and without client certificates;
// a ClientHello flood gets HelloVerifyRequests and allocates no per-peer state.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { SSL } from '../lib/index.js';
import { drain, dtlsClientContext } from './dtls-helpers.js';
import { pki } from './ssl-helpers.js';

const children: ChildProcessWithoutNullStreams[] = [];
const closers: (() => void)[] = [];

afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const f of closers.splice(0)) {
    try {
      f();
    } catch {
      // already closed
    }
  }
});

interface Proc {
  child: ChildProcessWithoutNullStreams;
  out: () => string;
  waitFor: (re: RegExp, ms?: number) => Promise<void>;
}

function openssl(args: string[]): Proc {
  const child = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  let text = '';
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  const onData = (d: Buffer): void => {
    text += d.toString('latin1');
    for (const w of waiters.splice(0)) {
      if (w.re.test(text)) w.resolve();
      else waiters.push(w);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return {
    child,
    out: () => text,
    waitFor: (re, ms = 10000) =>
      new Promise<void>((resolve, reject) => {
        if (re.test(text)) return resolve();
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re}; output:\n${text}`)), ms);
        waiters.push({
          re,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
        child.once('exit', (code) => {
          if (!re.test(text)) {
            clearTimeout(timer);
            reject(new Error(`openssl exited (${code}) before ${re}; output:\n${text}`));
          }
        });
      }),
  };
}

async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function nextMessage(sock: SSL.DTLSSocket, ms = 10000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no message')), ms);
    sock.once('message', (m: Buffer) => {
      clearTimeout(timer);
      resolve(m);
    });
  });
}

function serverCtx(): SSL.Context {
  const p = pki();
  const ctx = new SSL.Context(SSL.DTLS_SERVER_METHOD);
  ctx.useCertificate(p.rsa.cert);
  ctx.usePrivatekey(p.rsa.key);
  return ctx;
}

function verifyingClientCtx(withCert: boolean): SSL.Context {
  const p = pki();
  const ctx = new SSL.Context(SSL.DTLS_CLIENT_METHOD);
  ctx.loadVerifyLocations(p.caFile);
  ctx.setVerify(SSL.VERIFY_PEER);
  if (withCert) {
    ctx.useCertificate(p.client.cert);
    ctx.usePrivatekey(p.client.key);
  }
  return ctx;
}

async function startServer(ctx: SSL.Context, opts: Partial<SSL.DTLSServerOptions> = {}): Promise<SSL.DTLSServer> {
  const server = SSL.createDTLSServer({ context: ctx, ...opts });
  closers.push(() => server.close());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

describe('DTLS over UDP', () => {
  it('DTLSSocket <-> DTLSServer: handshake, messages both ways, SRTP keys, close_notify', async () => {
    const sctx = serverCtx();
    sctx.setTlsextUseSrtp('SRTP_AES128_CM_SHA1_80');
    const server = await startServer(sctx, { initialTimeout: 200 });
    const conns: SSL.DTLSSocket[] = [];
    server.on('connection', (s: SSL.DTLSSocket) => conns.push(s));
    const cctx = verifyingClientCtx(false);
    cctx.setTlsextUseSrtp('SRTP_AES128_CM_SHA1_80');
    const client = new SSL.DTLSSocket({ context: cctx, servername: 'localhost' });
    closers.push(() => client.close());
    const connected = once(client, 'secureConnect');
    const serverConn = once(server, 'connection');
    client.connect(server.address().port, '127.0.0.1');
    await connected;
    const [peer] = (await serverConn) as [SSL.DTLSSocket];
    expect(client.secure).toBe(true);
    expect(client.connection.getProtocolVersionName()).toBe('DTLSv1.2');
    expect(client.connection.getPeerCertificate()?.getSubject().CN).toBe('localhost');
    expect(peer.connection.getServername()).toBe('localhost');
    expect(peer.remoteAddress()?.port).toBe(client.address()?.port);
    expect(server.peerCount).toBe(1);

    const got = nextMessage(peer);
    client.send('ping');
    expect((await got).toString()).toBe('ping');
    const back = nextMessage(client);
    peer.send(Buffer.from('pong'));
    expect((await back).toString()).toBe('pong');

    const a = client.connection.getSrtpKeyingMaterial();
    const b = peer.connection.getSrtpKeyingMaterial();
    expect(a?.profile).toBe('SRTP_AES128_CM_SHA1_80');
    expect(a).toEqual(b);

    const peerClosed = once(peer, 'close');
    await new Promise<void>((r) => client.close(r));
    await peerClosed;
    expect(server.peerCount).toBe(0);
    expect(conns).toHaveLength(1);
    expect(() => client.send('late')).toThrow(/closed/);
  });

  it('checkHost: the host connected to (an IP) or a given name is checked in the handshake', async () => {
    const server = await startServer(serverCtx());
    const port = server.address().port;
    // true: no servername, so the host connected to, 127.0.0.1 (in the certificate's IP SANs).
    const ok = new SSL.DTLSSocket({ context: verifyingClientCtx(false), checkHost: true });
    closers.push(() => ok.close());
    const connected = once(ok, 'secureConnect');
    ok.connect(port, '127.0.0.1');
    await connected;
    expect(ok.connection.getVerifyResult()).toBe(0);
    // A name the certificate does not carry fails the handshake.
    const wrong = new SSL.DTLSSocket({ context: verifyingClientCtx(false), checkHost: 'not-the-server.example' });
    closers.push(() => wrong.close());
    const failed = once(wrong, 'error');
    wrong.connect(port, '127.0.0.1');
    const [err] = (await failed) as [Error];
    expect(String(err)).toMatch(/certificate verify failed/);
    expect(wrong.connection.getVerifyResult()).toBe(62); // X509_V_ERR_HOSTNAME_MISMATCH
    expect(() => new SSL.DTLSSocket({ context: verifyingClientCtx(false), checkHost: 5 as never }).connect(port)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
  });

  it('server.close() sends close_notify to every peer', async () => {
    const server = await startServer(serverCtx());
    const clients = [0, 1].map(() => {
      const c = new SSL.DTLSSocket({ context: dtlsClientContext() });
      closers.push(() => c.close());
      return c;
    });
    for (const c of clients) {
      c.connect(server.address().port);
      await once(c, 'secureConnect');
    }
    await new Promise<void>((r) => setImmediate(r));
    expect(server.peerCount).toBe(2);
    const closed = clients.map((c) => once(c, 'close'));
    const serverClosed = once(server, 'close');
    server.close();
    await Promise.all(closed);
    await serverClosed;
    expect(server.peerCount).toBe(0);
  });

  it('maxPeers: a peer beyond the limit is refused (clientError), the others keep their state', async () => {
    const server = await startServer(serverCtx(), { maxPeers: 1 });
    const refused = new Promise<Error & { code?: string }>((resolve) => server.once('clientError', resolve));
    const first = new SSL.DTLSSocket({ context: dtlsClientContext() });
    closers.push(() => first.close());
    first.connect(server.address().port);
    await once(first, 'secureConnect');
    const second = new SSL.DTLSSocket({ context: dtlsClientContext() });
    second.on('error', () => {});
    closers.push(() => second.close());
    second.connect(server.address().port);
    expect((await refused).code).toBe('ERR_OPENSSL_NAPI_TOO_MANY_PEERS');
    expect(server.peerCount).toBe(1);
    expect(() => SSL.createDTLSServer({ context: serverCtx(), maxPeers: 0 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => SSL.createDTLSServer({ context: serverCtx(), idleTimeout: -1 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
  });

  it('idleTimeout: a peer that goes silent is closed (close_notify) and its state dropped; one that talks stays', async () => {
    const server = await startServer(serverCtx(), { idleTimeout: 300 });
    server.on('connection', (s: SSL.DTLSSocket) => s.on('message', () => {}));
    const silent = new SSL.DTLSSocket({ context: dtlsClientContext() });
    const chatty = new SSL.DTLSSocket({ context: dtlsClientContext() });
    closers.push(() => silent.close(), () => chatty.close());
    for (const c of [silent, chatty]) {
      c.connect(server.address().port);
      await once(c, 'secureConnect');
    }
    const silentClosed = once(silent, 'close');
    const talking = setInterval(() => chatty.send('still here'), 50);
    try {
      await silentClosed;
      expect(server.peerCount).toBe(1);
    } finally {
      clearInterval(talking);
    }
  });

  it('queues data sent before the handshake finishes', async () => {
    const server = await startServer(serverCtx());
    const got = new Promise<Buffer>((resolve) => server.on('connection', (s: SSL.DTLSSocket) => s.once('message', resolve)));
    const client = new SSL.DTLSSocket({ context: dtlsClientContext() });
    closers.push(() => client.close());
    client.connect('127.0.0.1', server.address().port); // (host, port) order works too
    client.send('early');
    expect((await got).toString()).toBe('early');
  });

  it('sends made before the handshake go after it, in order, with their callbacks; a close first fails them', async () => {
    const server = await startServer(serverCtx());
    const received: string[] = [];
    const both = new Promise<void>((resolve) =>
      server.on('connection', (s: SSL.DTLSSocket) =>
        s.on('message', (m: Buffer) => {
          received.push(m.toString());
          if (received.length === 2) resolve();
        }),
      ),
    );
    const client = new SSL.DTLSSocket({ context: dtlsClientContext() });
    closers.push(() => client.close());
    const sent: Array<Error | null> = [];
    client.send('one', (err) => sent.push(err)); // before connect(): waits for the handshake
    client.connect(server.address().port);
    client.send('two', (err) => sent.push(err));
    await both;
    expect(received).toEqual(['one', 'two']);
    expect(sent).toEqual([null, null]);

    // Closed before its handshake: the waiting send's callback gets an error, nothing is sent.
    const early = new SSL.DTLSSocket({ context: dtlsClientContext() });
    const failed = new Promise<Error | null>((resolve) => early.send('never', resolve));
    early.close();
    expect(await failed).toMatchObject({ message: 'The connection is closed' });
    expect(() => early.send('after')).toThrow(expect.objectContaining({ code: 'ERR_SOCKET_DGRAM_NOT_RUNNING' }));
  });

  it('a ClientHello flood from one address gets HelloVerifyRequests and allocates no per-peer state', async () => {
    const server = await startServer(serverCtx());
    let connections = 0;
    server.on('connection', () => connections++);
    const allocatedBefore = server._allocated;
    expect(allocatedBefore).toBe(1); // the scratch Connection only

    // a real ClientHello (no cookie), replayed many times from one UDP socket
    const c = new SSL.Connection(dtlsClientContext());
    c.setConnectState();
    try {
      c.doHandshake();
    } catch {
      // WantRead
    }
    const [hello] = drain(c);
    const raw = dgram.createSocket('udp4');
    closers.push(() => raw.close());
    raw.bind(0, '127.0.0.1');
    await once(raw, 'listening');
    const N = 100;
    let replies = 0;
    for (let i = 0; i < N; i++) {
      // one at a time: UDP on loopback may drop a burst, and every ClientHello must be answered
      const reply = once(raw, 'message') as Promise<[Buffer]>;
      raw.send(hello!, server.address().port, '127.0.0.1');
      const [m] = await reply;
      expect(m[0]).toBe(22);
      expect(m[13]).toBe(3); // HelloVerifyRequest
      replies++;
      expect(server._peers.size).toBe(0);
    }
    expect(replies).toBe(N);
    expect(server.peerCount).toBe(0);
    expect(server._peers.size).toBe(0);
    expect(server._allocated).toBe(allocatedBefore);
    expect(connections).toBe(0);

    // the same cookie replayed from another address is refused: still no state
    const c2 = new SSL.Connection(dtlsClientContext());
    c2.setConnectState();
    try {
      c2.doHandshake();
    } catch {
      // WantRead
    }
    const raw2 = dgram.createSocket('udp4');
    closers.push(() => raw2.close());
    raw2.bind(0, '127.0.0.1');
    await once(raw2, 'listening');
    raw2.send(drain(c2)[0]!, server.address().port, '127.0.0.1');
    const [hvr] = (await once(raw2, 'message')) as [Buffer];
    c2.bioWrite(hvr);
    try {
      c2.doHandshake();
    } catch {
      // WantRead
    }
    const withCookie = drain(c2)[0]!;
    raw.send(withCookie, server.address().port, '127.0.0.1'); // wrong source address for this cookie
    const [again] = (await once(raw, 'message')) as [Buffer];
    expect(again[13]).toBe(3);
    expect(server.peerCount).toBe(0);
    expect(server._allocated).toBe(allocatedBefore);

    // a real client gets exactly one connection
    const client = new SSL.DTLSSocket({ context: dtlsClientContext() });
    closers.push(() => client.close());
    const conn = once(server, 'connection');
    client.connect(server.address().port);
    await conn;
    expect(server.peerCount).toBe(1);
    expect(server._allocated).toBe(allocatedBefore + 1);
    expect(connections).toBe(1);
  });

  for (const withCert of [false, true]) {
    it(`DTLSSocket -> openssl s_server -dtls1_2 ${withCert ? 'with' : 'without'} a client certificate`, async () => {
      const p = pki();
      const port = await freeUdpPort();
      const args = ['s_server', '-dtls1_2', '-accept', `127.0.0.1:${port}`, '-cert', p.rsa.certFile, '-key', p.rsa.keyFile];
      if (withCert) args.push('-Verify', '1', '-CAfile', p.caFile, '-verify_return_error');
      const srv = openssl(args);
      await srv.waitFor(/ACCEPT/);
      const client = new SSL.DTLSSocket({ context: verifyingClientCtx(withCert), servername: 'localhost' });
      closers.push(() => client.close());
      client.on('error', () => {});
      const connected = once(client, 'secureConnect');
      client.connect(port, '127.0.0.1');
      await connected;
      expect(client.connection.getProtocolVersionName()).toBe('DTLSv1.2');
      expect(client.connection.getVerifyResult()).toBe(0);
      client.send('hello from node\n');
      await srv.waitFor(/hello from node/);
      if (withCert) expect(srv.out()).toMatch(/subject=\s*CN\s*=\s*client/);
      else expect(srv.out()).not.toMatch(/Client certificate/);
      const msg = nextMessage(client);
      srv.child.stdin.write('hello from openssl\n');
      expect((await msg).toString()).toBe('hello from openssl\n');
      client.close();
      await srv.waitFor(/DONE|shutting down|CONNECTION CLOSED/);
    });

    it(`openssl s_client -dtls1_2 -> DTLSServer ${withCert ? 'with' : 'without'} a client certificate`, async () => {
      const p = pki();
      const ctx = serverCtx();
      if (withCert) {
        ctx.loadVerifyLocations(p.caFile);
        ctx.setVerify(SSL.VERIFY_PEER | SSL.VERIFY_FAIL_IF_NO_PEER_CERT);
      }
      const server = await startServer(ctx);
      const errors: unknown[] = [];
      server.on('clientError', (e) => errors.push(e));
      const conn = once(server, 'connection');
      const args = ['s_client', '-dtls1_2', '-connect', `127.0.0.1:${server.address().port}`, '-CAfile', p.caFile,
        '-verify_return_error', '-servername', 'localhost'];
      if (withCert) args.push('-cert', p.client.certFile, '-key', p.client.keyFile);
      const cli = openssl(args);
      const [peer] = (await conn) as [SSL.DTLSSocket];
      expect(peer.connection.getProtocolVersionName()).toBe('DTLSv1.2');
      if (withCert) expect(peer.connection.getPeerCertificate()?.getSubject().CN).toBe('client');
      else expect(peer.connection.getPeerCertificate()).toBeNull();
      await cli.waitFor(/Verify return code: 0/);
      peer.send('hello from node\n');
      await cli.waitFor(/hello from node/);
      const msg = nextMessage(peer);
      cli.child.stdin.write('hello from openssl\n');
      expect((await msg).toString()).toBe('hello from openssl\n');
      const closed = once(peer, 'close');
      cli.child.stdin.write('Q\n'); // s_client: Q sends close_notify and quits
      await closed;
      expect(server.peerCount).toBe(0);
      expect(errors).toHaveLength(0);
    });
  }

  it('a client without a certificate is refused by a server that requires one (clientError, no connection)', async () => {
    const p = pki();
    const ctx = serverCtx();
    ctx.loadVerifyLocations(p.caFile);
    ctx.setVerify(SSL.VERIFY_PEER | SSL.VERIFY_FAIL_IF_NO_PEER_CERT);
    const server = await startServer(ctx);
    let connections = 0;
    server.on('connection', () => connections++);
    const clientError = once(server, 'clientError');
    const client = new SSL.DTLSSocket({ context: verifyingClientCtx(false) });
    closers.push(() => client.close());
    const clientFailed = new Promise<Error>((resolve) => client.on('error', resolve));
    client.connect(server.address().port);
    const [err] = (await clientError) as [Error];
    expect(String(err)).toMatch(/certificate/i);
    expect(String(await clientFailed)).toMatch(/alert|certificate/i);
    expect(connections).toBe(0);
    expect(server.peerCount).toBe(0);
  });

  it('SRTP keys match openssl s_server -use_srtp -keymatexport EXTRACTOR-dtls_srtp', async () => {
    const p = pki();
    const port = await freeUdpPort();
    const srv = openssl(['s_server', '-dtls1_2', '-accept', `127.0.0.1:${port}`, '-cert', p.rsa.certFile, '-key', p.rsa.keyFile,
      '-use_srtp', 'SRTP_AES128_CM_SHA1_80', '-keymatexport', 'EXTRACTOR-dtls_srtp', '-keymatexportlen', '60']);
    await srv.waitFor(/ACCEPT/);
    const ctx = dtlsClientContext();
    ctx.setTlsextUseSrtp('SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80');
    const client = new SSL.DTLSSocket({ context: ctx });
    closers.push(() => client.close());
    client.on('error', () => {});
    client.connect(port, '127.0.0.1');
    await once(client, 'secureConnect');
    await srv.waitFor(/Keying material: [0-9A-F]{120}/);
    const hex = /Keying material: ([0-9A-F]{120})/.exec(srv.out())![1]!;
    const k = client.connection.getSrtpKeyingMaterial()!;
    expect(k.profile).toBe('SRTP_AES128_CM_SHA1_80');
    expect(Buffer.concat([k.clientKey, k.serverKey, k.clientSalt, k.serverSalt]).toString('hex').toUpperCase()).toBe(hex);
    expect(srv.out()).toMatch(/SRTP Extension negotiated, profile=SRTP_AES128_CM_SHA1_80/);
  });

  it('recovers lost datagrams with event-loop retransmission timers (lossy UDP relay)', async () => {
    const server = await startServer(serverCtx(), { initialTimeout: 50 });
    // relay: client <-> relay <-> server, dropping the server's first flight after the cookie
    const relay = dgram.createSocket('udp4');
    closers.push(() => relay.close());
    relay.bind(0, '127.0.0.1');
    await once(relay, 'listening');
    let clientAddr: dgram.RemoteInfo | null = null;
    let fromServer = 0;
    let dropped = 0;
    const toServer = dgram.createSocket('udp4');
    closers.push(() => toServer.close());
    toServer.bind(0, '127.0.0.1');
    await once(toServer, 'listening');
    relay.on('message', (m, r) => {
      clientAddr = r;
      toServer.send(m, server.address().port, '127.0.0.1');
    });
    toServer.on('message', (m) => {
      fromServer++;
      if (fromServer === 2) {
        dropped++; // ServerHello..ServerHelloDone, first transmission
        return;
      }
      if (clientAddr) relay.send(m, clientAddr.port, clientAddr.address);
    });
    const client = new SSL.DTLSSocket({ context: dtlsClientContext(), initialTimeout: 400 });
    closers.push(() => client.close());
    const conn = once(server, 'connection');
    client.connect(relay.address().port, '127.0.0.1');
    await once(client, 'secureConnect');
    const [peer] = (await conn) as [SSL.DTLSSocket];
    expect(dropped).toBe(1);
    const got = nextMessage(peer);
    client.send('after loss');
    expect((await got).toString()).toBe('after loss');
  });

  it('drops the state of a peer that returns a cookie but never finishes (handshakeTimeout)', async () => {
    const server = await startServer(serverCtx(), { handshakeTimeout: 100, initialTimeout: 30 });
    const errors: Error[] = [];
    server.on('clientError', (e: Error) => errors.push(e));
    const c = new SSL.Connection(dtlsClientContext());
    c.setConnectState();
    attemptWant(() => c.doHandshake());
    const raw = dgram.createSocket('udp4');
    closers.push(() => raw.close());
    raw.bind(0, '127.0.0.1');
    await once(raw, 'listening');
    raw.send(drain(c)[0]!, server.address().port, '127.0.0.1');
    const [hvr] = (await once(raw, 'message')) as [Buffer];
    c.bioWrite(hvr);
    attemptWant(() => c.doHandshake());
    raw.send(drain(c)[0]!, server.address().port, '127.0.0.1'); // valid cookie
    await once(raw, 'message'); // the server's flight: then this "client" goes silent
    expect(server.peerCount).toBe(1);
    await once(server, 'clientError');
    expect(errors[0]?.message).toMatch(/timed out/);
    expect(server.peerCount).toBe(0);
  });

  it('survives random garbage datagrams without allocating state', async () => {
    const server = await startServer(serverCtx());
    const raw = dgram.createSocket('udp4');
    closers.push(() => raw.close());
    raw.bind(0, '127.0.0.1');
    await once(raw, 'listening');
    const { randomBytes } = await import('node:crypto');
    for (let i = 0; i < 200; i++) {
      const d = randomBytes(1 + (i % 300));
      if (i % 3 === 0) d[0] = 22; // looks like a handshake record
      if (i % 6 === 0 && d.length > 2) {
        d[1] = 0xfe;
        d[2] = 0xfd;
      }
      raw.send(d, server.address().port, '127.0.0.1');
    }
    // a real client still gets through (and is the only peer)
    const client = new SSL.DTLSSocket({ context: dtlsClientContext() });
    closers.push(() => client.close());
    const conn = once(server, 'connection');
    client.connect(server.address().port);
    await conn;
    expect(server.peerCount).toBe(1);
    expect(server._allocated).toBe(2);
  });

  it('a closed DTLSServer and DTLSSocket are collected', async () => {
    let collected = 0;
    const registry = new FinalizationRegistry(() => {
      collected++;
    });
    await (async () => {
      const server = SSL.createDTLSServer({ context: serverCtx() });
      server.listen(0);
      await once(server, 'listening');
      const client = new SSL.DTLSSocket({ context: dtlsClientContext() });
      const conn = once(server, 'connection');
      client.connect(server.address().port);
      await once(client, 'secureConnect');
      const [peer] = (await conn) as [SSL.DTLSSocket];
      registry.register(server, 'server');
      registry.register(client, 'client');
      registry.register(peer, 'peer');
      registry.register(client.connection, 'client connection');
      await new Promise<void>((r) => client.close(r));
      await new Promise<void>((r) => server.close(r));
    })();
    for (let i = 0; i < 40 && collected < 4; i++) {
      globalThis.gc!();
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(collected).toBe(4);
  });
});

function attemptWant(f: () => void): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof SSL.WantReadError)) throw e;
  }
}
