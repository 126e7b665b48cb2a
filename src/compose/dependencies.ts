// depends_on plus the edges Compose infers from links, volumes_from and the `service:X` namespaces
// (network_mode, ipc, pid), with compose-go's flags: a shared namespace or link restarts with its target.
import type { Dependency, DependencyCondition } from '../model.js';
import { type FileContext, report, warn } from './file-context.js';
import { isMapping, type Mapping, scalarText } from './values.js';

type Origin = Dependency['origin'];

const sharedNamespace = (entry: string) => (entry.startsWith('service:') ? entry.slice('service:'.length) : undefined);

/** Where implicit edges come from: the service key, how to read the target out of one entry, and `restart`. */
const IMPLICIT_EDGES: readonly {
  key: string;
  origin: Origin;
  restart: boolean;
  target: (entry: string) => string | undefined;
}[] = [
  { key: 'links', origin: 'links', restart: true, target: (entry) => entry.split(':')[0] },
  { key: 'network_mode', origin: 'network_mode', restart: true, target: sharedNamespace },
  { key: 'ipc', origin: 'ipc', restart: true, target: sharedNamespace },
  { key: 'pid', origin: 'pid', restart: true, target: sharedNamespace },
  {
    key: 'volumes_from',
    origin: 'volumes_from',
    restart: false,
    target: (entry) => (entry.startsWith('container:') ? undefined : entry.split(':')[0]),
  },
];

/** Explicit depends_on entries, then implicit ones for targets not already listed (explicit wins). */
export function serviceDependencies(service: Mapping): Record<string, Dependency> {
  const out: Record<string, Dependency> = {};
  const declared = isMapping(service.depends_on) ? service.depends_on : {};
  for (const [target, spec] of Object.entries(declared)) {
    const entry = isMapping(spec) ? spec : {};
    out[target] = {
      condition: (scalarText(entry.condition) ?? 'service_started') as DependencyCondition,
      required: entry.required !== false,
      restart: entry.restart === true,
      origin: 'depends_on',
    };
  }
  for (const edge of IMPLICIT_EDGES) {
    const raw = service[edge.key];
    const entries = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
    for (const entry of entries) {
      const target = typeof entry === 'string' ? edge.target(entry) : undefined;
      if (target && !out[target]) {
        out[target] = { condition: 'service_started', required: true, restart: edge.restart, origin: edge.origin };
      }
    }
  }
  return out;
}

/**
 * Drops optional edges to services that are missing or disabled (with a warning) and reports required ones:
 * an undefined service, or one switched off by profiles.
 */
export function checkDependencies(
  name: string,
  deps: Record<string, Dependency>,
  enabled: ReadonlySet<string>,
  defined: ReadonlySet<string>,
  ctx: FileContext,
): Record<string, Dependency> {
  const out: Record<string, Dependency> = {};
  for (const [target, dep] of Object.entries(deps)) {
    const path = `services.${name}.${dep.origin}`;
    if (enabled.has(target)) out[target] = dep;
    else if (!dep.required) warn(ctx, path, `optional dependency "${target}" is not enabled; ignored`);
    else if (defined.has(target)) {
      report(ctx, path, `depends on service "${target}", which is disabled by profiles (enable its profile)`);
    } else report(ctx, path, `depends on undefined service "${target}"`);
  }
  return out;
}
