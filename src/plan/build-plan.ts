import type {
  ComposeProject,
  Plan,
  PlannedContainer,
  PlannedMount,
  PlannedNetwork,
  PlannedVolume,
  PortMapping,
  Service,
} from '../model.js';
import { orderWaves } from './dependency-graph.js';
import { OWNER_LABEL, RUN_LABEL, SERVICE_LABEL, STACK_LABEL } from './labels.js';
import { bindHostAccess, type HostAccess, isHostCapability, liftsConfinement } from './refuse-host-access.js';

export type PullPolicy = 'always' | 'missing' | 'never';

export interface PlanOptions {
  runId: string;
  stack: string;
  /** `<host>/<pid>/<start ticks>` of the process running the rehearsal. */
  owner: string;
  pull: PullPolicy;
  /** Host paths that exist: existing bind sources are mounted read-only, missing ones become empty scratch volumes. */
  existingPaths: ReadonlySet<string>;
  /** Sandbox networks are internal (no route out) unless egress is allowed. */
  allowEgress: boolean;
  /** Host access the user opted into; any other host access is left out of the plan (default: none). */
  allowHost?: ReadonlySet<HostAccess>;
  /** How existing directory binds enter the sandbox (default: all mounted read-only). */
  binds?: BindPlanOptions;
}

/** Bind handling: `copy` and `empty` put a scratch volume in place of a directory bind; file binds stay read-only. */
export interface BindPlanOptions {
  mode: 'copy' | 'readonly' | 'empty';
  /** Existing bind sources that are directories. */
  directories: ReadonlySet<string>;
  /** Bind targets a restore fills: always a scratch volume, whatever the mode. */
  restoredTargets: ReadonlySet<string>;
}

/**
 * Rewrites a project into an isolated sandbox: run-scoped names and labels on everything, one private
 * network per compose network, no published ports, scratch volumes, host binds only ever read-only, and no
 * host namespace, privilege, device or Docker socket unless `allowHost` grants it.
 */
export function buildPlan(project: ComposeProject, options: PlanOptions): Plan {
  const sandbox = sandboxName(options.stack, options.runId);
  const labels = { [RUN_LABEL]: options.runId, [STACK_LABEL]: options.stack, [OWNER_LABEL]: options.owner };
  const started = Object.values(project.services).filter((s) => s.replicas > 0);
  const graph = dependencyGraph(started);
  const skipped = Object.values(project.services)
    .filter((s) => s.replicas === 0)
    .map((s) => s.name)
    .sort();
  const rewrites: string[] = [];

  const networkKeys = new Set(started.flatMap((s) => Object.keys(s.networks)));
  // A network_mode the sandbox cannot honour as written gets a private network, never the engine's own bridge.
  if (started.some((s) => isolatedNetworkMode(s, project, options))) networkKeys.add(ISOLATED_NETWORK_KEY);
  const networks: PlannedNetwork[] = [...networkKeys].sort().map((key) => ({
    key,
    name: `${sandbox}_${key}`,
    internal: !options.allowEgress,
  }));
  for (const key of [...networkKeys].sort()) {
    const def = project.networks[key];
    if (def?.external) rewrites.push(`network ${key}: external network "${def.name}" replaced by a private network`);
  }

  const volumes = new Map<string, PlannedVolume>();
  const scratch = (key: string, origin: Pick<PlannedVolume, 'seed' | 'bind'> = { seed: 'empty' }): string => {
    const name = `${sandbox}_${key}`;
    if (!volumes.has(key)) volumes.set(key, { key, name, ...origin });
    return name;
  };

  const planned = started
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((service) => planContainer(service, { project, options, sandbox, labels, scratch, rewrites, ...graph }));
  const containers = shareVolumesFrom(planned, started, rewrites);

  const dependencyView = Object.fromEntries(containers.map((c) => [c.service, { dependsOn: c.dependsOn }]));
  return {
    runId: options.runId,
    stack: options.stack,
    sandbox,
    labels,
    networks,
    volumes: [...volumes.values()].sort((a, b) => a.key.localeCompare(b.key)),
    containers,
    waves: orderWaves(dependencyView),
    rewrites,
    skipped,
  };
}

