import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { version } from '../lib/index.js';
import { clientContext, handshake, pair, pki, serverContext } from './ssl-helpers.js';

const [major, minor] = version().openssl.split('.').map(Number) as [number, number];
const hasMlkem = major > 3 || (major === 3 && minor >= 5);

describe.skipIf(!hasMlkem)(`post-quantum key exchange (needs OpenSSL >= 3.5; the binding runs ${version().openssl})`, () => {
  it('completes a TLS 1.3 handshake on X25519MLKEM768', () => {
    const sctx = serverContext(pki().ec);
    const cctx = clientContext();
    sctx.setGroupsList('X25519MLKEM768');
    cctx.setGroupsList('X25519MLKEM768');
    const { server, client } = pair(sctx, cctx);
    handshake(client, server);
    expect(client.getProtocolVersionName()).toBe('TLSv1.3');
    expect(client.getGroupName()).toBe('X25519MLKEM768');
    expect(server.getGroupName()).toBe('X25519MLKEM768');
  });

  // node:tls runs Node's bundled OpenSSL (3.0 on Node 20): the same group name is refused there.
  it.skipIf(!process.versions.openssl.startsWith('3.0'))("is a group Node's own TLS (OpenSSL 3.0) refuses", () => {
    expect(() => tls.createSecureContext({ ecdhCurve: 'X25519MLKEM768' })).toThrow();
  });
});
