// Canonical service mapping → the strict, typed Service: durations in ms, sizes in bytes, mounts and ports typed.
import type {
  BuildSpec,
  Dependency,
  Healthcheck,
  MountType,
  PortMapping,
  SecretOrConfigUse,
  Service,
  ServiceMount,
  ServiceNetwork,
  Ulimit,
} from '../model.js';
import { asBool } from './canonical.js';
import { formatDuration, parseDuration } from './duration.js';
import { type FileContext, report } from './file-context.js';
import { parseBytes, parseOctalMode } from './units.js';
import { isMapping, type Mapping, scalarText, setOwn } from './values.js';

/** What the project-wide stages computed for the service. */
export interface ResolvedParts {
  environment: Record<string, string | null>;
  dependsOn: Record<string, Dependency>;
  buildArgs: Record<string, string>;
}

/** Healthcheck duration keys and the Healthcheck field each one fills. */
const HEALTHCHECK_DURATIONS = {
  interval: 'intervalMs',
  timeout: 'timeoutMs',
  start_period: 'startPeriodMs',
  start_interval: 'startIntervalMs',
} as const;

/** Plain string fields copied as written, keyed by compose key. */
const STRING_FIELDS = {
  image: 'image',
  pull_policy: 'pullPolicy',
  user: 'user',
  working_dir: 'workingDir',
  hostname: 'hostname',
  domainname: 'domainName',
  container_name: 'containerName',
  network_mode: 'networkMode',
  restart: 'restart',
  stop_signal: 'stopSignal',
  pid: 'pid',
  ipc: 'ipc',
  uts: 'uts',
  userns_mode: 'usernsMode',
  cgroup: 'cgroup',
  platform: 'platform',
} as const;

const RESTART_POLICY = /^(no|always|unless-stopped|on-failure(:\d+)?)$/;

/** String-list fields, keyed by compose key. */
const LIST_FIELDS = {
  expose: 'expose',
  cap_add: 'capAdd',
  cap_drop: 'capDrop',
  devices: 'devices',
  extra_hosts: 'extraHosts',
  dns: 'dns',
  security_opt: 'securityOpt',
  profiles: 'profiles',
} as const;

/** Builds the typed Service; every value that Compose would reject becomes an issue at its path. */
export function normaliseService(name: string, raw: Mapping, parts: ResolvedParts, ctx: FileContext): Service {
  const at = (key: string) => `services.${name}.${key}`;
  const networkMode = scalarText(raw.network_mode);
  const service: Service = {
    name,
    environment: parts.environment,
    labels: stringRecord(raw.labels),
    dependsOn: parts.dependsOn,
    ports: ports(raw.ports),
    expose: [],
    mounts: [...mounts(raw.volumes, at('volumes'), ctx), ...tmpfsMounts(raw.tmpfs, at('tmpfs'), ctx)],
    networks: networkMode ? {} : networks(raw.networks),
    capAdd: [],
    capDrop: [],
    privileged: asBool(raw.privileged, false, at('privileged'), ctx),
    devices: [],
    ulimits: ulimits(raw.ulimits),
    sysctls: stringRecord(raw.sysctls),
    extraHosts: [],
    dns: [],
    readOnly: asBool(raw.read_only, false, at('read_only'), ctx),
    securityOpt: [],
    replicas: replicas(raw, name, ctx),
    profiles: [],
    secrets: mountRefs(raw.secrets, (source) => `/run/secrets/${source}`, ctx, at('secrets')),
    configs: mountRefs(raw.configs, (source) => `/${source}`, ctx, at('configs')),
    volumesFrom: volumesFrom(raw.volumes_from),
    extensions: Object.fromEntries(Object.entries(raw).filter(([k]) => k.startsWith('x-'))),
  };
  for (const [key, field] of Object.entries(STRING_FIELDS)) {
    const value = scalarText(raw[key]);
    if (value !== undefined) service[field] = value;
  }
  for (const [key, field] of Object.entries(LIST_FIELDS)) {
    if (Array.isArray(raw[key])) service[field] = (raw[key] as unknown[]).map((v) => scalarText(v) ?? '');
  }
  if (Array.isArray(raw.command)) service.command = raw.command as string[];
  if (Array.isArray(raw.entrypoint)) service.entrypoint = raw.entrypoint as string[];
  if (raw.build !== undefined) service.build = build(raw.build, parts.buildArgs);
  // compose-go's normalisation: `if_not_present` is the old spelling of `missing`.
  if (service.pullPolicy === 'if_not_present') service.pullPolicy = 'missing';
  checkContainerName(raw, name, service.replicas, ctx);
  // Compose passes `restart` to the engine as written, and the engine refuses any other policy at create time.
  if (service.restart !== undefined && !RESTART_POLICY.test(service.restart)) {
    report(
      ctx,
      at('restart'),
      `${JSON.stringify(service.restart)} is not a restart policy (use no, always, unless-stopped or on-failure[:N])`,
    );
  }
  if (raw.healthcheck !== undefined) {
    const hc = healthcheck(raw.healthcheck, at('healthcheck'), ctx);
    if (hc) service.healthcheck = hc;
  }
  if (raw.init !== undefined) service.init = asBool(raw.init, false, at('init'), ctx);
  if (raw.shm_size !== undefined) {
    const bytes = parseBytes(scalarText(raw.shm_size) ?? '');
    if (bytes === undefined) report(ctx, at('shm_size'), `${JSON.stringify(raw.shm_size)} is not a size (use 64m)`);
    else service.shmSizeBytes = bytes;
  }
  if (raw.stop_grace_period !== undefined) {
    const ms = duration(raw.stop_grace_period, at('stop_grace_period'), ctx);
    if (ms !== undefined) service.stopGracePeriodMs = ms;
  }
  const deploy = isMapping(raw.deploy) ? raw.deploy : {};
  const memLimit = memoryLimit(raw, deploy, name, ctx);
  if (memLimit !== undefined) service.memLimitBytes = memLimit;
  const condition = isMapping(deploy.restart_policy) ? scalarText(deploy.restart_policy.condition) : undefined;
  if (condition !== undefined) service.deployRestartCondition = condition;
  if (!service.image && !service.build) report(ctx, `services.${name}`, 'has neither an image nor a build context');
  return service;
}

