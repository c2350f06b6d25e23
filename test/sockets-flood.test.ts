// Issue 21, servers under floods of failing clients:
// - a connection that fails with a fatal alert closes as openssl s_server does (the alert, then our
//   FIN, then the peer's bytes drained until its FIN), so a peer that is still sending receives the
//   alert instead of a reset;
// - the memory an SSL holds is reported to V8, so dropped connections are collected as often as
//   their native memory needs (bench/flood.js shows RSS flat over 100,000 connections).
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SSL } from '../lib/index.js';
import { serverContext } from './ssl-helpers.js';

// A ClientHello whose body is cut short after the version: OpenSSL answers decode_error (50).
const BAD_HELLO = Buffer.from('160301000801000004030300000000', 'hex').subarray(0, 13);
const JUNK = Buffer.alloc(16 * 1024, 0x41);

const servers: SSL.Server[] = [];
const ports = { native: 0, stream: 0 };
const failures: Error[] = [];
beforeAll(async () => {
  for (const pump of ['native', 'stream'] as const) {
    const server = SSL.createServer({ context: serverContext(), nativeIo: pump === 'native' }, () => {});
    server.on('tlsClientError', (err: Error) => failures.push(err));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    ports[pump] = (server.address() as net.AddressInfo).port;
    servers.push(server);
  }
});
afterAll(async () => {
  for (const server of servers) await new Promise((r) => server.close(r));
});

/** Sends the bad hello, then keeps sending `junkBytes` behind it; resolves with what came back. */
function provoke(port: number, junkBytes: number): Promise<{ received: Buffer; error: string | null }> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let error: string | null = null;
    let sent = 0;
    sock.on('data', (d: Buffer) => chunks.push(d));
    sock.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
    sock.on('close', () => resolve({ received: Buffer.concat(chunks), error }));
    const pushMore = (): void => {
      if (sock.destroyed) return;
      if (sent >= junkBytes) {
        sock.end();
        return;
      }
      sent += JUNK.length;
      sock.write(JUNK, () => setImmediate(pushMore));
    };
    sock.on('connect', () => {
      sock.write(BAD_HELLO);
      pushMore();
    });
  });
}

describe.each(['native', 'stream'] as const)('a fatal alert reaches a peer that is still sending (%s pump)', (pump) => {
  it('every time, over 40 connections with 192 KiB behind the bad ClientHello', async () => {
    const before = failures.length;
    for (let i = 0; i < 40; i++) {
      const { received, error } = await provoke(ports[pump], 192 * 1024);
      // The alert record: type 21, then (after the version) length 2, level fatal, decode_error.
      expect(received.length, `connection ${i}: nothing received (${error})`).toBeGreaterThanOrEqual(7);
      expect(received[0]).toBe(0x15);
      expect([...received.subarray(3, 7)]).toEqual([0x00, 0x02, 0x02, 50]);
      expect(error, `connection ${i}`).toBeNull();
    }
    expect(failures.length - before).toBe(40);
  });

  it('a peer that never stops sending is cut off after the bounded drain, and the server goes on', async () => {
    const { received } = await provoke(ports[pump], 4 * 1024 * 1024);
    expect(received[0]).toBe(0x15);
    // The server still serves.
    const ok = await provoke(ports[pump], 0);
    expect(ok.received[0]).toBe(0x15);
    expect(ok.error).toBeNull();
  });
});

describe("an SSL's native memory is visible to V8", () => {
  it('dropping 20,000 Connections (about 1 GiB of OpenSSL state as reported) runs major GCs', () => {
    // A child of its own: a clean heap whose only pressure is what the Connections report (their
    // JS objects alone are a few MB, far below any major GC).
    const index = path.resolve(__dirname, '../dist/index.js');
    const script = `
      import { PerformanceObserver, constants } from 'node:perf_hooks';
      const { SSL } = await import(${JSON.stringify(index)});
      let major = 0;
      const obs = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) if (e.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR) major++;
      });
      obs.observe({ entryTypes: ['gc'] });
      const ctx = new SSL.Context(SSL.TLS_METHOD);
      for (let i = 0; i < 20000; i++) new SSL.Connection(ctx);
      setTimeout(() => { obs.disconnect(); console.log(major); }, 100);`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    // 20,000 x 56 KiB reported: V8 collects at every 64 MB of growth, so about 16 times.
    expect(Number(out.trim())).toBeGreaterThanOrEqual(8);
  });
});

describe('a peer that sends without pause', () => {
  it('does not hold the event loop: timers run while a flood from another process is read through data events', async () => {
    // The sender is another process (a sender in this one could not write while we read).
    const script = `
      const { SSL, crypto } = await import(${JSON.stringify(path.resolve(import.meta.dirname, '..', 'dist', 'index.js'))});
      const ctx = new SSL.Context(SSL.TLS_METHOD);
      ctx.useCertificate(crypto.loadCertificate(crypto.FILETYPE_PEM, process.env.CERT));
      ctx.usePrivatekey(crypto.loadPrivatekey(crypto.FILETYPE_PEM, process.env.KEY));
      const chunk = Buffer.alloc(256 * 1024, 'x');
      const server = SSL.createServer({ context: ctx }, (s) => {
        s.on('error', () => {});
        const pump = () => { while (s.write(chunk)); };
        s.on('drain', pump);
        pump();
      });
      server.listen(0, '127.0.0.1', () => console.log(server.address().port));
      process.stdin.on('end', () => process.exit(0));
      process.stdin.resume();`;
    const { pki } = await import('./ssl-helpers.js');
    const { spawn } = await import('node:child_process');
    const { crypto: c } = await import('../lib/index.js');
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, CERT: pki().ec.certPem, KEY: c.dumpPrivatekey(c.FILETYPE_PEM, pki().ec.key).toString() },
    });
    try {
      const [line] = (await once(child.stdout, 'data')) as [Buffer];
      const s = SSL.connect({ port: Number(String(line).trim()), context: new SSL.Context(SSL.TLS_METHOD) });
      let received = 0;
      s.on('data', (d: Buffer) => (received += d.length));
      await once(s, 'secureConnect');
      let ticks = 0;
      const timer = setInterval(() => ticks++, 10);
      await new Promise((r) => setTimeout(r, 1000));
      clearInterval(timer);
      s.destroy();
      expect(received).toBeGreaterThan(16 * 1024 * 1024);
      // About 100 in a second; a reader that never yields lets none run until the sender stops.
      expect(ticks).toBeGreaterThan(30);
    } finally {
      child.stdin.end();
      await once(child, 'exit');
    }
  }, 30_000);
});
