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
