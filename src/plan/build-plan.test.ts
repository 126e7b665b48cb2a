import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeProject, makeService } from '../../test/support/make-project.js';
import { buildPlan, type PlanOptions } from './build-plan.js';

const options: PlanOptions = {
  runId: 'r1',
  stack: 'demo',
  owner: 'host/1/2',
  pull: 'missing',
  existingPaths: new Set(['/srv/demo/config']),
  allowEgress: false,
};

test('names, labels and networks are run-scoped; networks are internal unless egress is allowed', () => {
  const plan = buildPlan(makeProject([makeService('web', { containerName: 'my-web' })]), options);
  assert.equal(plan.sandbox, 'rehearsa-demo-r1');
  assert.deepEqual(plan.labels, { 'rehearsa.run': 'r1', 'rehearsa.stack': 'demo', 'rehearsa.owner': 'host/1/2' });
  assert.deepEqual(plan.networks, [{ key: 'default', name: 'rehearsa-demo-r1_default', internal: true }]);
  const web = plan.containers[0]!;
  assert.equal(web.name, 'rehearsa-demo-r1-web');
  assert.deepEqual(web.networks, [{ name: 'rehearsa-demo-r1_default', aliases: ['web', 'my-web'] }]);
  assert.equal(web.labels['rehearsa.service'], 'web');
  assert.ok(plan.rewrites.includes('web: container_name "my-web" renamed rehearsa-demo-r1-web'));
  assert.equal(
    buildPlan(makeProject([makeService('web')]), { ...options, allowEgress: true }).networks[0]!.internal,
    false,
  );
});

test('the memory limit is carried to the planned container, and absent without one', () => {
  const plan = buildPlan(makeProject([makeService('db', { memLimitBytes: 16_777_216 }), makeService('web')]), options);
  assert.equal(plan.containers.find((c) => c.service === 'db')?.memLimitBytes, 16_777_216);
  assert.equal('memLimitBytes' in plan.containers.find((c) => c.service === 'web')!, false);
});

test('ports are never published, only exposed, and the drop is reported', () => {
  const plan = buildPlan(
    makeProject([
      makeService('web', {
        ports: [{ target: 80, published: '8080', protocol: 'tcp', hostIp: '127.0.0.1' }],
        expose: ['9000'],
      }),
    ]),
    options,
  );
  assert.deepEqual(plan.containers[0]!.exposedPorts, ['80/tcp', '9000/tcp']);
  assert.ok(plan.rewrites.includes('web: host ports not published (127.0.0.1:8080:80/tcp)'));
});

test('volumes become scratch volumes; binds are read-only or, when missing, empty scratch volumes', () => {
  const plan = buildPlan(
    makeProject([
      makeService('db', {
        mounts: [
          { type: 'volume', source: 'data', target: '/var/lib/data', readOnly: false },
          { type: 'volume', target: '/cache', readOnly: false },
          { type: 'bind', source: '/srv/demo/config', target: '/etc/app', readOnly: false },
          { type: 'bind', source: '/srv/demo/missing', target: '/import', readOnly: false },
          { type: 'tmpfs', target: '/run', readOnly: false, tmpfs: { sizeBytes: 1024 } },
        ],
      }),
    ]),
    options,
  );
  assert.deepEqual(plan.containers[0]!.mounts, [
    { type: 'volume', source: 'rehearsa-demo-r1_data', target: '/var/lib/data', readOnly: false },
    { type: 'volume', source: 'rehearsa-demo-r1_anon-db-cache', target: '/cache', readOnly: false },
    { type: 'bind', source: '/srv/demo/config', target: '/etc/app', readOnly: true },
    { type: 'volume', source: 'rehearsa-demo-r1_bind-db-import', target: '/import', readOnly: false },
    { type: 'tmpfs', target: '/run', readOnly: false, tmpfsSizeBytes: 1024 },
  ]);
  assert.deepEqual(
    plan.volumes.map((v) => v.name),
    ['rehearsa-demo-r1_anon-db-cache', 'rehearsa-demo-r1_bind-db-import', 'rehearsa-demo-r1_data'],
  );
});

