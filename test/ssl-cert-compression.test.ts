// Certificate compression (RFC 8879, TLS 1.3, OpenSSL 3.2+), issue 19: the server's certificate
// travels as a CompressedCertificate message (handshake type 25) when both sides have an
// algorithm; either direction can be switched off; certificates compressed once ahead of time;
// interop with the openssl CLI of the same build; before 3.2 (or without zlib, brotli and zstd)
// every call names what it needs.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SSL, crypto } from '../lib/index.js';
import { freePort, handshake, pair, pki, roundTrip, sameBuildOpenssl, serverContext } from './ssl-helpers.js';

const ALGS = SSL.CERT_COMPRESSION_ALGORITHMS;
const HAS = ALGS.length > 0;
const HANDSHAKE = 22;
const CERTIFICATE = 11;
const COMPRESSED_CERTIFICATE = 25;

/** The TLS 1.3 handshake message types a client reads (the msg callback sees them decrypted). */
function handshakeTypesRead(sctx: SSL.Context, cctx: SSL.Context): number[] {
  const types: number[] = [];
  cctx.setMsgCallback((_c, direction, _v, contentType, bytes) => {
    if (direction === 'read' && contentType === HANDSHAKE && bytes.length > 0) types.push(bytes[0]!);
  });
  const { client, server } = pair(sctx, cctx);
  handshake(client, server);
  expect(roundTrip(client, server, Buffer.from('after')).toString()).toBe('after');
  return types;
}

