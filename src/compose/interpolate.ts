// Compose variable interpolation (`$VAR`, `${VAR:-default}`…) with compose-go's template semantics,
// and the walk that applies it to every string value of a parsed file, then casts the values that
// the Compose schema types as booleans or numbers.
import type { Issue } from '../model.js';
import { setOwn } from './values.js';
import { OverrideTag, ResetTag } from './yaml.js';

/** Resolves a variable; undefined means unset (distinct from the empty string). */
export type Lookup = (name: string) => string | undefined;

/** A template Compose rejects: malformed (`invalid`) or a `${VAR:?message}` whose variable is missing (`required`). */
export class InterpolationError extends Error {
  constructor(
    message: string,
    readonly kind: 'invalid' | 'required',
    readonly variable?: string,
    /** The `:?` / `?` message, already interpolated; empty when none was given. */
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'InterpolationError';
  }
}

const NAME = /[_a-zA-Z][_a-zA-Z0-9]*/y;
const OPERATORS = [':-', ':+', ':?', '-', '+', '?'] as const;
type Operator = (typeof OPERATORS)[number];

/**
 * Substitutes every variable in `template`. `unset` lists (once each, in order) the variables that
 * were read without a default while unset and became "". Throws InterpolationError like Compose.
 */
export function interpolateString(template: string, lookup: Lookup): { value: string; unset: string[] } {
  const unset: string[] = [];
  const value = substitute(template, lookup, (name) => {
    if (!unset.includes(name)) unset.push(name);
  });
  return { value, unset };
}

function invalid(template: string): InterpolationError {
  return new InterpolationError(`invalid interpolation format: ${JSON.stringify(template)}`, 'invalid');
}

function substitute(text: string, lookup: Lookup, onUnset: (name: string) => void): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf('$', i);
    if (dollar < 0 || dollar === text.length - 1) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, dollar);
    const next = text[dollar + 1]!;
    if (next === '$') {
      out += '$';
      i = dollar + 2;
      continue;
    }
    if (next === '{') {
      const braced = readBraced(text, dollar);
      out += evaluate(braced, lookup, onUnset);
      i = braced.end + 1;
      continue;
    }
    NAME.lastIndex = dollar + 1;
    const name = NAME.exec(text)?.[0];
    if (name === undefined) {
      // `$` before anything that cannot start a name is kept as written (`$1`, `$ `, `$-`).
      out += '$';
      i = dollar + 1;
      continue;
    }
    out += variable(name, lookup, onUnset);
    i = dollar + 1 + name.length;
  }
  return out;
}

interface Braced {
  name: string;
  operator?: Operator;
  argument: string;
  /** Index of the closing `}`. */
  end: number;
}

/**
 * Reads `${…}` starting at `start`. Like compose-go, the argument of an operator may hold nested
 * templates: the candidate ends at the last `}` on the line, then shrinks to the first point where
 * the braces opened so far are balanced.
 */
function readBraced(text: string, start: number): Braced {
  NAME.lastIndex = start + 2;
  const name = NAME.exec(text)?.[0];
  if (name === undefined) throw invalid(text);
  const afterName = start + 2 + name.length;
  if (text[afterName] === '}') return { name, argument: '', end: afterName };

  const operator = OPERATORS.find((op) => text.startsWith(op, afterName));
  if (!operator) throw invalid(text);
  const argumentStart = afterName + operator.length;
  const lineEnd = text.indexOf('\n', argumentStart);
  const lastClose = text.lastIndexOf('}', lineEnd < 0 ? text.length : lineEnd);
  if (lastClose < argumentStart) throw invalid(text);
  const balanced = firstBalancedClose(text, start, lastClose);
  const end = balanced ?? lastClose;
  return { name, operator, argument: text.slice(argumentStart, end), end };
}

/** compose-go's brace counter: each `{` opens a level and hides the character after it. */
function firstBalancedClose(text: string, from: number, to: number): number | undefined {
  let depth = 0;
  for (let i = from; i <= to; i++) {
    if (text[i] === '}') {
      depth--;
      if (depth === 0) return i;
    }
    if (text[i] === '{') {
      depth++;
      i++;
    }
  }
  return undefined;
}

function variable(name: string, lookup: Lookup, onUnset: (name: string) => void): string {
  const value = lookup(name);
  if (value === undefined) onUnset(name);
  return value ?? '';
}