/**
 * Applies `volumes_from` inside the sandbox: a service gets the (already sandboxed) volume and bind mounts of the
 * service it names, read-only when asked, except at targets it mounts itself. A container outside the stack has
 * nothing in the sandbox to share.
 */
function shareVolumesFrom(containers: PlannedContainer[], services: Service[], rewrites: string[]): PlannedContainer[] {
  const byService = new Map(containers.map((c) => [c.service, c]));
  return containers.map((c) => {
    const from = services.find((s) => s.name === c.service)?.volumesFrom ?? [];
    if (from.length === 0) return c;
    const mounts = [...c.mounts];
    for (const entry of from) {
      if (entry.container !== undefined) {
        rewrites.push(`${c.service}: volumes_from container:${entry.container} not applied (outside the stack)`);
        continue;
      }
      // Compose shares volumes and binds, never tmpfs; the source's own plan already made them sandbox mounts.
      const source = byService.get(entry.service ?? '');
      for (const m of source?.mounts ?? []) {
        if (m.type === 'tmpfs' || mounts.some((own) => own.target === m.target)) continue;
        mounts.push({ ...m, readOnly: m.readOnly || entry.readOnly });
      }
    }
    return { ...c, mounts };
  });
}

/** The sandbox project name of a run: `rehearsa-<stack>-<runId>`. */
export function sandboxName(stack: string, runId: string): string {
  return `rehearsa-${stack}-${runId}`;
}

interface PlanContext {
  project: ComposeProject;
  options: PlanOptions;
  sandbox: string;
  labels: Record<string, string>;
  scratch: (key: string, origin?: Pick<PlannedVolume, 'seed' | 'bind'>) => string;
  rewrites: string[];
  /** Names of the services that will run. */
  startedNames: ReadonlySet<string>;
  /** Services some other service waits on with service_completed_successfully. */
  adopted: ReadonlySet<string>;
}

