import { execFileSync } from 'node:child_process';
import tls from 'node:tls';
import net from 'node:net';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import {
  OpenSSLError,
  SSL,
  SysCallError,
  WantReadError,
  WantWriteError,
  WantX509LookupError,
  ZeroReturnError,
  crypto,
  digest,
  digestAsync,
  randomBytes,
  randomBytesAsync,
  version,
} from '../lib/index.js';
import { nativePath } from '../lib/native.js';

/**
 * A P-256 key and a self-signed certificate for `cn`, valid for an hour. Self-contained (it uses
 * only its arguments), so worker and child scripts get it as source too.
 */
function selfSignedIdentity(c: typeof crypto, cn: string): { key: crypto.PKey; cert: crypto.X509 } {
  const key = new c.PKey();
  key.generateKey(c.TYPE_EC, 'P-256');
  const cert = new c.X509();
  cert.getSubject().CN = cn;
  cert.setIssuer(cert.getSubject());
  cert.setSerialNumber(1);
  cert.gmtimeAdjNotBefore(0);
  cert.gmtimeAdjNotAfter(3600);
  cert.setPubkey(key);
  cert.sign(key, 'sha256');
  return { key, cert };
}

describe('version()', () => {
  it('reports the OpenSSL the binding runs, served by the addon, not node', () => {
    const v = version();
    expect(v.openssl).toMatch(/^\d+\.\d+\.\d+/);
    expect(v.headerVersion).toBe(v.openssl);
    expect(v.linkage).toBe('static');
    expect(v.sslCtxNewFile).toBe(nativePath);
    expect(v.sslCtxNewFile).not.toBe(process.execPath);
    expect(v.addonFile).toBe(nativePath);
    expect(v.nodeOpenssl).toBe(process.versions.openssl);
    expect(v.opensslDir.length).toBeGreaterThan(0);
  });

  it('matches the expected OpenSSL build when CI asks for one', () => {
    const want = process.env.OPENSSL_NAPI_EXPECT_VERSION;
    if (!want) return;
    expect(version().openssl.startsWith(want)).toBe(true);
    expect(process.versions.openssl.startsWith('3.0')).toBe(true);
  });

  it('exposes pyOpenSSL OpenSSL_version selectors', () => {
    expect(SSL.OpenSSL_version(SSL.OPENSSL_VERSION)).toContain(version().openssl);
    expect(SSL.OpenSSL_version(SSL.OPENSSL_DIR)).toContain('OPENSSLDIR');
    expect(SSL.OpenSSL_version(SSL.OPENSSL_PLATFORM)).toContain('platform');
    expect(SSL.OpenSSL_version(SSL.OPENSSL_CFLAGS)).toContain('compiler');
    expect(SSL.OpenSSL_version(SSL.OPENSSL_BUILT_ON)).toContain('built on');
    expect(SSL.OPENSSL_VERSION_NUMBER).toBe(version().opensslNumber);
    expect(() => SSL.OpenSSL_version('x' as unknown as number)).toThrow(TypeError);
    expect(() => SSL.OpenSSL_version(-1)).toThrow(RangeError);
  });

  it('exports only the Node-API entry points and needs no shared libssl', () => {
    const syms = execFileSync('nm', ['-D', '--defined-only', nativePath], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/).pop());
    expect(syms.sort()).toEqual(['napi_register_module_v1', 'node_api_module_get_api_version_v1']);
    const dyn = execFileSync('readelf', ['-d', nativePath], { encoding: 'utf8' });
    expect(dyn).not.toMatch(/NEEDED.*lib(ssl|crypto)/);
  });

  it('lets node:tls complete a handshake in the same process, each on its own OpenSSL', async () => {
    const { key, cert } = selfSignedIdentity(crypto, 'localhost');
    const server = tls.createServer({
      key: crypto.dumpPrivatekey(crypto.FILETYPE_PEM, key),
      cert: crypto.dumpCertificate(crypto.FILETYPE_PEM, cert),
    }, (s) => s.end('hi'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const got = await new Promise<string>((resolve, reject) => {
      const c = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false }, () => {
        let data = '';
        c.on('data', (d) => (data += d));
        c.on('end', () => resolve(data));
      });
      c.on('error', reject);
    });
    server.close();
    expect(got).toBe('hi');
    expect(version().nodeOpenssl).toBe(process.versions.openssl);
  });
});