function evaluate({ name, operator, argument }: Braced, lookup: Lookup, onUnset: (name: string) => void): string {
  if (!operator) return variable(name, lookup, onUnset);
  const value = lookup(name);
  const isSet = value !== undefined;
  const nonEmpty = isSet && value !== '';
  // Arguments are templates themselves, evaluated only on the branch taken.
  const nested = () => substitute(argument, lookup, onUnset);
  switch (operator) {
    case ':-':
      return nonEmpty ? value : nested();
    case '-':
      return isSet ? value : nested();
    case ':+':
      return nonEmpty ? nested() : (value ?? '');
    case '+':
      return isSet ? nested() : '';
    case ':?':
    case '?': {
      if (operator === ':?' ? nonEmpty : isSet) return value!;
      const reason = nested();
      const message = reason
        ? `required variable ${name} is missing a value: ${reason}`
        : `required variable ${name} is missing a value`;
      throw new InterpolationError(message, 'required', name, reason);
    }
  }
}

// ─── Tree walk and type casts ──────────────────────────────────────────────────────────────────

type Segment = string | number;
type Cast = (value: string) => { value: unknown; warning?: string } | { error: string };

const toInt: Cast = (value) =>
  /^[-+]?[0-9]+$/.test(value) && Number.isSafeInteger(Number(value))
    ? { value: Number(value) }
    : { error: `${JSON.stringify(value)} is not an integer` };

const toFloat: Cast = (value) => {
  const trimmed = value.toLowerCase().replace(/^[-+]/, '');
  const number = ['inf', 'infinity'].includes(trimmed)
    ? value.startsWith('-')
      ? Number.NEGATIVE_INFINITY
      : Number.POSITIVE_INFINITY
    : trimmed === 'nan'
      ? Number.NaN
      : /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/.test(value)
        ? Number(value)
        : undefined;
  return number === undefined ? { error: `${JSON.stringify(value)} is not a number` } : { value: number };
};

// YAML 1.1 spellings still work, as in compose-go, but draw the same warning.
const toBoolean: Cast = (value) => {
  const lower = value.toLowerCase();
  if (lower === 'true' || lower === 'false') return { value: lower === 'true' };
  const yes = ['y', 'yes', 'on'].includes(lower);
  if (yes || ['n', 'no', 'off'].includes(lower)) {
    return {
      value: yes,
      warning: `${JSON.stringify(value)} for boolean is not supported by YAML 1.2, please use \`${yes}\``,
    };
  }
  return { error: `${JSON.stringify(value)} is not a boolean (use true or false)` };
};

/**
 * Paths whose string values Compose casts after interpolation (compose-go's interpolateTypeCastMapping).
 * `*` matches any key or list index, `[]` any list index.
 */
const CASTS: ReadonlyArray<readonly [pattern: string, cast: Cast]> = [
  ['services.*.cpu_count', toInt],
  ['services.*.cpu_percent', toFloat],
  ['services.*.cpu_period', toInt],
  ['services.*.cpu_quota', toInt],
  ['services.*.cpu_rt_period', toInt],
  ['services.*.cpu_rt_runtime', toInt],
  ['services.*.cpus', toFloat],
  ['services.*.cpu_shares', toInt],
  ['services.*.init', toBoolean],
  ['services.*.depends_on.*.required', toBoolean],
  ['services.*.depends_on.*.restart', toBoolean],
  ['services.*.deploy.replicas', toInt],
  ['services.*.deploy.update_config.parallelism', toInt],
  ['services.*.deploy.update_config.max_failure_ratio', toFloat],
  ['services.*.deploy.rollback_config.parallelism', toInt],
  ['services.*.deploy.rollback_config.max_failure_ratio', toFloat],
  ['services.*.deploy.restart_policy.max_attempts', toInt],
  ['services.*.deploy.placement.max_replicas_per_node', toInt],
  ['services.*.healthcheck.retries', toInt],
  ['services.*.healthcheck.disable', toBoolean],
  ['services.*.oom_kill_disable', toBoolean],
  ['services.*.oom_score_adj', toInt],
  ['services.*.pids_limit', toInt],
  ['services.*.ports.[].target', toInt],
  ['services.*.privileged', toBoolean],
  ['services.*.read_only', toBoolean],
  ['services.*.scale', toInt],
  ['services.*.stdin_open', toBoolean],
  ['services.*.tty', toBoolean],
  ['services.*.ulimits.*', toInt],
  ['services.*.ulimits.*.hard', toInt],
  ['services.*.ulimits.*.soft', toInt],
  ['services.*.volumes.[].read_only', toBoolean],
  ['services.*.volumes.[].volume.nocopy', toBoolean],
  ['networks.*.external', toBoolean],
  ['networks.*.internal', toBoolean],
  ['networks.*.attachable', toBoolean],
  ['networks.*.enable_ipv4', toBoolean],
  ['networks.*.enable_ipv6', toBoolean],
  ['volumes.*.external', toBoolean],
  ['secrets.*.external', toBoolean],
  ['configs.*.external', toBoolean],
];