test('one-shots adopted by service_completed_successfully are marked; restart policies are kept', () => {
  const plan = buildPlan(
    makeProject([
      makeService('migrate', { deployRestartCondition: 'none' }),
      makeService('app', {
        restart: 'on-failure:3',
        dependsOn: {
          migrate: {
            condition: 'service_completed_successfully',
            required: true,
            restart: false,
            origin: 'depends_on',
          },
        },
      }),
    ]),
    options,
  );
  const [app, migrate] = plan.containers;
  assert.equal(migrate!.oneShot, true);
  assert.deepEqual(migrate!.restart, { name: 'no' });
  assert.equal(app!.oneShot, false);
  assert.deepEqual(app!.restart, { name: 'on-failure', maxRetries: 3 });
  assert.deepEqual(plan.waves, [
    { index: 0, services: ['migrate'] },
    { index: 1, services: ['app'] },
  ]);
});

test('services scaled to 0 are skipped and dropped from dependencies', () => {
  const plan = buildPlan(
    makeProject([
      makeService('tool', { replicas: 0 }),
      makeService('app', {
        dependsOn: { tool: { condition: 'service_started', required: true, restart: false, origin: 'depends_on' } },
      }),
    ]),
    options,
  );
  assert.deepEqual(plan.skipped, ['tool']);
  assert.deepEqual(
    plan.containers.map((c) => [c.service, Object.keys(c.dependsOn)]),
    [['app', []]],
  );
});

test('environment entries without a value are left out; network_mode host is replaced', () => {
  const plan = buildPlan(
    makeProject([makeService('app', { environment: { A: '1', B: null, C: '' }, networkMode: 'host', networks: {} })]),
    options,
  );
  assert.deepEqual(plan.containers[0]!.env, ['A=1', 'C=']);
  assert.ok(plan.rewrites.includes('app: network_mode "host" replaced by a private network'));
});

const hostHungry = () =>
  makeProject([
    makeService('agent', {
      networkMode: 'host',
      networks: {},
      pid: 'host',
      ipc: 'host',
      privileged: true,
      devices: ['/dev/fuse:/dev/fuse'],
      mounts: [
        { type: 'bind', source: '/var/run/docker.sock', target: '/var/run/docker.sock', readOnly: false },
        { type: 'bind', source: '/srv/demo/config', target: '/etc/app', readOnly: true },
      ],
    }),
  ]);

test('host access is left out of the plan unless allowed, and each omission is reported', () => {
  const plan = buildPlan(hostHungry(), options);
  const agent = plan.containers[0]!;
  assert.equal(agent.networkMode, undefined);
  assert.equal(agent.pid, undefined);
  assert.equal(agent.ipc, undefined);
  assert.equal(agent.privileged, false);
  assert.deepEqual(agent.devices, []);
  assert.deepEqual(
    agent.mounts.map((m) => m.source),
    ['/srv/demo/config'],
  );
  assert.deepEqual(plan.rewrites, [
    'agent: Docker socket bind /var/run/docker.sock not applied (host access not allowed)',
    'agent: privileged not applied (host access not allowed)',
    'agent: devices not applied (host access not allowed)',
    'agent: pid: host not applied (host access not allowed)',
    'agent: ipc: host not applied (host access not allowed)',
    'agent: network_mode "host" replaced by a private network',
  ]);
});

