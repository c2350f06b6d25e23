// Certificate callbacks and TLS 1.3 post-handshake authentication (issue 19): a server that picks
// its certificate per handshake (by server name, or by the client's signature algorithms), a
// client that supplies its certificate only when asked, and a server that asks after the handshake.
import { describe, expect, it } from 'vitest';
import { SSL, WantReadError, crypto } from '../lib/index.js';
import { handshake, pair, pki, transfer } from './ssl-helpers.js';

function clientTrusting(): SSL.Context {
  const ctx = new SSL.Context(SSL.TLS_METHOD);
  ctx.getCertStore().addCert(pki().ca);
  ctx.setVerify(SSL.VERIFY_PEER);
  return ctx;
}

function mtlsServer(): SSL.Context {
  const ctx = new SSL.Context(SSL.TLS_METHOD);
  ctx.useCertificate(pki().rsa.cert);
  ctx.usePrivatekey(pki().rsa.key);
  ctx.getCertStore().addCert(pki().ca);
  return ctx;
}

describe('setCertCallback: the certificate chosen per handshake', () => {
  it('a server with no certificate of its own picks one by the server name', () => {
    const server = new SSL.Context(SSL.TLS_METHOD);
    const names: (string | null)[] = [];
    server.setCertCallback((conn) => {
      names.push(conn.getServername());
      const leaf = conn.getServername() === 'ec.example' ? pki().ec : pki().rsa;
      conn.useCertificate(leaf.cert);
      conn.usePrivatekey(leaf.key);
      return true;
    });
    for (const [name, keyType] of [['ec.example', crypto.TYPE_EC], ['rsa.example', crypto.TYPE_RSA]] as const) {
      const p = pair(server, clientTrusting());
      p.client.setTlsextHostName(name);
      handshake(p.client, p.server);
      expect(p.client.getPeerCertificate()!.getPubkey().type()).toBe(keyType);
    }
    expect(names).toEqual(['ec.example', 'rsa.example']);
  });

  it('false fails the handshake; a throw is rethrown; a non-boolean is a TypeError', () => {
    for (const [cb, match] of [
      [() => false, SSL.Error],
      [() => {
        throw new RangeError('no certificate for you');
      }, /no certificate for you/],
      [() => 1, /certificate callback/],
    ] as const) {
      const server = mtlsServer();
      server.setCertCallback(cb as unknown as () => boolean);
      const p = pair(server, clientTrusting());
      expect(() => handshake(p.client, p.server)).toThrow(match as never);
    }
  });
});

describe('setClientCertCallback: a client certificate only when asked', () => {
  it('is called when the server requests one, and the server verifies what it returns', () => {
    const server = mtlsServer();
    server.setVerify(SSL.VERIFY_PEER | SSL.VERIFY_FAIL_IF_NO_PEER_CERT);
    const client = clientTrusting();
    let asked = 0;
    client.setClientCertCallback(() => {
      asked++;
      return { cert: pki().client.cert, key: pki().client.key };
    });
    const p = pair(server, client);
    handshake(p.client, p.server);
    expect(asked).toBe(1);
    expect(p.server.getPeerCertificate()!.getSubject().CN).toBe('client');
    expect(p.server.getVerifyResult()).toBe(0);

    // Not asked when the server does not request a certificate.
    const q = pair(mtlsServer(), client);
    handshake(q.client, q.server);
    expect(asked).toBe(1);
  });

  it('null sends none (the server then refuses); a bad answer fails with a TypeError', () => {
    const strict = () => {
      const s = mtlsServer();
      s.setVerify(SSL.VERIFY_PEER | SSL.VERIFY_FAIL_IF_NO_PEER_CERT);
      return s;
    };
    const none = clientTrusting();
    none.setClientCertCallback(() => null);
    const p = pair(strict(), none);
    expect(() => handshake(p.client, p.server)).toThrow(SSL.Error);

    const publicOnly = crypto.loadPublickey(crypto.FILETYPE_PEM, crypto.dumpPublickey(crypto.FILETYPE_PEM, pki().client.key));
    for (const answer of [{ cert: 'x' }, 42, { cert: pki().client.cert, key: publicOnly }]) {
      const bad = clientTrusting();
      bad.setClientCertCallback(() => answer as never);
      const q = pair(strict(), bad);
      expect(() => handshake(q.client, q.server)).toThrow(TypeError);
    }
    expect(() => none.setClientCertCallback('no' as never)).toThrow(TypeError);
  });
});

describe('TLS 1.3 post-handshake authentication', () => {
  function read(conn: SSL.Connection): Buffer | null {
    try {
      return conn.recv(1024);
    } catch (e) {
      if (e instanceof WantReadError) return null;
      throw e;
    }
  }

  it('the server asks after the handshake; the client answers with its certificate', () => {
    const server = mtlsServer();
    // Not during the handshake: only when the server asks afterwards.
    server.setVerify(SSL.VERIFY_PEER | SSL.VERIFY_POST_HANDSHAKE);
    const client = clientTrusting();
    client.setPostHandshakeAuth(true);
    client.useCertificate(pki().client.cert);
    client.usePrivatekey(pki().client.key);
    const p = pair(server, client);
    handshake(p.client, p.server);
    transfer(p.server, p.client);
    read(p.client); // the tickets
    expect(p.server.getPeerCertificate()).toBeNull();

    p.server.verifyClientPostHandshake();
    p.server.send(Buffer.from('who are you?')); // carries the CertificateRequest
    transfer(p.server, p.client);
    expect(read(p.client)?.toString()).toBe('who are you?');
    transfer(p.client, p.server); // Certificate, CertificateVerify, Finished
    expect(read(p.server)).toBeNull();
    expect(p.server.getPeerCertificate()!.getSubject().CN).toBe('client');
    expect(p.server.getVerifyResult()).toBe(0);
  });

  it('a client that did not offer it: the server cannot ask (clear error)', () => {
    const p = pair(mtlsServer(), clientTrusting());
    handshake(p.client, p.server);
    expect(() => p.server.verifyClientPostHandshake()).toThrow(SSL.Error);
    expect(() => p.client.setPostHandshakeAuth('yes' as never)).toThrow(TypeError);
  });
});