describe('error model', () => {
  it('drains the queue into one OpenSSLError with entries, code and operation', () => {
    let err: unknown;
    try {
      digest('no-such-digest', 'x');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OpenSSLError);
    expect(err).toBeInstanceOf(SSL.Error);
    expect(err).toBeInstanceOf(crypto.Error);
    const e = err as OpenSSLError;
    expect(e.operation).toBe('digest');
    expect(e.errors.length).toBeGreaterThan(0);
    const first = e.errors[0]!;
    expect(first.reason).toBe('unsupported');
    expect(first.library).toMatch(/envelope/);
    expect(typeof first.code).toBe('number');
    expect(typeof first.file).toBe('string');
    expect(typeof first.line).toBe('number');
    expect(first.data).toContain('no-such-digest');
    expect(e.code).toMatch(/^ERR_OSSL_/);
    expect(e.message).toContain('unsupported');
    // and the queue is left clean for the next call
    expect(digest('sha256', '').toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('bad PEM data is an OpenSSLError naming the operation', () => {
    expect(() => crypto.loadCertificate(crypto.FILETYPE_PEM, '-----BEGIN CERTIFICATE-----\nAAAA')).toThrow(OpenSSLError);
    try {
      crypto.loadCertificate(crypto.FILETYPE_PEM, 'garbage');
    } catch (e) {
      expect((e as OpenSSLError).operation).toBe('load_certificate');
      expect((e as OpenSSLError).code).toMatch(/^ERR_OSSL_/);
    }
  });

  it('SSL error classes form pyOpenSSL hierarchy', () => {
    for (const E of [WantReadError, WantWriteError, WantX509LookupError, ZeroReturnError]) {
      const e = new E();
      expect(e).toBeInstanceOf(OpenSSLError);
      expect(e).toBeInstanceOf(Error);
      expect(e.name).toBe(E.name);
    }
    expect(SSL.WantReadError).toBe(WantReadError);
    const eof = new SysCallError(-1, 'Unexpected EOF');
    expect(eof.errno).toBe(-1);
    expect(eof.unexpectedEof).toBe(true);
    expect(eof.code).toBe('ERR_SSL_UNEXPECTED_EOF');
  });

  it('wrong argument types and values are TypeError/RangeError naming the argument', () => {
    expect(() => digest(42 as unknown as string, 'x')).toThrow(/"algorithm"/);
    expect(() => digest('sha256', 42 as unknown as string)).toThrow(TypeError);
    expect(() => digest('sha\u0000256', 'x')).toThrow(/NUL/);
    expect(() => randomBytes(-1)).toThrow(RangeError);
    expect(() => randomBytes(1.5)).toThrow(RangeError);
    expect(() => randomBytes('3' as unknown as number)).toThrow(TypeError);
    try {
      randomBytes(-1);
    } catch (e) {
      expect((e as RangeError & { code: string }).code).toBe('ERR_OUT_OF_RANGE');
      expect((e as Error).message).toContain('"size"');
    }
  });
});

describe('async jobs', () => {
  it('digest and random bytes resolve off the event loop and match the sync results', async () => {
    const data = Buffer.alloc(1 << 20, 7);
    const p = digestAsync('sha512', data);
    data.fill(0); // inputs are copied before the job starts
    expect((await p).equals(digest('sha512', Buffer.alloc(1 << 20, 7)))).toBe(true);
    expect((await randomBytesAsync(32)).length).toBe(32);
    expect(randomBytes(0).length).toBe(0);
  });

  it('reject with an OpenSSLError drained on the worker thread', async () => {
    await expect(digestAsync('nope', 'x')).rejects.toBeInstanceOf(OpenSSLError);
    await expect(digestAsync('nope', 'x')).rejects.toMatchObject({ operation: 'digest', errors: [{ reason: 'unsupported' }] });
    expect(() => digestAsync(1 as unknown as string, 'x')).toThrow(TypeError);
  });

  it('SHAKE (an XOF) works through the same path', () => {
    expect(digest('shake256', 'abc').length).toBe(32);
  });
});

describe('ownership', () => {
  it('free() releases early; use after free is a clear error, never a crash', () => {
    const k = new crypto.PKey();
    k.generateKey(crypto.TYPE_EC, 'P-256');
    k.free();
    k.free(); // idempotent
    expect(() => k.bits()).toThrow(/PKey has been freed/);
    try {
      k.type();
    } catch (e) {
      expect((e as { code: string }).code).toBe('ERR_OPENSSL_NAPI_FREED');
    }
    const x = new crypto.X509();
    {
      using y = new crypto.X509();
      y.setSerialNumber(5);
    }
    x[Symbol.dispose]();
    expect(() => crypto.dumpCertificate(crypto.FILETYPE_PEM, x)).toThrow(/X509 has been freed/);
  });

  it('a wrong native object is a TypeError, not a bad cast', () => {
    const k = new crypto.PKey();
    const x = new crypto.X509();
    expect(() => x.setPubkey(x as unknown as crypto.PKey)).toThrow(TypeError);
    expect(() => crypto.dumpCertificate(crypto.FILETYPE_PEM, k as unknown as crypto.X509)).toThrow(TypeError);
    // bypassing the TS layer reaches the native type-tag check
    const handle = (k as unknown as { _h: object })._h;
    expect(() => x._h.setPubkey(({} as unknown) as typeof handle as never)).toThrow(/native PKey handle/);
  });

  it('collects thousands of dropped objects under --expose-gc', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(typeof gc).toBe('function');
    const k = new crypto.PKey();
    k.generateKey(crypto.TYPE_EC, 'P-256');
    const round = () => {
      for (let i = 0; i < 2000; i++) {
        const x = new crypto.X509();
        x.getSubject().CN = `n${i}`;
        x.setPubkey(k);
      }
    };
    round();
    gc!();
    await new Promise((r) => setTimeout(r, 10));
    gc!();
    const before = process.memoryUsage().rss;
    for (let i = 0; i < 5; i++) {
      round();
      gc!();
      await new Promise((r) => setTimeout(r, 10));
    }
    gc!();
    const after = process.memoryUsage().rss;
    // Under ASan, freed memory sits in its quarantine and LeakSanitizer does this check instead.
    if (process.env.OPENSSL_NAPI_ASAN !== '1') expect(after - before).toBeLessThan(40 * 1024 * 1024);
  });

  it('a name view outlives its certificate and keeps it alive', async () => {
    const gc = (globalThis as { gc?: () => void }).gc!;
    let name: crypto.X509Name;
    {
      const x = new crypto.X509();
      x.getSubject().CN = 'kept';
      name = x.getSubject();
    }
    gc();
    await new Promise((r) => setTimeout(r, 10));
    gc();
    expect(name.CN).toBe('kept');
  });
});

// A self-contained script (for workers and child processes): a P-256 identity, then `rounds` full
// TLS 1.3 handshakes in memory with a few KiB each way; prints "<allocator> <bytes echoed>".
const handshakeScript = (rounds: number): string => `
  import(${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)}).then(({ SSL, crypto, version, WantReadError }) => {
    const { key, cert } = (${selfSignedIdentity.toString()})(crypto, 'allocator');
    const sctx = new SSL.Context(SSL.TLS_METHOD);
    sctx.useCertificate(cert);
    sctx.usePrivatekey(key);
    const cctx = new SSL.Context(SSL.TLS_METHOD);
    const move = (a, b) => { for (;;) { try { b.bioWrite(a.bioRead(65536)); } catch (e) { if (e instanceof WantReadError) return; throw e; } } };
    const step = (c) => { try { c.doHandshake(); return true; } catch (e) { if (e instanceof WantReadError) return false; throw e; } };
    let echoed = 0;
    for (let r = 0; r < ${rounds}; r++) {
      const s = new SSL.Connection(sctx); s.setAcceptState();
      const c = new SSL.Connection(cctx); c.setConnectState();
      let done = false;
      for (let i = 0; i < 20 && !done; i++) { const cd = step(c); move(c, s); const sd = step(s); move(s, c); done = cd && sd; }
      if (!done) throw new Error('handshake did not finish');
      c.sendall(Buffer.alloc(5000, r)); move(c, s);
      const got = s.recv(8192); s.sendall(got); move(s, c);
      echoed += c.recv(8192).length;
      c.free(); s.free();
    }
    return version().allocator + ' ' + echoed;
  }).then((out) => report(out), (e) => report('error ' + (e && e.stack || e)));`;

describe("the addon's OpenSSL allocator", () => {
  // The block cache is opt-in (OPENSSL_NAPI_BLOCK_CACHE=1) and never under ASan (which must see every free).
  const cacheBuilt = process.env.OPENSSL_NAPI_ASAN !== '1';
  const expected = cacheBuilt && process.env.OPENSSL_NAPI_BLOCK_CACHE === '1' ? 'block-cache' : 'malloc';
  const withCache = cacheBuilt ? 'block-cache' : 'malloc';

  it('is plain malloc unless OPENSSL_NAPI_BLOCK_CACHE=1 asks for the per-thread block cache', () => {
    expect(version().allocator).toBe(expected);
  });

  it('serves worker threads that allocate, exit and leave their cached blocks behind', async () => {
    const run = async (): Promise<string> => {
      const w = new Worker(`const { parentPort } = require('node:worker_threads'); const report = (m) => parentPort.postMessage(m);${handshakeScript(5)}`, { eval: true });
      // 'exit' is listened for from the start: it can follow 'message' before a later listener.
      const exited = new Promise((resolve) => w.once('exit', resolve));
      const msg = await new Promise<string>((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
      });
      await exited;
      return msg;
    };
    const outs = await Promise.all([run(), run(), run()]);
    outs.push(await run());
    expect(outs).toEqual(Array(4).fill(`${expected} 25000`));
  });

  it('OPENSSL_NAPI_BLOCK_CACHE=1 turns the block cache on, and TLS works the same; other values keep malloc', () => {
    const run = (setting: string): string =>
      execFileSync(process.execPath, ['-e', `const report = (m) => console.log(m);${handshakeScript(3)}`], {
        encoding: 'utf8',
        env: { ...process.env, OPENSSL_NAPI_BLOCK_CACHE: setting },
      }).trim();
    expect(run('1')).toBe(`${withCache} 15000`);
    expect(run('0')).toBe('malloc 15000');
    expect(run('yes')).toBe('malloc 15000');
  });

  it('works with glibc tuned to mmap every block over 4 KiB (mmapped blocks are never cached)', () => {
    // The record buffers then come from mmap: the cache must pass them straight to free().
    const out = execFileSync(process.execPath, ['-e', `const report = (m) => console.log(m);${handshakeScript(3)}`], {
      encoding: 'utf8',
      env: { ...process.env, OPENSSL_NAPI_BLOCK_CACHE: '1', GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=4096' },
    });
    expect(out.trim()).toBe(`${withCache} 15000`);
  });
});

describe('context awareness', () => {
  it('loads and works in a worker thread', async () => {
    const url = new URL('../dist/index.js', import.meta.url);
    const code = `
      const { parentPort } = require('node:worker_threads');
      import(${JSON.stringify(url.href)}).then((m) => {
        parentPort.postMessage(m.digest('sha256', 'abc').toString('hex') + ' ' + m.version().openssl);
      }, (e) => parentPort.postMessage('error ' + e.message));`;
    const w = new Worker(code, { eval: true });
    const msg = await new Promise<string>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
    await w.terminate();
    expect(msg).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad ' + version().openssl);
  });
});
