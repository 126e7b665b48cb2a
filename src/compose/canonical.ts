// Short syntax → long syntax, one converter per service key, so that merge and normalisation see one shape.
// Shapes were already checked against the schema (check-schema.ts): converters skip what does not fit and
// report only problems inside values (a port string that does not parse, an unknown volume mode).
import { type FileContext, hostPath, report } from './file-context.js';
import { shellSplit } from './shell-split.js';
import { withinTag } from './tags.js';
import { isMapping, joinPath, type Mapping, scalarText, setOwn } from './values.js';
import { OverrideTag, ResetTag } from './yaml.js';

type Converter = (value: unknown, path: string, ctx: FileContext) => unknown;

/** Returns the service with every short-syntax key in its long form and host paths made absolute. */
export function canonicalService(raw: Mapping, path: string, ctx: FileContext): Mapping {
  const out: Mapping = {};
  for (const [key, value] of Object.entries(raw)) {
    // hasOwn: a key such as `constructor` must not find Object.prototype's members.
    const convert = Object.hasOwn(SERVICE_CONVERTERS, key) ? SERVICE_CONVERTERS[key] : undefined;
    out[key] = convert ? withinTag(value, (inner) => convert(inner, joinPath(path, key), ctx)) : value;
  }
  return out;
}

/** Converters keyed by service key (`services.*.<key>`). */
const SERVICE_CONVERTERS: Record<string, Converter> = {
  command: commandLine,
  entrypoint: commandLine,
  environment: (v) => keyValues(v, null),
  labels: (v) => keyValues(v, ''),
  annotations: (v) => keyValues(v, ''),
  sysctls: (v) => keyValues(v, ''),
  env_file: envFiles,
  ports: ports,
  expose: stringList,
  volumes: volumes,
  tmpfs: stringList,
  depends_on: dependsOn,
  networks: serviceNetworks,
  healthcheck: healthcheck,
  extra_hosts: extraHosts,
  dns: stringList,
  dns_search: stringList,
  dns_opt: stringList,
  cap_add: stringList,
  cap_drop: stringList,
  security_opt: stringList,
  devices: devices,
  links: stringList,
  volumes_from: stringList,
  profiles: stringList,
  secrets: mountRefs,
  configs: mountRefs,
  ulimits: ulimits,
  build: build,
  extends: (v) => (typeof v === 'string' ? { service: v } : v),
};

function commandLine(value: unknown, path: string, ctx: FileContext): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') {
    try {
      return shellSplit(value);
    } catch (error) {
      report(ctx, path, `cannot split ${JSON.stringify(value)}: ${(error as Error).message}`);
      return undefined;
    }
  }
  if (Array.isArray(value)) return value.map((item) => scalarText(item) ?? '');
  return undefined;
}

/** `KEY=VAL` lists and maps become one map; a bare list key gets `bare` (null for environment, '' for labels). */
function keyValues(value: unknown, bare: string | null): unknown {
  if (value === null || value === undefined) return {};
  const out: Record<string, unknown> = {};
  if (Array.isArray(value)) {
    for (const item of value) {
      const text = scalarText(item);
      if (text === undefined) continue;
      const eq = text.indexOf('=');
      if (eq < 0) setOwn(out, text, bare);
      else setOwn(out, text.slice(0, eq), text.slice(eq + 1));
    }
    return out;
  }
  if (!isMapping(value)) return {};
  for (const [k, v] of Object.entries(value)) {
    if (v instanceof ResetTag || v instanceof OverrideTag) setOwn(out, k, v);
    else if (v === null || v === undefined) setOwn(out, k, bare);
    else {
      const text = scalarText(v);
      if (text !== undefined) setOwn(out, k, text);
    }
  }
  return out;
}

function stringList(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  const items = Array.isArray(value) ? value : [value];
  return items.flatMap((item) => scalarText(item) ?? []);
}

