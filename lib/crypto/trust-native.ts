/**
 * Native handle types of the trust area: stores, verification contexts, CRLs, PKCS#12/#7, OCSP,
 * providers (declaration merging into NativeBinding).
 * @internal
 * @module
 */
import '../native.js';
import type { ProviderAlgorithms, ProviderInfo } from './provider.js';
import type { NativeHandle, NativePKey, NativeX509, NativeX509Name, PassphraseInput } from './native-types.js';

/** Setters shared by stores and contexts. */
export interface NativeVerifyParams {
  setFlags(flags: number): void;
  clearFlags(flags: number): void;
  setTime(seconds: number): void;
  setDepth(depth: number): void;
  setPurpose(purpose: number): void;
  setTrust(trust: number): void;
  setHost(name: string | null): void;
  setHostFlags(flags: number): void;
  setIpAddress(ip: string | null): void;
  setEmail(email: string | null): void;
  setAuthLevel(level: number): void;
  setPolicies(oids: string[]): void;
}

export interface NativeX509Store extends NativeHandle, NativeVerifyParams {
  addCert(cert: NativeX509): void;
  addCrl(crl: NativeCRL): void;
  loadLocations(cafile: string | null, capath: string | null): void;
  setDefaultPaths(): void;
}

export type NativeVerifyResult =
  | true
  | { ok: true; chain: NativeX509[] }
  | { ok: false; code: number; depth: number; message: string; codeName: string; certificate: NativeX509 | null };

export interface NativeX509StoreContext extends NativeHandle, NativeVerifyParams {
  verify(wantChain?: boolean): NativeVerifyResult;
  setStore(store: NativeX509Store): void;
  setCertificate(cert: NativeX509): void;
  setChain(chain: NativeX509[] | null): void;
  setCrls(crls: NativeCRL[] | null): void;
}

export interface NativeRevoked extends NativeHandle {
  setSerialHex(hex: string): void;
  getSerialHex(): string;
  getSerialPairs(): Buffer;
  setReasonCode(code: number | null): void;
  getReason(): string | null;
  getReasonCode(): number | null;
  setRevDate(when: string): void;
  getRevDate(): string | null;
  copy(): NativeRevoked;
}

export interface NativeCRL extends NativeHandle {
  getRevoked(): NativeRevoked[] | null;
  addRevoked(r: NativeRevoked): void;
  getIssuer(): NativeX509Name;
  getVersion(): number;
  setVersion(v: number): void;
  getTime(which: 0 | 1): string | null;
  setTime(which: 0 | 1, when: string): void;
  sign(cert: NativeX509, key: NativePKey, digest: string | null): void;
  export(cert: NativeX509, key: NativePKey, type: number, days: number, digest: string | null): Buffer;
  verify(key: NativePKey): boolean;
  toDER(): Buffer;
  copy(): NativeCRL;
}

export interface NativePKCS12Parts {
  key: NativePKey | null;
  cert: NativeX509 | null;
  ca: NativeX509[];
  friendlyName: Buffer | null;
}

export interface NativePKCS12CreateArgs {
  key: NativePKey | null;
  cert: NativeX509 | null;
  ca: NativeX509[];
  friendlyName: Uint8Array | null;
  passphrase: Uint8Array | null;
  iter: number;
  macIter: number;
  keyPbe: string | null;
  certPbe: string | null;
  macDigest: string | null;
}

export interface NativePKCS7 extends NativeHandle {
  typeNid(): number;
  getTypeName(): string;
  getCertificates(): NativeX509[] | null;
  toDER(): Buffer;
}

export interface NativeOCSPRequest extends NativeHandle {
  toDER(): Buffer;
  hasNonce(): boolean;
  idCount(): number;
}

export interface NativeOCSPSingle {
  serialHex: string;
  issuerNameHash: Buffer;
  issuerKeyHash: Buffer;
  hashAlgorithm: string;
  status: number;
  revocationTime: string | null;
  reason: number;
  thisUpdate: string | null;
  nextUpdate: string | null;
  current: boolean;
}

export interface NativeOCSPResponse extends NativeHandle {
  status(): number;
  hasBasic(): boolean;
  producedAt(): string | null;
  responderId(): { name: NativeX509Name | null; keyHash: Buffer | null } | null;
  responses(): NativeOCSPSingle[];
  certificates(): NativeX509[];
  verify(store: NativeX509Store, untrusted: NativeX509[] | null, flags: number): void;
  checkNonce(req: NativeOCSPRequest): number;
  findStatus(cert: NativeX509, issuer: NativeX509, digest: string | null): NativeOCSPSingle | null;
  toDER(): Buffer;
}

declare module '../native.js' {
  interface NativeBinding {
    X509Store: new () => NativeX509Store;
    X509StoreContext: new (store: NativeX509Store, cert: NativeX509, chain: NativeX509[] | null) => NativeX509StoreContext;
    CRL: new () => NativeCRL;
    Revoked: new () => NativeRevoked;
    loadCrl(type: number, buffer: Uint8Array | string): NativeCRL;
    dumpCrl(type: number, crl: NativeCRL): Buffer;
    x509StoreFlags: Record<string, number>;
    x509Purpose: Record<string, number>;
    x509CheckFlags: Record<string, number>;
    x509Trust: Record<string, number>;
    x509VerifyCodes: Record<string, number>;
    loadProvider(name: string): string;
    listProviders(): string[];
    describeProviders(): ProviderInfo[];
    setProviderSearchPath(path: string | null): void;
    providerSearchPath(): string;
    providerAlgorithms(name: string): ProviderAlgorithms;
    pkcs12Parse(buffer: Uint8Array, passphrase: Uint8Array | null): NativePKCS12Parts;
    pkcs12ParseAsync(buffer: Uint8Array, passphrase: Uint8Array | null): Promise<NativePKCS12Parts>;
    pkcs12Create(args: NativePKCS12CreateArgs): Buffer;
    pkcs12CreateAsync(args: NativePKCS12CreateArgs): Promise<Buffer>;
    PKCS7: new () => NativePKCS7;
    loadPkcs7Data(type: number, buffer: Uint8Array | string): NativePKCS7;
    OCSPRequest: new () => NativeOCSPRequest;
    OCSPResponse: new () => NativeOCSPResponse;
    createOcspRequest(pairs: [NativeX509, NativeX509][], nonce: boolean, digest: string | null): NativeOCSPRequest;
    loadOcspRequest(der: Uint8Array): NativeOCSPRequest;
    loadOcspResponse(der: Uint8Array): NativeOCSPResponse;
    createOcspResponse(
      status: number,
      entries: [NativeX509, NativeX509, number, number, string | null][] | null,
      signer: NativeX509 | null,
      key: NativePKey | null,
      digest: string | null,
      certs: NativeX509[] | null,
      request: NativeOCSPRequest | null,
      validitySeconds: number,
      byKey: boolean,
      thisUpdateOffset?: number | null,
    ): NativeOCSPResponse;
    ocspConstants: Record<string, number>;
  }
}

export type { PassphraseInput };