describe.skipIf(!HAS)(`certificate compression (${HAS ? ALGS.join(', ') : 'not in this OpenSSL'})`, () => {
  it('a server that compressed its certificate sends a CompressedCertificate message; one that did not, a Certificate', () => {
    const sctx = serverContext(pki().rsa);
    expect(handshakeTypesRead(sctx, new SSL.Context(SSL.TLS_METHOD))).toContain(CERTIFICATE);
    sctx.compressCertificates();
    const types = handshakeTypesRead(sctx, new SSL.Context(SSL.TLS_METHOD));
    expect(types).toContain(COMPRESSED_CERTIFICATE);
    expect(types).not.toContain(CERTIFICATE);
  });

  it('OP_NO_TX (server) and OP_NO_RX (client) each switch it off; TLS 1.2 never compresses', () => {
    const noTx = serverContext(pki().rsa);
    noTx.compressCertificates();
    noTx.setOptions(SSL.OP_NO_TX_CERTIFICATE_COMPRESSION!);
    expect(handshakeTypesRead(noTx, new SSL.Context(SSL.TLS_METHOD))).toContain(CERTIFICATE);
    const noRx = new SSL.Context(SSL.TLS_METHOD);
    noRx.setOptions(SSL.OP_NO_RX_CERTIFICATE_COMPRESSION!);
    const compressed = serverContext(pki().rsa);
    compressed.compressCertificates();
    const types = handshakeTypesRead(compressed, noRx);
    expect(types).toContain(CERTIFICATE);
    expect(types).not.toContain(COMPRESSED_CERTIFICATE);
    const tls12 = new SSL.Context(SSL.TLS_METHOD);
    tls12.setMaxProtoVersion(SSL.TLS1_2_VERSION);
    expect(handshakeTypesRead(compressed, tls12)).not.toContain(COMPRESSED_CERTIFICATE);
  });

  it('compressCertificates stores the compressed chain once; getCompressedCertificate returns it', () => {
    const sctx = serverContext(pki().rsa);
    sctx.compressCertificates('zlib');
    const stored = sctx.getCompressedCertificate('zlib');
    expect(stored).not.toBeNull();
    expect(stored!.data.length).toBeGreaterThan(0);
    expect(stored!.data.length).toBeLessThan(stored!.originalLength);
    // The Certificate message body holds the DER certificate (plus lengths and extensions).
    expect(stored!.originalLength).toBeGreaterThan(crypto.dumpCertificate(crypto.FILETYPE_ASN1, pki().rsa.cert).length);
    expect(handshakeTypesRead(sctx, new SSL.Context(SSL.TLS_METHOD))).toContain(COMPRESSED_CERTIFICATE);
    // Every preferred algorithm at once.
    const all = serverContext(pki().ec);
    all.compressCertificates();
    for (const alg of ALGS) expect(all.getCompressedCertificate(alg)).not.toBeNull();
  });

  it('a preference list per Context and per Connection', () => {
    const sctx = serverContext(pki().rsa);
    sctx.setCertCompressionPreference([...ALGS]);
    const cctx = new SSL.Context(SSL.TLS_METHOD);
    const types: number[] = [];
    cctx.setMsgCallback((_c, direction, _v, contentType, bytes) => {
      if (direction === 'read' && contentType === HANDSHAKE) types.push(bytes[0]!);
    });
    const { client, server } = pair(sctx, cctx);
    server.setCertCompressionPreference([ALGS[0]!]);
    client.setCertCompressionPreference([ALGS[0]!]);
    server.compressCertificates(ALGS[0]);
    expect(server.getCompressedCertificate(ALGS[0]!)).not.toBeNull();
    handshake(client, server);
    expect(types).toContain(COMPRESSED_CERTIFICATE);
  });

  it('bad input: clear coded errors', () => {
    const ctx = serverContext(pki().rsa);
    expect(() => ctx.setCertCompressionPreference([])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => ctx.setCertCompressionPreference(['gzip' as never])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    expect(() => ctx.setCertCompressionPreference('zlib' as never)).toThrow(RangeError);
    expect(() => ctx.setCertCompressionPreference(null as never)).toThrow(TypeError);
    expect(() => ctx.compressCertificates('lz4' as never)).toThrow(RangeError);
    expect(() => ctx.getCompressedCertificate(undefined as never)).toThrow(RangeError);
    for (const alg of ['zlib', 'brotli', 'zstd'] as const) {
      if (!ALGS.includes(alg)) expect(() => ctx.compressCertificates(alg)).toThrow(/not one this OpenSSL was built with/);
    }
    // No certificate to compress.
    expect(() => new SSL.Context(SSL.TLS_METHOD).compressCertificates('zlib')).toThrow(SSL.Error);
    const conn = new SSL.Connection(ctx);
    conn.free();
    expect(() => conn.compressCertificates()).toThrow(/freed/);
    expect(() => conn.setCertCompressionPreference(['zlib'])).toThrow(/freed/);
  });

  const cli = sameBuildOpenssl();
  it.skipIf(!cli)('interop: openssl s_client of the same build reads our compressed certificate', async () => {
    const port = await freePort();
    const sctx = serverContext(pki().rsa);
    sctx.compressCertificates('zlib');
    const server = SSL.createServer({ context: sctx }, (s) => {
      s.end('hello\n');
      s.on('error', () => {});
    });
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    try {
      const child = spawn(cli!, ['s_client', '-connect', `127.0.0.1:${port}`, '-tls1_3', '-msg', '-CAfile', pki().caFile], {
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise<number | null>((r) => child.on('exit', r));
      expect(out).toContain('hello');
      expect(out).toMatch(/CompressedCertificate/);
      expect(out).toMatch(/Verify return code: 0/);
      expect(code).toBe(0);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe.skipIf(HAS)('certificate compression where OpenSSL has none (before 3.2, or no zlib/brotli/zstd)', () => {
  it('the algorithm list is empty and every call names what it needs', () => {
    expect(ALGS).toEqual([]);
    const ctx = serverContext(pki().rsa);
    const conn = new SSL.Connection(ctx);
    for (const call of [() => ctx.setCertCompressionPreference(['zlib']), () => ctx.compressCertificates(), () => conn.getCompressedCertificate('zlib')]) {
      expect(call).toThrow(expect.objectContaining({ code: 'ERR_OPENSSL_NAPI_UNSUPPORTED' }));
      expect(call).toThrow(/OpenSSL 3\.2|zlib, brotli or zstd/);
    }
    // Argument checks still come first.
    expect(() => ctx.setCertCompressionPreference(['gzip' as never])).toThrow(RangeError);
  });
});