function envFiles(value: unknown, path: string, ctx: FileContext): unknown {
  const items = Array.isArray(value) ? value : value === null || value === undefined ? [] : [value];
  const out: Mapping[] = [];
  items.forEach((item, i) => {
    const at = Array.isArray(value) ? `${path}.${i}` : path;
    if (typeof item === 'string') out.push({ path: hostPath(ctx, item), required: true });
    else if (isMapping(item) && typeof item.path === 'string') {
      out.push({
        path: hostPath(ctx, item.path),
        required: asBool(item.required, true, `${at}.required`, ctx),
        ...(item.format !== undefined ? { format: item.format } : {}),
      });
    }
  });
  return out;
}

/** Booleans may arrive as strings after interpolation (`"true"`, `"false"`). */
export function asBool(value: unknown, fallback: boolean, path: string, ctx: FileContext): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  report(ctx, path, `${JSON.stringify(value)} is not a boolean`);
  return fallback;
}

const PORT_RANGE = /^(\d+)(?:-(\d+))?$/;
const PROTOCOLS: ReadonlySet<string> = new Set(['tcp', 'udp', 'sctp']);

function ports(value: unknown, path: string, ctx: FileContext): unknown {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item, i) => {
    const at = `${path}.${i}`;
    if (isMapping(item)) return [longPort(item, at, ctx)].filter((p) => p !== undefined);
    const text = scalarText(item);
    return text === undefined ? [] : shortPort(text, at, ctx);
  });
}

function longPort(item: Mapping, path: string, ctx: FileContext): Mapping | undefined {
  const target = Number(scalarText(item.target));
  if (item.target === undefined) {
    report(ctx, `${path}.target`, 'is required (the container port)');
    return undefined;
  }
  if (!Number.isInteger(target) || target <= 0) {
    report(ctx, `${path}.target`, `${JSON.stringify(item.target)} is not a port number`);
    return undefined;
  }
  const protocol = scalarText(item.protocol) ?? 'tcp';
  if (!PROTOCOLS.has(protocol)) {
    report(ctx, `${path}.protocol`, `unknown protocol ${JSON.stringify(protocol)}`);
    return undefined;
  }
  const published = scalarText(item.published);
  return dropUndefined({
    target,
    published: published === '' ? undefined : published,
    host_ip: scalarText(item.host_ip),
    protocol,
    mode: scalarText(item.mode) ?? 'ingress',
    name: scalarText(item.name),
    app_protocol: scalarText(item.app_protocol),
  });
}

/** `[[IP:]PUBLISHED:]TARGET[/PROTOCOL]`, IPv6 in brackets, ranges expanded to one entry per container port. */
function shortPort(spec: string, path: string, ctx: FileContext): Mapping[] {
  const bad = (why: string) => {
    report(ctx, path, `${JSON.stringify(spec)} is not a valid port (${why})`);
    return [];
  };
  const slash = spec.lastIndexOf('/');
  const protocol = slash >= 0 ? spec.slice(slash + 1) : 'tcp';
  if (!PROTOCOLS.has(protocol)) return bad(`unknown protocol ${JSON.stringify(protocol)}`);
  let rest = slash >= 0 ? spec.slice(0, slash) : spec;
  let hostIp: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0 || rest[close + 1] !== ':') return bad('unclosed IPv6 bracket');
    hostIp = rest.slice(1, close);
    rest = rest.slice(close + 2);
  }
  const parts = rest.split(':');
  const target = parts.pop() ?? '';
  const published = parts.pop();
  if (parts.length > 0) {
    if (hostIp !== undefined) return bad('too many colons');
    hostIp = parts.join(':');
  }
  const t = PORT_RANGE.exec(target);
  if (!t) return bad('container port must be a number or range');
  const tStart = Number(t[1]);
  const tEnd = Number(t[2] ?? t[1]);
  let pStart: number | undefined;
  let pEnd: number | undefined;
  if (published !== undefined && published !== '') {
    const p = PORT_RANGE.exec(published);
    if (!p) return bad('host port must be a number or range');
    pStart = Number(p[1]);
    pEnd = Number(p[2] ?? p[1]);
  }
  const count = tEnd - tStart + 1;
  if (count < 1 || (pStart !== undefined && pEnd! < pStart)) return bad('range ends before it starts');
  if (pStart !== undefined && count > 1 && pEnd! - pStart + 1 !== count) return bad('ranges differ in size');
  const base = { host_ip: hostIp || undefined, protocol, mode: 'ingress' };
  return Array.from({ length: count }, (_, i) =>
    dropUndefined({
      target: tStart + i,
      published: pStart === undefined ? undefined : count > 1 ? String(pStart + i) : (published as string | undefined),
      ...base,
    }),
  );
}