/**
 * `mem_limit` and `deploy.resources.limits.memory` in bytes; 0 means no limit. compose-go (loader/validate.go)
 * refuses the file when mem_limit is set and a `limits` mapping says otherwise, so the two never compete.
 */
function memoryLimit(raw: Mapping, deploy: Mapping, name: string, ctx: FileContext): number | undefined {
  const read = (value: unknown, path: string): number | undefined => {
    if (value === undefined || value === null) return undefined;
    const bytes = parseBytes(scalarText(value) ?? '');
    if (bytes === undefined || bytes < 0) report(ctx, path, `${JSON.stringify(value)} is not a size (use 512m)`);
    return bytes !== undefined && bytes >= 0 ? bytes : undefined;
  };
  const resources = isMapping(deploy.resources) ? deploy.resources : {};
  const limits = isMapping(resources.limits) ? resources.limits : undefined;
  const fromMemLimit = read(raw.mem_limit, `services.${name}.mem_limit`);
  const fromDeploy = read(limits?.memory, `services.${name}.deploy.resources.limits.memory`);
  if (fromMemLimit && limits && (fromDeploy ?? 0) !== fromMemLimit) {
    report(
      ctx,
      `services.${name}`,
      `can't set distinct values on 'mem_limit' (${fromMemLimit}) and 'deploy.resources.limits.memory' (${fromDeploy ?? 0})`,
    );
  }
  const bytes = fromDeploy || fromMemLimit;
  return bytes ? bytes : undefined;
}

/** Replicas would all claim the same container_name (compose-go refuses it). */
function checkContainerName(raw: Mapping, name: string, replicas: number, ctx: FileContext): void {
  if (scalarText(raw.container_name) !== undefined && replicas > 1) {
    report(
      ctx,
      `services.${name}.container_name`,
      `can't be set with ${replicas} replicas: a container name must be unique`,
    );
  }
}

/** A duration in ms; a bare number gets a hint with the seconds spelled as a Compose duration. */
function duration(value: unknown, path: string, ctx: FileContext): number | undefined {
  const text = scalarText(value);
  const ms = text === undefined ? undefined : parseDuration(text);
  if (ms === undefined) {
    const seconds = Number(text);
    const hint =
      text !== undefined && text !== '' && Number.isFinite(seconds) ? ` (use ${formatDuration(seconds * 1000)})` : '';
    report(ctx, path, `${JSON.stringify(text ?? value)} is not a duration${hint}`);
  }
  return ms;
}

