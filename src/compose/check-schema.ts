// Every key must be one the Compose Specification defines (or an `x-` extension) and every value must have the
// type the specification gives it, at any depth: nothing is dropped silently, and later stages can trust shapes.
import { COMPOSE_SCHEMA, type Shape } from './compose-schema.js';
import { type FileContext, report, warn } from './file-context.js';
import { isMapping } from './values.js';
import { OverrideTag, ResetTag } from './yaml.js';

/** More unknown top-level keys than any real file has by mistake: the file is something else (a log, /etc/services). */
const MAX_UNKNOWN_TOP_LEVEL = 20;

/**
 * Reports, at its dotted path, every unknown key and every value whose type the specification does not allow;
 * a file that is clearly not a compose file is one issue instead of a line per key.
 */
export function checkSchema(doc: Record<string, unknown>, ctx: FileContext): void {
  const fields = COMPOSE_SCHEMA.kind === 'object' ? COMPOSE_SCHEMA.fields : {};
  const keys = Object.keys(doc);
  const unknown = keys.filter((k) => !Object.hasOwn(fields, k) && !k.startsWith('x-')).length;
  // A lone unknown key is more likely a typo (`servics:`), which its own message explains better.
  if (unknown > MAX_UNKNOWN_TOP_LEVEL || (unknown > 1 && unknown === keys.length)) {
    const why = unknown === keys.length ? 'no services, networks, volumes…' : `${unknown} unknown top-level keys`;
    report(ctx, '', `does not look like a compose file (${why})`);
    return;
  }
  if (Object.hasOwn(doc, 'version')) warn(ctx, 'version', '`version` is obsolete and ignored');
  check(doc, COMPOSE_SCHEMA, '', ctx);
}

function check(raw: unknown, shape: Shape, path: string, ctx: FileContext): void {
  // `!reset` removes the value whatever it is; `!override` replaces with a value that must itself fit.
  if (raw instanceof ResetTag) return;
  const value = raw instanceof OverrideTag ? raw.value : raw;
  switch (shape.kind) {
    case 'any':
      return;
    case 'nullable':
      if (value !== null) check(value, shape.shape, path, ctx);
      return;
    case 'string':
      if (typeof value !== 'string') mismatch(value, shape, path, ctx);
      else if (shape.values && !shape.values.includes(value)) {
        report(ctx, path, `${JSON.stringify(value)} must be one of ${shape.values.map((v) => `"${v}"`).join(', ')}`);
      } else if (shape.pattern && !shape.pattern.test(value)) {
        report(
          ctx,
          path,
          `${JSON.stringify(value)} is not a valid ${shape.what ?? 'value'} (use ${shape.pattern.source.slice(1, -1)})`,
        );
      }
      return;
    case 'number':
      if (typeof value === 'string') return;
      if (typeof value !== 'number' || (shape.integer && !Number.isInteger(value))) mismatch(value, shape, path, ctx);
      return;
    case 'boolean':
      if (typeof value !== 'boolean' && typeof value !== 'string') mismatch(value, shape, path, ctx);
      return;
    case 'scalar':
      if (!isScalar(value) && !(shape.nullable && value === null)) mismatch(value, shape, path, ctx);
      return;
    case 'list':
      if (!Array.isArray(value)) mismatch(value, shape, path, ctx);
      else {
        for (const [i, item] of value.entries()) check(item, shape.items, child(path, i), ctx);
      }
      return;
    case 'map':
      if (!isMapping(value)) mismatch(value, shape, path, ctx);
      else {
        for (const [key, item] of Object.entries(value)) {
          const at = child(path, key);
          if (shape.keys && !shape.keys.test(key)) report(ctx, at, invalidKey(key, shape.keys));
          else check(item, shape.values, at, ctx);
        }
      }
      return;
    case 'object':
      if (!isMapping(value)) mismatch(value, shape, path, ctx);
      else checkObject(value, shape, path, ctx);
      return;
    case 'oneOf': {
      const option = shape.options.find((o) => fits(value, o));
      if (option) check(value, option, path, ctx);
      else mismatch(value, shape, path, ctx);
      return;
    }
  }
}

function checkObject(
  value: Record<string, unknown>,
  shape: Shape & { kind: 'object' },
  path: string,
  ctx: FileContext,
) {
  for (const [key, item] of Object.entries(value)) {
    const field = Object.hasOwn(shape.fields, key) ? shape.fields[key] : undefined;
    const at = child(path, key);
    if (field) check(item, field, at, ctx);
    else if (!(shape.extensions && key.startsWith('x-'))) {
      report(ctx, at, path === '' ? `unknown top-level key "${key}"` : `unknown key "${key}"`);
    }
  }
  for (const key of shape.required ?? []) {
    if (!Object.hasOwn(value, key)) report(ctx, child(path, key), 'is required');
  }
}

/** Whether the value is of the type an alternative is about; the alternative then checks it fully. */
function fits(value: unknown, shape: Shape): boolean {
  switch (shape.kind) {
    case 'any':
      return true;
    case 'nullable':
      return value === null || fits(value, shape.shape);
    case 'list':
      return Array.isArray(value);
    case 'map':
    case 'object':
      return isMapping(value);
    case 'oneOf':
      return shape.options.some((o) => fits(value, o));
    case 'scalar':
      return isScalar(value) || (shape.nullable && value === null);
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' || typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean' || typeof value === 'string';
  }
}

function isScalar(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function mismatch(value: unknown, shape: Shape, path: string, ctx: FileContext): void {
  report(ctx, path, `must be ${describe(shape)} (got ${shown(value)})`);
}

function shown(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (isMapping(value)) return 'a mapping';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** The expected type in words, the way Compose names them (`a string or a list`). */
function describe(shape: Shape): string {
  const names = [...new Set(typeNames(shape))];
  const article = (n: string) => (/^[aeiou]/.test(n) ? `an ${n}` : `a ${n}`);
  return names.length === 1
    ? article(names[0]!)
    : `${names.slice(0, -1).map(article).join(', ')} or ${article(names.at(-1)!)}`;
}

function typeNames(shape: Shape): string[] {
  switch (shape.kind) {
    case 'string':
      return ['string'];
    case 'number':
      return [shape.integer ? 'integer' : 'number'];
    case 'boolean':
      return ['boolean'];
    case 'scalar':
      return ['string, number or boolean'];
    case 'list':
      return ['list'];
    case 'map':
    case 'object':
      return ['mapping'];
    case 'oneOf':
      return shape.options.flatMap(typeNames);
    case 'nullable':
      return typeNames(shape.shape);
    case 'any':
      return ['value'];
  }
}

function invalidKey(key: string, pattern: RegExp): string {
  return pattern.source === '^[a-z]+$'
    ? `invalid key "${key}" (use lowercase letters)`
    : `invalid name "${key}" (use letters, digits, ".", "_", "-")`;
}

/** Dotted path of a child; plain concatenation because this runs for every node of every file. */
function child(path: string, key: string | number): string {
  return path === '' ? String(key) : `${path}.${key}`;
}
