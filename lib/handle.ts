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
export function handleOf<H>(value: unknown, cls: abstract new (...args: never[]) => Wrapped<H>, name: string): H {
  if (!(value instanceof cls)) {
    const got = value === null ? 'null' : typeof value === 'object' ? (value.constructor?.name ?? 'an object') : typeof value;
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
