/**
 * The builtin elliptic curves (pyOpenSSL's `get_elliptic_curves` / `get_elliptic_curve`).
 * @module
 */
import { native } from '../native.js';
import './native-types.js';

/**
 * A builtin curve, as `EC_get_builtin_curves` lists it. Instances are unique per name, so `===` and
 * {@link EllipticCurve.equals} agree.
 */
export class EllipticCurve {
  /** OpenSSL's short name, e.g. `"prime256v1"`, `"secp384r1"`. */
  readonly name: string;

  /** @internal */
  constructor(name: string) {
    this.name = name;
  }

  /** True when both are the same curve (compares names; no OpenSSL call). */
  equals(other: unknown): boolean {
    return other instanceof EllipticCurve && other.name === this.name;
  }

  /** `<EllipticCurve 'prime256v1'>` (pyOpenSSL's repr; no OpenSSL call). */
  toString(): string {
    return `<EllipticCurve '${this.name}'>`;
  }
}

let cache: Map<string, EllipticCurve> | null = null;
function curves(): Map<string, EllipticCurve> {
  if (cache === null) {
    cache = new Map(native.getEllipticCurveNames().map((n) => [n, new EllipticCurve(n)]));
  }
  return cache;
}

/** Every curve the linked OpenSSL has built in (`EC_get_builtin_curves`, read once). */
export function getEllipticCurves(): Set<EllipticCurve> {
  return new Set(curves().values());
}

/** The curve named `name` (OpenSSL short name, as `OBJ_nid2sn` gives it); an unknown name is a RangeError. */
export function getEllipticCurve(name: string): EllipticCurve {
  if (typeof name !== 'string') {
    throw Object.assign(new TypeError('The "name" argument must be a string'), { code: 'ERR_INVALID_ARG_TYPE' });
  }
  const c = curves().get(name);
  if (c === undefined) throw Object.assign(new RangeError(`Unknown curve name: ${name}`), { code: 'ERR_INVALID_ARG_VALUE' });
  return c;
}