function healthcheck(value: unknown, path: string, ctx: FileContext): Healthcheck | undefined {
  if (!isMapping(value)) return undefined;
  const test = Array.isArray(value.test) ? value.test.map((t) => scalarText(t) ?? '') : undefined;
  const disabled = asBool(value.disable, false, `${path}.disable`, ctx) || test?.[0] === 'NONE';
  if (test && !['NONE', 'CMD', 'CMD-SHELL'].includes(test[0] ?? '')) {
    report(ctx, `${path}.test`, 'must start with "NONE", "CMD" or "CMD-SHELL"');
  }
  const hc: Healthcheck = { disabled };
  if (disabled) hc.test = ['NONE'];
  else if (test) hc.test = test;
  for (const [key, field] of Object.entries(HEALTHCHECK_DURATIONS)) {
    if (value[key] === undefined || value[key] === null) continue;
    const ms = duration(value[key], `${path}.${key}`, ctx);
    if (ms !== undefined) hc[field] = ms;
  }
  if (value.retries !== undefined && value.retries !== null) {
    const retries = Number(scalarText(value.retries));
    if (Number.isInteger(retries) && retries >= 0) hc.retries = retries;
    else report(ctx, `${path}.retries`, `${JSON.stringify(value.retries)} is not a whole number`);
  }
  const hasSettings = Object.keys(hc).length > 1;
  return hasSettings || disabled ? hc : undefined;
}

function ports(value: unknown): PortMapping[] {
  if (!Array.isArray(value)) return [];
  // Protocols were checked where indexes are the file's (canonical.ts), before ranges were expanded.
  return value.flatMap((item) => {
    if (!isMapping(item)) return [];
    const protocol = (scalarText(item.protocol) ?? 'tcp') as PortMapping['protocol'];
    const port: PortMapping = { target: Number(item.target), protocol };
    const optional = {
      published: 'published',
      host_ip: 'hostIp',
      mode: 'mode',
      name: 'name',
      app_protocol: 'appProtocol',
    } as const;
    for (const [key, field] of Object.entries(optional)) {
      const text = scalarText(item[key]);
      if (text !== undefined) port[field] = text;
    }
    return [port];
  });
}

function mounts(value: unknown, path: string, ctx: FileContext): ServiceMount[] {
  if (!Array.isArray(value)) return [];
  // Types and flags were checked where indexes are the file's (canonical.ts); `true` is all that is left to read.
  return value.flatMap((item, i) => {
    if (!isMapping(item)) return [];
    const type = (scalarText(item.type) ?? 'volume') as MountType;
    const mount: ServiceMount = { type, target: scalarText(item.target) ?? '', readOnly: item.read_only === true };
    const source = scalarText(item.source);
    if (source) mount.source = source;
    if (type === 'bind') {
      const bind = isMapping(item.bind) ? item.bind : {};
      mount.bind = { createHostPath: bind.create_host_path !== false };
      const propagation = scalarText(bind.propagation);
      if (propagation) mount.bind.propagation = propagation;
      const selinux = scalarText(bind.selinux);
      if (selinux === 'z' || selinux === 'Z') mount.bind.selinux = selinux;
    }
    if (type === 'volume') {
      const volume = isMapping(item.volume) ? item.volume : {};
      mount.volume = { nocopy: volume.nocopy === true };
      const subpath = scalarText(volume.subpath);
      if (subpath) mount.volume.subpath = subpath;
    }
    if (type === 'tmpfs')
      mount.tmpfs = tmpfsOptions(isMapping(item.tmpfs) ? item.tmpfs : {}, `${path}.${i}.tmpfs`, ctx);
    return [mount];
  });
}

function tmpfsOptions(spec: Mapping, path: string, ctx: FileContext): NonNullable<ServiceMount['tmpfs']> {
  const out: NonNullable<ServiceMount['tmpfs']> = {};
  if (spec.size !== undefined) {
    const size = parseBytes(scalarText(spec.size) ?? '');
    if (size === undefined) report(ctx, `${path}.size`, `${JSON.stringify(spec.size)} is not a size`);
    else out.sizeBytes = size;
  }
  if (spec.mode !== undefined) {
    const mode =
      typeof spec.mode === 'number' ? parseOctalMode(spec.mode) : parseOctalMode(scalarText(spec.mode) ?? '');
    if (mode === undefined) report(ctx, `${path}.mode`, `${JSON.stringify(spec.mode)} is not a file mode`);
    else out.mode = mode;
  }
  return out;
}

/** `tmpfs: /run` or `/run:size=64m,mode=1777` (docker --tmpfs options). */
function tmpfsMounts(value: unknown, path: string, ctx: FileContext): ServiceMount[] {
  if (!Array.isArray(value)) return [];
  return value.map((entry, i) => {
    const text = scalarText(entry) ?? '';
    const colon = text.indexOf(':');
    const target = colon < 0 ? text : text.slice(0, colon);
    const options: Mapping = {};
    for (const option of colon < 0 ? [] : text.slice(colon + 1).split(',')) {
      const [k, v] = option.split('=');
      if (k === 'size' || k === 'mode') options[k] = v;
    }
    return { type: 'tmpfs', target, readOnly: false, tmpfs: tmpfsOptions(options, `${path}.${i}`, ctx) };
  });
}

