// More of the handshake visible (issue 19): the raw ClientHello extensions (a JA3 fingerprint made
// from them), the peer's signature digest and type, and the group on both sides.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SSL } from '../lib/index.js';
import { clientContext, handshake, pair, pki, serverContext } from './ssl-helpers.js';

const isGrease = (v: number) => (v & 0x0f0f) === 0x0a0a;

/** JA3: version, ciphers, extensions, groups, point formats; GREASE values left out. */
function ja3(h: SSL.ClientHello): string {
  const u16s = (b: Buffer, from: number) => {
    const out: number[] = [];
    for (let i = from; i + 1 < b.length; i += 2) out.push(b.readUInt16BE(i));
    return out;
  };
  const ext = (type: number) => h.extensionData[h.extensions.indexOf(type)];
  const groups = ext(10) ? u16s(ext(10)!, 2) : [];
  const formats = ext(11) ? [...ext(11)!.subarray(1)] : [];
  return [
    h.version,
    h.ciphers.filter((c) => !isGrease(c)).join('-'),
    h.extensions.filter((e) => !isGrease(e)).join('-'),
    groups.filter((g) => !isGrease(g)).join('-'),
    formats.join('-'),
  ].join(',');
}

describe('the ClientHello, raw', () => {
  it('carries each extension\'s bytes: a JA3 fingerprint, stable for the same client settings', () => {
    const seen: string[] = [];
    const sctx = serverContext();
    sctx.setClientHelloCallback((_conn, hello) => {
      expect(hello.extensionData.length).toBe(hello.extensions.length);
      // The SNI extension's bytes hold the name the parsed field gives.
      const sni = hello.extensionData[hello.extensions.indexOf(0)]!;
      expect(sni.subarray(5).toString()).toBe(hello.serverName);
      seen.push(ja3(hello));
      return true;
    });
    for (let i = 0; i < 2; i++) {
      const cctx = clientContext();
      cctx.setGroupsList('X25519:P-256');
      const p = pair(sctx, cctx);
      p.client.setTlsextHostName('fingerprint.example');
      handshake(p.client, p.server);
    }
    expect(seen[0]).toBe(seen[1]);
    const [version, , extensions, groups] = seen[0]!.split(',');
    expect(version).toBe('771');
    expect(extensions!.split('-')).toEqual(expect.arrayContaining(['0', '10', '43', '51']));
    expect(groups).toBe('29-23');
    expect(createHash('md5').update(seen[0]!).digest('hex')).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe("the peer's signature and the group", () => {
  it.each([
    ['rsa', 'RSASSA-PSS', 'SHA256'],
    ['ec', 'id-ecPublicKey', 'SHA256'],
  ] as const)('a %s server: the client sees digest and type; both see the group', (leaf, type, digest) => {
    const p = pair(serverContext(pki()[leaf]), clientContext());
    expect(p.client.getPeerSignature()).toBeNull();
    handshake(p.client, p.server);
    expect(p.client.getPeerSignature()).toEqual({ digest, type });
    expect(p.server.getPeerSignature()).toBeNull(); // the client did not sign: no client certificate
    expect(p.client.getGroupName()).toBe(p.server.getGroupName());
  });
});

describe('record sizes: max fragment length and padding', () => {
  it('a client that asks for 512-byte fragments gets records of at most 512 bytes', () => {
    const cctx = clientContext();
    cctx.setMaxProtoVersion(SSL.TLS1_2_VERSION);
    cctx.setMaxFragmentLength(512);
    const sctx = serverContext();
    const p = pair(sctx, cctx);
    handshake(p.client, p.server);
    expect(p.client.getMaxFragmentLength()).toBe(512);
    expect(p.server.getMaxFragmentLength()).toBe(512);
    p.server.sendall(Buffer.alloc(2000, 0x61));
    const wire = p.server.bioRead(65536);
    // Each record: 5-byte header; the largest record's length is bounded by 512 + overhead.
    let off = 0;
    let largest = 0;
    while (off + 5 <= wire.length) {
      const len = wire.readUInt16BE(off + 3);
      largest = Math.max(largest, len);
      off += 5 + len;
    }
    expect(largest).toBeLessThanOrEqual(512 + 256);
    expect(() => cctx.setMaxFragmentLength(300 as never)).toThrow(RangeError);
  });

  it('block padding and a padding callback change TLS 1.3 record sizes', () => {
    const sizes = (setup: (ctx: SSL.Context) => void): number => {
      const sctx = serverContext();
      setup(sctx);
      const p = pair(sctx, clientContext());
      handshake(p.client, p.server);
      try {
        // (the session tickets, drained: only the record below is measured)
        p.server.bioRead(65536);
      } catch {
        // nothing pending
      }
      p.server.send(Buffer.from('x'));
      return p.server.bioRead(65536).length;
    };
    const plain = sizes(() => {});
    expect(sizes((c) => c.setBlockPadding(256))).toBeGreaterThanOrEqual(256);
    const seen: number[] = [];
    expect(sizes((c) => c.setRecordPaddingCallback((_conn, type, len) => {
      seen.push(type);
      return type === 23 ? 1000 - len : 0;
    }))).toBeGreaterThan(plain + 900);
    expect(seen).toContain(23);
    const bad = serverContext();
    bad.setRecordPaddingCallback(() => -5 as never);
    const q = pair(bad, clientContext());
    expect(() => handshake(q.client, q.server)).toThrow(/record padding callback/);
  });
});