function planContainer(service: Service, ctx: PlanContext): PlannedContainer {
  const { sandbox, rewrites } = ctx;
  const name = `${sandbox}-${service.name}`;
  if (service.containerName)
    rewrites.push(`${service.name}: container_name "${service.containerName}" renamed ${name}`);
  if (service.ports.length > 0)
    rewrites.push(`${service.name}: host ports not published (${formatPorts(service.ports)})`);
  if (Object.keys(service.labels).length > 0) {
    rewrites.push(`${service.name}: service labels not applied (a live proxy or updater would act on them)`);
  }

  const { privileged, devices, pid, ipc, mounts, capAdd, securityOpt } = hostAccessFor(service, ctx);
  for (const [key, value] of [
    ['uts', service.uts],
    ['userns_mode', service.usernsMode],
    ['cgroup', service.cgroup],
  ] as const) {
    if (value !== undefined)
      rewrites.push(`${service.name}: ${key}: ${value} not applied (the container keeps its own)`);
  }

  const aliases = [service.name, ...(service.containerName ? [service.containerName] : [])];
  const networkMode = networkModeFor(service, ctx);
  // A network_mode that networkModeFor could not honour (it returned none) is the isolated case.
  const isolated = service.networkMode !== undefined && networkMode.networkMode === undefined;
  const serviceNetworks = isolated ? { [ISOLATED_NETWORK_KEY]: { aliases: [] } } : service.networks;
  const networks = Object.entries(serviceNetworks as Service['networks'])
    .sort(([a, na], [b, nb]) => (nb.priority ?? 0) - (na.priority ?? 0) || a.localeCompare(b))
    .map(([key, net]) => ({
      name: `${sandbox}_${key}`,
      aliases: unique([...aliases, ...net.aliases]),
      ...(net.ipv4Address ? { ipv4Address: net.ipv4Address } : {}),
    }));

  return {
    service: service.name,
    name,
    // Image names must be lower case; service and stack names need not be.
    image: service.image ?? `${sandbox}-${service.name}:build`.toLowerCase(),
    pullPolicy: pullPolicyFor(service, ctx.options.pull),
    ...(service.build ? { build: service.build } : {}),
    env: Object.entries(service.environment)
      .filter((entry): entry is [string, string] => entry[1] !== null)
      .map(([k, v]) => `${k}=${v}`),
    ...(service.command ? { cmd: service.command } : {}),
    ...(service.entrypoint ? { entrypoint: service.entrypoint } : {}),
    ...(service.user ? { user: service.user } : {}),
    ...(service.workingDir ? { workingDir: service.workingDir } : {}),
    ...(service.hostname ? { hostname: service.hostname } : {}),
    labels: { ...ctx.labels, [SERVICE_LABEL]: service.name },
    ...(service.healthcheck ? { healthcheck: service.healthcheck } : {}),
    mounts: mounts.map((m) => planMount(service, m, ctx)),
    networks,
    ...networkMode,
    ...(pid ? { pid: 'host' as const } : {}),
    ...(ipc ? { ipc: 'host' as const } : {}),
    exposedPorts: unique([
      ...service.ports.map((p) => `${p.target}/${p.protocol}`),
      ...service.expose.map((e) => (e.includes('/') ? e : `${e}/tcp`)),
    ]),
    capAdd,
    capDrop: service.capDrop,
    privileged,
    devices,
    ulimits: service.ulimits,
    sysctls: service.sysctls,
    extraHosts: service.extraHosts,
    dns: service.dns,
    ...(service.shmSizeBytes !== undefined ? { shmSizeBytes: service.shmSizeBytes } : {}),
    ...(service.memLimitBytes !== undefined ? { memLimitBytes: service.memLimitBytes } : {}),
    ...(service.init !== undefined ? { init: service.init } : {}),
    ...(service.stopSignal ? { stopSignal: service.stopSignal } : {}),
    readOnlyRootfs: service.readOnly,
    securityOpt,
    restart: restartPolicyFor(service),
    oneShot: ctx.adopted.has(service.name),
    dependsOn: {
      ...Object.fromEntries(Object.entries(service.dependsOn).filter(([target]) => ctx.startedNames.has(target))),
      // container:NAME of a service of this stack joins that service's container, so it must exist first.
      ...(networkMode.networkMode?.kind === 'service' && !(networkMode.networkMode.service in service.dependsOn)
        ? {
            [networkMode.networkMode.service]: {
              condition: 'service_started' as const,
              required: true,
              restart: false,
              origin: 'network_mode' as const,
            },
          }
        : {}),
    },
  };
}

/** The host access a service keeps: only what the run allows; everything else is left out and reported. */
function hostAccessFor(service: Service, ctx: PlanContext) {
  const allowed = (access: HostAccess) => ctx.options.allowHost?.has(access) ?? false;
  const grant = (access: HostAccess, what: string) => {
    if (!allowed(access)) ctx.rewrites.push(`${service.name}: ${what} not applied (host access not allowed)`);
    return allowed(access);
  };
  const mounts = service.mounts.filter((m) => {
    const access = m.type === 'bind' && m.source !== undefined ? bindHostAccess(m.source) : undefined;
    if (access === undefined) return true;
    return grant(
      access,
      access === 'docker-socket' ? `Docker socket bind ${m.source}` : `bind of the host's ${m.source}`,
    );
  });
  const escalating = service.capAdd.some(isHostCapability) || service.securityOpt.some(liftsConfinement);
  const keepEscalation = escalating && grant('privileged', 'host capabilities and unconfined security_opt');
  return {
    privileged: service.privileged && grant('privileged', 'privileged'),
    devices: service.devices.length > 0 && grant('devices', 'devices') ? service.devices : [],
    pid: service.pid === 'host' && grant('host-pid', 'pid: host'),
    ipc: service.ipc === 'host' && grant('host-ipc', 'ipc: host'),
    capAdd: keepEscalation ? service.capAdd : service.capAdd.filter((c) => !isHostCapability(c)),
    securityOpt: keepEscalation ? service.securityOpt : service.securityOpt.filter((o) => !liftsConfinement(o)),
    mounts,
  };
}