const BIND_PREFIXES = ['.', '/', '~'];
const MOUNT_TYPES: ReadonlySet<string> = new Set(['bind', 'volume', 'tmpfs', 'image', 'npipe', 'cluster']);
const PROPAGATIONS = new Set(['shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate']);

function volumes(value: unknown, path: string, ctx: FileContext): unknown {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item, i) => {
    const at = `${path}.${i}`;
    if (isMapping(item)) return [longVolume(item, at, ctx)].filter((v) => v !== undefined);
    if (typeof item !== 'string') return [];
    return [shortVolume(item, at, ctx)].filter((v) => v !== undefined);
  });
}

/**
 * Flags are read here, where list indexes are still the file's: later stages see the merged list, in which
 * entries dropped here or expanded from ranges have shifted every index after them.
 */
function longVolume(item: Mapping, path: string, ctx: FileContext): Mapping | undefined {
  const type = scalarText(item.type) ?? 'volume';
  // An unknown type was reported by the schema check.
  if (!MOUNT_TYPES.has(type)) return undefined;
  const target = scalarText(item.target);
  if (!target) {
    report(ctx, `${path}.target`, 'is required');
    return undefined;
  }
  const out: Mapping = { ...item, type, target, read_only: asBool(item.read_only, false, `${path}.read_only`, ctx) };
  const source = scalarText(item.source);
  if (type === 'bind' && source) out.source = hostPath(ctx, source);
  if (type === 'bind') {
    const bind = isMapping(item.bind) ? item.bind : {};
    const create = asBool(bind.create_host_path, true, `${path}.bind.create_host_path`, ctx);
    out.bind = { ...bind, create_host_path: create };
  }
  if (type === 'volume' && isMapping(item.volume)) {
    out.volume = { ...item.volume, nocopy: asBool(item.volume.nocopy, false, `${path}.volume.nocopy`, ctx) };
  }
  return out;
}

function shortVolume(spec: string, path: string, ctx: FileContext): Mapping | undefined {
  const parts = spec.split(':');
  if (parts.length === 1) return { type: 'volume', target: spec };
  if (parts.length > 3 || parts.some((p) => p === '')) {
    report(ctx, path, `${JSON.stringify(spec)} is not a valid volume (use SOURCE:TARGET[:MODE])`);
    return undefined;
  }
  const [source = '', target = '', mode] = parts;
  const isBind = BIND_PREFIXES.some((prefix) => source.startsWith(prefix));
  const out: Mapping = isBind
    ? { type: 'bind', source: hostPath(ctx, source), target, bind: { create_host_path: true } }
    : { type: 'volume', source, target };
  for (const flag of mode ? mode.split(',') : []) {
    if (flag === 'ro') out.read_only = true;
    else if (flag === 'rw') out.read_only = false;
    else if (flag === 'z' || flag === 'Z') out.bind = { ...(out.bind as Mapping), selinux: flag };
    else if (flag === 'nocopy') out.volume = { nocopy: true };
    else if (PROPAGATIONS.has(flag)) out.bind = { ...(out.bind as Mapping), propagation: flag };
    else if (!['cached', 'delegated', 'consistent'].includes(flag)) {
      report(ctx, path, `unknown volume mode ${JSON.stringify(flag)} in ${JSON.stringify(spec)}`);
    }
  }
  return out;
}

