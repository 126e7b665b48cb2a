import type { ComposeProject, Service } from '../model.js';

/** A top-level resource (external network or volume, secret or config file) and the services that use it. */
export interface ResourceUse {
  /** Top-level key in the Compose file. */
  key: string;
  /** Real name on the host (networks, volumes) or absolute file path (secrets, configs). */
  name: string;
  /** Services using it, sorted. */
  users: string[];
}

/** Enabled services sorted by name, so every rule walks them in the same order. */
export function sortedServices(project: ComposeProject): Service[] {
  return Object.keys(project.services)
    .sort()
    .map((name) => project.services[name]!);
}

function collect(uses: Map<string, ResourceUse>, key: string, name: string, user: string): void {
  const use = uses.get(key) ?? { key, name, users: [] };
  if (!use.users.includes(user)) use.users.push(user);
  uses.set(key, use);
}

function sortedUses(uses: Map<string, ResourceUse>): ResourceUse[] {
  return [...uses.values()]
    .map((u) => ({ ...u, users: [...u.users].sort() }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Network keys a service joins; a service with neither networks nor network_mode joins `default`. */
function networkKeys(service: Service): string[] {
  const keys = Object.keys(service.networks);
  return keys.length === 0 && service.networkMode === undefined ? ['default'] : keys;
}

/** External networks that enabled services join, by real name (honouring `name:`); unused ones never matter. */
export function externalNetworkUses(project: ComposeProject): ResourceUse[] {
  const uses = new Map<string, ResourceUse>();
  for (const service of sortedServices(project)) {
    for (const key of networkKeys(service)) {
      const def = project.networks[key];
      if (def?.external) collect(uses, key, def.name, service.name);
    }
  }
  return sortedUses(uses);
}

/** External volumes that enabled services mount, by real name (honouring `name:`). */
export function externalVolumeUses(project: ComposeProject): ResourceUse[] {
  const uses = new Map<string, ResourceUse>();
  for (const service of sortedServices(project)) {
    for (const mount of service.mounts) {
      const def = mount.type === 'volume' && mount.source !== undefined ? project.volumes[mount.source] : undefined;
      if (def?.external) collect(uses, mount.source!, def.name, service.name);
    }
  }
  return sortedUses(uses);
}

/** Top-level secrets and configs read from a host file that enabled services use, with that file's path. */
export function fileSourceUses(project: ComposeProject, kind: 'secrets' | 'configs'): ResourceUse[] {
  const uses = new Map<string, ResourceUse>();
  for (const service of sortedServices(project)) {
    for (const use of service[kind]) {
      const file = project[kind][use.source]?.file;
      if (file !== undefined) collect(uses, use.source, file, service.name);
    }
  }
  return sortedUses(uses);
}

/** Host side of a `devices` entry (`/dev/dri:/dev/dri:rwm` → `/dev/dri`). */
export function deviceHostPath(device: string): string {
  return device.split(':')[0]!;
}

// The engine's own socket and the container runtimes behind it (containerd, CRI-O, Podman): each controls the
// host's containers. A directory holding one (`/run`, `/run/docker`) exposes it too.
const DOCKER_SOCKETS = [
  '/run/docker.sock',
  '/run/docker/containerd/containerd.sock',
  '/run/containerd/containerd.sock',
  '/run/crio/crio.sock',
  '/run/podman/podman.sock',
].flatMap((socket) => [socket, `/var${socket}`]);
const SOCKET_NAMES = ['/docker.sock', '/containerd.sock', '/crio.sock', '/podman.sock'];
const ENGINE_DATA_DIRS = ['/var/lib/docker', '/var/lib/containerd', '/var/lib/containers'];

function isSameOrInside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir === '/' ? '/' : `${dir}/`);
}

/**
 * The Docker socket a bind source exposes, if any: the socket itself (rootless `…/docker.sock` included) or a
 * directory that contains the standard one, such as `/var/run`.
 */
export function exposedDockerSocket(source: string): string | undefined {
  if (SOCKET_NAMES.some((name) => source.endsWith(name))) return source;
  // The engine's own data (every container's filesystem, every volume) is as good as its socket.
  const data = ENGINE_DATA_DIRS.find((dir) => isSameOrInside(dir, source) || isSameOrInside(source, dir));
  if (data !== undefined) return data;
  return DOCKER_SOCKETS.find((socket) => isSameOrInside(socket, source));
}

// Host-provided paths that any machine has: binding them carries no data that a restore must bring back.
const HOST_SYSTEM_PATHS = [
  '/etc/localtime',
  '/etc/timezone',
  '/usr/share/zoneinfo',
  '/dev',
  '/proc',
  '/sys',
  '/lib/modules',
];

/** Whether a bind source is provided by the host system rather than holding data of the stack. */
export function isHostSystemPath(source: string): boolean {
  return HOST_SYSTEM_PATHS.some((dir) => isSameOrInside(source, dir));
}
