// The fast paths a user can reach (issue 18): reads that report "no data yet" without throwing,
// offset/length forms of the memory-BIO calls, and `onread` on SSL.createServer.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { SSL } from '../lib/index.js';
import { clientContext, handshake, pair, serverContext, transfer } from './ssl-helpers.js';

describe('tryRecvInto: reads without exceptions', () => {
  it('processes the TLS 1.3 tickets after a handshake and says "no data yet"', () => {
    const { server, client } = pair(serverContext(), clientContext());
    handshake(client, server);
    transfer(server, client); // the server's NewSessionTicket messages
    const buf = Buffer.alloc(64);
    expect(client.tryRecvInto(buf)).toBe(SSL.STATUS_WANT_READ);
    // The tickets were read by that call: the client now holds a resumable session.
    expect(client.getSession()?.hasTicket).toBe(true);
  });

  it('decrypts into [offset, offset + length) and leaves the rest of the buffer alone', () => {
    const { server, client } = pair(serverContext(), clientContext());
    handshake(client, server);
    transfer(server, client);
    expect(client.tryRecvInto(Buffer.alloc(1))).toBe(SSL.STATUS_WANT_READ);
    server.sendall(Buffer.from('hello world'));
    transfer(server, client);
    const buf = Buffer.alloc(16, '.');
    expect(client.tryRecvInto(buf, 3, 5)).toBe(5);
    expect(buf.toString()).toBe('...hello........');
    expect(client.tryRecvInto(buf, 8)).toBe(6);
    expect(buf.toString()).toBe('...hello world..');
    expect(client.tryRecvInto(buf)).toBe(SSL.STATUS_WANT_READ);
  });

  it('returns STATUS_ZERO_RETURN at close_notify and throws a fatal error', () => {
    const { server, client } = pair(serverContext(), clientContext());
    handshake(client, server);
    server.shutdown();
    transfer(server, client);
    expect(client.tryRecvInto(Buffer.alloc(8))).toBe(SSL.STATUS_ZERO_RETURN);

    const p = pair(serverContext(), clientContext());
    handshake(p.client, p.server);
    transfer(p.server, p.client);
    p.client.bioWrite(Buffer.from([0x17, 0x03, 0x03, 0x00, 0x20, ...new Array(32).fill(7)])); // a forged record
    expect(() => p.client.tryRecvInto(Buffer.alloc(8))).toThrow(SSL.Error);
  });

  it('rejects bad buffers and ranges with coded errors, and a freed connection', () => {
    const { server, client } = pair(serverContext(), clientContext());
    handshake(client, server);
    const buf = Buffer.alloc(8);
    expect(() => client.tryRecvInto('x' as unknown as Uint8Array)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => client.tryRecvInto(buf, 9)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => client.tryRecvInto(buf, 4, 5)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => client.tryRecvInto(buf, -1)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => client.tryRecvInto(buf, 1.5)).toThrow(RangeError);
    expect(client.tryRecvInto(buf, 8)).toBe(0); // an empty range reads nothing
    client.free();
    expect(() => client.tryRecvInto(buf)).toThrow(expect.objectContaining({ code: 'ERR_OPENSSL_NAPI_FREED' }));
  });
});

