/**
 * Unwrapping public objects to their native handles, with a TypeError naming the argument.
 * @internal
 * @module
 */

/** Anything that wraps a native handle in `_h`. @internal */
export interface Wrapped<H> {
  _h: H;
}

/** The native handle of `value`, which must be an instance of `cls`. @internal */
export function handleOf<H>(value: unknown, cls: { prototype: Wrapped<H>; name: string }, name: string): H {
  // (A class whose constructor is private qualifies too: only its prototype is looked at.)
  if (!(value instanceof (cls as unknown as abstract new () => unknown))) {
    const got = describe(value);
    throw Object.assign(new TypeError(`The "${name}" argument must be a ${cls.name}, got ${got}`), { code: 'ERR_INVALID_ARG_TYPE' });
  }
  return (value as Wrapped<H>)._h;
}

/** A TypeError with Node's ERR_INVALID_ARG_TYPE code. @internal */
export function argTypeError(message: string): TypeError {
  return Object.assign(new TypeError(message), { code: 'ERR_INVALID_ARG_TYPE' });
}

/** An options argument: an object, or absent (undefined/null reads as no options). @internal */
export function optionsOf<T extends object>(value: T | null | undefined, name = 'options'): Partial<T> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object') throw argTypeError(`The "${name}" argument must be an object, got ${typeof value}`);
  return value;
}

/**
 * The bytes of any ArrayBufferView (Buffer, every TypedArray, DataView) or ArrayBuffer, or of a
 * string as UTF-8 where `allowString`: a Buffer over the same memory (a detached buffer reads as
 * empty). Anything else, a Proxy of a Buffer included, is a coded TypeError naming the argument.
 * @internal
 */
export function bytesOf(value: unknown, name: string, allowString = true): Buffer {
  if (typeof value === 'string' && allowString) return Buffer.from(value, 'utf8');
  if (ArrayBuffer.isView(value)) {
    // A view of a detached buffer, or one out of bounds of a shrunk resizable buffer, reads as
    // empty (its length getters throw for a DataView).
    let length = 0;
    try {
      length = value.byteLength;
    } catch {
      return Buffer.alloc(0);
    }
    return length === 0 ? Buffer.alloc(0) : Buffer.from(value.buffer, value.byteOffset, length);
  }
  if (value instanceof ArrayBuffer) return value.byteLength === 0 ? Buffer.alloc(0) : Buffer.from(value);
  throw argTypeError(`The "${name}" argument must be ${allowString ? 'a string, ' : 'a '}Buffer, TypedArray, DataView or ArrayBuffer, got ${describe(value)}`);
}

/** A string, or bytes read as Latin-1 (ASN.1 times, hex serials). @internal */
export function textOf(value: unknown, name: string): string {
  return typeof value === 'string' ? value : bytesOf(value, name, false).toString('latin1');
}

/** A real Uint8Array (or Buffer): not a Proxy of one, whose reads would throw V8's own errors. @internal */
export function isUint8Array(value: unknown): value is Uint8Array {
  return ArrayBuffer.isView(value) && value instanceof Uint8Array;
}

/** An iterable argument as an array; a coded TypeError when it is none. @internal */
export function listOf<T>(value: Iterable<T>, name: string): T[] {
  if (value === null || (typeof value !== 'object' && typeof value !== 'string') || typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function') {
    throw argTypeError(`The "${name}" argument must be an array or iterable, got ${describe(value)}`);
  }
  try {
    return [...value];
  } catch (e) {
    if (e instanceof TypeError && (e as { code?: unknown }).code === undefined) throw argTypeError(`The "${name}" argument could not be read: ${e.message}`);
    throw e;
  }
}

/** What a value is, for messages. @internal */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return `an instance of ${(value as object).constructor?.name ?? 'Object'}`;
  return typeof value;
}

/** The coded TypeError of a class that is not made with `new` (`how` says how it is made). */
export function illegalConstructor(name: string, how: string): never {
  throw Object.assign(new TypeError(`${name} is not constructed with new: use ${how}`), { code: 'ERR_ILLEGAL_CONSTRUCTOR' });
}
