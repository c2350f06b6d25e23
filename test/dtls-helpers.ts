// DTLS test helpers: contexts with cookie callbacks and a datagram-by-datagram pump between two
// memory-mode DTLS Connections.
import { createHmac, randomBytes } from 'node:crypto';
import { SSL, WantReadError } from '../lib/index.js';
import { pki, type Leaf } from './ssl-helpers.js';

const secret = randomBytes(32);

/** An HMAC cookie over a per-connection label (the peer address in real servers). */
export function cookieFor(label: string): Buffer {
  return createHmac('sha256', secret).update(label).digest();
}

export function dtlsServerContext(leaf: Leaf = pki().ec, method = SSL.DTLS_SERVER_METHOD): SSL.Context {
  const ctx = new SSL.Context(method);
  ctx.useCertificate(leaf.cert);
  ctx.usePrivatekey(leaf.key);
  ctx.setCookieGenerateCallback((conn) => cookieFor(String(conn.getAppData() ?? 'peer')));
  ctx.setCookieVerifyCallback((conn, cookie) => cookie.equals(cookieFor(String(conn.getAppData() ?? 'peer'))));
  return ctx;
}

export function dtlsClientContext(method = SSL.DTLS_CLIENT_METHOD): SSL.Context {
  return new SSL.Context(method);
}

/** All datagrams waiting in conn's write BIO, one Buffer per datagram. */
export function drain(conn: SSL.Connection): Buffer[] {
  const out: Buffer[] = [];
  for (;;) {
    try {
      out.push(conn.bioRead(65536));
    } catch (e) {
      if (e instanceof WantReadError) return out;
      throw e;
    }
  }
}

export function feed(conn: SSL.Connection, datagrams: Buffer[]): void {
  for (const d of datagrams) conn.bioWrite(d);
}

/** Runs f; false on WantReadError. */
export function attempt(f: () => void): boolean {
  try {
    f();
    return true;
  } catch (e) {
    if (e instanceof WantReadError) return false;
    throw e;
  }
}

/** Cookie exchange with DTLSv1Listen, then the handshake. Returns the number of listen rounds. */
export function dtlsHandshake(client: SSL.Connection, server: SSL.Connection): number {
  // ClientHello (no cookie) -> HelloVerifyRequest -> ClientHello (cookie)
  let rounds = 0;
  attempt(() => client.doHandshake());
  for (;;) {
    feed(server, drain(client));
    rounds++;
    if (attempt(() => server.DTLSv1Listen())) break;
    if (rounds > 5) throw new Error('cookie exchange did not finish');
    feed(client, drain(server));
    attempt(() => client.doHandshake());
  }
  let cDone = false;
  let sDone = false;
  for (let i = 0; i < 20 && !(cDone && sDone); i++) {
    if (!sDone) sDone = attempt(() => server.doHandshake());
    feed(client, drain(server));
    if (!cDone) cDone = attempt(() => client.doHandshake());
    feed(server, drain(client));
  }
  if (!(cDone && sDone)) throw new Error('DTLS handshake did not finish');
  return rounds;
}
