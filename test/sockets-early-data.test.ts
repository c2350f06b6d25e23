// TLS 1.3 early data (0-RTT) in socket mode, issue 19: SSL.connect({ session, earlyData }) sends
// the first bytes with the ClientHello; SSL.createServer({ maxEarlyData }) reads them before the
// handshake ends (earlyDataReceived says how many); rejected early data (anti-replay, the allow
// callback, a server that allows none) is sent again after the handshake, so the stream is the
// same either way. Both pumps (native descriptor I/O and stream events); interop with openssl
// s_server -early_data and s_client -early_data.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SSL, crypto } from '../lib/index.js';
import { freePort, pki, serverContext } from './ssl-helpers.js';
import { startSServer, waitForOutput } from './sockets-helpers.js';

interface Accepted {
  early: number;
  data: string;
}

/** A 0-RTT server: echoes what it reads until the client ends, and records each connection. */
async function startServer(nativeIo: boolean, maxEarlyData = 16384, ctx = serverContext(pki().ec)) {
  const accepted: Accepted[] = [];
  const server = SSL.createServer({ context: ctx, maxEarlyData, nativeIo }, (s) => {
    const chunks: Buffer[] = [];
    s.on('data', (d: Buffer) => {
      chunks.push(Buffer.from(d));
      s.write(d);
    });
    s.on('end', () => {
      accepted.push({ early: s.earlyDataReceived, data: Buffer.concat(chunks).toString() });
      s.end();
    });
    s.on('error', () => {});
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { server, port, accepted, ctx };
}

/** One client connection: sends `earlyData` (and `more` after the handshake), returns what came back. */
async function client(port: number, nativeIo: boolean, cctx: SSL.Context, opts: { session?: SSL.Session | null; earlyData?: string; more?: string } = {}) {
  const s = SSL.connect({ port, context: cctx, nativeIo, session: opts.session ?? null, earlyData: opts.earlyData });
  const chunks: Buffer[] = [];
  s.on('data', (d: Buffer) => chunks.push(Buffer.from(d)));
  await new Promise<void>((resolve, reject) => {
    s.once('secureConnect', resolve);
    s.once('error', reject);
  });
  const status = s.getConnection().getEarlyDataStatus();
  const reused = s.getConnection().sessionReused();
  if (opts.more) s.write(opts.more);
  const expected = (opts.earlyData ?? '') + (opts.more ?? '');
  // The echo (and, before it, the server's tickets) come back; then close.
  while (Buffer.concat(chunks).length < expected.length) await new Promise((r) => setTimeout(r, 5));
  const session = s.getConnection().getSession();
  s.end();
  await new Promise((r) => s.once('close', r));
  return { echoed: Buffer.concat(chunks).toString(), status, reused, session };
}

describe.each([
  ['native descriptor I/O', true],
  ['stream events', false],
])('0-RTT over sockets (%s)', (_name, nativeIo) => {
  it('a resumed client sends early data; the server reads it first, before the handshake ends', async () => {
    const { server, port, accepted } = await startServer(nativeIo);
    const cctx = new SSL.Context(SSL.TLS_METHOD);
    try {
      const first = await client(port, nativeIo, cctx, { more: 'hello' });
      expect(first.status).toBe('not-sent');
      expect(first.session?.maxEarlyData).toBe(16384);
      const second = await client(port, nativeIo, cctx, { session: first.session, earlyData: 'GET /early', more: ' and after' });
      expect(second.reused).toBe(true);
      expect(second.status).toBe('accepted');
      expect(second.echoed).toBe('GET /early and after');
      await new Promise((r) => setTimeout(r, 20));
      expect(accepted[1]).toEqual({ early: 'GET /early'.length, data: 'GET /early and after' });
      expect(accepted[0]!.early).toBe(0);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('as much early data as the server allows (16 KiB, more than the stream buffers) does not stall the handshake', async () => {
    const { server, port, accepted } = await startServer(nativeIo);
    const cctx = new SSL.Context(SSL.TLS_METHOD);
    try {
      const first = await client(port, nativeIo, cctx, { more: 'hello' });
      const big = 'e'.repeat(16384);
      const second = await client(port, nativeIo, cctx, { session: first.session, earlyData: big, more: 'tail' });
      expect(second.status).toBe('accepted');
      expect(second.echoed).toBe(big + 'tail');
      await new Promise((r) => setTimeout(r, 20));
      expect(accepted[1]!.early).toBe(16384);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('replayed (the same session again) or refused by the callback: rejected, then sent as ordinary data', async () => {
    const { server, port, accepted, ctx } = await startServer(nativeIo);
    const cctx = new SSL.Context(SSL.TLS_METHOD);
    try {
      const first = await client(port, nativeIo, cctx, { more: 'x' });
      await client(port, nativeIo, cctx, { session: first.session, earlyData: 'once' });
      const replay = await client(port, nativeIo, cctx, { session: first.session, earlyData: 'twice', more: '!' });
      expect(replay.status).toBe('rejected');
      expect(replay.echoed).toBe('twice!');
      const fresh = await client(port, nativeIo, cctx, { more: 'y' });
      ctx.setAllowEarlyDataCallback(() => false);
      const refused = await client(port, nativeIo, cctx, { session: fresh.session, earlyData: 'refused' });
      expect(refused.status).toBe('rejected');
      expect(refused.echoed).toBe('refused');
      await new Promise((r) => setTimeout(r, 20));
      expect(accepted.map((a) => [a.early, a.data])).toEqual([[0, 'x'], [4, 'once'], [0, 'twice!'], [0, 'y'], [0, 'refused']]);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('no session, or one that allows no early data: the bytes go after the handshake (not-sent)', async () => {
    const { server, port, accepted } = await startServer(nativeIo, 0);
    const cctx = new SSL.Context(SSL.TLS_METHOD);
    try {
      const first = await client(port, nativeIo, cctx, { earlyData: 'no session' });
      expect(first.status).toBe('not-sent');
      expect(first.echoed).toBe('no session');
      expect(first.session?.maxEarlyData).toBe(0);
      const second = await client(port, nativeIo, cctx, { session: first.session, earlyData: 'none allowed' });
      expect(second.reused).toBe(true);
      expect(second.status).toBe('not-sent');
      expect(second.echoed).toBe('none allowed');
      await new Promise((r) => setTimeout(r, 20));
      expect(accepted.map((a) => a.early)).toEqual([0, 0]);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('0-RTT options: bad input', () => {
  it('wrong types are coded errors, before any socket is made', () => {
    const ctx = serverContext(pki().ec);
    expect(() => SSL.connect({ port: 1, context: ctx, earlyData: 5 as never })).toThrow(TypeError);
    expect(() => SSL.createServer({ context: ctx, maxEarlyData: -1 })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => SSL.createServer({ context: ctx, maxEarlyData: 1.5 })).toThrow(RangeError);
    expect(() => SSL.createServer({ context: ctx, maxEarlyData: '16k' as never })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => new SSL.SecureSocket(new net.Socket(), { context: ctx, isServer: true, maxEarlyData: -5 })).toThrow(RangeError);
    // Empty early data is no early data; early data without a session waits for the handshake.
    const s = SSL.connect({ port: 1, context: ctx, earlyData: '' });
    s.on('error', () => {});
    s.destroy();
  });
});

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openssl-napi-0rtt-sock-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs the openssl CLI until it exits; its output (stdout and stderr). */
function runCli(args: string[], input: string | null = null): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    if (input !== null) child.stdin.end(input);
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe('0-RTT over sockets: interop with the openssl CLI', () => {
  it('openssl s_client -early_data against SSL.createServer', async () => {
    const ctx = serverContext(pki().ec);
    const seen: Accepted[] = [];
    const server = SSL.createServer({ context: ctx, maxEarlyData: 16384 }, (s) => {
      const chunks: Buffer[] = [];
      s.on('data', (d: Buffer) => chunks.push(Buffer.from(d)));
      s.on('error', () => {});
      // Reply once the client's bytes are in; close so that s_client exits (with its tickets read).
      setTimeout(() => {
        seen.push({ early: s.earlyDataReceived, data: Buffer.concat(chunks).toString() });
        s.end('bye\n');
      }, 150);
    });
    const port = await freePort();
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    const sess = path.join(dir, 'sess.pem');
    const earlyFile = path.join(dir, 'early.txt');
    fs.writeFileSync(earlyFile, 'EARLY FROM S_CLIENT\n');
    try {
      const common = ['s_client', '-connect', `127.0.0.1:${port}`, '-tls1_3', '-ign_eof'];
      const first = await runCli([...common, '-sess_out', sess], '');
      expect(first.out).toContain('bye');
      const second = await runCli([...common, '-sess_in', sess, '-early_data', earlyFile], '');
      expect(second.out).toContain('bye');
      expect(second.out).toMatch(/Reused, TLSv1\.3/);
      expect(second.out).toMatch(/Early data was accepted/);
      expect(seen[1]).toEqual({ early: 'EARLY FROM S_CLIENT\n'.length, data: 'EARLY FROM S_CLIENT\n' });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('SSL.connect({ earlyData }) against openssl s_server -early_data', async () => {
    const certFile = path.join(dir, 'cert.pem');
    const keyFile = path.join(dir, 'key.pem');
    fs.writeFileSync(certFile, pki().ec.certPem);
    fs.writeFileSync(keyFile, crypto.dumpPrivatekey(crypto.FILETYPE_PEM, pki().ec.key));
    const srv = await startSServer('openssl', ['-cert', certFile, '-key', keyFile, '-tls1_3', '-early_data', '-naccept', '2']);
    const port = srv.port;
    try {
      const cctx = new SSL.Context(SSL.TLS_METHOD);
      const connectOnce = async (session: SSL.Session | null, earlyData?: string) => {
        const s = SSL.connect({ port, context: cctx, session, earlyData });
        s.on('data', () => {});
        await new Promise<void>((resolve, reject) => {
          s.once('secureConnect', resolve);
          s.once('error', reject);
        });
        // s_server's tickets follow its Finished: give them a moment to arrive.
        await new Promise((r) => setTimeout(r, 150));
        const result = { status: s.getConnection().getEarlyDataStatus(), session: s.getConnection().getSession() };
        s.end();
        await new Promise((r) => s.once('close', r));
        return result;
      };
      const first = await connectOnce(null);
      expect(first.session?.maxEarlyData).toBeGreaterThan(0);
      const second = await connectOnce(first.session, 'ZERO-RTT-SOCKET');
      expect(second.status).toBe('accepted');
      await waitForOutput(srv, 'ZERO-RTT-SOCKET');
      expect(srv.output()).toMatch(/Early data received:/);
      expect(srv.output()).toContain('ZERO-RTT-SOCKET');
    } finally {
      await srv.stop();
    }
  });
});
