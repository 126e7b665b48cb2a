import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { makeProject as baseProject, makeService as baseService } from '../../test/support/make-project.js';
import type { ComposeProject, Finding, Service, ServiceMount } from '../model.js';
import { imagePin } from './image-ref.js';
import { RULES } from './rules.js';
import { factsToGather, type HostFacts, runPreflight } from './run-preflight.js';

function makeService(overrides: Partial<Service> & { name: string }): Service {
  return baseService(overrides.name, { image: `${overrides.name}:1.0`, ...overrides });
}

function makeProject(services: Service[], overrides: Partial<ComposeProject> = {}): ComposeProject {
  return baseProject(services, {
    name: 'shop',
    workingDir: '/srv/shop',
    files: ['/srv/shop/compose.yml'],
    networks: { default: { name: 'shop_default', external: false, internal: false, labels: {} } },
    ...overrides,
  });
}

function makeFacts(overrides: Partial<Record<keyof HostFacts, string[]>> = {}): HostFacts {
  return {
    existingPaths: new Set(overrides.existingPaths),
    networks: new Set(overrides.networks),
    volumes: new Set(overrides.volumes),
    images: new Set(overrides.images ?? []),
  };
}

function bind(source: string, target: string, createHostPath = true): ServiceMount {
  return { type: 'bind', source, target, readOnly: false, bind: { createHostPath } };
}

/** Findings of one rule only, so each test states exactly what its rule says. */
function findingsOf(ruleName: string, project: ComposeProject, facts: HostFacts = makeFacts()): Finding[] {
  const r = RULES.find((x) => x.name === ruleName);
  assert.ok(r, `rule ${ruleName} exists`);
  return r.check(project, facts);
}

