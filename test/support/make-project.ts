// Test support: hand-built normalised projects, so plan and preflight tests need no YAML.
import type { ComposeProject, Service } from '../../src/model.js';

/** A service with every collection empty and one default network, overridden field by field. */
export function makeService(name: string, overrides: Partial<Service> = {}): Service {
  return {
    name,
    image: 'rehearsa-fixture/busybox:1',
    environment: {},
    labels: {},
    dependsOn: {},
    ports: [],
    expose: [],
    mounts: [],
    networks: { default: { aliases: [] } },
    capAdd: [],
    capDrop: [],
    privileged: false,
    devices: [],
    ulimits: {},
    sysctls: {},
    extraHosts: [],
    dns: [],
    readOnly: false,
    securityOpt: [],
    replicas: 1,
    profiles: [],
    secrets: [],
    configs: [],
    volumesFrom: [],
    extensions: {},
    ...overrides,
  };
}

/** A project named `demo` in /srv/demo holding the given services and a default network. */
export function makeProject(services: Service[], overrides: Partial<ComposeProject> = {}): ComposeProject {
  return {
    name: 'demo',
    workingDir: '/srv/demo',
    files: ['/srv/demo/compose.yaml'],
    envFiles: [],
    activeProfiles: [],
    services: Object.fromEntries(services.map((s) => [s.name, s])),
    disabledServices: [],
    networks: { default: { name: 'demo_default', external: false, internal: false, labels: {} } },
    volumes: {},
    secrets: {},
    configs: {},
    unsetVariables: [],
    warnings: [],
    extensions: {},
    ...overrides,
  };
}
