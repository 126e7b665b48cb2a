// Small guards over the loosely-typed YAML tree; compose input stays `unknown` until normalised.

/** A YAML mapping, i.e. a plain object (never an array, tag wrapper or null). */
export type Mapping = Record<string, unknown>;

/** True only for plain objects, so tag wrappers (`!reset`, `!override`) are never mistaken for mappings. */
export function isMapping(value: unknown): value is Mapping {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Sets an own, enumerable property; `__proto__` stays an ordinary key instead of changing the prototype. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty is several times slower than assignment, so it is kept for the one key that needs it.
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** Scalar as Compose would print it (`true`, `8080`); undefined for mappings, lists and null. */
export function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return undefined;
}

/** Joins a dotted issue path, skipping empty parts. */
export function joinPath(...parts: (string | number | undefined)[]): string {
  return parts.filter((p) => p !== undefined && p !== '').join('.');
}

/** Recursively sorted key order, used to compare resources regardless of key order. */
export function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (isMapping(value)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys(value[k])]),
    );
  }
  return value;
}
