/**
 * OpenSSL providers.
 * @module
 */
import { native } from '../native.js';
import './trust-native.js';

/**
 * Loads an OpenSSL provider (e.g. `"legacy"` for RC2/3DES PKCS#12) into the default library
 * context for the rest of the process; the default provider stays available. Throws an
 * OpenSSLError when the module cannot be loaded (e.g. not present for a static build).
 */
export function loadProvider(name: string): string {
  return native.loadProvider(name);
}

/** Names of the providers loaded in the default library context. */
export function listProviders(): string[] {
  return native.listProviders();
}
