// Socket mode of SSL.Connection (Promises over a net.Socket) and Context.getCertStore.
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenSSLError, SSL, SysCallError, X509Store, ZeroReturnError, crypto } from '../lib/index.js';
import { pki, serverContext } from './ssl-helpers.js';
import { tempScript } from './sockets-helpers.js';

// A node:tls echo server on loopback (TLS 1.2 and 1.3).
let echo: tls.Server;
let echoPort = 0;
beforeAll(async () => {
  echo = tls.createServer({ cert: pki().rsa.certPem, key: pki().rsa.keyPem, minVersion: 'TLSv1.2' }, (s) => {
    s.on('error', () => {});
    s.pipe(s);
  });
  echo.listen(0, '127.0.0.1');
  await once(echo, 'listening');
  echoPort = (echo.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await new Promise((r) => echo.close(r));
});

describe('the seed example (API.md), as written', () => {
  it('runs in-process against a loopback TLS server', async () => {
    const port = echoPort;
    const logged: string[] = [];
    const console = { log: (s: string) => logged.push(s) };
    // ---- verbatim from API.md "The seed example" ----
    const context = new SSL.Context(SSL.TLSv1_2_METHOD);

    const cert = new crypto.X509();
    cert.setSerialNumber(0);
    cert.getSubject().CN = 'example.com';
    cert.gmtimeAdjNotBefore(0);
    cert.gmtimeAdjNotAfter(60 * 60 * 24 * 365);
    cert.setIssuer(cert.getSubject());

    const pkey = new crypto.PKey();
    pkey.generateKey(crypto.TYPE_RSA, 2048);

    cert.setPubkey(pkey);
    cert.sign(pkey, 'sha256');

    context.useCertificate(cert);
    context.usePrivatekey(pkey);

    const sock = net.createConnection({ host: '127.0.0.1', port });
    const sslSock = new SSL.Connection(context, sock);   // bound to a socket: I/O returns Promises
    sslSock.setConnectState();
    await sslSock.doHandshake();

    await sslSock.send(Buffer.from('Hello, World!'));
    const data = await sslSock.recv(1024);
    console.log(data.toString());

    await sslSock.shutdown();
    sslSock.close();
    // ---- end ----
    expect(logged).toEqual(['Hello, World!']);
    expect(sslSock.getProtocolVersionName()).toBe('TLSv1.2');
    expect(sock.destroyed).toBe(true);
  });

  it('runs as a standalone ESM script importing the built package (dist/)', async () => {
    const root = path.resolve(__dirname, '..');
    if (!fs.existsSync(path.join(root, 'dist/index.js'))) throw new Error('dist/ missing: run npx tsc -p tsconfig.json');
    const seed = `import net from 'node:net';
import { SSL, crypto } from 'openssl-napi';
const port = Number(process.env.PORT);

const context = new SSL.Context(SSL.TLSv1_2_METHOD);

const cert = new crypto.X509();
cert.setSerialNumber(0);
cert.getSubject().CN = 'example.com';
cert.gmtimeAdjNotBefore(0);
cert.gmtimeAdjNotAfter(60 * 60 * 24 * 365);
cert.setIssuer(cert.getSubject());

const pkey = new crypto.PKey();
pkey.generateKey(crypto.TYPE_RSA, 2048);

cert.setPubkey(pkey);
cert.sign(pkey, 'sha256');

context.useCertificate(cert);
context.usePrivatekey(pkey);

const sock = net.createConnection({ host: '127.0.0.1', port });
const sslSock = new SSL.Connection(context, sock);   // bound to a socket: I/O returns Promises
sslSock.setConnectState();
await sslSock.doHandshake();

await sslSock.send(Buffer.from('Hello, World!'));
const data = await sslSock.recv(1024);
console.log(data.toString());

await sslSock.shutdown();
sslSock.close();
`;
    // Inside the package directory so that 'openssl-napi' resolves to itself (package self-reference).
    const file = path.join(root, 'test', `.seed-${process.pid}.mjs`);
    fs.writeFileSync(file, seed);
    try {
      const { stdout } = await promisify(execFile)(process.execPath, [file], { env: { ...process.env, PORT: String(echoPort) }, timeout: 20_000 });
      expect(stdout).toBe('Hello, World!\n');
    } finally {
      fs.unlinkSync(file);
    }
    void tempScript;
  });
});

/** A socket-mode server (accept path) and client, both ours, over loopback. */
async function ourPair(serverCtx: SSL.Context, clientCtx: SSL.Context): Promise<{
  server: SSL.SocketConnection;
  client: SSL.SocketConnection;
  close: () => Promise<void>;
}> {
  const srv = net.createServer({ allowHalfOpen: true });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const accepted = once(srv, 'connection') as Promise<[net.Socket]>;
  const csock = net.connect({ host: '127.0.0.1', port: (srv.address() as net.AddressInfo).port });
  const client = new SSL.Connection(clientCtx, csock);
  client.setConnectState();
  const [ssock] = await accepted;
  const server = SSL.Connection.accept(serverCtx, ssock);
  return {
    server,
    client,
    close: async () => {
      client.close();
      server.close();
      await new Promise((r) => srv.close(r));
    },
  };
}

describe('socket-mode Connection', () => {
  it('shutdown() after the peer reset rejects with the SysCallError; send() too', async () => {
    const { server, client, close } = await ourPair(serverContext(), new SSL.Context(SSL.TLS_METHOD));
    try {
      await Promise.all([server.doHandshake(), client.doHandshake()]);
      client.getSocket().resetAndDestroy();
      await new Promise((r) => setTimeout(r, 20));
      const err = await server.shutdown().then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(SysCallError);
      expect([32, 104, -1]).toContain((err as SysCallError).errno);
      await expect(server.send(Buffer.from('late'))).rejects.toBeInstanceOf(SysCallError);
    } finally {
      await close();
    }
  });

  it('free() drops plaintext already decrypted: recv, recvInto and tryRecvInto then throw ERR_OPENSSL_NAPI_FREED', async () => {
    const { server, client, close } = await ourPair(serverContext(), new SSL.Context(SSL.TLS_METHOD));
    try {
      await Promise.all([server.doHandshake(), client.doHandshake()]);
      await client.send(Buffer.from('queued before free'));
      // Wait until the pump has decrypted it (a 1-byte peek leaves it queued).
      expect((await server.recv(1, SSL.MSG_PEEK)).toString()).toBe('q');
      server.free();
      const freed = { code: 'ERR_OPENSSL_NAPI_FREED' };
      await expect(server.recv(64)).rejects.toMatchObject(freed);
      await expect(server.recvInto(Buffer.alloc(64))).rejects.toMatchObject(freed);
      expect(() => server.tryRecvInto(Buffer.alloc(64))).toThrow(expect.objectContaining(freed));
      await expect(server.send(Buffer.from('x'))).rejects.toMatchObject(freed);
    } finally {
      await close();
    }
  });

  it('is an SSL.Connection, with Promise I/O; bio methods throw TypeError', async () => {
    const sock = new net.Socket();
    const c = new SSL.Connection(new SSL.Context(SSL.TLS_METHOD), sock);
    expect(c).toBeInstanceOf(SSL.Connection);
    expect(c).toBeInstanceOf(SSL.SocketConnection);
    expect(new SSL.Connection(new SSL.Context(SSL.TLS_METHOD))).not.toBeInstanceOf(SSL.SocketConnection);
    // Everything that would read or write the BIOs or records behind the pump's back (under either
    // pump: the stream-event one has memory BIOs underneath) throws, with no OpenSSL call.
    const memoryOnly = c as unknown as SSL.MemoryConnection;
    const buf = Buffer.alloc(10);
    const calls: Array<[string, () => unknown]> = [
      ['bioRead', () => memoryOnly.bioRead(10)],
      ['bioReadInto', () => memoryOnly.bioReadInto(buf)],
      ['bioWrite', () => memoryOnly.bioWrite(Buffer.from('x'))],
      ['bioShutdown', () => memoryOnly.bioShutdown()],
      ['bioPending', () => memoryOnly.bioPending()],
      ['pump', () => memoryOnly.pump(null)],
      ['pumpInto', () => memoryOnly.pumpInto(null, buf)],
      ['writeEarlyData', () => memoryOnly.writeEarlyData(Buffer.from('x'))],
      ['readEarlyData', () => memoryOnly.readEarlyData(10)],
      ['DTLSv1Listen', () => memoryOnly.DTLSv1Listen()],
      ['DTLSv1HandleTimeout', () => memoryOnly.DTLSv1HandleTimeout()],
    ];
    for (const [name, call] of calls) {
      expect(call, name).toThrow(expect.objectContaining({ name: 'TypeError', code: 'ERR_OPENSSL_NAPI_STATE' }));
      expect(call, name).toThrow(/This Connection runs over a socket: the memory-BIO methods/);
    }
    expect(c.getSocket()).toBe(sock);
    expect(c.getPeerCertificate()).toBeNull();
    expect(c.getCipherName()).toBeNull();
    // Wrong socket type
    expect(() => new SSL.Connection(new SSL.Context(SSL.TLS_METHOD), {} as net.Socket)).toThrow(TypeError);
    expect(() => SSL.Connection.accept('x' as never, sock)).toThrow(TypeError);
    c.close();
    // A closed socket: the handshake rejects with a SysCallError
    await expect(c.doHandshake()).rejects.toBeInstanceOf(SysCallError);
  });

  it('accept path + client: handshake, send/recv/recvInto/peek, queries, shutdown both ways', async () => {
    const sctx = serverContext();
    const cctx = new SSL.Context(SSL.TLS_METHOD);
    cctx.setVerify(SSL.VERIFY_PEER);
    cctx.loadVerifyLocations(pki().caFile, null);
    const { server, client, close } = await ourPair(sctx, cctx);
    client.setHost('localhost');
    await Promise.all([client.doHandshake(), server.doHandshake()]);
    expect(client.getPeerCertificate()!.getSubject().CN).toBe('localhost');
    expect(client.getProtocolVersionName()).toBe('TLSv1.3');
    expect(server.getCipherName()).toBe(client.getCipherName());
    expect(server.isServer()).toBe(true);
    expect(client.getVerifyResult()).toBe(0);

    expect(await client.send('ping')).toBe(4);
    expect((await server.recv(2, SSL.MSG_PEEK)).toString()).toBe('pi');
    expect((await server.recv(1024)).toString()).toBe('ping');
    await server.sendall(Buffer.alloc(100_000, 7));
    const into = Buffer.alloc(200_000);
    let got = 0;
    while (got < 100_000) got += await client.recvInto(into.subarray(got), 100_000 - got);
    expect(into.subarray(0, 100_000).equals(Buffer.alloc(100_000, 7))).toBe(true);
    await expect(client.recv(0)).rejects.toBeInstanceOf(RangeError);
    await expect(client.recv('x' as never)).rejects.toBeInstanceOf(TypeError);
    await expect(client.send(3 as never)).rejects.toBeInstanceOf(TypeError);
    await expect(client.recvInto('x' as never)).rejects.toBeInstanceOf(TypeError);

    // close_notify: client first (false: the server's not yet received), the server's recv sees ZeroReturn.
    expect(await client.shutdown()).toBe(false);
    await expect(server.recv(10)).rejects.toBeInstanceOf(ZeroReturnError);
    expect(await server.shutdown()).toBe(true);
    await expect(client.recv(10)).rejects.toBeInstanceOf(ZeroReturnError);
    await close();
  });

  it('recv starts the handshake implicitly; handshake failure rejects with the OpenSSLError', async () => {
    const cctx = new SSL.Context(SSL.TLS_METHOD);
    cctx.setVerify(SSL.VERIFY_PEER); // no trust anchors: the server's cert is untrusted
    const { server, client, close } = await ourPair(serverContext(), cctx);
    const [c, s] = await Promise.allSettled([client.recv(10), server.doHandshake()]);
    expect(c.status).toBe('rejected');
    expect((c as PromiseRejectedResult).reason).toBeInstanceOf(OpenSSLError);
    expect(String((c as PromiseRejectedResult).reason.message)).toMatch(/certificate verify failed/);
    expect(s.status).toBe('rejected');
    expect((s as PromiseRejectedResult).reason).toBeInstanceOf(OpenSSLError);
    await close();
  });

  it('a peer that vanishes mid-stream gives SysCallError(-1, Unexpected EOF)', async () => {
    const { server, client, close } = await ourPair(serverContext(), new SSL.Context(SSL.TLS_METHOD));
    await Promise.all([client.doHandshake(), server.doHandshake()]);
    server.getSocket().end(); // FIN without close_notify
    const err = await client.recv(10).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SysCallError);
    expect((err as SysCallError).unexpectedEof).toBe(true);
    await close();
  });

  it('renegotiate (TLS 1.2) starts one and data still flows', async () => {
    const { server, client, close } = await ourPair(serverContext(pki().rsa, SSL.TLSv1_2_METHOD), new SSL.Context(SSL.TLSv1_2_METHOD));
    await Promise.all([client.doHandshake(), server.doHandshake()]);
    // Server-initiated (OpenSSL 3 refuses client-initiated renegotiation by default).
    expect(await server.renegotiate()).toBe(true);
    expect(server.renegotiatePending()).toBe(true);
    // The client answers the HelloRequest while reading; the server finishes while reading.
    const clientRead = client.recv(100);
    const serverRead = server.recv(100);
    await server.send('after');
    await client.send('x');
    expect((await serverRead).toString()).toBe('x');
    expect((await clientRead).toString()).toBe('after');
    expect(server.totalRenegotiations()).toBeGreaterThanOrEqual(1);
    await close();
  });
});