/**
 * The list form means "started, required"; the map form keeps only what is written, so that a later file's
 * partial entry (`restart: true`) merges onto an earlier one instead of resetting its condition. Defaults are
 * applied once everything is merged (dependencies.ts).
 */
function dependsOn(value: unknown, path: string, ctx: FileContext): unknown {
  const out: Record<string, unknown> = {};
  if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item === 'string') out[item] = { condition: 'service_started', required: true };
    }
    return out;
  }
  if (!isMapping(value)) return out;
  for (const [name, entry] of Object.entries(value)) {
    if (entry instanceof ResetTag || entry instanceof OverrideTag || !isMapping(entry)) {
      out[name] = entry;
      continue;
    }
    const at = `${path}.${name}`;
    const spec: Mapping = { ...entry };
    for (const flag of ['required', 'restart']) {
      if (spec[flag] !== undefined) spec[flag] = asBool(spec[flag], flag === 'required', `${at}.${flag}`, ctx);
    }
    out[name] = spec;
  }
  return out;
}

function serviceNetworks(value: unknown): unknown {
  const out: Record<string, unknown> = {};
  if (Array.isArray(value)) {
    for (const item of value) if (typeof item === 'string') out[item] = {};
    return out;
  }
  if (!isMapping(value)) return out;
  for (const [name, entry] of Object.entries(value)) {
    out[name] = entry === null || entry === undefined ? {} : entry;
  }
  return out;
}

function healthcheck(value: unknown): unknown {
  if (!isMapping(value)) return {};
  const test = value.test;
  if (typeof test === 'string') return { ...value, test: ['CMD-SHELL', test] };
  return value;
}

function extraHosts(value: unknown): unknown {
  if (isMapping(value)) {
    return Object.entries(value).flatMap(([host, ips]) =>
      (Array.isArray(ips) ? ips : [ips]).map((ip) => `${host}:${scalarText(ip) ?? ''}`),
    );
  }
  const list = stringList(value);
  // `host=ip` is the newer list form; the engine wants `host:ip`.
  return list.map((entry) => (entry.includes('=') ? entry.replace('=', ':') : entry));
}

function devices(value: unknown): unknown {
  if (!Array.isArray(value)) return stringList(value);
  return value.map((item) => {
    if (!isMapping(item)) return scalarText(item) ?? '';
    const source = scalarText(item.source) ?? '';
    return [source, scalarText(item.target) ?? source, scalarText(item.permissions)].filter(Boolean).join(':');
  });
}

function mountRefs(value: unknown): unknown {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => {
    if (typeof item === 'string') return [{ source: item }];
    return isMapping(item) && typeof item.source === 'string' ? [item] : [];
  });
}

function ulimits(value: unknown): unknown {
  if (!isMapping(value)) return {};
  const out: Record<string, unknown> = {};
  for (const [name, limit] of Object.entries(value)) {
    const single = Number(scalarText(limit));
    if (isMapping(limit)) out[name] = { soft: Number(limit.soft), hard: Number(limit.hard) };
    else if (Number.isInteger(single)) out[name] = { soft: single, hard: single };
  }
  return out;
}

const REMOTE_CONTEXT = /^(?:[a-z][a-z0-9+.-]*:\/\/|git@|github\.com\/)/i;

function build(value: unknown, _path: string, ctx: FileContext): unknown {
  const spec: Mapping = typeof value === 'string' ? { context: value } : isMapping(value) ? { ...value } : {};
  const context = scalarText(spec.context) ?? '.';
  spec.context = REMOTE_CONTEXT.test(context) ? context : hostPath(ctx, context);
  if (spec.args !== undefined) spec.args = keyValues(spec.args, null);
  if (spec.labels !== undefined) spec.labels = keyValues(spec.labels, '');
  return spec;
}

function dropUndefined(value: Mapping): Mapping {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
