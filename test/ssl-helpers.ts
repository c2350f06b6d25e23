// Test helpers for the SSL suites: a PKI generated with the openssl CLI into a temp dir, and an
// in-memory pump between two memory-BIO Connections.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SSL, WantReadError, crypto, version } from '../lib/index.js';

export interface Leaf {
  certPem: string;
  keyPem: string;
  certFile: string;
  keyFile: string;
  cert: crypto.X509;
  key: crypto.PKey;
}

export interface Pki {
  dir: string;
  caFile: string;
  ca: crypto.X509;
  rsa: Leaf;
  ec: Leaf;
  client: Leaf;
  other: Leaf; // signed by an unrelated CA
}

function sh(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

let cached: Pki | null = null;

export function pki(): Pki {
  if (cached) return cached;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ossl-ssl-'));
  const days = '36500';
  sh(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem',
    '-subj', '/CN=Test CA', '-days', days, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  sh(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'oca.key', '-out', 'oca.pem',
    '-subj', '/CN=Other CA', '-days', days, '-addext', 'basicConstraints=critical,CA:TRUE'], dir);
  const ext = path.join(dir, 'leaf.ext');
  fs.writeFileSync(ext, 'subjectAltName=DNS:localhost,DNS:example.com,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
  const leaf = (name: string, keyArgs: string[], cn: string, ca = 'ca'): Leaf => {
    sh(['req', '-new', ...keyArgs, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`], dir);
    sh(['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.pem`,
      '-days', days, '-extfile', ext], dir);
    const certPem = fs.readFileSync(path.join(dir, `${name}.pem`), 'utf8');
    const keyPem = fs.readFileSync(path.join(dir, `${name}.key`), 'utf8');
    return {
      certPem, keyPem, certFile: path.join(dir, `${name}.pem`), keyFile: path.join(dir, `${name}.key`),
      cert: crypto.loadCertificate(crypto.FILETYPE_PEM, certPem),
      key: crypto.loadPrivatekey(crypto.FILETYPE_PEM, keyPem),
    };
  };
  const caFile = path.join(dir, 'ca.pem');
  cached = {
    dir, caFile,
    ca: crypto.loadCertificate(crypto.FILETYPE_PEM, fs.readFileSync(caFile)),
    rsa: leaf('rsa', ['-newkey', 'rsa:2048'], 'localhost'),
    ec: leaf('ec', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], 'localhost'),
    client: leaf('client', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], 'client'),
    other: leaf('other', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], 'localhost', 'oca'),
  };
  return cached;
}

export function serverContext(leaf: Leaf = pki().rsa, method = SSL.TLS_METHOD): SSL.Context {
  const ctx = new SSL.Context(method);
  ctx.useCertificate(leaf.cert);
  ctx.usePrivatekey(leaf.key);
  return ctx;
}

export function clientContext(method = SSL.TLS_METHOD): SSL.Context {
  return new SSL.Context(method);
}

export function pair(serverCtx: SSL.Context, clientCtx: SSL.Context): { server: SSL.Connection; client: SSL.Connection } {
  const server = new SSL.Connection(serverCtx);
  server.setAcceptState();
  const client = new SSL.Connection(clientCtx);
  client.setConnectState();
  return { server, client };
}

/** Moves all pending ciphertext from a to b; returns bytes moved. */
export function transfer(a: SSL.Connection, b: SSL.Connection): number {
  let n = 0;
  for (;;) {
    let chunk: Buffer;
    try {
      chunk = a.bioRead(65536);
    } catch (e) {
      if (e instanceof WantReadError) return n;
      throw e;
    }
    n += chunk.length;
    b.bioWrite(chunk);
  }
}

function step(c: SSL.Connection): boolean {
  try {
    c.doHandshake();
    return true;
  } catch (e) {
    if (e instanceof WantReadError) return false;
    throw e;
  }
}

/** Drives both handshakes to completion (throws the first real error). */
export function handshake(client: SSL.Connection, server: SSL.Connection): void {
  let cDone = false;
  let sDone = false;
  for (let i = 0; i < 50; i++) {
    if (!cDone) cDone = step(client);
    transfer(client, server);
    if (!sDone) sDone = step(server);
    transfer(server, client);
    if (cDone && sDone) {
      // deliver anything still in flight (tickets) by a zero-length read attempt
      return;
    }
  }
  throw new Error('handshake did not finish');
}

/** Sends data from a to b and returns what b received. */
export function roundTrip(a: SSL.Connection, b: SSL.Connection, data: Buffer): Buffer {
  a.sendall(data);
  transfer(a, b);
  const parts: Buffer[] = [];
  let got = 0;
  while (got < data.length) {
    const chunk = b.recv(65536);
    parts.push(chunk);
    got += chunk.length;
  }
  return Buffer.concat(parts);
}

/** Lets both sides process post-handshake messages (tickets, key updates). */
export function settle(client: SSL.Connection, server: SSL.Connection): void {
  for (let i = 0; i < 4; i++) {
    for (const [a, b] of [[client, server], [server, client]] as const) {
      try {
        a.recv(1, SSL.MSG_PEEK);
      } catch (e) {
        if (!(e instanceof WantReadError)) throw e;
      }
      transfer(a, b);
    }
  }
}

/**
 * The `openssl` CLI of the binding's own build, for interop peers of a version-specific feature:
 * OPENSSL_NAPI_OPENSSL_BIN (scripts/ci-openssl.sh sets it), else the one on PATH when its version
 * is the binding's; null when there is none.
 */
export function sameBuildOpenssl(): string | null {
  for (const bin of [process.env.OPENSSL_NAPI_OPENSSL_BIN, 'openssl'].filter((c): c is string => !!c)) {
    const r = spawnSync(bin, ['version'], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.startsWith(`OpenSSL ${version().openssl}`)) return bin;
  }
  return null;
}

/** A loopback port nothing listens on (for a moment). */
export async function freePort(): Promise<number> {
  const probe = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => probe.once('listening', r));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise((r) => probe.close(r));
  return port;
}