describe('Context.getCertStore', () => {
  it('returns the context store: a CA added to it makes VERIFY_PEER pass', async () => {
    const cctx = new SSL.Context(SSL.TLS_METHOD);
    cctx.setVerify(SSL.VERIFY_PEER);
    const store = cctx.getCertStore()!;
    expect(store).toBeInstanceOf(X509Store);
    store.addCert(pki().ca);
    const { server, client, close } = await ourPair(serverContext(), cctx);
    await Promise.all([client.doHandshake(), server.doHandshake()]);
    expect(client.getVerifyResult()).toBe(0);
    await close();
    // The store outlives the context.
    cctx.free();
    store.setFlags(crypto.X509StoreFlags.PARTIAL_CHAIN);
    store.free();
    expect(() => store.addCert(pki().ca)).toThrow(/freed/);
    const freed = new SSL.Context(SSL.TLS_METHOD);
    freed.free();
    expect(() => freed.getCertStore()).toThrow(/Context has been freed/);
  });
});

describe("pyOpenSSL's remaining socket-mode names", () => {
  it('connect, doHandshake, makefile (a Duplex), sockShutdown; connectEx gives an errno', async () => {
    const conn = new SSL.Connection(new SSL.Context(SSL.TLS_METHOD), new net.Socket());
    await conn.connect(echoPort, '127.0.0.1');
    expect(conn.isServer()).toBe(false);
    await conn.doHandshake();
    const stream = conn.makefile();
    const chunks: Buffer[] = [];
    stream.on('data', (d: Buffer) => chunks.push(d));
    stream.end('through makefile'); // then close_notify; the echo server answers with its own
    await once(stream, 'end');
    expect(Buffer.concat(chunks).toString()).toBe('through makefile');
    await conn.sockShutdown(1);
    await conn.sockShutdown(2);
    await expect(conn.sockShutdown(3 as never)).rejects.toThrow(RangeError);
    // A second connect on a used socket is a state error; a refused port is an errno, not a throw.
    await expect(conn.connect(echoPort)).rejects.toThrow(/not connected/);
    const probe = net.createServer().listen(0, '127.0.0.1');
    await once(probe, 'listening');
    const closedPort = (probe.address() as net.AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const refused = new SSL.Connection(new SSL.Context(SSL.TLS_METHOD), new net.Socket());
    expect(await refused.connectEx(closedPort)).toBeLessThan(0);
  });

  it('SSLeay_version and the SSLEAY_* selectors are the OpenSSL_version ones', () => {
    expect(SSL.SSLeay_version(SSL.SSLEAY_VERSION)).toBe(SSL.OpenSSL_version(SSL.OPENSSL_VERSION));
    expect(SSL.SSLeay_version(SSL.SSLEAY_DIR)).toMatch(/^OPENSSLDIR: /);
    for (const k of [SSL.SSLEAY_CFLAGS, SSL.SSLEAY_PLATFORM, SSL.SSLEAY_BUILT_ON]) expect(SSL.SSLeay_version(k).length).toBeGreaterThan(0);
  });
});
