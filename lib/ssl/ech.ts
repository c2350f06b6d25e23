/**
 * `ECHStore`: Encrypted Client Hello (RFC 9849) configurations and keys, an OpenSSL 4.0
 * `OSSL_ECHSTORE`. A server holds the private keys (`Context.setEchStore`); a client needs only
 * the public ECHConfigList (`Connection.setEchConfigList`), as published in a DNS HTTPS record.
 *
 * On an OpenSSL without ECH (before 4.0) the class and every ECH method exist and throw an Error
 * with code `ERR_OPENSSL_NAPI_UNSUPPORTED` that names the version needed; {@link ECH_SUPPORTED}
 * tells in advance.
 * @module
 */
import { native } from '../native.js';
import { bytesOf, optionsOf } from '../handle.js';
import type { NativeECHStore } from './native-types.js';

/** True when the OpenSSL the binding runs has Encrypted Client Hello (4.0 and later). */
export const ECH_SUPPORTED: boolean = native.echSupported;

/** Options of {@link ECHStore.newConfig}. */
export interface ECHConfigOptions {
  /** The HPKE suite as OpenSSL names it: `"x25519,hkdf-sha256,aes-128-gcm"` (the default), ... */
  suite?: string;
  /** The longest server name the padding should hide (0, the default: unknown). */
  maxNameLength?: number;
  /** Offer this config to clients whose ECH failed, as a retry config (default true). */
  forRetry?: boolean;
}

/** One ECHConfig of a store, as {@link ECHStore.entries} lists them. */
export interface ECHEntry {
  /** The ECHConfig's public name: the outer SNI clients send. */
  publicName: string;
  /** A one-line description of the ECHConfig (OpenSSL's string form, for logs). */
  config: string;
  /** The store holds its private key (a server's entry). */
  hasPrivateKey: boolean;
  /** Sent to clients as a retry configuration when their ECH fails. */
  forRetry: boolean;
  /** Seconds since the entry was made or loaded. */
  loadedSeconds: number;
}

/** How ECH went on a connection ({@link MemoryConnection.getEchStatus}). */
export interface ECHStatus {
  /** OpenSSL's `SSL_ECH_STATUS_*` value (1 success; negative: not tried, failed, ...). */
  status: number;
  /** The same as a word: `"success"`, `"grease"`, `"grease-ech"`, `"not-tried"`, `"not-configured"`, `"failed-ech"`, `"bad-name"`, `"backend"`, `"failed"`, ... */
  name: string;
  /** The inner (encrypted) server name. */
  innerServerName: string | null;
  /** The outer (visible) server name. */
  outerServerName: string | null;
}

const ECHCONFIG_PEM = /-----BEGIN ECHCONFIG-----([\s\S]*?)-----END ECHCONFIG-----\n?/;

/**
 * The ECHConfigs of one ECHCONFIG PEM block. OpenSSL 4.0 writes a newly made entry as a whole
 * ECHConfigList (a 2-byte length first) but an entry it read as the bare ECHConfig, and its own
 * reader takes only the first: every block the binding hands out is made a list again.
 */
function configsOf(pem: string): Buffer {
  const m = ECHCONFIG_PEM.exec(pem);
  if (m === null) throw Object.assign(new Error('The ECH store wrote no ECHConfig'), { code: 'ERR_OPENSSL_NAPI_STATE' });
  const bytes = Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64');
  return bytes.length >= 2 && bytes.readUInt16BE(0) === bytes.length - 2 ? bytes.subarray(2) : bytes;
}

/** An ECHConfigList of `configs`. */
function listOf(configs: Buffer): Buffer {
  const length = Buffer.alloc(2);
  length.writeUInt16BE(configs.length);
  return Buffer.concat([length, configs]);
}

/** The ECH PEM file of entry `index` (its key, if the store has it, and its ECHConfigList). */
function entryPem(h: NativeECHStore, index: number): Buffer {
  const raw = h.writePem(index).toString('latin1');
  const b64 = listOf(configsOf(raw)).toString('base64').replace(/.{1,64}/g, '$&\n');
  return Buffer.from(raw.replace(ECHCONFIG_PEM, `-----BEGIN ECHCONFIG-----\n${b64}-----END ECHCONFIG-----\n`), 'latin1');
}

/**
 * ECH configurations and keys (`OSSL_ECHSTORE`). OpenSSL 4.0+: on an older OpenSSL every method
 * throws an Error with code `ERR_OPENSSL_NAPI_UNSUPPORTED` (see {@link ECH_SUPPORTED}).
 *
 * @example A server's keys, and what a client needs
 * ```ts
 * import { SSL } from 'openssl-napi';
 *
 * const store = SSL.ECHStore.generate('public.example.com');
 * serverCtx.setEchStore(store); // the server decrypts ECH with its keys
 * const published = store.getConfigList(); // base64: the DNS HTTPS record's ech= value
 * clientConn.setEchConfigList(published);
 * clientConn.setTlsextHostName('secret.example.com'); // the inner, encrypted name
 * ```
 */
