import type { ComposeProject, Finding, FindingSeverity, PortMapping, Service } from '../model.js';
import { HOST_ACCESS_FLAGS, type HostAccess } from '../plan/refuse-host-access.js';
import { imagePin } from './image-ref.js';
import {
  deviceHostPath,
  exposedDockerSocket,
  externalNetworkUses,
  externalVolumeUses,
  fileSourceUses,
  isHostSystemPath,
  type ResourceUse,
  sortedServices,
} from './project-refs.js';
import type { HostFacts } from './run-preflight.js';

/** One named fresh-host readiness rule; every finding it returns carries its name. */
export interface PreflightRule {
  name: string;
  check(project: ComposeProject, facts: HostFacts): Finding[];
}

type Draft = Omit<Finding, 'rule'>;

function draft(severity: FindingSeverity, message: string, service?: string): Draft {
  return service === undefined ? { severity, message } : { severity, service, message };
}

/** Stamps the rule's name on its findings, so a rule cannot report under another rule's name. */
function rule(name: string, check: (project: ComposeProject, facts: HostFacts) => Draft[]): PreflightRule {
  return { name, check: (project, facts) => check(project, facts).map((d) => ({ rule: name, ...d })) };
}

/** Applies `check` to each enabled service in name order and concatenates the drafts. */
function perService(check: (service: Service, facts: HostFacts) => Draft[]) {
  return (project: ComposeProject, facts: HostFacts): Draft[] =>
    sortedServices(project).flatMap((service) => check(service, facts));
}

/** Bind mounts whose source is data of the stack (not the Docker socket, which has its own rule), one per source. */
function dataBinds(service: Service): { source: string; target: string; createHostPath: boolean }[] {
  const seen = new Set<string>();
  const binds: { source: string; target: string; createHostPath: boolean }[] = [];
  for (const m of service.mounts) {
    if (m.type !== 'bind' || m.source === undefined || seen.has(m.source) || exposedDockerSocket(m.source)) continue;
    seen.add(m.source);
    binds.push({ source: m.source, target: m.target, createHostPath: m.bind?.createHostPath ?? true });
  }
  return binds;
}

function usedBy(use: ResourceUse): string {
  return `used by ${use.users.join(', ')}`;
}

function formatPort(p: PortMapping): string {
  const host = p.hostIp === undefined ? '' : p.hostIp.includes(':') ? `[${p.hostIp}]:` : `${p.hostIp}:`;
  const published = p.published === undefined ? '' : `${p.published}:`;
  return `${host}${published}${p.target}/${p.protocol}`;
}

/** Namespaces a service can share with the host or with a container outside the project. */
const NAMESPACES: { key: 'networkMode' | 'pid' | 'ipc'; label: string; access: HostAccess }[] = [
  { key: 'networkMode', label: 'network_mode', access: 'host-network' },
  { key: 'pid', label: 'pid', access: 'host-pid' },
  { key: 'ipc', label: 'ipc', access: 'host-ipc' },
];

/** How a finding about host access tells the user that `stack test` refuses it and which flag allows it. */
function refusedUnless(access: HostAccess): string {
  return `the sandbox refuses it unless run with ${HOST_ACCESS_FLAGS[access]}`;
}