describe('rules', () => {
  test('bind-source-missing: absent sources, with what Compose would do', () => {
    const project = makeProject([
      makeService({
        name: 'db',
        mounts: [
          bind('/srv/shop/db', '/var/lib/postgresql/data'),
          bind('/srv/shop/conf', '/etc/conf', false),
          bind('/srv/shop/present', '/data'),
          { type: 'volume', source: 'cache', target: '/cache', readOnly: false },
        ],
      }),
    ]);
    assert.deepEqual(findingsOf('bind-source-missing', project, makeFacts({ existingPaths: ['/srv/shop/present'] })), [
      {
        rule: 'bind-source-missing',
        severity: 'critical',
        service: 'db',
        message:
          'bind source /srv/shop/db (mounted at /var/lib/postgresql/data) does not exist on this host: Compose would create it empty, and a fresh host will not have it either',
      },
      {
        rule: 'bind-source-missing',
        severity: 'critical',
        service: 'db',
        message:
          'bind source /srv/shop/conf (mounted at /etc/conf) does not exist on this host: Compose refuses to start the service (create_host_path: false)',
      },
    ]);
  });

  test('bind-source-present: data to restore, not host system files or the Docker socket', () => {
    const project = makeProject([
      makeService({
        name: 'app',
        mounts: [
          bind('/srv/shop/uploads', '/uploads'),
          bind('/srv/shop/uploads', '/again'),
          bind('/etc/localtime', '/etc/localtime'),
          bind('/var/run/docker.sock', '/var/run/docker.sock'),
        ],
      }),
    ]);
    const facts = makeFacts({ existingPaths: ['/srv/shop/uploads', '/etc/localtime', '/var/run/docker.sock'] });
    assert.deepEqual(findingsOf('bind-source-present', project, facts), [
      {
        rule: 'bind-source-present',
        severity: 'info',
        service: 'app',
        message: 'data at /srv/shop/uploads (mounted at /uploads) must be restored on a fresh host',
      },
    ]);
    assert.deepEqual(findingsOf('bind-source-missing', project, facts), []);
  });

  test('variable-unset: one warning per variable, sorted, project-wide', () => {
    const project = makeProject([], { unsetVariables: ['TOKEN', 'API_URL', 'TOKEN'] });
    assert.deepEqual(findingsOf('variable-unset', project), [
      {
        rule: 'variable-unset',
        severity: 'warning',
        message: 'variable API_URL is unset and was interpolated as an empty string',
      },
      {
        rule: 'variable-unset',
        severity: 'warning',
        message: 'variable TOKEN is unset and was interpolated as an empty string',
      },
    ]);
  });

  test('env-unset: keys declared without a value and unset', () => {
    const project = makeProject([makeService({ name: 'api', environment: { SET: 'x', EMPTY: '', SECRET_KEY: null } })]);
    assert.deepEqual(findingsOf('env-unset', project), [
      {
        rule: 'env-unset',
        severity: 'critical',
        service: 'api',
        message:
          'environment variable SECRET_KEY is declared without a value and is unset: the container starts without it',
      },
    ]);
  });

  test('mutable-image: latest and untagged (registry ports are not tags); digests and versions pass', () => {
    const project = makeProject([
      makeService({ name: 'a', image: 'nginx:latest' }),
      makeService({ name: 'b', image: 'registry:5000/app' }),
      makeService({ name: 'c', image: 'registry:5000/app:1.2' }),
      makeService({ name: 'd', image: 'redis@sha256:0123abcd' }),
      makeService({ name: 'e', image: 'redis:7.2@sha256:0123abcd' }),
      makeService({
        name: 'f',
        image: 'app:latest',
        build: { context: '/srv/shop', dockerfile: 'Dockerfile', args: {}, labels: {} },
      }),
    ]);
    assert.deepEqual(findingsOf('mutable-image', project), [
      {
        rule: 'mutable-image',
        severity: 'warning',
        service: 'a',
        message:
          'image nginx:latest uses the moving tag latest: a fresh host may pull different content (pin a version or digest)',
      },
      {
        rule: 'mutable-image',
        severity: 'warning',
        service: 'b',
        message:
          'image registry:5000/app has no tag, so it means :latest: a fresh host may pull different content (pin a version or digest)',
      },
    ]);
  });

  test('build-only: build without image', () => {
    const build = { context: '/srv/shop/api', dockerfile: 'Dockerfile', args: {}, labels: {} };
    const project = makeProject([
      makeService({ name: 'api', image: undefined, build }),
      makeService({ name: 'web', image: 'web:2', build }),
    ]);
    assert.deepEqual(findingsOf('build-only', project), [
      {
        rule: 'build-only',
        severity: 'warning',
        service: 'api',
        message:
          'built from /srv/shop/api with no image: a fresh host must build it, with the same sources and base images',
      },
    ]);
  });

  test('image-absent: info when it will be pulled, critical when pull_policy forbids it', () => {
    const project = makeProject([
      makeService({ name: 'db', image: 'postgres:16' }),
      makeService({ name: 'cache', image: 'redis:7' }),
      makeService({ name: 'local', image: 'tool:dev', pullPolicy: 'never' }),
    ]);
    assert.deepEqual(findingsOf('image-absent', project, makeFacts({ images: ['redis:7'] })), [
      {
        rule: 'image-absent',
        severity: 'info',
        service: 'db',
        message:
          'image postgres:16 is not present locally: a fresh host must pull it (so will the rehearsal, unless --pull never)',
      },
      {
        rule: 'image-absent',
        severity: 'critical',
        service: 'local',
        message: 'image tool:dev is not present locally and pull_policy is never: the service cannot start',
      },
    ]);
  });

  test('external-network: by real name, critical when absent, info when present, unused ones ignored', () => {
    const project = makeProject(
      [
        makeService({ name: 'web', networks: { proxy: { aliases: [] }, edge: { aliases: [] } } }),
        makeService({ name: 'admin', networks: { proxy: { aliases: [] } } }),
        makeService({ name: 'vpn', networks: {}, networkMode: 'none' }),
      ],
      {
        networks: {
          proxy: { name: 'traefik_public', external: true, internal: false, labels: {} },
          edge: { name: 'edge', external: true, internal: false, labels: {} },
          unused: { name: 'unused', external: true, internal: false, labels: {} },
        },
      },
    );
    assert.deepEqual(findingsOf('external-network', project, makeFacts({ networks: ['edge'] })), [
      {
        rule: 'external-network',
        severity: 'info',
        message: 'external network edge (used by web) exists here: the sandbox replaces it with a private network',
      },
      {
        rule: 'external-network',
        severity: 'critical',
        message:
          'external network traefik_public (used by admin, web) does not exist on this host: Compose refuses to start until it is created',
      },
    ]);
  });

  test('external-network: an external default network is found for services that declare no networks', () => {
    const project = makeProject([makeService({ name: 'app', networks: {} })], {
      networks: { default: { name: 'shared', external: true, internal: false, labels: {} } },
    });
    assert.deepEqual(
      findingsOf('external-network', project).map((f) => f.message),
      [
        'external network shared (used by app) does not exist on this host: Compose refuses to start until it is created',
      ],
    );
  });

  test('external-volume: scratch volume when present, restore when absent', () => {
    const vol = (source: string): ServiceMount => ({ type: 'volume', source, target: `/${source}`, readOnly: false });
    const project = makeProject([makeService({ name: 'db', mounts: [vol('pgdata'), vol('media'), vol('local')] })], {
      volumes: {
        pgdata: { name: 'prod_pgdata', external: true, labels: {} },
        media: { name: 'media', external: true, labels: {} },
        local: { name: 'shop_local', external: false, labels: {} },
      },
    });
    assert.deepEqual(findingsOf('external-volume', project, makeFacts({ volumes: ['prod_pgdata'] })), [
      {
        rule: 'external-volume',
        severity: 'critical',
        message:
          'external volume media (used by db) does not exist on this host: it must be restored before Compose can start',
      },
      {
        rule: 'external-volume',
        severity: 'info',
        message:
          'external volume prod_pgdata (used by db) exists here: the sandbox uses an empty scratch volume instead',
      },
    ]);
  });

  test('host-ports-dropped: every published port, as written', () => {
    const project = makeProject([
      makeService({
        name: 'web',
        ports: [
          { target: 80, published: '8080', protocol: 'tcp' },
          { target: 5432, published: '5432', hostIp: '127.0.0.1', protocol: 'tcp' },
          { target: 53, published: '53', hostIp: '::1', protocol: 'udp' },
          { target: 9000, protocol: 'tcp' },
        ],
      }),
      makeService({ name: 'db' }),
    ]);
    assert.deepEqual(findingsOf('host-ports-dropped', project), [
      {
        rule: 'host-ports-dropped',
        severity: 'info',
        service: 'web',
        message:
          'host ports not published in the sandbox: 8080:80/tcp, 127.0.0.1:5432:5432/tcp, [::1]:53:53/udp, 9000/tcp',
      },
    ]);
  });

  test('container-name-renamed', () => {
    const project = makeProject([makeService({ name: 'db', containerName: 'postgres' }), makeService({ name: 'web' })]);
    assert.deepEqual(findingsOf('container-name-renamed', project), [
      {
        rule: 'container-name-renamed',
        severity: 'info',
        service: 'db',
        message: 'container_name postgres is global to the host: the sandbox gives the container a run-scoped name',
      },
    ]);
  });

  test('host-namespace: host and foreign-container namespaces; service: ones stay inside the project', () => {
    const project = makeProject([
      makeService({ name: 'a', networkMode: 'host', networks: {}, pid: 'host' }),
      makeService({ name: 'b', networkMode: 'container:gluetun', networks: {}, ipc: 'host' }),
      makeService({ name: 'c', networkMode: 'service:a', networks: {}, ipc: 'shareable' }),
    ]);
    assert.deepEqual(findingsOf('host-namespace', project), [
      {
        rule: 'host-namespace',
        severity: 'critical',
        service: 'a',
        message:
          "network_mode: host shares the host's namespace: the sandbox refuses it unless run with --allow-host-network",
      },
      {
        rule: 'host-namespace',
        severity: 'critical',
        service: 'a',
        message: "pid: host shares the host's namespace: the sandbox refuses it unless run with --allow-host-pid",
      },
      {
        rule: 'host-namespace',
        severity: 'critical',
        service: 'b',
        message:
          'network_mode: container:gluetun joins a container outside the project: a fresh host would not have it, and the sandbox gives the service a namespace of its own instead',
      },
      {
        rule: 'host-namespace',
        severity: 'critical',
        service: 'b',
        message: "ipc: host shares the host's namespace: the sandbox refuses it unless run with --allow-host-ipc",
      },
    ]);
  });

  test('privileged-or-devices: privileged, and host devices with the ones missing here', () => {
    const project = makeProject([
      makeService({ name: 'vpn', privileged: true, devices: ['/dev/net/tun:/dev/net/tun', '/dev/dri:/dev/dri:rwm'] }),
    ]);
    assert.deepEqual(findingsOf('privileged-or-devices', project, makeFacts({ existingPaths: ['/dev/net/tun'] })), [
      {
        rule: 'privileged-or-devices',
        severity: 'warning',
        service: 'vpn',
        message:
          'privileged: true gives the container full access to the host: the sandbox refuses it unless run with --allow-privileged',
      },
      {
        rule: 'privileged-or-devices',
        severity: 'warning',
        service: 'vpn',
        message:
          'devices /dev/dri, /dev/net/tun must exist on a fresh host (missing on this host: /dev/dri): the sandbox refuses it unless run with --allow-devices',
      },
    ]);
  });

  test('docker-socket: the socket itself, a rootless socket, or a directory that contains it', () => {
    const project = makeProject([
      makeService({
        name: 'agent',
        mounts: [
          bind('/var/run/docker.sock', '/var/run/docker.sock'),
          bind('/run/user/1000/docker.sock', '/docker.sock'),
          bind('/run', '/host/run'),
          bind('/srv/data', '/data'),
        ],
      }),
    ]);
    assert.deepEqual(
      findingsOf('docker-socket', project).map((f) => f.message),
      [
        'mounts the Docker socket /var/run/docker.sock at /var/run/docker.sock: the container can control every container on the host; the sandbox refuses it unless run with --allow-docker-socket',
        'mounts the Docker socket /run/user/1000/docker.sock at /docker.sock: the container can control every container on the host; the sandbox refuses it unless run with --allow-docker-socket',
        'mounts the Docker socket /run/docker.sock through /run at /host/run: the container can control every container on the host; the sandbox refuses it unless run with --allow-docker-socket',
      ],
    );
  });

  test('healthcheck-missing-for-condition: disabled is certain, undeclared depends on the image', () => {
    const healthy = { condition: 'service_healthy', required: true, restart: false, origin: 'depends_on' } as const;
    const started = { ...healthy, condition: 'service_started' } as const;
    const project = makeProject([
      makeService({ name: 'web', dependsOn: { db: healthy, cache: healthy, queue: healthy, search: started } }),
      makeService({ name: 'db', healthcheck: { disabled: true, test: ['NONE'] } }),
      makeService({ name: 'cache' }),
      makeService({ name: 'queue', healthcheck: { disabled: false, test: ['CMD', 'true'] } }),
      makeService({ name: 'search' }),
    ]);
    assert.deepEqual(findingsOf('healthcheck-missing-for-condition', project), [
      {
        rule: 'healthcheck-missing-for-condition',
        severity: 'warning',
        service: 'web',
        message:
          "waits for cache to be healthy, but cache declares no healthcheck: Compose fails this dependency unless cache's image defines one",
      },
      {
        rule: 'healthcheck-missing-for-condition',
        severity: 'critical',
        service: 'web',
        message: "waits for db to be healthy, but db's healthcheck is disabled: Compose fails this dependency",
      },
    ]);
  });

  test('secret-file-missing: used secrets and configs whose file is absent', () => {
    const use = (source: string) => ({ source, target: source });
    const project = makeProject(
      [makeService({ name: 'db', secrets: [use('db_pw'), use('env_pw')], configs: [use('pg_conf')] })],
      {
        secrets: {
          db_pw: { name: 'shop_db_pw', file: '/srv/shop/secrets/db_pw.txt', external: false },
          env_pw: { name: 'shop_env_pw', environment: 'PW', external: false },
          unused: { name: 'shop_unused', file: '/srv/shop/secrets/unused.txt', external: false },
        },
        configs: { pg_conf: { name: 'shop_pg_conf', file: '/srv/shop/pg.conf', external: false } },
      },
    );
    assert.deepEqual(findingsOf('secret-file-missing', project, makeFacts({ existingPaths: ['/srv/shop/pg.conf'] })), [
      {
        rule: 'secret-file-missing',
        severity: 'critical',
        message: 'secret db_pw reads /srv/shop/secrets/db_pw.txt (used by db), which does not exist on this host',
      },
    ]);
  });

  test('rule names are unique', () => {
    const names = RULES.map((r) => r.name);
    assert.equal(new Set(names).size, names.length);
  });
});

