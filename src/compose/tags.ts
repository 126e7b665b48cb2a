// `!reset` / `!override` survive parsing, interpolation and canonicalisation so that merge can honour them.
import { isMapping } from './values.js';
import { OverrideTag, ResetTag } from './yaml.js';

/** Applies `fn` to a value, or to the value inside `!override`; `!reset` passes through untouched. */
export function withinTag(value: unknown, fn: (inner: unknown) => unknown): unknown {
  if (value instanceof ResetTag) return value;
  if (value instanceof OverrideTag) return new OverrideTag(fn(value.value));
  return fn(value);
}

/** Removes every tag: `!reset` entries disappear, `!override` becomes its value. Used once nothing is left to merge. */
export function stripTags(value: unknown): unknown {
  if (value instanceof OverrideTag) return stripTags(value.value);
  if (Array.isArray(value)) return value.filter((v) => !(v instanceof ResetTag)).map(stripTags);
  if (isMapping(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (!(v instanceof ResetTag)) out[k] = stripTags(v);
    }
    return out;
  }
  return value;
}
