import { stringify } from 'yaml';
import { formatDuration } from '../compose/duration.js';
import type { ComposeProject, Healthcheck, Service, ServiceMount } from '../model.js';

type Doc = Record<string, unknown>;

/**
 * The resolved project in Compose's own long syntax (`docker compose config` shape): snake_case keys,
 * durations as Go strings, sizes in bytes, absolute paths, keys sorted, empty and default values left out.
 */
export function projectToConfig(project: ComposeProject): Doc {
  return prune({
    name: project.name,
    services: mapValues(project.services, serviceToConfig),
    networks: mapValues(project.networks, (n) => ({
      name: n.name,
      external: n.external || undefined,
      internal: n.internal || undefined,
      driver: n.driver,
      enable_ipv6: n.enableIpv6,
      labels: n.labels,
    })),
    volumes: mapValues(project.volumes, (v) => ({
      name: v.name,
      external: v.external || undefined,
      driver: v.driver,
      labels: v.labels,
    })),
    secrets: mapValues(project.secrets, secretToConfig),
    configs: mapValues(project.configs, secretToConfig),
    ...project.extensions,
  }) as Doc;
}

/** The resolved project as YAML text (default) or as a JSON document. */
export function renderConfig(project: ComposeProject, format: 'yaml' | 'json'): string {
  const doc = projectToConfig(project);
  return format === 'json'
    ? `${JSON.stringify(doc, null, 2)}\n`
    : stringify(doc, { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false });
}

function serviceToConfig(s: Service): Doc {
  return {
    image: s.image,
    build: s.build && {
      context: s.build.context,
      dockerfile: s.build.dockerfile,
      args: s.build.args,
      target: s.build.target,
      labels: s.build.labels,
    },
    pull_policy: s.pullPolicy,
    command: s.command,
    entrypoint: s.entrypoint,
    environment: s.environment,
    user: s.user,
    working_dir: s.workingDir,
    hostname: s.hostname,
    domainname: s.domainName,
    container_name: s.containerName,
    labels: s.labels,
    healthcheck: s.healthcheck && healthcheckToConfig(s.healthcheck),
    depends_on: mapValues(s.dependsOn, (d) => ({
      condition: d.condition,
      required: d.required,
      restart: d.restart || undefined,
    })),
    ports: s.ports.map((p) => ({
      target: p.target,
      published: p.published,
      host_ip: p.hostIp,
      protocol: p.protocol,
      mode: p.mode,
      name: p.name,
      app_protocol: p.appProtocol,
    })),
    expose: s.expose,
    volumes: s.mounts.map(mountToConfig),
    networks: mapValues(s.networks, (n) => ({
      aliases: n.aliases,
      ipv4_address: n.ipv4Address,
      ipv6_address: n.ipv6Address,
      priority: n.priority,
    })),
    network_mode: s.networkMode,
    restart: s.restart,
    cap_add: s.capAdd,
    cap_drop: s.capDrop,
    privileged: s.privileged || undefined,
    devices: s.devices,
    ulimits: s.ulimits,
    sysctls: s.sysctls,
    extra_hosts: s.extraHosts,
    dns: s.dns,
    shm_size: s.shmSizeBytes,
    mem_limit: s.memLimitBytes,
    init: s.init,
    stop_signal: s.stopSignal,
    stop_grace_period: s.stopGracePeriodMs === undefined ? undefined : formatDuration(s.stopGracePeriodMs),
    read_only: s.readOnly || undefined,
    security_opt: s.securityOpt,
    pid: s.pid,
    ipc: s.ipc,
    platform: s.platform,
    deploy:
      s.replicas !== 1 || s.deployRestartCondition
        ? { replicas: s.replicas, restart_policy: s.deployRestartCondition && { condition: s.deployRestartCondition } }
        : undefined,
    profiles: s.profiles,
    secrets: s.secrets,
    configs: s.configs,
    ...s.extensions,
  };
}

function healthcheckToConfig(h: Healthcheck): Doc {
  const duration = (ms: number | undefined) => (ms === undefined ? undefined : formatDuration(ms));
  return {
    test: h.test,
    interval: duration(h.intervalMs),
    timeout: duration(h.timeoutMs),
    start_period: duration(h.startPeriodMs),
    start_interval: duration(h.startIntervalMs),
    retries: h.retries,
    disable: h.disabled || undefined,
  };
}

function mountToConfig(m: ServiceMount): Doc {
  return {
    type: m.type,
    source: m.source,
    target: m.target,
    read_only: m.readOnly || undefined,
    bind: m.bind && {
      create_host_path: m.bind.createHostPath,
      propagation: m.bind.propagation,
      selinux: m.bind.selinux,
    },
    volume: m.volume && { nocopy: m.volume.nocopy || undefined, subpath: m.volume.subpath },
    tmpfs: m.tmpfs && { size: m.tmpfs.sizeBytes, mode: m.tmpfs.mode },
  };
}

function secretToConfig(d: ComposeProject['secrets'][string]): Doc {
  return {
    name: d.name,
    file: d.file,
    environment: d.environment,
    content: d.content,
    external: d.external || undefined,
  };
}

function mapValues<T>(record: Record<string, T>, fn: (value: T) => unknown): Doc {
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((k) => [k, fn(record[k]!)]),
  );
}

/** Drops undefined values, empty arrays and empty objects, recursively; a service or network with nothing left stays `{}`. */
function prune(value: unknown, depth = 0): unknown {
  if (Array.isArray(value)) return value.map((v) => prune(v, depth + 1));
  if (value === null || typeof value !== 'object') return value;
  const out: Doc = {};
  for (const [key, v] of Object.entries(value)) {
    const pruned = prune(v, depth + 1);
    if (pruned === undefined) continue;
    if (Array.isArray(pruned) && pruned.length === 0) continue;
    // Keep empty maps for named entries (a service, network or volume with only defaults), drop other empty maps.
    if (isEmptyObject(pruned) && depth !== 1) continue;
    out[key] = pruned;
  }
  return out;
}

function isEmptyObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0;
}