function networks(value: unknown): Record<string, ServiceNetwork> {
  const out: Record<string, ServiceNetwork> = {};
  if (!isMapping(value)) return out;
  for (const [key, spec] of Object.entries(value)) {
    const entry = isMapping(spec) ? spec : {};
    const network: ServiceNetwork = {
      aliases: Array.isArray(entry.aliases) ? entry.aliases.map((a) => scalarText(a) ?? '') : [],
    };
    const ipv4 = scalarText(entry.ipv4_address);
    if (ipv4) network.ipv4Address = ipv4;
    const ipv6 = scalarText(entry.ipv6_address);
    if (ipv6) network.ipv6Address = ipv6;
    if (typeof entry.priority === 'number') network.priority = entry.priority;
    out[key] = network;
  }
  return out;
}

function ulimits(value: unknown): Record<string, Ulimit> {
  const out: Record<string, Ulimit> = {};
  if (!isMapping(value)) return out;
  for (const [key, limit] of Object.entries(value)) {
    if (isMapping(limit)) out[key] = { soft: Number(limit.soft), hard: Number(limit.hard) };
  }
  return out;
}

function replicas(raw: Mapping, name: string, ctx: FileContext): number {
  const deploy = isMapping(raw.deploy) ? raw.deploy : {};
  const read = (value: unknown, path: string): number | undefined => {
    if (value === undefined || value === null) return undefined;
    const n = Number(scalarText(value));
    if (Number.isInteger(n) && n >= 0) return n;
    report(ctx, path, `${JSON.stringify(value)} is not a whole number`);
    return undefined;
  };
  const fromDeploy = read(deploy.replicas, `services.${name}.deploy.replicas`);
  const fromScale = read(raw.scale, `services.${name}.scale`);
  if (fromDeploy !== undefined && fromScale !== undefined && fromDeploy !== fromScale) {
    report(
      ctx,
      `services.${name}.scale`,
      `can't set distinct values on 'scale' (${fromScale}) and 'deploy.replicas' (${fromDeploy})`,
    );
  }
  return fromDeploy ?? fromScale ?? 1;
}

function mountRefs(
  value: unknown,
  defaultTarget: (source: string) => string,
  ctx: FileContext,
  path: string,
): SecretOrConfigUse[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item, i) => {
    if (!isMapping(item)) return [];
    const source = scalarText(item.source) ?? '';
    const target = scalarText(item.target);
    const use: SecretOrConfigUse = {
      source,
      // A relative secret target lands under /run/secrets, like Compose does.
      target: !target ? defaultTarget(source) : target.startsWith('/') ? target : defaultTarget(target),
    };
    const uid = scalarText(item.uid);
    if (uid !== undefined) use.uid = uid;
    const gid = scalarText(item.gid);
    if (gid !== undefined) use.gid = gid;
    if (item.mode !== undefined) {
      const mode =
        typeof item.mode === 'number' ? parseOctalMode(item.mode) : parseOctalMode(scalarText(item.mode) ?? '');
      if (mode === undefined) report(ctx, `${path}.${i}.mode`, `${JSON.stringify(item.mode)} is not a file mode`);
      else use.mode = mode;
    }
    return [use];
  });
}

function build(value: unknown, args: Record<string, string>): BuildSpec {
  const spec = isMapping(value) ? value : {};
  const out: BuildSpec = {
    context: scalarText(spec.context) ?? '.',
    dockerfile: scalarText(spec.dockerfile) ?? 'Dockerfile',
    args,
    labels: stringRecord(spec.labels),
  };
  const target = scalarText(spec.target);
  if (target) out.target = target;
  return out;
}

function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isMapping(value)) return out;
  for (const [k, v] of Object.entries(value)) setOwn(out, k, scalarText(v) ?? '');
  return out;
}

/** `volumes_from` entries: `svc`, `svc:ro`, `container:name`, `container:name:rw`. */
function volumesFrom(value: unknown): Service['volumesFrom'] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry) => {
    if (typeof entry !== 'string' || entry === '') return [];
    const parts = entry.split(':');
    const container = parts[0] === 'container';
    const name = container ? parts[1] : parts[0];
    const mode = container ? parts[2] : parts[1];
    if (!name) return [];
    return [{ ...(container ? { container: name } : { service: name }), readOnly: mode === 'ro' }];
  });
}