describe('runPreflight', () => {
  test('a clean project on a prepared host has no findings', () => {
    const project = makeProject([makeService({ name: 'db', image: 'postgres:16.2' })]);
    assert.deepEqual(runPreflight(project, makeFacts({ images: ['postgres:16.2'] })), []);
  });

  test('findings are sorted by severity, then service (project-wide first), then rule', () => {
    const project = makeProject(
      [
        makeService({ name: 'web', image: 'nginx', containerName: 'web', mounts: [bind('/srv/www', '/www')] }),
        makeService({ name: 'api', image: 'api:1', environment: { KEY: null } }),
      ],
      { unsetVariables: ['TAG'] },
    );
    const found = runPreflight(project, makeFacts({ images: ['api:1'] })).map((f) => [
      f.severity,
      f.service ?? '',
      f.rule,
    ]);
    assert.deepEqual(found, [
      ['critical', 'api', 'env-unset'],
      ['critical', 'web', 'bind-source-missing'],
      ['warning', '', 'variable-unset'],
      ['warning', 'web', 'mutable-image'],
      ['info', 'web', 'container-name-renamed'],
      ['info', 'web', 'image-absent'],
    ]);
  });
});

describe('factsToGather', () => {
  test('lists what the rules look up, sorted and deduplicated', () => {
    const build = { context: '/srv/shop/api', dockerfile: 'Dockerfile', args: {}, labels: {} };
    const project = makeProject(
      [
        makeService({
          name: 'web',
          image: 'nginx:1.27',
          mounts: [bind('/srv/www', '/www'), { type: 'volume', source: 'media', target: '/media', readOnly: false }],
          devices: ['/dev/dri:/dev/dri'],
          networks: { proxy: { aliases: [] } },
        }),
        makeService({
          name: 'api',
          image: 'api:dev',
          build,
          mounts: [bind('/srv/www', '/srv')],
          secrets: [{ source: 'pw', target: 'pw' }],
        }),
        makeService({ name: 'db', image: 'postgres:16' }),
      ],
      {
        networks: { proxy: { name: 'traefik', external: true, internal: false, labels: {} } },
        volumes: { media: { name: 'media_store', external: true, labels: {} } },
        secrets: { pw: { name: 'shop_pw', file: '/srv/shop/pw.txt', external: false } },
      },
    );
    assert.deepEqual(factsToGather(project), {
      paths: ['/dev/dri', '/srv/shop/pw.txt', '/srv/www'],
      networks: ['traefik'],
      volumes: ['media_store'],
      images: ['nginx:1.27', 'postgres:16'],
    });
  });
});

test('imagePin reads tags only after the last slash', () => {
  assert.equal(imagePin('busybox'), 'untagged');
  assert.equal(imagePin('busybox:latest'), 'latest');
  assert.equal(imagePin('localhost:5000/team/app'), 'untagged');
  assert.equal(imagePin('localhost:5000/team/app:2'), 'tag');
  assert.equal(imagePin('ghcr.io/x/y@sha256:ab'), 'digest');
});
