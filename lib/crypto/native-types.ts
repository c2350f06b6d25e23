/**
 * Native handle types of the crypto area (declaration merging into NativeBinding).
 * @internal
 * @module
 */
import '../native.js';

export interface NativeHandle {
  free(): void;
  isFreed(): boolean;
}

export interface NativePKey extends NativeHandle {
  generateKey(type: number | string, bitsOrCurve?: number | string): void;
  type(): number;
  typeName(): string | null;
  bits(): number;
  check(): boolean;
  isPublicOnly(): boolean;
  isInitialized(): boolean;
  equals(other: NativePKey): boolean;
}

export interface NativeX509Name extends NativeHandle {
  getEntry(field: string): string | null;
  setEntry(field: string, value: string | Uint8Array): void;
  getComponents(): [Buffer, Buffer][];
  oneline(): string;
  rfc2253(): string;
  der(): Buffer;
  hash(): number;
  compare(other: NativeX509Name): number;
  entryCount(): number;
  isView(): boolean;
  copy(): NativeX509Name;
}

export interface NativeX509 extends NativeHandle, NativeX509ExtensionMethods {
  getVersion(): number;
  setVersion(v: number): void;
  getSerialHex(): string;
  setSerialHex(hex: string): void;
  gmtimeAdj(which: 0 | 1, seconds: number): void;
  getTime(which: 0 | 1): string | null;
  setTime(which: 0 | 1, when: string): void;
  hasExpired(): boolean;
  getName(which: 0 | 1): NativeX509Name;
  setName(which: 0 | 1, name: NativeX509Name): void;
  getPubkey(): NativePKey;
  setPubkey(key: NativePKey): void;
  sign(key: NativePKey, digest: string | null): void;
  verifySignature(key: NativePKey): boolean;
  getSignatureAlgorithm(): string;
  digest(name: string): string;
  subjectNameHash(): number;
  getExtensionCount(): number;
  toDER(): Buffer;
  copy(): NativeX509;
}

declare module '../native.js' {
  interface NativeBinding {
    PKey: new () => NativePKey;
    X509Name: new (copyOf?: NativeX509Name) => NativeX509Name;
    X509: new () => NativeX509;
    generateKeyAsync(type: number | string, bitsOrCurve?: number | string): Promise<NativePKey>;
    pkeyTypes: Record<string, number>;
    loadPrivatekey(type: number, buffer: Uint8Array | string, passphrase?: PassphraseInput | null): NativePKey;
    loadPublickey(type: number, buffer: Uint8Array | string): NativePKey;
    dumpPrivatekey(
      type: number,
      pkey: NativePKey,
      cipher?: string | null,
      passphrase?: PassphraseInput | null,
      format?: string | null,
      iterations?: number | null,
      scryptN?: number | null,
      scryptR?: number | null,
      scryptP?: number | null,
    ): Buffer;
    dumpPublickey(type: number, pkey: NativePKey): Buffer;
    loadCertificate(type: number, buffer: Uint8Array | string): NativeX509;
    dumpCertificate(type: number, cert: NativeX509): Buffer;
  }
}

/** A passphrase: the bytes themselves, or a callback given whether the key is being written. */
export type PassphraseInput = string | Uint8Array | ((writing: boolean) => string | Uint8Array);

export interface NativeX509Extension extends NativeHandle {
  getCritical(): boolean;
  getShortName(): string;
  getData(): Buffer;
  toString(): string;
  toDER(): Buffer;
}

export interface NativeX509Req extends NativeHandle {
  setPubkey(key: NativePKey): void;
  getPubkey(): NativePKey;
  setVersion(v: number): void;
  getVersion(): number;
  getSubject(): NativeX509Name;
  setSubject(name: NativeX509Name): void;
  addExtensions(exts: NativeX509Extension[]): void;
  getExtensions(): NativeX509Extension[];
  sign(key: NativePKey, digest: string | null): void;
  verify(key: NativePKey): boolean;
  getSignatureAlgorithm(): string;
  toDER(): Buffer;
}

export interface NativeNetscapeSPKI extends NativeHandle {
  sign(key: NativePKey, digest: string | null): void;
  verify(key: NativePKey): boolean;
  b64Encode(): string;
  getPubkey(): NativePKey;
  setPubkey(key: NativePKey): void;
  toDER(): Buffer;
}

export interface NativeX509ExtensionMethods {
  getExtension(index: number): NativeX509Extension;
  addExtensions(exts: NativeX509Extension[]): void;
}

declare module '../native.js' {
  interface NativeBinding {
    X509Extension: new (
      typeName: string,
      critical: boolean,
      value: string,
      subject?: NativeX509 | null,
      issuer?: NativeX509 | null,
      config?: string | null,
    ) => NativeX509Extension;
    X509Req: new () => NativeX509Req;
    loadCertificateRequest(type: number, buffer: Uint8Array | string): NativeX509Req;
    dumpCertificateRequest(type: number, req: NativeX509Req): Buffer;
    signData(
      key: NativePKey,
      data: Uint8Array | string,
      digest: string | null,
      padding?: number | null,
      saltLength?: number | null,
      mgf1Digest?: string | null,
    ): Buffer;
    verifyData(
      key: NativePKey,
      signature: Uint8Array,
      data: Uint8Array | string,
      digest: string | null,
      padding?: number | null,
      saltLength?: number | null,
      mgf1Digest?: string | null,
    ): void;
    verifyCert(
      cert: NativeX509,
      signature: Uint8Array,
      data: Uint8Array | string,
      digest: string | null,
      padding?: number | null,
      saltLength?: number | null,
      mgf1Digest?: string | null,
    ): void;
    signConstants: Record<string, number>;
    NetscapeSPKI: new () => NativeNetscapeSPKI;
    netscapeSPKIFromB64(b64: Uint8Array | string): NativeNetscapeSPKI;
    getEllipticCurveNames(): string[];
  }
}
