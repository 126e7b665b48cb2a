import type { ComposeProject, Issue, Service } from '../model.js';
import { exposedDockerSocket } from '../preflight/project-refs.js';

/** A way for a service to reach past the sandbox into the host; each needs its own opt-in. */
export type HostAccess = 'host-network' | 'host-pid' | 'host-ipc' | 'privileged' | 'devices' | 'docker-socket';

/** The `stack test` flag that allows each kind of host access. */
export const HOST_ACCESS_FLAGS: Readonly<Record<HostAccess, string>> = {
  'host-network': '--allow-host-network',
  'host-pid': '--allow-host-pid',
  'host-ipc': '--allow-host-ipc',
  privileged: '--allow-privileged',
  devices: '--allow-devices',
  'docker-socket': '--allow-docker-socket',
};

// Capabilities that act on the host itself rather than the container's own namespaces: each is a known way out
// (mounting cgroups or filesystems, loading modules, tracing host processes, raw I/O, the host clock, eBPF).
const HOST_CAPABILITIES = new Set([
  'ALL',
  'SYS_ADMIN',
  'SYS_MODULE',
  'SYS_PTRACE',
  'SYS_RAWIO',
  'SYS_BOOT',
  'SYS_TIME',
  'DAC_READ_SEARCH',
  'BPF',
  'PERFMON',
  'MAC_ADMIN',
  'MAC_OVERRIDE',
  'SYSLOG',
]);

/** A capability as good as privileged: ALL, or one that acts on the host (SYS_ADMIN, SYS_MODULE, SYS_PTRACE…). */
export function isHostCapability(capability: string): boolean {
  return HOST_CAPABILITIES.has(capability.trim().toUpperCase().replace(/^CAP_/, ''));
}

/**
 * A security_opt that replaces or lifts the confinement the host relies on: any seccomp profile but the
 * engine's default (unconfined, a file, inline JSON), AppArmor unconfined, SELinux labels disabled, /proc masks off.
 */
export function liftsConfinement(option: string): boolean {
  const text = option.trim();
  const seccomp = /^seccomp[=:](.*)$/is.exec(text);
  if (seccomp) return seccomp[1]!.trim().toLowerCase() !== 'default';
  return /^(apparmor[=:]unconfined|label[=:]disable|systempaths[=:]unconfined)$/i.test(text);
}

interface HostAccessUse {
  access: HostAccess;
  /** Compose path of the offending key, e.g. `services.vpn.privileged`. */
  path: string;
  what: string;
}

function uses(service: Service): HostAccessUse[] {
  const at = (key: string) => `services.${service.name}.${key}`;
  const found: HostAccessUse[] = [];
  const add = (access: HostAccess, key: string, what: string) => found.push({ access, path: at(key), what });
  if (service.networkMode === 'host')
    add('host-network', 'network_mode', "network_mode: host shares the host's network");
  if (service.pid === 'host') add('host-pid', 'pid', 'pid: host shows the container every process of the host');
  const bindsGiving = (access: HostAccess) =>
    service.mounts.flatMap((m) =>
      m.type === 'bind' && m.source !== undefined && bindHostAccess(m.source) === access ? [m.source] : [],
    );
  const procBinds = bindsGiving('host-pid');
  if (procBinds.length > 0)
    add(
      'host-pid',
      'volumes',
      `binds ${procBinds.join(', ')}: the host's /proc shows the container every process of the host`,
    );
  if (service.ipc === 'host') add('host-ipc', 'ipc', "ipc: host shares the host's shared memory and semaphores");
  if (service.privileged)
    add('privileged', 'privileged', 'privileged: true gives the container full access to the host');
  const hostCaps = service.capAdd.filter(isHostCapability);
  if (hostCaps.length > 0) {
    add(
      'privileged',
      'cap_add',
      `cap_add ${hostCaps.join(', ')} lets the container act on the host, as privileged: true does`,
    );
  }
  const unconfined = service.securityOpt.filter(liftsConfinement);
  if (unconfined.length > 0) {
    add(
      'privileged',
      'security_opt',
      `security_opt ${unconfined.join(', ')} lifts the host's confinement of the container`,
    );
  }
  const devBinds = bindsGiving('devices');
  if (devBinds.length > 0) add('devices', 'volumes', `binds ${devBinds.join(', ')}: host devices in the container`);
  if (service.devices.length > 0) {
    add('devices', 'devices', `devices ${service.devices.join(', ')} pass host devices into the container`);
  }
  const sockets = bindsGiving('docker-socket');
  if (sockets.length > 0) {
    add(
      'docker-socket',
      'volumes',
      `mounts the Docker socket (${sockets.join(', ')}): it can control every container on the host`,
    );
  }
  return found;
}

/**
 * The host access a bind source amounts to, if any: the engine's socket or data (`docker-socket`), the host's
 * /proc with every process (`host-pid`), or its /dev with device nodes, /dev/shm and /dev/pts (`devices`).
 */
export function bindHostAccess(source: string): HostAccess | undefined {
  if (exposedDockerSocket(source) !== undefined) return 'docker-socket';
  const inside = (dir: string) => source === dir || source.startsWith(`${dir}/`);
  if (inside('/proc')) return 'host-pid';
  if (inside('/dev')) return 'devices';
  return undefined;
}

/**
 * One `file › services.x.key` error per host access the project asks for and `allowed` does not grant, naming the
 * flag that grants it; empty when the sandbox may run the project as is.
 */
export function refuseHostAccess(project: ComposeProject, allowed: ReadonlySet<HostAccess>, file?: string): Issue[] {
  return Object.values(project.services)
    .filter((s) => s.replicas > 0)
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap(uses)
    .filter((u) => !allowed.has(u.access))
    .map((u) => ({
      ...(file !== undefined ? { file } : {}),
      path: u.path,
      message: `${u.what}; refused in the sandbox (allow it with ${HOST_ACCESS_FLAGS[u.access]})`,
      severity: 'error' as const,
    }));
}
