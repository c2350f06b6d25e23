// The socket suites again, with the stream-event pump (ciphertext through the net.Socket's 'data'
// events and socket.write) instead of the native one (OpenSSL on the descriptor, the default).
// That pump serves `nativeIo: false` and sockets without a descriptor; both must behave the same.
process.env.OPENSSL_NAPI_SOCKET_IO = 'js';

await import('./sockets-core.test.js');
await import('./sockets-stream.test.js');
await import('./sockets-interop.test.js');
