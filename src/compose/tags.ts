// `!reset` / `!override` survive parsing, interpolation and canonicalisation so that merge can honour them.
import { isMapping, setOwn } from './values.js';
import { OverrideTag, ResetTag } from './yaml.js';

/** Applies `fn` to a value, or to the value inside `!override`; `!reset` passes through untouched. */
export function withinTag(value: unknown, fn: (inner: unknown) => unknown): unknown {
  if (value instanceof ResetTag) return value;
  if (value instanceof OverrideTag) return new OverrideTag(fn(value.value));
  return fn(value);
}

/**
 * Removes every tag: `!reset` entries disappear, `!override` becomes its value. Used once nothing is left to
 * merge. A list or mapping without tags inside is returned as is rather than copied.
 */
export function stripTags(value: unknown): unknown {
  if (value instanceof OverrideTag) return stripTags(value.value);
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      const stripped = item instanceof ResetTag ? undefined : stripTags(item);
      if (stripped !== item && !out) out = value.slice(0, i).filter((v) => !(v instanceof ResetTag));
      if (out && !(item instanceof ResetTag)) out.push(stripped);
    }
    return out ?? value;
  }
  if (isMapping(value)) {
    const entries = Object.entries(value);
    let out: Record<string, unknown> | undefined;
    for (let i = 0; i < entries.length; i++) {
      const [k, v] = entries[i]!;
      const stripped = v instanceof ResetTag ? undefined : stripTags(v);
      if (stripped === v && !out) continue;
      if (!out) {
        out = {};
        for (const [ek, ev] of entries.slice(0, i)) setOwn(out, ek, ev);
      }
      if (!(v instanceof ResetTag)) setOwn(out, k, stripped);
    }
    return out ?? value;
  }
  return value;
}
