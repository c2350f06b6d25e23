// DTLS over UDP on loopback with openssl-napi: an echo server made with SSL.createDTLSServer
// (stateless cookie exchange, then one SSL.DTLSSocket per client) and an SSL.DTLSSocket client
// that verifies the server's certificate and host name, sends a few messages (one datagram per
// record), checks that each comes back unchanged, and closes both ends with close_notify.
// Exit 0 iff every echo matches.
//
//   node examples/dtls-echo/main.js [count]      (count: messages to echo, default 5)
import { SSL, crypto } from 'openssl-napi';

const COUNT = Number(process.argv[2] ?? 5);
if (!Number.isInteger(COUNT) || COUNT < 1) {
  console.error('usage: node examples/dtls-echo/main.js [count]');
  process.exit(2);
}
const watchdog = setTimeout(() => {
  console.error('dtls-echo: timed out');
  process.exit(1);
}, 20_000).unref();

// ------------------------------------------------------------------ a self-signed server certificate
const key = new crypto.PKey();
key.generateKey(crypto.TYPE_EC, 'prime256v1');
const cert = new crypto.X509();
cert.setVersion(2);
cert.setSerialNumber(1);
cert.getSubject().O = 'openssl-napi DTLS example';
cert.getSubject().CN = 'localhost';
cert.setIssuer(cert.getSubject());
cert.gmtimeAdjNotBefore(-60);
cert.gmtimeAdjNotAfter(3600);
cert.setPubkey(key);
cert.addExtensions([
  new crypto.X509Extension('basicConstraints', true, 'CA:FALSE'),
  new crypto.X509Extension('subjectAltName', false, 'DNS:localhost, IP:127.0.0.1'),
]);
cert.sign(key, 'sha256');

// ------------------------------------------------------------------ the echo server
const serverCtx = new SSL.Context(SSL.DTLS_SERVER_METHOD);
serverCtx.useCertificate(cert);
serverCtx.usePrivatekey(key);

const server = SSL.createDTLSServer({ context: serverCtx, handshakeTimeout: 5000 }, (peer) => {
  const from = peer.remoteAddress();
  console.log(`server: ${from.address}:${from.port} connected (${peer.connection.getProtocolVersionName()}, ${peer.connection.getCipherName()})`);
  peer.on('message', (msg) => peer.send(msg)); // echo: one record back per record in
  peer.on('error', (err) => console.error(`server: peer error: ${err.message}`));
  peer.on('close', () => console.log(`server: ${from.address}:${from.port} closed`));
});
server.on('clientError', (err, peer) => console.error(`server: handshake with ${peer.address}:${peer.port} failed: ${err.message}`));
server.on('error', (err) => console.error(`server: UDP error: ${err.message}`));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address();
console.log(`DTLS echo server on udp://127.0.0.1:${port}`);

// ------------------------------------------------------------------ the client
const clientCtx = new SSL.Context(SSL.DTLS_CLIENT_METHOD);
clientCtx.setVerify(SSL.VERIFY_PEER);
clientCtx.getCertStore().addCert(cert); // trust the server's certificate
// SNI localhost, and the certificate must hold that name.
const client = new SSL.DTLSSocket({ context: clientCtx, servername: 'localhost', checkHost: true });

let failures = 0;
try {
  // Echoes arrive as 'message' events; nextMessage() takes them in order.
  const inbox = [];
  const waiting = [];
  client.on('message', (msg) => (waiting.length > 0 ? waiting.shift()(msg) : inbox.push(msg)));
  const nextMessage = () => (inbox.length > 0 ? Promise.resolve(inbox.shift()) : new Promise((resolve) => waiting.push(resolve)));
  // Any client error (a handshake that fails verification, say) ends the run.
  const failed = new Promise((_, reject) => client.once('error', reject));
  failed.catch(() => {});

  await Promise.race([new Promise((resolve) => client.connect(port, '127.0.0.1', resolve)), failed]);
  const conn = client.connection;
  const peerCert = conn.getPeerCertificate();
  console.log(`client: connected, ${conn.getProtocolVersionName()} ${conn.getCipherName()}, group ${conn.getGroupName()}, ` +
    `server certificate CN=${peerCert?.getSubject().CN} (verify result ${conn.getVerifyResult()}), ` +
    `up to ${conn.getCleartextMtu()} bytes of plaintext per datagram`);

  for (let i = 1; i <= COUNT; i++) {
    const text = `datagram ${i} of ${COUNT}: ${'~'.repeat(i * 10)}`;
    client.send(text);
    const echoed = await Promise.race([nextMessage(), failed]);
    const ok = echoed.toString() === text;
    if (!ok) failures++;
    console.log(`${ok ? 'ok  ' : 'FAIL'} sent ${String(Buffer.byteLength(text)).padStart(3)} bytes, echoed ${String(echoed.length).padStart(3)}: ${echoed.toString().slice(0, 24)}...`);
  }
} catch (err) {
  failures++;
  console.error(`client: ${err.message}`);
}

// ------------------------------------------------------------------ stop everything
await new Promise((resolve) => client.close(resolve)); // close_notify, then the UDP socket
await new Promise((resolve) => setTimeout(resolve, 50)); // lets the server read the close_notify
await new Promise((resolve) => server.close(resolve));
clearTimeout(watchdog);
console.log(failures === 0 ? `all ${COUNT} messages echoed` : `${failures} FAILED`);
process.exitCode = failures === 0 ? 0 : 1;
