// The private net.Socket internals the native pump relies on (lib/ssl/node-socket.ts), checked on
// the running Node: if a Node version renames or changes one, this file fails and says which.
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hasDescriptorHandle, socketDescriptor, stopNodeReading, touchSocketTimer } from '../lib/ssl/node-socket.js';

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const f of cleanup.splice(0)) f();
});

/** A connected pair over `listenOn` (a port 0 on loopback, or a Unix socket path). */
async function connectedPair(unixPath?: string): Promise<{ client: net.Socket; peer: net.Socket }> {
  const server = net.createServer();
  const peerP = new Promise<net.Socket>((r) => server.once('connection', r));
  await new Promise<void>((r) => (unixPath ? server.listen(unixPath, r) : server.listen(0, '127.0.0.1', r)));
  const client = unixPath ? net.connect(unixPath) : net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  await new Promise((r) => client.once('connect', r));
  const peer = await peerP;
  cleanup.push(() => {
    client.destroy();
    peer.destroy();
    server.close();
  });
  return { client, peer };
}

describe(`net.Socket internals on Node ${process.version}`, () => {
  for (const kind of ['tcp', 'unix'] as const) {
    it(`${kind}: _handle.fd, _handle.reading, _handle.readStop and _unrefTimer are there and behave`, async () => {
      const { client, peer } = await connectedPair(kind === 'unix' ? path.join(os.tmpdir(), `onapi-ns-${process.pid}-${Date.now()}.sock`) : undefined);
      const internals = client as unknown as { _handle?: { fd?: unknown; reading?: unknown; readStop?: unknown }; _unrefTimer?: unknown };
      expect(internals._handle, 'net.Socket#_handle').toBeTypeOf('object');
      expect(internals._handle!.fd, 'net.Socket#_handle.fd').toBeTypeOf('number');
      expect(internals._handle!.readStop, 'net.Socket#_handle.readStop').toBeTypeOf('function');
      expect(internals._unrefTimer, 'net.Socket#_unrefTimer').toBeTypeOf('function');
      expect(hasDescriptorHandle(client)).toBe(true);
      expect(socketDescriptor(client)).toBeGreaterThanOrEqual(0);

      client.on('data', () => {});
      await new Promise((r) => setImmediate(r));
      expect(internals._handle!.reading, 'net.Socket#_handle.reading while flowing').toBe(true);
      // Stopped: the peer's bytes stay in the kernel, Node neither emits nor buffers them.
      client.pause();
      stopNodeReading(client);
      expect(internals._handle!.reading).toBe(false);
      let seen = 0;
      client.on('data', (d: Buffer) => (seen += d.length));
      peer.write('not for Node');
      await new Promise((r) => setTimeout(r, 50));
      expect(seen).toBe(0);
      expect(client.readableLength).toBe(0);
    });
  }

  it('touchSocketTimer keeps an idle timer from firing', async () => {
    const { client } = await connectedPair();
    let timedOut = false;
    client.setTimeout(120, () => (timedOut = true));
    for (let i = 0; i < 8; i++) {
      await new Promise((r) => setTimeout(r, 40));
      touchSocketTimer(client);
    }
    expect(timedOut).toBe(false);
    await new Promise((r) => setTimeout(r, 250));
    expect(timedOut).toBe(true);
  });

  it('a socket without a descriptor says so', () => {
    const s = new net.Socket();
    expect(socketDescriptor(s)).toBe(-1);
    s.destroy();
    expect(hasDescriptorHandle(s)).toBe(false);
  });
});
