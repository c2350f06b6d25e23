// Encrypted Client Hello (issue 17): ECHStore (generate, PEM, ECHConfigList), a server Context with
// ECH keys, a client with an ECHConfigList and outer name, the status after the handshake, GREASE
// and the retry-config path; against openssl s_server/s_client of the same 4.0 build. Before 4.0
// every ECH method must throw an error that names the version.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SSL, crypto, version } from '../lib/index.js';
import { handshake, pair, roundTrip, sameBuildOpenssl } from './ssl-helpers.js';
import { startSServer } from './sockets-helpers.js';
import { makeCert } from './crypto-helpers.js';

const ECH = SSL.ECH_SUPPORTED;
const SKIP = `Encrypted Client Hello needs OpenSSL >= 4.0; the binding runs ${version().openssl}`;

const cli = ECH ? sameBuildOpenssl() : null;
const CLI_SKIP = `needs the openssl CLI of OpenSSL ${version().openssl} (set OPENSSL_NAPI_OPENSSL_BIN)`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openssl-napi-ech-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const PUBLIC = 'public.example';
const INNER = 'inner.example';

/** One certificate for both names: the inner server and the public (client-facing) one. */
const identity = (() => {
  const key = new crypto.PKey();
  key.generateKey(crypto.TYPE_EC, 'P-256');
  const cert = makeCert(INNER, key, { exts: [new crypto.X509Extension('subjectAltName', false, `DNS:${INNER},DNS:${PUBLIC}`)] });
  return { key, cert };
})();

function serverContext(store: SSL.ECHStore | null): SSL.Context {
  const ctx = new SSL.Context(SSL.TLS_METHOD);
  ctx.setMinProtoVersion(SSL.TLS1_3_VERSION);
  ctx.useCertificate(identity.cert);
  ctx.usePrivatekey(identity.key);
  if (store) ctx.setEchStore(store);
  return ctx;
}

function clientConnection(): SSL.Connection {
  const ctx = new SSL.Context(SSL.TLS_METHOD);
  ctx.setMinProtoVersion(SSL.TLS1_3_VERSION);
  ctx.getCertStore().addCert(identity.cert);
  ctx.setVerify(SSL.VERIFY_PEER);
  const c = new SSL.Connection(ctx);
  c.setConnectState();
  return c;
}

function serverConnection(ctx: SSL.Context): SSL.Connection {
  const s = new SSL.Connection(ctx);
  s.setAcceptState();
  return s;
}