const CAST_TABLE = CASTS.map(([pattern, cast]) => ({ parts: pattern.split('.'), cast }));
/** Every cast path starts at a top-level section: most string values are ruled out by their first segment. */
const CAST_SECTIONS: ReadonlySet<Segment> = new Set(CAST_TABLE.map(({ parts }) => parts[0]!));

function castFor(path: readonly Segment[]): Cast | undefined {
  if (!CAST_SECTIONS.has(path[0]!) || path.length < 3) return undefined;
  return CAST_TABLE.find(
    ({ parts }) =>
      parts.length === path.length &&
      parts.every((part, i) => {
        const segment = path[i]!;
        if (part === '*') return true;
        if (part === '[]') return typeof segment === 'number';
        return part === segment;
      }),
  )?.cast;
}

/** Dotted path, list indexes included, as every issue spells it: `services.web.ports.0.target`. */
export function formatPath(path: readonly Segment[]): string {
  return path.join('.');
}

interface TreeWalk {
  lookup: Lookup;
  file: string;
  issues: Issue[];
  unset: string[];
}

/**
 * Interpolates every string value of a parsed compose file (never keys), keeping `!reset` /
 * `!override` wrappers, then applies Compose's type casts. Never throws: each bad template or
 * cast is an issue at its path and the value is left as written.
 */
export function interpolateTree(
  node: unknown,
  lookup: Lookup,
  file: string,
): { value: unknown; issues: Issue[]; unset: string[] } {
  const walk: TreeWalk = { lookup, file, issues: [], unset: [] };
  const value = interpolateNode(node, [], walk);
  return { value, issues: walk.issues, unset: walk.unset };
}

/**
 * Interpolates one node. `path` is shared and restored after each child (no copy per node), and a mapping or
 * list whose children all come back unchanged is returned as is: large files are mostly literal text.
 */
function interpolateNode(node: unknown, path: Segment[], walk: TreeWalk): unknown {
  if (typeof node === 'string') return interpolateValue(node, path, walk);
  if (node instanceof ResetTag) return new ResetTag(interpolateNode(node.value, path, walk));
  if (node instanceof OverrideTag) return new OverrideTag(interpolateNode(node.value, path, walk));
  if (Array.isArray(node)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < node.length; i++) {
      path.push(i);
      const item = interpolateNode(node[i], path, walk);
      path.pop();
      if (item !== node[i]) out ??= node.slice();
      if (out) out[i] = item;
    }
    return out ?? node;
  }
  if (typeof node === 'object' && node !== null) {
    const entries = Object.entries(node);
    let out: Record<string, unknown> | undefined;
    for (let i = 0; i < entries.length; i++) {
      const [key, value] = entries[i]!;
      path.push(key);
      const item = interpolateNode(value, path, walk);
      path.pop();
      if (item === value && !out) continue;
      if (!out) {
        out = {};
        for (const [k, v] of entries.slice(0, i)) setOwn(out, k, v);
      }
      setOwn(out, key, item);
    }
    return out ?? node;
  }
  return node;
}

function interpolateValue(raw: string, path: Segment[], walk: TreeWalk): unknown {
  let text = raw;
  if (raw.includes('$')) {
    try {
      const result = interpolateString(raw, walk.lookup);
      for (const name of result.unset) if (!walk.unset.includes(name)) walk.unset.push(name);
      text = result.value;
    } catch (error) {
      if (!(error instanceof InterpolationError)) throw error;
      const where = formatPath(path);
      const message =
        error.kind === 'invalid'
          ? `invalid interpolation format for ${where}: ${JSON.stringify(raw)}. You may need to escape any $ with another $.`
          : error.message;
      walk.issues.push({ file: walk.file, path: where, message, severity: 'error' });
      return raw;
    }
  }
  const cast = castFor(path);
  if (!cast) return text;
  const result = cast(text);
  if ('error' in result) {
    walk.issues.push({ file: walk.file, path: formatPath(path), message: result.error, severity: 'error' });
    return text;
  }
  if (result.warning) {
    walk.issues.push({ file: walk.file, path: formatPath(path), message: result.warning, severity: 'warning' });
  }
  return result.value;
}
