// Real peers on loopback, driven through memory-BIO Connections pumped over net sockets by the
// test (socket mode is a later layer): node:tls and the openssl CLI.
import { spawn } from 'node:child_process';
import net from 'node:net';
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { SSL, WantReadError } from '../lib/index.js';
import { pki, serverContext } from './ssl-helpers.js';

/** Moves ciphertext between conn and socket; `onData` runs after each inbound chunk. */
function attach(conn: SSL.Connection, socket: net.Socket, onData: () => void): () => void {
  const flush = (): void => {
    for (;;) {
      try {
        socket.write(conn.bioRead(65536));
      } catch (e) {
        if (e instanceof WantReadError) return;
        throw e;
      }
    }
  };
  socket.on('data', (d: Buffer) => {
    conn.bioWrite(d);
    onData();
    flush();
  });
  return flush;
}

function tryOr<T>(f: () => T): T | null {
  try {
    return f();
  } catch (e) {
    if (e instanceof WantReadError) return null;
    throw e;
  }
}

describe('interop over loopback', () => {
  it('client Connection <-> node:tls server (TLS 1.3, ALPN, SNI, verify)', async () => {
    const server = tls.createServer({ cert: pki().rsa.certPem, key: pki().rsa.keyPem, ALPNProtocols: ['h2'] }, (s) => {
      s.on('data', (d) => s.end(Buffer.concat([Buffer.from('echo:'), d])));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const ctx = new SSL.Context(SSL.TLS_CLIENT_METHOD);
      ctx.setVerify(SSL.VERIFY_PEER);
      ctx.loadVerifyLocations(pki().caFile);
      ctx.setAlpnProtos(['h2']);
      const conn = new SSL.Connection(ctx);
      conn.setConnectState();
      conn.setTlsextHostName('localhost');
      conn.setHost('localhost');
      const sock = net.connect(port, '127.0.0.1');
      const received: Buffer[] = [];
      const done = new Promise<void>((resolve, reject) => {
        let sent = false;
        const flush = attach(conn, sock, () => {
          try {
            if (!conn.isInitFinished()) tryOr(() => conn.doHandshake());
            if (conn.isInitFinished() && !sent) {
              sent = true;
              conn.sendall('ping');
            }
            for (;;) {
              const d = tryOr(() => conn.recv(65536));
              if (d === null) break;
              received.push(d);
            }
          } catch (e) {
            if (e instanceof SSL.ZeroReturnError) resolve();
            else reject(e);
          }
        });
        sock.on('connect', () => {
          tryOr(() => conn.doHandshake());
          flush();
        });
        sock.on('close', () => resolve());
        sock.on('error', reject);
      });
      await done;
      sock.destroy();
      expect(Buffer.concat(received).toString()).toBe('echo:ping');
      expect(conn.getAlpnProtoNegotiated().toString()).toBe('h2');
      expect(conn.getProtocolVersionName()).toBe('TLSv1.3');
      expect(conn.getVerifyResult()).toBe(0);
    } finally {
      server.close();
    }
  });

  it('server Connection <-> openssl s_client', async () => {
    const ctx = serverContext(pki().ec, SSL.TLS_SERVER_METHOD);
    const listener = net.createServer();
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
    const port = (listener.address() as net.AddressInfo).port;
    const gotData = new Promise<string>((resolve, reject) => {
      listener.on('connection', (sock) => {
        const conn = new SSL.Connection(ctx);
        conn.setAcceptState();
        let text = '';
        attach(conn, sock, () => {
          try {
            if (!conn.isInitFinished()) tryOr(() => conn.doHandshake());
            for (;;) {
              const d = tryOr(() => conn.recv(65536));
              if (d === null) break;
              text += d.toString();
              if (text.includes('\n')) {
                conn.sendall('pong\n');
                conn.shutdown();
                resolve(text);
              }
            }
          } catch (e) {
            if (!(e instanceof SSL.ZeroReturnError)) reject(e);
          }
        });
        sock.on('error', () => undefined);
      });
    });
    const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-CAfile', pki().caFile, '-verify_return_error',
      '-servername', 'localhost', '-quiet'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stdin.write('hello from s_client\n');
    try {
      expect(await gotData).toBe('hello from s_client\n');
      await new Promise<void>((r) => child.on('close', () => r()));
      expect(out).toContain('pong');
    } finally {
      child.kill();
      listener.close();
    }
  });
});