function planMount(service: Service, mount: Service['mounts'][number], ctx: PlanContext): PlannedMount {
  switch (mount.type) {
    case 'volume': {
      // Anonymous volumes get a run-scoped name too, so the label sweep finds them after a crash.
      const key = mount.source ?? `anon-${service.name}-${slug(mount.target)}`;
      return {
        type: 'volume',
        source: ctx.scratch(key),
        target: mount.target,
        readOnly: mount.readOnly,
        ...(mount.volume?.nocopy ? { nocopy: true } : {}),
        ...(mount.volume?.subpath ? { subpath: mount.volume.subpath } : {}),
      };
    }
    case 'bind': {
      const source = mount.source ?? '';
      const key = `bind-${service.name}-${slug(mount.target)}`;
      const bind = { service: service.name, source, target: mount.target };
      const binds = ctx.options.binds;
      if (binds?.restoredTargets.has(mount.target)) {
        // The declared restore fills this volume; the host path is not read at all.
        ctx.rewrites.push(
          `${service.name}: bind ${source} replaced by a scratch volume restored from its declared source`,
        );
        return { type: 'volume', source: ctx.scratch(key, { seed: 'empty', bind }), ...rest(mount) };
      }
      const mode = binds?.mode ?? 'readonly';
      if (ctx.options.existingPaths.has(source) && mode !== 'readonly' && binds?.directories.has(source)) {
        // A live path is never mounted read-write: the service writes to a copy (or an empty stand-in).
        const how = mode === 'copy' ? 'copied into a' : 'replaced by an empty';
        ctx.rewrites.push(`${service.name}: bind ${source} ${how} scratch volume`);
        return {
          type: 'volume',
          source: ctx.scratch(key, { seed: mode === 'copy' ? 'bind' : 'empty', bind }),
          ...rest(mount),
        };
      }
      if (ctx.options.existingPaths.has(source)) {
        if (!mount.readOnly) ctx.rewrites.push(`${service.name}: bind ${source} mounted read-only`);
        return { type: 'bind', source, target: mount.target, readOnly: true };
      }
      // Compose creates a missing bind source as an empty directory; a scratch volume plays that part.
      ctx.rewrites.push(`${service.name}: missing bind source ${source} replaced by an empty scratch volume`);
      return { type: 'volume', source: ctx.scratch(key, { seed: 'empty', bind }), ...rest(mount) };
    }
    case 'tmpfs':
      return {
        type: 'tmpfs',
        target: mount.target,
        readOnly: false,
        ...(mount.tmpfs?.sizeBytes !== undefined ? { tmpfsSizeBytes: mount.tmpfs.sizeBytes } : {}),
        ...(mount.tmpfs?.mode !== undefined ? { tmpfsMode: mount.tmpfs.mode } : {}),
      };
    default:
      ctx.rewrites.push(`${service.name}: ${mount.type} mount at ${mount.target} replaced by an empty scratch volume`);
      return {
        type: 'volume',
        source: ctx.scratch(`${mount.type}-${service.name}-${slug(mount.target)}`),
        ...rest(mount),
      };
  }
}

function rest(mount: { target: string; readOnly: boolean }): { target: string; readOnly: boolean } {
  return { target: mount.target, readOnly: mount.readOnly };
}

/** The key of the private network given to services whose network_mode the sandbox replaces. */
const ISOLATED_NETWORK_KEY = 'rehearsa.network-mode';

