// Helpers for the socket suites: start real peers on 127.0.0.1 (openssl s_server/s_client, python3
// ssl), wait for them, and stop them after.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { freePort } from './ssl-helpers.js';

export { freePort };

export const OPENSSL = fs.existsSync('/usr/bin/openssl') ? '/usr/bin/openssl' : 'openssl';

function findPython(): string | null {
  for (const p of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(p, ['-c', 'import ssl; print(ssl.OPENSSL_VERSION)'], { encoding: 'utf8' });
    if (r.status === 0) return p;
  }
  return null;
}
export const PYTHON = findPython();
export const CURL = spawnSync('curl', ['--version']).status === 0 ? 'curl' : null;


/** Resolves once something accepts TCP connections on the port. */
export async function waitForPort(port: number, child?: ChildProcess, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`peer exited early (${child.exitCode})`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listening on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface Peer {
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/** Spawns a peer process, collecting its output; stop() kills it and waits. */
export function startPeer(cmd: string, args: string[], opts: { input?: string | null } = {}): Peer {
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString('latin1')));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString('latin1')));
  child.stdin!.on('error', () => {});
  if (opts.input !== undefined && opts.input !== null) child.stdin!.write(opts.input);
  return {
    child,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
    },
  };
}

/** Resolves once the peer has printed `text`; rejects when it exits first or after `timeoutMs`. */
export async function waitForOutput(peer: Peer, text: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!peer.output().includes(text)) {
    if (peer.child.exitCode !== null) throw new Error(`the peer exited (${peer.child.exitCode}) before printing ${text}:\n${peer.output()}`);
    if (Date.now() > deadline) throw new Error(`the peer did not print ${text} in ${timeoutMs} ms:\n${peer.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * `openssl s_server` (the `bin` given: the same build as the binding where a test needs that) on a
 * free loopback port with `args` added, resolved once it accepts connections (it printed ACCEPT).
 */
export async function startSServer(bin: string, args: string[]): Promise<Peer & { port: number }> {
  const port = await freePort();
  const peer = startPeer(bin, ['s_server', '-accept', `127.0.0.1:${port}`, ...args]);
  try {
    await waitForOutput(peer, 'ACCEPT');
  } catch (e) {
    await peer.stop();
    throw e;
  }
  return { ...peer, port };
}

/** Waits for the child to exit; returns its code. */
export async function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const [code] = (await once(child, 'exit')) as [number | null];
  return code;
}

/** Writes a script into a temp file and returns its path. */
export function tempScript(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossl-sock-'));
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

/** Collects a readable stream into one Buffer. */
export function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  // Event based: an async iterator would destroy the stream at the end (no half-close then).
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    stream.on('data', (d: Buffer) => parts.push(d));
    stream.once('end', () => resolve(Buffer.concat(parts)));
    stream.once('error', reject);
  });
}

/** Resolves with the error the emitter emits (or rejects if it closes without one). */
export function nextError(em: NodeJS.EventEmitter): Promise<Error> {
  return new Promise((resolve, reject) => {
    em.once('error', resolve);
    em.once('close', () => setImmediate(() => reject(new Error('closed without an error'))));
  });
}