describe.skipIf(!ECH)(`Encrypted Client Hello (${ECH ? `OpenSSL ${version().openssl}` : SKIP})`, () => {
  it('ECHStore: generate, list, write and read PEM, export the ECHConfigList', () => {
    const store = SSL.ECHStore.generate(PUBLIC, { suite: 'x25519,hkdf-sha256,aes-128-gcm' });
    expect(store.numEntries()).toBe(1);
    expect(store.numKeys()).toBe(1);
    const [entry] = store.entries();
    expect(entry!.publicName).toBe(PUBLIC);
    expect(entry!.hasPrivateKey).toBe(true);
    const pem = store.writePem();
    expect(pem.toString()).toMatch(/-----BEGIN PRIVATE KEY-----[\s\S]*-----BEGIN ECHCONFIG-----/);
    const again = new SSL.ECHStore();
    again.readPem(pem);
    expect(again.numKeys()).toBe(1);
    expect(again.getConfigList()).toBe(store.getConfigList());
    // A client's store from the public list only: no private key.
    const client = new SSL.ECHStore();
    client.readConfigList(store.getConfigList());
    expect(client.numEntries()).toBe(1);
    expect(client.numKeys()).toBe(0);
    expect(client.entries()[0]!.hasPrivateKey).toBe(false);
    // The binary form of the list is read too.
    const binary = new SSL.ECHStore();
    binary.readConfigList(Buffer.from(store.getConfigList(), 'base64'));
    expect(binary.numEntries()).toBe(1);
    // A second config; downselect keeps one.
    store.newConfig('other.example');
    expect(store.numEntries()).toBe(2);
    store.downselect(1);
    expect(store.entries().map((e) => e.publicName)).toEqual(['other.example']);
  });

  it('bad input: unknown suite, empty or garbage lists, bad PEM, freed store', () => {
    const store = new SSL.ECHStore();
    expect(() => store.newConfig(PUBLIC, { suite: 'no-such-kem,hkdf-sha256,aes-128-gcm' })).toThrow(RangeError);
    expect(() => store.newConfig('')).toThrow(RangeError);
    expect(() => store.readConfigList('')).toThrow(TypeError);
    expect(() => store.readConfigList('bm90IGFuIEVDSENvbmZpZ0xpc3Q=')).toThrow(SSL.Error);
    expect(() => store.readPem('-----BEGIN ECHCONFIG-----\nAAAA\n-----END ECHCONFIG-----\n')).toThrow(SSL.Error);
    expect(() => store.getConfigList()).toThrow(/no ECHConfig/);
    const c = clientConnection();
    expect(() => c.setEchConfigList('')).toThrow(TypeError);
    expect(() => c.setEchConfigList(Buffer.from('garbage'))).toThrow(SSL.Error);
    store.free();
    expect(() => store.numEntries()).toThrow(/freed/);
    expect(() => serverContext(null).setEchStore(store)).toThrow(/freed/);
  });

  it('in memory: the inner name travels encrypted; both sides report success', () => {
    const store = SSL.ECHStore.generate(PUBLIC);
    const server = serverConnection(serverContext(store));
    const client = clientConnection();
    client.setEchConfigList(store.getConfigList());
    client.setTlsextHostName(INNER);
    client.setHost(INNER);
    handshake(client, server);
    const cs = client.getEchStatus();
    expect(cs.name).toBe('success');
    expect(cs.status).toBe(1);
    expect(cs.innerServerName).toBe(INNER);
    expect(cs.outerServerName).toBe(PUBLIC);
    expect(server.getEchStatus().name).toBe('success');
    expect(server.getServername()).toBe(INNER);
    expect(roundTrip(client, server, Buffer.from('hidden')).toString()).toBe('hidden');
  });

  it('the outer name can be set, or left out', () => {
    const store = SSL.ECHStore.generate(PUBLIC);
    for (const [outer, noOuter, seen] of [['cover.example', false, 'cover.example'], [null, true, null]] as const) {
      const server = serverConnection(serverContext(store));
      const client = clientConnection();
      client.setEchConfigList(store.getConfigList());
      client.setEchServerNames(INNER, outer, noOuter);
      handshake(client, server);
      expect(client.getEchStatus().name).toBe('success');
      expect(client.getEchStatus().outerServerName).toBe(seen);
      expect(server.getServername()).toBe(INNER);
    }
  });

  it('without ECH configured, both sides say "not-configured"', () => {
    const server = serverConnection(serverContext(null));
    const client = clientConnection();
    client.setTlsextHostName(INNER);
    handshake(client, server);
    expect(client.getEchStatus().name).toBe('not-configured');
    expect(server.getEchStatus().name).toBe('not-configured');
  });

  it('GREASE: a server with ECH answers with its retry configs, which then work', () => {
    const store = SSL.ECHStore.generate(PUBLIC);
    const ctx = serverContext(store);
    ctx.setOptions(SSL.OP_ECH_GREASE_RETRY_CONFIG!);
    const server = serverConnection(ctx);
    const client = clientConnection();
    client.setEchGrease();
    client.setTlsextHostName(PUBLIC);
    handshake(client, server);
    expect(client.getEchStatus().name).toBe('grease-ech');
    const retry = client.getEchRetryConfig();
    expect(retry).not.toBeNull();
    const next = clientConnection();
    next.setEchConfigList(retry!);
    next.setTlsextHostName(INNER);
    handshake(next, serverConnection(ctx));
    expect(next.getEchStatus().name).toBe('success');
  });

  it('a stale config fails with ECH required, and the retry config it brings back succeeds', () => {
    const stale = SSL.ECHStore.generate(PUBLIC); // the client's old config: a key the server no longer has
    const current = SSL.ECHStore.generate(PUBLIC);
    const ctx = serverContext(current);
    const client = clientConnection();
    client.setEchConfigList(stale.getConfigList());
    client.setTlsextHostName(INNER);
    client.setHost(PUBLIC); // the retry configs are trusted only from the public name's server
    expect(() => handshake(client, serverConnection(ctx))).toThrow(SSL.Error);
    expect(client.getEchStatus().name).toBe('failed-ech');
    const retry = client.getEchRetryConfig();
    expect(retry).not.toBeNull();
    const second = clientConnection();
    second.setEchConfigList(retry!);
    second.setTlsextHostName(INNER);
    const server = serverConnection(ctx);
    handshake(second, server);
    expect(second.getEchStatus().name).toBe('success');
    expect(server.getServername()).toBe(INNER);
  });

  it('the Context keeps a copy of the store', () => {
    const store = SSL.ECHStore.generate(PUBLIC);
    const ctx = serverContext(store);
    store.newConfig('later.example');
    const copy = ctx.getEchStore()!;
    expect(copy.numEntries()).toBe(1);
    expect(serverContext(null).getEchStore()).toBeNull();
  });

  it.skipIf(!cli)(`interop: the binding's client against openssl s_server -ech_key${cli ? '' : ` (${CLI_SKIP})`}`, async () => {
    const store = SSL.ECHStore.generate(PUBLIC);
    const echFile = path.join(dir, 'ech.pem');
    const certFile = path.join(dir, 'cert.pem');
    const keyFile = path.join(dir, 'key.pem');
    fs.writeFileSync(echFile, store.writePem());
    fs.writeFileSync(certFile, crypto.dumpCertificate(crypto.FILETYPE_PEM, identity.cert));
    fs.writeFileSync(keyFile, crypto.dumpPrivatekey(crypto.FILETYPE_PEM, identity.key));
    const srv = await startSServer(cli!, ['-cert', certFile, '-key', keyFile, '-ech_key', echFile, '-tls1_3', '-naccept', '1', '-servername', INNER, '-cert2', certFile, '-key2', keyFile]);
    const port = srv.port;
    try {
      const ctx = new SSL.Context(SSL.TLS_METHOD);
      ctx.getCertStore().addCert(identity.cert);
      ctx.setVerify(SSL.VERIFY_PEER);
      const conn = new SSL.Connection(ctx, net.connect(port, '127.0.0.1'));
      conn.setConnectState();
      conn.setEchConfigList(store.getConfigList());
      conn.setTlsextHostName(INNER);
      await conn.doHandshake();
      expect(conn.getEchStatus().name).toBe('success');
      conn.free();
    } finally {
      await srv.stop();
    }
  });

  it.skipIf(!cli)(`interop: openssl s_client -ech_config_list against the binding's server${cli ? '' : ` (${CLI_SKIP})`}`, async () => {
    const store = SSL.ECHStore.generate(PUBLIC);
    const seen: string[] = [];
    const server = SSL.createServer({ context: serverContext(store) }, (s) => {
      seen.push(`${s.getConnection().getServername()} ${s.getConnection().getEchStatus().name}`);
      s.end('hello from the inner server\n');
    });
    server.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const r = await new Promise<string>((resolve) => {
        const c = spawn(cli!, ['s_client', '-connect', `127.0.0.1:${port}`, '-ech_config_list', store.getConfigList(),
          '-servername', INNER, '-CAfile', writeCert(), '-tls1_3'], { stdio: ['pipe', 'pipe', 'pipe'] });
        let text = '';
        c.stdout.on('data', (d: Buffer) => (text += d.toString()));
        c.stderr.on('data', (d: Buffer) => (text += d.toString()));
        c.on('close', () => resolve(text));
        setTimeout(() => c.stdin.end(), 1500);
      });
      expect(r).toMatch(/ECH: success/);
      expect(seen).toEqual([`${INNER} success`]);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

function writeCert(): string {
  const f = path.join(dir, 'ca.pem');
  fs.writeFileSync(f, crypto.dumpCertificate(crypto.FILETYPE_PEM, identity.cert));
  return f;
}


describe.skipIf(ECH)(`before OpenSSL 4.0 (the binding runs ${version().openssl})`, () => {
  it('the ECH class and methods exist and say which OpenSSL they need', () => {
    expect(() => new SSL.ECHStore()).toThrow(/requires OpenSSL 4\.0/);
    const c = new SSL.Connection(new SSL.Context(SSL.TLS_METHOD));
    for (const call of [
      () => c.setEchConfigList('AAAA'),
      () => c.setEchServerNames(INNER),
      () => c.setEchOuterServerName(null, true),
      () => c.setEchGrease(),
      () => c.getEchStatus(),
      () => c.getEchRetryConfig(),
      () => c.getEchStore(),
      () => new SSL.Context(SSL.TLS_METHOD).getEchStore(),
    ]) {
      let err: unknown;
      try {
        call();
      } catch (e) {
        err = e;
      }
      expect((err as Error).message).toMatch(/requires OpenSSL 4\.0 or later; the binding runs/);
      expect((err as NodeJS.ErrnoException).code).toBe('ERR_OPENSSL_NAPI_UNSUPPORTED');
    }
    expect(SSL.OP_ECH_GREASE).toBeUndefined();
  });
});