function networkModeFor(service: Service, ctx: PlanContext): Pick<PlannedContainer, 'networkMode'> {
  const mode = service.networkMode;
  if (!mode) return {};
  if (mode === 'none') return { networkMode: { kind: 'none' } };
  if (mode.startsWith('service:')) return { networkMode: { kind: 'service', service: mode.slice('service:'.length) } };
  if (mode === 'host' && ctx.options.allowHost?.has('host-network')) return { networkMode: { kind: 'host' } };
  const owner = containerOwner(mode, ctx.project);
  if (owner) return { networkMode: { kind: 'service', service: owner } };
  ctx.rewrites.push(`${service.name}: network_mode "${mode}" replaced by a private network`);
  return {};
}

/** The started service whose container_name a `container:NAME` network mode names, if any. */
function containerOwner(mode: string, project: ComposeProject): string | undefined {
  if (!mode.startsWith('container:')) return undefined;
  const name = mode.slice('container:'.length);
  return Object.values(project.services).find((s) => s.replicas > 0 && s.containerName === name)?.name;
}

/**
 * True when a service's network_mode (`bridge`, `default`, a network name, a container outside the stack, or
 * `host` not allowed) would put it outside the sandbox's networks: it gets a private network instead.
 */
function isolatedNetworkMode(service: Service, project: ComposeProject, options: PlanOptions): boolean {
  const mode = service.networkMode;
  if (!mode || mode === 'none' || mode.startsWith('service:')) return false;
  if (mode === 'host' && options.allowHost?.has('host-network')) return false;
  return containerOwner(mode, project) === undefined;
}

const RESTART_NAMES = new Set(['no', 'always', 'on-failure', 'unless-stopped']);
const DEPLOY_CONDITIONS: Record<string, PlannedContainer['restart']['name']> = {
  none: 'no',
  'on-failure': 'on-failure',
  any: 'always',
};

function restartPolicyFor(service: Service): PlannedContainer['restart'] {
  const condition = service.deployRestartCondition;
  if (condition && condition in DEPLOY_CONDITIONS) return { name: DEPLOY_CONDITIONS[condition]! };
  const [name, retries] = (service.restart ?? 'no').split(':');
  if (!name || !RESTART_NAMES.has(name)) return { name: 'no' };
  return {
    name: name as PlannedContainer['restart']['name'],
    ...(retries && name === 'on-failure' ? { maxRetries: Number(retries) } : {}),
  };
}

/**
 * Who will run, and which services are one-shots Compose waits to complete (another service depends on them with
 * service_completed_successfully). Edges to scaled-to-0 services are later dropped: Compose does not wait on them.
 */
function dependencyGraph(started: Service[]): Pick<PlanContext, 'startedNames' | 'adopted'> {
  const adopted = new Set<string>();
  for (const s of started) {
    for (const [target, dep] of Object.entries(s.dependsOn)) {
      if (dep.condition === 'service_completed_successfully') adopted.add(target);
    }
  }
  return { startedNames: new Set(started.map((s) => s.name)), adopted };
}

function pullPolicyFor(service: Service, cli: PullPolicy): PlannedContainer['pullPolicy'] {
  if (!service.image && service.build) return 'build';
  switch (service.pullPolicy) {
    case 'always':
    case 'never':
    case 'missing':
    case 'build':
      return service.pullPolicy;
    case 'if_not_present':
      return 'missing';
    default:
      return cli;
  }
}

function formatPorts(ports: PortMapping[]): string {
  return ports
    .map(
      (p) => `${p.hostIp ? `${p.hostIp}:` : ''}${p.published ?? ''}${p.published ? ':' : ''}${p.target}/${p.protocol}`,
    )
    .join(', ');
}

function slug(path: string): string {
  return path.replace(/[^a-zA-Z0-9]+/g, '-').replace(/^-|-$/g, '') || 'root';
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
