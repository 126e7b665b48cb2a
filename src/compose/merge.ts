// Compose's override rules (compose-spec 13-merge.md): mappings merge, sequences merge by a key or append,
// a few keys are replaced wholesale, `!reset` removes and `!override` replaces.
import { stripTags } from './tags.js';
import { isMapping, type Mapping, scalarText, setOwn } from './values.js';
import { OverrideTag, ResetTag } from './yaml.js';

type Indexer = (item: unknown) => string;

/** Paths whose value the later file replaces instead of merging. */
const REPLACED_PATHS: readonly string[] = [
  'services.*.command',
  'services.*.entrypoint',
  'services.*.healthcheck.test',
  'services.*.ulimits.*',
  'services.*.extends',
  'secrets.*.file',
  'configs.*.file',
  'configs.*.content',
];

const same: Indexer = (item) => JSON.stringify(item);
const byField =
  (...fields: string[]): Indexer =>
  (item) =>
    isMapping(item) ? fields.map((f) => scalarText(item[f]) ?? '').join('|') : same(item);

/** Sequences merged by a unique key: an entry with the same key replaces the earlier one in place. */
const INDEXED_SEQUENCES: Record<string, Indexer> = {
  'services.*.ports': byField('host_ip', 'published', 'target', 'protocol'),
  'services.*.volumes': byField('target'),
  'services.*.secrets': byField('source', 'target'),
  'services.*.configs': byField('source', 'target'),
  'services.*.env_file': byField('path'),
  'services.*.expose': same,
  'services.*.tmpfs': same,
  'services.*.cap_add': same,
  'services.*.cap_drop': same,
  'services.*.dns': same,
  'services.*.dns_search': same,
  'services.*.dns_opt': same,
  'services.*.security_opt': same,
  'services.*.devices': same,
  'services.*.links': same,
  'services.*.volumes_from': same,
  'services.*.profiles': same,
  'services.*.extra_hosts': same,
  'services.*.group_add': same,
  'services.*.networks.*.aliases': same,
  'services.*.build.tags': same,
  'services.*.build.cache_from': same,
};

// The tables above, split into path segments once.
const REPLACED = REPLACED_PATHS.map((p) => p.split('.'));
const INDEXED = Object.entries(INDEXED_SEQUENCES).map(([p, indexer]) => [p.split('.'), indexer] as const);

/** Merges `over` onto `base` (both canonical trees) and returns the result; neither input is modified. */
export function mergeTrees(base: unknown, over: unknown, path: readonly string[] = []): unknown {
  if (over instanceof ResetTag) return undefined;
  if (over instanceof OverrideTag) return stripTags(over.value);
  if (base === undefined || matches(REPLACED, path)) return stripTags(over);
  if (isMapping(base) && isMapping(over)) {
    const out: Mapping = { ...base };
    for (const [key, value] of Object.entries(over)) {
      // Own keys only, and setOwn, so that `__proto__` or `constructor` stay ordinary keys.
      const merged = mergeTrees(Object.hasOwn(base, key) ? base[key] : undefined, value, [...path, key]);
      if (merged === undefined) delete out[key];
      else setOwn(out, key, merged);
    }
    return out;
  }
  if (Array.isArray(base) && Array.isArray(over)) {
    const indexer = lookup(INDEXED, path);
    const tail = stripTags(over) as unknown[];
    return indexer ? mergeIndexed(base, tail, indexer) : [...base, ...tail];
  }
  return stripTags(over);
}

function mergeIndexed(base: unknown[], over: unknown[], key: Indexer): unknown[] {
  const out = [...base];
  const positions = new Map(out.map((item, i) => [key(item), i]));
  for (const item of over) {
    const at = positions.get(key(item));
    if (at === undefined) {
      positions.set(key(item), out.length);
      out.push(item);
    } else out[at] = item;
  }
  return out;
}

function matches(patterns: readonly (readonly string[])[], path: readonly string[]): boolean {
  return patterns.some((p) => patternMatches(p, path));
}

function lookup<T>(table: readonly (readonly [readonly string[], T])[], path: readonly string[]): T | undefined {
  for (const [pattern, value] of table) if (patternMatches(pattern, path)) return value;
  return undefined;
}

/** Path segments are compared one by one, so service names and label keys containing dots stay intact. */
function patternMatches(pattern: readonly string[], path: readonly string[]): boolean {
  return pattern.length === path.length && pattern.every((part, i) => part === '*' || part === path[i]);
}
