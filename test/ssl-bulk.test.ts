import { describe, expect, it } from 'vitest';
import { clientContext, handshake, pair, serverContext } from './ssl-helpers.js';

describe('bioReadInto: the allocation-free ciphertext path', () => {
  it('moves records through one reusable buffer and decrypts them', () => {
    const { server, client } = pair(serverContext(), clientContext());
    handshake(client, server);
    const wire = Buffer.alloc(1 << 17);
    const plain = Buffer.alloc(40000);
    for (let i = 0; i < plain.length; i++) plain[i] = i & 0xff;
    expect(client.sendall(plain)).toBe(plain.length);
    let moved = 0;
    for (let n = client.bioReadInto(wire); n > 0; n = client.bioReadInto(wire)) {
      server.bioWrite(wire.subarray(0, n));
      moved += n;
    }
    expect(moved).toBeGreaterThan(plain.length);
    expect(client.bioReadInto(wire)).toBe(0);
    const out = Buffer.alloc(plain.length);
    let got = 0;
    while (got < plain.length) got += server.recvInto(out.subarray(got));
    expect(out.equals(plain)).toBe(true);
  });

  it('fills at most the buffer it is given, and leaves the rest pending', () => {
    const { server, client } = pair(serverContext(), clientContext());
    handshake(client, server);
    client.send(Buffer.alloc(1000, 1));
    const pending = client.bioPending();
    const small = new Uint8Array(10);
    expect(client.bioReadInto(small)).toBe(10);
    expect(client.bioPending()).toBe(pending - 10);
  });

  it('rejects wrong types and freed connections', () => {
    const { client } = pair(serverContext(), clientContext());
    expect(() => client.bioReadInto('x' as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => client.bioReadInto(null as unknown as Uint8Array)).toThrow(TypeError);
    client.free();
    expect(() => client.bioReadInto(Buffer.alloc(4))).toThrow(/freed/);
  });
});