describe('offset/length forms of bioWrite and pumpInto', () => {
  it('bioWrite takes part of a buffer', () => {
    const { server, client } = pair(serverContext(), clientContext());
    handshake(client, server);
    transfer(server, client);
    client.sendall(Buffer.from('abc'));
    const wire = client.bioRead(4096);
    const framed = Buffer.concat([Buffer.from('junk'), wire, Buffer.from('tail')]);
    expect(server.bioWrite(framed, 4, wire.length)).toBe(wire.length);
    expect(server.recv(10).toString()).toBe('abc');
    expect(() => server.bioWrite(framed, framed.length + 1)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => server.bioWrite(framed, 2, framed.length)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(server.bioWrite(framed, framed.length)).toBe(0);
  });

  it('pumpInto drives a handshake through two ring buffers without subarrays', () => {
    const { server, client } = pair(serverContext(), clientContext());
    // Each side's outgoing bytes land at a moving offset of its own ring; the peer reads them there.
    const ringC = Buffer.alloc(1 << 16);
    const ringS = Buffer.alloc(1 << 16);
    let offC = 0;
    let offS = 0;
    let lenC = 0;
    let lenS = 0;
    let cDone = false;
    let sDone = false;
    for (let i = 0; i < 20 && !(cDone && sDone); i++) {
      const rc = client.pumpInto(lenS > 0 ? ringS : null, ringC, offC, ringC.length - offC, offS, lenS);
      offS += lenS;
      lenS = 0;
      lenC = SSL.pumpBytes(rc);
      cDone = (rc & SSL.PUMP_INIT_FINISHED) !== 0;
      const rs = server.pumpInto(lenC > 0 ? ringC : null, ringS, offS, ringS.length - offS, offC, lenC);
      offC += lenC;
      lenC = 0;
      lenS = SSL.pumpBytes(rs);
      sDone = (rs & SSL.PUMP_INIT_FINISHED) !== 0;
    }
    expect(cDone && sDone).toBe(true);
    expect(offC).toBeGreaterThan(0);
    expect(offS).toBeGreaterThan(0);
    expect(() => client.pumpInto(null, ringC, ringC.length + 1)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => client.pumpInto(ringS, ringC, 0, 10, 5, ringS.length)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
  });
});

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
}

describe('SSL.createServer with onread', () => {
  it('reads every connection into one shared buffer, telling whose bytes they are', async () => {
    const shared = Buffer.alloc(4096);
    const got = new Map<SSL.SecureSocket, string>();
    const server = SSL.createServer({
      context: serverContext(),
      onread: {
        buffer: shared,
        callback(n, buf, socket) {
          expect(buf).toBe(shared);
          expect(this).toBe(socket);
          got.set(socket, (got.get(socket) ?? '') + Buffer.from(buf.subarray(0, n)).toString());
          if (got.get(socket)!.endsWith('!')) socket.end('ok');
        },
      },
    });
    const port = await listen(server);
    const answers = await Promise.all(['first!', 'second!'].map((msg) => new Promise<string>((resolve, reject) => {
      const c = SSL.connect({ context: clientContext(), port }, () => c.end(msg));
      let answer = '';
      c.on('data', (d: Buffer) => (answer += d.toString()));
      c.on('end', () => resolve(answer));
      c.on('error', reject);
    })));
    server.close();
    expect(answers).toEqual(['ok', 'ok']);
    expect([...got.values()].sort()).toEqual(['first!', 'second!']);
  });

  it('rejects a bad onread option at once', () => {
    expect(() => SSL.createServer({ context: serverContext(), onread: { buffer: Buffer.alloc(0), callback: () => {} } })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }),
    );
    expect(() => SSL.createServer({ context: serverContext(), onread: { buffer: Buffer.alloc(8) } as unknown as SSL.OnReadOptions })).toThrow(TypeError);
  });
});

describe('socket-mode tryRecvInto', () => {
  it('says STATUS_WANT_READ until plaintext is there, then copies it at the offset', async () => {
    const tlsServer = SSL.createServer({ context: serverContext() }, (s) => {
      s.on('error', () => {});
      setTimeout(() => s.end('late data'), 50);
    });
    const port = await listen(tlsServer);
    const sock = net.connect(port, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    const conn = new SSL.Connection(clientContext(), sock) as unknown as SSL.SocketConnection;
    conn.setConnectState();
    await conn.doHandshake();
    const buf = Buffer.alloc(32, '.');
    expect(conn.tryRecvInto(buf, 2)).toBe(SSL.STATUS_WANT_READ);
    let n = SSL.STATUS_WANT_READ;
    for (let i = 0; i < 100 && n === SSL.STATUS_WANT_READ; i++) {
      await new Promise((r) => setTimeout(r, 10));
      n = conn.tryRecvInto(buf, 2);
    }
    expect(n).toBe(9);
    expect(buf.subarray(0, 11).toString()).toBe('..late data');
    for (let i = 0; i < 100 && n !== SSL.STATUS_ZERO_RETURN; i++) {
      await new Promise((r) => setTimeout(r, 10));
      n = conn.tryRecvInto(buf);
    }
    expect(n).toBe(SSL.STATUS_ZERO_RETURN);
    expect(() => conn.tryRecvInto(buf, 40)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    sock.destroy();
    tlsServer.close();
  });
});
