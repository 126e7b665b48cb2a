// Top-level networks, volumes, secrets and configs with the names Compose gives them on a live host.
import type { NetworkDef, SecretOrConfigDef, VolumeDef } from '../model.js';
import { asBool } from './canonical.js';
import type { FileContext } from './file-context.js';
import { isMapping, type Mapping, scalarText } from './values.js';

/** `name:` verbatim; else the key for external resources; else `<project>_<key>`. */
function liveName(project: string, key: string, spec: Mapping, external: boolean): string {
  return scalarText(spec.name) ?? (external ? key : `${project}_${key}`);
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(value)) {
    for (const item of value) {
      const text = scalarText(item) ?? '';
      const eq = text.indexOf('=');
      out[eq < 0 ? text : text.slice(0, eq)] = eq < 0 ? '' : text.slice(eq + 1);
    }
  } else if (isMapping(value)) {
    for (const [k, v] of Object.entries(value)) out[k] = scalarText(v) ?? '';
  }
  return out;
}

function entries(section: unknown): [string, Mapping][] {
  if (!isMapping(section)) return [];
  return Object.entries(section).map(([k, v]) => [k, isMapping(v) ? v : {}]);
}

/** Network definitions keyed by network key. */
export function normaliseNetworks(section: unknown, project: string, ctx: FileContext): Record<string, NetworkDef> {
  const out: Record<string, NetworkDef> = {};
  for (const [key, spec] of entries(section)) {
    const path = `networks.${key}`;
    const external = asBool(spec.external, false, `${path}.external`, ctx);
    const def: NetworkDef = {
      name: liveName(project, key, spec, external),
      external,
      internal: asBool(spec.internal, false, `${path}.internal`, ctx),
      labels: stringMap(spec.labels),
    };
    const driver = scalarText(spec.driver);
    if (driver) def.driver = driver;
    if (spec.enable_ipv6 !== undefined) def.enableIpv6 = asBool(spec.enable_ipv6, false, `${path}.enable_ipv6`, ctx);
    out[key] = def;
  }
  return out;
}

/** Volume definitions keyed by volume key. */
export function normaliseVolumes(section: unknown, project: string, ctx: FileContext): Record<string, VolumeDef> {
  const out: Record<string, VolumeDef> = {};
  for (const [key, spec] of entries(section)) {
    const external = asBool(spec.external, false, `volumes.${key}.external`, ctx);
    const def: VolumeDef = { name: liveName(project, key, spec, external), external, labels: stringMap(spec.labels) };
    const driver = scalarText(spec.driver);
    if (driver) def.driver = driver;
    out[key] = def;
  }
  return out;
}

/** Secret or config definitions keyed by key; `file` is already absolute. */
export function normaliseSecretsOrConfigs(
  section: unknown,
  kind: 'secrets' | 'configs',
  project: string,
  ctx: FileContext,
): Record<string, SecretOrConfigDef> {
  const out: Record<string, SecretOrConfigDef> = {};
  for (const [key, spec] of entries(section)) {
    const external = asBool(spec.external, false, `${kind}.${key}.external`, ctx);
    const def: SecretOrConfigDef = { name: liveName(project, key, spec, external), external };
    for (const field of ['file', 'environment', 'content'] as const) {
      const value = scalarText(spec[field]);
      if (value !== undefined) def[field] = value;
    }
    out[key] = def;
  }
  return out;
}
