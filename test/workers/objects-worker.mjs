// Worker: creates wrapped native objects in a tight loop (each call makes a new JS object around
// an OpenSSL one: X509.getSubject, X509.getPubkey, Connection.getPeerCertificate), to be
// terminated at arbitrary points inside that native work.
import { parentPort } from 'node:worker_threads';
import { SSL, contexts, selfSigned } from './common.mjs';

const ctxs = contexts();
const { cert } = selfSigned();
// A finished handshake, so the client has a peer certificate to hand out.
const server = new SSL.Connection(ctxs.server);
server.setAcceptState();
const client = new SSL.Connection(ctxs.client);
client.setConnectState();
const pump = (a, b) => {
  while (a.bioPending() > 0) b.bioWrite(a.bioRead(65536));
};
for (let i = 0; i < 10; i++) {
  for (const c of [client, server]) {
    try {
      c.doHandshake();
    } catch {
      // WantRead until the peer's flight arrives
    }
  }
  pump(client, server);
  pump(server, client);
}
if (client.getPeerCertificate()?.getSubject().CN !== 'localhost') throw new Error('handshake failed');
parentPort.postMessage({ type: 'ready' });
let made = 0;
for (;;) {
  cert.getSubject();
  cert.getPubkey();
  client.getPeerCertificate();
  made += 3;
}