export class ECHStore {
  /** @internal */
  _h: NativeECHStore;

  /** An empty store (`OSSL_ECHSTORE_new`). */
  constructor() {
    this._h = new native.ECHStore();
  }

  /** @internal */
  static _wrap(h: NativeECHStore): ECHStore {
    const s = Object.create(ECHStore.prototype) as ECHStore;
    s._h = h;
    return s;
  }

  /** A store with one new key pair and its ECHConfig for `publicName` (see {@link ECHStore.newConfig}; `OSSL_ECHSTORE_new_config`). */
  static generate(publicName: string, options?: ECHConfigOptions): ECHStore {
    const store = new ECHStore();
    store.newConfig(publicName, options);
    return store;
  }

  /**
   * Makes a new key pair and an ECHConfig for it, whose public name is `publicName`
   * (`OSSL_ECHSTORE_new_config`). It is offered to clients as a retry config unless
   * `forRetry: false`.
   */
  newConfig(publicName: string, options?: ECHConfigOptions): void {
    const o = optionsOf<ECHConfigOptions>(options, 'options');
    // Made in a store of its own and read back through its PEM: an entry OpenSSL 4.0 has just made
    // is never a retry config and lists wrongly (see configsOf); one it has read is right.
    const fresh = new native.ECHStore();
    try {
      fresh.newConfig(publicName, o.suite ?? null, o.maxNameLength ?? 0);
      this._h.readPem(entryPem(fresh, -1), o.forRetry ?? true);
    } finally {
      fresh.free();
    }
  }

  /**
   * Loads a private key with its ECHConfigList in the ECH PEM file format (what `openssl ech`
   * writes). `forRetry` (default true): offer its configs to clients whose ECH failed
   * (`OSSL_ECHSTORE_read_pem`).
   */
  readPem(pem: Uint8Array | string, forRetry = true): void {
    this._h.readPem(bytesOf(pem, 'pem'), forRetry);
  }

  /**
   * The ECH PEM file of entry `index` with its private key (default: the last entry), for
   * `openssl s_server -ech_key` or {@link ECHStore.readPem} (`OSSL_ECHSTORE_write_pem`).
   */
  writePem(index?: number): Buffer {
    return entryPem(this._h, index ?? -1);
  }

  /**
   * Adds the ECHConfigs of an ECHConfigList (base64, as in a DNS HTTPS record's `ech=`, or its
   * binary form): a client's store (`OSSL_ECHSTORE_read_echconfiglist`).
   */
  readConfigList(list: Uint8Array | string): void {
    this._h.readConfigList(typeof list === 'string' ? list : Buffer.from(bytesOf(list, 'list')).toString('base64'));
  }

  /**
   * The public ECHConfigList of every entry, base64 (what a DNS HTTPS record publishes, and what
   * {@link MemoryConnection.setEchConfigList} takes), read from each entry's PEM
   * (`OSSL_ECHSTORE_write_pem`).
   * @throws an Error (`ERR_OPENSSL_NAPI_STATE`) when the store has no ECHConfig.
   */
  getConfigList(): string {
    const n = this.numEntries();
    if (n === 0) throw Object.assign(new Error('The ECH store has no ECHConfig'), { code: 'ERR_OPENSSL_NAPI_STATE' });
    const configs = Array.from({ length: n }, (_, i) => configsOf(this._h.writePem(i).toString('latin1')));
    return listOf(Buffer.concat(configs)).toString('base64');
  }

  /** Every entry (`OSSL_ECHSTORE_get1_info`). */
  entries(): ECHEntry[] {
    const [n] = this._h.counts();
    return Array.from({ length: n }, (_, i) => this._h.entry(i));
  }

  /** How many ECHConfigs the store holds (`OSSL_ECHSTORE_num_entries`). */
  numEntries(): number {
    return this._h.counts()[0];
  }

  /** How many private keys the store holds (`OSSL_ECHSTORE_num_keys`). */
  numKeys(): number {
    return this._h.counts()[1];
  }

  /** Keeps only entry `index` (a client choosing one config; `OSSL_ECHSTORE_downselect`). */
  downselect(index: number): void {
    this._h.downselect(index);
  }

  /** Drops the keys loaded more than `ageSeconds` ago (key rotation; `OSSL_ECHSTORE_flush_keys`). */
  flushKeys(ageSeconds: number): void {
    this._h.flushKeys(ageSeconds);
  }

  /** Releases the store now instead of at garbage collection (`OSSL_ECHSTORE_free`). */
  free(): void {
    this._h.free();
  }

  /** Same as {@link ECHStore.free}, for `using` (`OSSL_ECHSTORE_free`). */
  [Symbol.dispose](): void {
    this._h.free();
  }
}