/** Every preflight rule, in one table: what a fresh host would lack, and what the sandbox must change. */
export const RULES: PreflightRule[] = [
  rule(
    'bind-source-missing',
    perService((service, facts) =>
      dataBinds(service)
        .filter((b) => !facts.existingPaths.has(b.source))
        .map((b) =>
          draft(
            'critical',
            b.createHostPath
              ? `bind source ${b.source} (mounted at ${b.target}) does not exist on this host: Compose would create it empty, and a fresh host will not have it either`
              : `bind source ${b.source} (mounted at ${b.target}) does not exist on this host: Compose refuses to start the service (create_host_path: false)`,
            service.name,
          ),
        ),
    ),
  ),
  rule(
    'bind-source-present',
    perService((service, facts) =>
      dataBinds(service)
        .filter((b) => facts.existingPaths.has(b.source) && !isHostSystemPath(b.source))
        .map((b) =>
          draft('info', `data at ${b.source} (mounted at ${b.target}) must be restored on a fresh host`, service.name),
        ),
    ),
  ),
  rule('variable-unset', (project) =>
    [...new Set(project.unsetVariables)]
      .sort()
      .map((name) => draft('warning', `variable ${name} is unset and was interpolated as an empty string`)),
  ),
  rule(
    'env-unset',
    perService((service) =>
      Object.keys(service.environment)
        .filter((key) => service.environment[key] === null)
        .sort()
        .map((key) =>
          draft(
            'critical',
            `environment variable ${key} is declared without a value and is unset: the container starts without it`,
            service.name,
          ),
        ),
    ),
  ),
  rule(
    'mutable-image',
    perService((service) => {
      // An image next to `build` names what Compose builds; its tag says nothing about what a registry serves.
      if (service.image === undefined || service.image === '' || service.build !== undefined) return [];
      const pin = imagePin(service.image);
      if (pin === 'latest') {
        return [
          draft(
            'warning',
            `image ${service.image} uses the moving tag latest: a fresh host may pull different content (pin a version or digest)`,
            service.name,
          ),
        ];
      }
      if (pin === 'untagged') {
        return [
          draft(
            'warning',
            `image ${service.image} has no tag, so it means :latest: a fresh host may pull different content (pin a version or digest)`,
            service.name,
          ),
        ];
      }
      return [];
    }),
  ),
  rule(
    'build-only',
    perService((service) =>
      service.build !== undefined && service.image === undefined
        ? [
            draft(
              'warning',
              `built from ${service.build.context} with no image: a fresh host must build it, with the same sources and base images`,
              service.name,
            ),
          ]
        : [],
    ),
  ),
  rule(
    'image-absent',
    perService((service, facts) => {
      if (service.image === undefined || service.image === '' || service.build !== undefined) return [];
      if (facts.images.has(service.image)) return [];
      return service.pullPolicy === 'never'
        ? [
            draft(
              'critical',
              `image ${service.image} is not present locally and pull_policy is never: the service cannot start`,
              service.name,
            ),
          ]
        : [
            draft(
              'info',
              `image ${service.image} is not present locally: a fresh host must pull it (so will the rehearsal, unless --pull never)`,
              service.name,
            ),
          ];
    }),
  ),
  rule('external-network', (project, facts) =>
    externalNetworkUses(project).map((use) =>
      facts.networks.has(use.name)
        ? draft(
            'info',
            `external network ${use.name} (${usedBy(use)}) exists here: the sandbox replaces it with a private network`,
          )
        : draft(
            'critical',
            `external network ${use.name} (${usedBy(use)}) does not exist on this host: Compose refuses to start until it is created`,
          ),
    ),
  ),
  rule('external-volume', (project, facts) =>
    externalVolumeUses(project).map((use) =>
      facts.volumes.has(use.name)
        ? draft(
            'info',
            `external volume ${use.name} (${usedBy(use)}) exists here: the sandbox uses an empty scratch volume instead`,
          )
        : draft(
            'critical',
            `external volume ${use.name} (${usedBy(use)}) does not exist on this host: it must be restored before Compose can start`,
          ),
    ),
  ),
  rule(
    'host-ports-dropped',
    perService((service) =>
      service.ports.length === 0
        ? []
        : [
            draft(
              'info',
              `host ports not published in the sandbox: ${service.ports.map(formatPort).join(', ')}`,
              service.name,
            ),
          ],
    ),
  ),
  rule(
    'container-name-renamed',
    perService((service) =>
      service.containerName === undefined
        ? []
        : [
            draft(
              'info',
              `container_name ${service.containerName} is global to the host: the sandbox gives the container a run-scoped name`,
              service.name,
            ),
          ],
    ),
  ),
  rule('host-namespace', (project, facts) => {
    const ownNames = new Set(sortedServices(project).flatMap((s) => (s.containerName ? [s.containerName] : [])));
    return perService((service) =>
      NAMESPACES.flatMap(({ key, label, access }) => {
        const mode = service[key];
        if (mode === 'host') {
          return [
            draft('critical', `${label}: host shares the host's namespace: ${refusedUnless(access)}`, service.name),
          ];
        }
        // container:NAME of a service of this stack is rehearsed as that service's namespace.
        if (mode?.startsWith('container:') && !ownNames.has(mode.slice('container:'.length))) {
          return [
            draft(
              'critical',
              `${label}: ${mode} joins a container outside the project: a fresh host would not have it, and the sandbox gives the service a namespace of its own instead`,
              service.name,
            ),
          ];
        }
        return [];
      }),
    )(project, facts);
  }),
  rule(
    'privileged-or-devices',
    perService((service, facts) => {
      const drafts: Draft[] = [];
      if (service.privileged) {
        drafts.push(
          draft(
            'warning',
            `privileged: true gives the container full access to the host: ${refusedUnless('privileged')}`,
            service.name,
          ),
        );
      }
      if (service.devices.length > 0) {
        const paths = [...new Set(service.devices.map(deviceHostPath))].sort();
        const missing = paths.filter((p) => !facts.existingPaths.has(p));
        const note = missing.length > 0 ? ` (missing on this host: ${missing.join(', ')})` : '';
        drafts.push(
          draft(
            'warning',
            `devices ${paths.join(', ')} must exist on a fresh host${note}: ${refusedUnless('devices')}`,
            service.name,
          ),
        );
      }
      return drafts;
    }),
  ),
  rule(
    'docker-socket',
    perService((service) =>
      service.mounts.flatMap((m) => {
        const socket = m.type === 'bind' && m.source !== undefined ? exposedDockerSocket(m.source) : undefined;
        if (socket === undefined) return [];
        const via = socket === m.source ? '' : ` through ${m.source}`;
        return [
          draft(
            'critical',
            `mounts the Docker socket ${socket}${via} at ${m.target}: the container can control every container on the host; ${refusedUnless('docker-socket')}`,
            service.name,
          ),
        ];
      }),
    ),
  ),
  rule('healthcheck-missing-for-condition', (project) =>
    sortedServices(project).flatMap((service) =>
      Object.keys(service.dependsOn)
        .sort()
        .flatMap((dep) => {
          const target = project.services[dep];
          if (service.dependsOn[dep]?.condition !== 'service_healthy' || target === undefined) return [];
          const hc = target.healthcheck;
          if (hc?.disabled) {
            return [
              draft(
                'critical',
                `waits for ${dep} to be healthy, but ${dep}'s healthcheck is disabled: Compose fails this dependency`,
                service.name,
              ),
            ];
          }
          // Without a test in the Compose file the image's own HEALTHCHECK applies, which only the image can tell.
          if (hc?.test === undefined) {
            return [
              draft(
                'warning',
                `waits for ${dep} to be healthy, but ${dep} declares no healthcheck: Compose fails this dependency unless ${dep}'s image defines one`,
                service.name,
              ),
            ];
          }
          return [];
        }),
    ),
  ),
  rule('secret-file-missing', (project, facts) =>
    (['secrets', 'configs'] as const).flatMap((kind) =>
      fileSourceUses(project, kind)
        .filter((use) => !facts.existingPaths.has(use.name))
        .map((use) =>
          draft(
            'critical',
            `${kind === 'secrets' ? 'secret' : 'config'} ${use.key} reads ${use.name} (${usedBy(use)}), which does not exist on this host`,
          ),
        ),
    ),
  ),
];