test('allowed host access is applied as written', () => {
  const allowHost = new Set([
    'host-network',
    'host-pid',
    'host-ipc',
    'privileged',
    'devices',
    'docker-socket',
  ] as const);
  const existingPaths = new Set(['/srv/demo/config', '/var/run/docker.sock']);
  const plan = buildPlan(hostHungry(), { ...options, existingPaths, allowHost });
  const agent = plan.containers[0]!;
  assert.deepEqual(agent.networkMode, { kind: 'host' });
  assert.equal(agent.pid, 'host');
  assert.equal(agent.ipc, 'host');
  assert.equal(agent.privileged, true);
  assert.deepEqual(agent.devices, ['/dev/fuse:/dev/fuse']);
  assert.deepEqual(
    agent.mounts.map((m) => [m.source, m.readOnly]),
    [
      ['/var/run/docker.sock', true],
      ['/srv/demo/config', true],
    ],
  );
  assert.deepEqual(plan.rewrites, ['agent: bind /var/run/docker.sock mounted read-only']);
});

test('bridge, default and a foreign container: network mode get a private network; container:NAME of the stack joins it', () => {
  const plan = buildPlan(
    makeProject([
      makeService('bridged', { networkMode: 'bridge', networks: {} }),
      makeService('foreign', { networkMode: 'container:live-vpn', networks: {} }),
      makeService('vpn', { containerName: 'own-vpn' }),
      makeService('client', { networkMode: 'container:own-vpn', networks: {} }),
    ]),
    options,
  );
  const by = Object.fromEntries(plan.containers.map((c) => [c.service, c]));
  const isolated = { name: 'rehearsa-demo-r1_rehearsa.network-mode', internal: true };
  assert.ok(plan.networks.some((n) => n.name === isolated.name && n.internal));
  for (const name of ['bridged', 'foreign']) {
    assert.equal(by[name]!.networkMode, undefined, name);
    assert.deepEqual(by[name]!.networks, [{ name: isolated.name, aliases: [name] }], name);
  }
  assert.deepEqual(by.client!.networkMode, { kind: 'service', service: 'vpn' });
  assert.equal(by.client!.dependsOn.vpn?.condition, 'service_started');
  assert.deepEqual(
    plan.waves.map((w) => w.services),
    [['bridged', 'foreign', 'vpn'], ['client']],
  );
});

test('uts, userns_mode and cgroup are never applied and say so; escalations are left out unless allowed', () => {
  const service = makeService('box', {
    uts: 'host',
    usernsMode: 'host',
    cgroup: 'host',
    capAdd: ['ALL', 'NET_ADMIN'],
    securityOpt: ['seccomp=unconfined'],
  });
  const plan = buildPlan(makeProject([service]), options);
  assert.deepEqual(plan.containers[0]!.capAdd, ['NET_ADMIN']);
  assert.deepEqual(plan.containers[0]!.securityOpt, []);
  for (const key of ['uts', 'userns_mode', 'cgroup'])
    assert.ok(plan.rewrites.includes(`box: ${key}: host not applied (the container keeps its own)`), key);
  const allowed = buildPlan(makeProject([service]), { ...options, allowHost: new Set(['privileged']) });
  assert.deepEqual(allowed.containers[0]!.capAdd, ['ALL', 'NET_ADMIN']);
});

test('volumes_from shares the source service’s sandboxed volume and bind mounts, read-only when asked', () => {
  const writer = makeService('writer', {
    mounts: [
      { type: 'volume', source: 'data', target: '/data', readOnly: false },
      { type: 'tmpfs', target: '/scratch', readOnly: false },
    ],
  });
  const reader = makeService('reader', {
    volumesFrom: [
      { service: 'writer', readOnly: true },
      { container: 'live-box', readOnly: false },
    ],
  });
  const plan = buildPlan(makeProject([writer, reader]), options);
  const mounts = plan.containers.find((c) => c.service === 'reader')!.mounts;
  assert.deepEqual(mounts, [{ type: 'volume', source: 'rehearsa-demo-r1_data', target: '/data', readOnly: true }]);
  assert.ok(plan.rewrites.includes('reader: volumes_from container:live-box not applied (outside the stack)'));
});
