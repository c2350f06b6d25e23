// Providers come from the binding's own OpenSSL (issue 17): built in, or a self-contained module
// file; a module that would bind to another copy of OpenSSL (Node's, exported by the node
// executable) is refused. Proven with the dynamic linker's own report (LD_DEBUG=bindings).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { crypto, version } from '../lib/index.js';

const index = path.resolve(__dirname, '../dist/index.js');

/** Runs `body` in a child node with LD_DEBUG=bindings; returns its JSON result and the bindings of every ossl-modules file. */
function withBindings(body: string, env: Record<string, string> = {}): { result: Record<string, unknown>; bindings: string[] } {
  const script = `const { crypto, version } = await import(${JSON.stringify(index)});\n${body}`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, LD_DEBUG: 'bindings', ...env },
    maxBuffer: 256 * 1024 * 1024,
  });
  const line = r.stdout.trim().split('\n').pop() ?? '{}';
  const bindings = r.stderr.split('\n').filter((l) => /binding file \S*ossl-modules\S* /.test(l));
  return { result: JSON.parse(line) as Record<string, unknown>, bindings };
}

const LOAD_LEGACY = `
let loaded = null, code = null;
try { loaded = crypto.loadProvider('legacy'); } catch (e) { code = e.code; }
console.log(JSON.stringify({ loaded, code, providers: version().providers, node: process.execPath }));`;

describe('providers come from the chosen OpenSSL', () => {
  it('legacy loads built in or from a self-contained module; no provider symbol resolves to the node executable', () => {
    const { result, bindings } = withBindings(LOAD_LEGACY);
    const toNode = bindings.filter((l) => l.includes(` to ${String(result.node)} `));
    expect(toNode).toEqual([]);
    if (result.loaded === 'legacy') {
      const legacy = (result.providers as crypto.ProviderInfo[]).find((p) => p.name === 'legacy')!;
      expect(legacy.version).toBe(version().openssl);
      // A from-source build (scripts/build-openssl.sh) has it built in: nothing loads from disk.
      if (!version().modulesDir.startsWith('/usr/')) expect(legacy.source).toBe('built-in');
    } else {
      expect(result.code).toBe('ERR_OPENSSL_NAPI_FOREIGN_PROVIDER');
    }
  });

  it.skipIf(!version().modulesDir.startsWith('/usr/'))(
    "a system OpenSSL's legacy module is refused, and rightly: forced, it binds to Node's OpenSSL",
    () => {
      expect(() => crypto.loadProvider('legacy')).toThrow(/Refusing the OpenSSL provider module .*legacy\.so: .*OPENSSL_NAPI_ALLOW_FOREIGN_PROVIDERS=1/);
      const { result, bindings } = withBindings(LOAD_LEGACY, { OPENSSL_NAPI_ALLOW_FOREIGN_PROVIDERS: '1' });
      expect(result.loaded).toBe('legacy');
      expect(bindings.filter((l) => l.includes(` to ${String(result.node)} `)).length).toBeGreaterThan(0);
    },
  );

  it('version() lists the loaded providers with version and source', () => {
    const def = version().providers.find((p) => p.name === 'default');
    expect(def).toEqual({ name: 'default', version: version().openssl, buildInfo: expect.any(String), source: 'built-in' });
  });

  it('the search path can be set and restored; a bad name still fails cleanly', () => {
    const before = crypto.providerSearchPath();
    crypto.setProviderSearchPath('/nonexistent/modules');
    try {
      expect(crypto.providerSearchPath()).toBe('/nonexistent/modules');
      expect(() => crypto.loadProvider('no-such-provider')).toThrow(/\/nonexistent\/modules/);
    } finally {
      crypto.setProviderSearchPath(null);
    }
    expect(crypto.providerSearchPath()).toBe(before);
    expect(() => crypto.setProviderSearchPath(5 as never)).toThrow(TypeError);
    expect(() => crypto.loadProvider('')).toThrow(TypeError);
  });
});

describe('a property query per Context (SSL_CTX_new_ex)', () => {
  it('provider=default handshakes; a query no provider meets fails with a clear OpenSSL error, no crash', async () => {
    const { SSL } = await import('../lib/index.js');
    const { handshake, pair, pki } = await import('./ssl-helpers.js');
    const server = new SSL.Context(SSL.TLS_METHOD, { propertyQuery: 'provider=default' });
    server.useCertificate(pki().ec.cert);
    server.usePrivatekey(pki().ec.key);
    const p = pair(server, new SSL.Context(SSL.TLS_METHOD, { propertyQuery: 'provider=default' }));
    handshake(p.client, p.server);
    expect(p.client.getProtocolVersionName()).toBe('TLSv1.3');
    let err: unknown;
    try {
      const none = new SSL.Context(SSL.TLS_METHOD, { propertyQuery: 'provider=no-such-provider' });
      const q = pair(server, none);
      handshake(q.client, q.server);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SSL.Error);
    expect(() => new SSL.Context(SSL.TLS_METHOD, { propertyQuery: 5 as never })).toThrow(TypeError);
  });
});
