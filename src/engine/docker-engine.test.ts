// Adapter logic that needs no Docker: spec → create body, pull error classes, and the event/version handling
// against a fake engine on a unix socket.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { EngineError } from '../errors.js';
import {
  classifyPullError,
  connectDocker,
  containerBody,
  deviceBody,
  exposedPorts,
  extraHost,
} from './docker-engine.js';
import { bareContainerSpec, type ContainerSpec, type EngineEvent } from './engine.js';

const base: ContainerSpec = { ...bareContainerSpec('p-web', 'nginx:1', { 'rehearsa.run': 'r1' }), env: ['A=1'] };

test('container body: healthcheck durations in nanoseconds, StartInterval only from API 1.44', () => {
  const healthcheck = {
    test: ['CMD-SHELL', 'true'],
    intervalMs: 500,
    timeoutMs: 2000,
    startPeriodMs: 1500,
    startIntervalMs: 250,
    retries: 4,
    disabled: false,
  };
  assert.deepEqual(containerBody({ ...base, healthcheck }, '1.41').Healthcheck, {
    Test: ['CMD-SHELL', 'true'],
    Interval: 500_000_000,
    Timeout: 2_000_000_000,
    StartPeriod: 1_500_000_000,
    Retries: 4,
  });
  assert.equal(
    (containerBody({ ...base, healthcheck }, '1.44').Healthcheck as { StartInterval: number }).StartInterval,
    250_000_000,
  );
  assert.deepEqual(containerBody({ ...base, healthcheck: { ...healthcheck, disabled: true } }, '1.41').Healthcheck, {
    Test: ['NONE'],
  });
  assert.deepEqual(containerBody({ ...base, healthcheck: { disabled: false, retries: 2 } }, '1.41').Healthcheck, {
    Retries: 2,
  });
});

test('container body: a memory limit sets Memory only, as Compose does; none sets nothing', () => {
  const host = containerBody({ ...base, memoryBytes: 16_777_216 }, '1.41').HostConfig as Record<string, unknown>;
  assert.equal(host.Memory, 16_777_216);
  assert.equal('MemorySwap' in host, false);
  const unlimited = containerBody(base, '1.41').HostConfig as Record<string, unknown>;
  assert.equal('Memory' in unlimited, false);
  assert.equal('MemorySwap' in unlimited, false);
});

test('container body: network, mounts, host settings and never any port binding', () => {
  const body = containerBody(
    {
      ...base,
      cmd: ['nginx', '-g', 'daemon off;'],
      entrypoint: [],
      user: '1000:1000',
      workingDir: '/srv',
      hostname: 'web',
      stopSignal: 'SIGQUIT',
      network: { name: 'p-default', aliases: ['web', 'www'], ipv4Address: '172.30.0.5' },
      exposedPorts: ['80', '53/udp', '9000-9001'],
      mounts: [
        { type: 'volume', source: 'p-data', target: '/data', readOnly: false, nocopy: true },
        { type: 'bind', source: '/abs/conf', target: '/etc/nginx/conf.d', readOnly: true },
        { type: 'tmpfs', target: '/run', readOnly: false, tmpfsSizeBytes: 1024, tmpfsMode: 0o1777 },
      ],
      capAdd: ['NET_ADMIN'],
      capDrop: ['ALL'],
      devices: ['/dev/fuse'],
      ulimits: { nofile: { soft: 1024, hard: 4096 } },
      sysctls: { 'net.core.somaxconn': '1024' },
      extraHosts: ['db=10.0.0.2', 'cache:10.0.0.3'],
      dns: ['1.1.1.1'],
      shmSizeBytes: 67108864,
      init: true,
      readOnlyRootfs: true,
      securityOpt: ['no-new-privileges:true'],
      restart: { name: 'on-failure', maxRetries: 3 },
    },
    '1.41',
  );
  assert.deepEqual(body.Entrypoint, []);
  assert.equal(body.User, '1000:1000');
  assert.equal(body.StopSignal, 'SIGQUIT');
  assert.deepEqual(body.ExposedPorts, { '80/tcp': {}, '53/udp': {}, '9000/tcp': {}, '9001/tcp': {} });
  assert.deepEqual(body.NetworkingConfig, {
    EndpointsConfig: { 'p-default': { Aliases: ['web', 'www'], IPAMConfig: { IPv4Address: '172.30.0.5' } } },
  });
  const host = body.HostConfig as Record<string, unknown>;
  assert.equal(host.NetworkMode, 'p-default');
  assert.equal(host.PortBindings, undefined);
  assert.equal(host.PublishAllPorts, undefined);
  assert.deepEqual(host.Mounts, [
    // A volume the engine would create on the fly (teardown raced the create) carries the run's labels.
    {
      Type: 'volume',
      Source: 'p-data',
      Target: '/data',
      ReadOnly: false,
      VolumeOptions: { Labels: { 'rehearsa.run': 'r1' }, NoCopy: true },
    },
    { Type: 'bind', Source: '/abs/conf', Target: '/etc/nginx/conf.d', ReadOnly: true },
    { Type: 'tmpfs', Target: '/run', ReadOnly: false, TmpfsOptions: { SizeBytes: 1024, Mode: 0o1777 } },
  ]);
  assert.deepEqual(host.Devices, [{ PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' }]);
  assert.deepEqual(host.Ulimits, [{ Name: 'nofile', Soft: 1024, Hard: 4096 }]);
  assert.deepEqual(host.ExtraHosts, ['db:10.0.0.2', 'cache:10.0.0.3']);
  assert.deepEqual(host.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 3 });
  assert.equal(host.ShmSize, 67108864);
  assert.equal(host.Init, true);
  assert.equal(host.ReadonlyRootfs, true);
});

test('container body: network_mode wins over a network; subpath is refused below API 1.45', () => {
  const body = containerBody(
    { ...base, networkMode: 'container:abc', network: { name: 'p-default', aliases: [] } },
    '1.41',
  );
  assert.equal((body.HostConfig as { NetworkMode: string }).NetworkMode, 'container:abc');
  assert.equal(body.NetworkingConfig, undefined);
  const withSubpath: ContainerSpec = {
    ...base,
    mounts: [{ type: 'volume', source: 'v', target: '/x', readOnly: false, subpath: 'sub' }],
  };
  assert.throws(() => containerBody(withSubpath, '1.41'), EngineError);
  const mounts = (containerBody(withSubpath, '1.45').HostConfig as { Mounts: unknown[] }).Mounts;
  assert.deepEqual(mounts, [
    {
      Type: 'volume',
      Source: 'v',
      Target: '/x',
      ReadOnly: false,
      VolumeOptions: { Labels: { 'rehearsa.run': 'r1' }, Subpath: 'sub' },
    },
  ]);
});

test('devices, extra hosts and exposed ports parse like the docker CLI', () => {
  assert.deepEqual(deviceBody('/dev/a:/dev/b:r'), {
    PathOnHost: '/dev/a',
    PathInContainer: '/dev/b',
    CgroupPermissions: 'r',
  });
  assert.deepEqual(deviceBody('/dev/a:rw'), {
    PathOnHost: '/dev/a',
    PathInContainer: '/dev/a',
    CgroupPermissions: 'rw',
  });
  assert.deepEqual(deviceBody('/dev/a:/dev/b'), {
    PathOnHost: '/dev/a',
    PathInContainer: '/dev/b',
    CgroupPermissions: 'rwm',
  });
  assert.equal(extraHost('v6=::1'), 'v6:::1');
  assert.equal(extraHost('host:1.2.3.4'), 'host:1.2.3.4');
  assert.deepEqual(exposedPorts('3000-3002/udp'), ['3000/udp', '3001/udp', '3002/udp']);
  assert.deepEqual(exposedPorts('8080'), ['8080/tcp']);
});

test('pull errors are classified by what the registry said', () => {
  const cases: [string, string][] = [
    ['manifest for 127.0.0.1:5000/x:nope not found: manifest unknown: manifest unknown', 'not_found'],
    ["pull access denied for nope, repository does not exist or may require 'docker login'", 'not_found'],
    ['Head "http://127.0.0.1:5001/v2/p/manifests/1": no basic auth credentials', 'unauthorized'],
    ['unauthorized: authentication required', 'unauthorized'],
    ['toomanyrequests: You have reached your pull rate limit.', 'rate_limited'],
    ['Get "http://127.0.0.1:5999/v2/": dial tcp 127.0.0.1:5999: connect: connection refused', 'unreachable'],
    ['Get "https://nope.invalid/v2/": dial tcp: lookup nope.invalid: no such host', 'unreachable'],
    ['net/http: TLS handshake timeout', 'unreachable'],
    ['invalid reference format', 'other'],
  ];
  for (const [message, expected] of cases) assert.equal(classifyPullError(message), expected, message);
});

// ── A fake engine on a unix socket ─────────────────────────────────────────────────────────────────────────

const dir = mkdtempSync(join(tmpdir(), 'rehearsa-fake-engine-'));
const servers: Server[] = [];
after(() => {
  for (const server of servers) server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function fakeEngine(
  name: string,
  handler: (path: string, res: import('node:http').ServerResponse) => void,
): Promise<string> {
  const socketPath = join(dir, `${name}.sock`);
  const server = createServer((req, res) => {
    if (req.url === '/_ping') {
      res.writeHead(200, { 'Api-Version': '1.47' }).end('OK');
      return;
    }
    if (req.url === '/v1.45/version') {
      res.writeHead(200).end('{"Version":"99.0.0","Os":"linux"}');
      return;
    }
    handler(req.url ?? '', res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return `unix://${socketPath}`;
}

test('negotiates down to 1.45 and normalises event actions', async () => {
  const seenPaths: string[] = [];
  const host = await fakeEngine('events', (path, res) => {
    seenPaths.push(path);
    const actor = (attrs: Record<string, string>) => ({
      ID: 'c1',
      Attributes: { image: 'x', name: 'p-db', 'rehearsa.run': 'r1', ...attrs },
    });
    const lines = [
      { Type: 'container', Action: 'create', Actor: actor({}), time: 1700000000, timeNano: 'NANOS' },
      {
        Type: 'container',
        Action: 'exec_start: sh -c pg_isready',
        Actor: actor({ execID: 'e1' }),
        timeNano: 1700000001000000000,
      },
      { Type: 'container', Action: 'health_status: healthy', Actor: actor({}), timeNano: 1700000002000000000 },
      { Type: 'container', Action: 'die', Actor: actor({ exitCode: '137' }), timeNano: 1700000003000000000 },
    ];
    res.writeHead(200, { 'Content-Type': 'application/json' });
    // Split a line across writes: the reader must join chunks.
    // Real timeNano values exceed 2^53; write one as the engine does, as a bare integer.
    const text = lines.map((l) => JSON.stringify(l).replace('"NANOS"', '1700000000123456789')).join('\n') + '\n';
    res.write(text.slice(0, 50));
    res.write(text.slice(50));
  });
  const engine = connectDocker({ host });
  assert.equal((await engine.ping()).apiVersion, '1.45');
  const controller = new AbortController();
  const events: EngineEvent[] = [];
  for await (const event of engine.events('rehearsa.run=r1', controller.signal, 1700000000500)) {
    events.push(event);
    if (events.length === 4) controller.abort();
  }
  assert.ok(seenPaths.some((p) => p.startsWith('/v1.45/events?') && p.includes('since=1700000000.500000000')));
  assert.deepEqual(
    events.map((e) => [e.action, e.health, e.exitCode, e.timeMs]),
    [
      ['create', undefined, undefined, 1700000000123],
      ['exec_start', undefined, undefined, 1700000001000],
      ['health_status', 'healthy', undefined, 1700000002000],
      ['die', undefined, 137, 1700000003000],
    ],
  );
  assert.deepEqual(events[0]?.labels, { 'rehearsa.run': 'r1' });
});

test('an event stream the engine closes is an EngineError, not a silent end', async () => {
  const host = await fakeEngine('closing', (_path, res) => {
    res.writeHead(200).end();
  });
  const engine = connectDocker({ host });
  const iterate = async () => {
    for await (const _ of engine.events('a=b', new AbortController().signal)) {
      // nothing arrives
    }
  };
  await assert.rejects(iterate(), EngineError);
});

test('HTTP errors carry the engine message and status; 404 on removal is fine', async () => {
  const host = await fakeEngine('errors', (path, res) => {
    if (path.startsWith('/v1.45/containers/create')) {
      res.writeHead(409, { 'Content-Type': 'application/json' }).end('{"message":"Conflict. The name is in use"}');
    } else res.writeHead(404).end('{"message":"No such container: x"}');
  });
  const engine = connectDocker({ host });
  await assert.rejects(engine.createContainer(base), (err: unknown) => {
    assert.ok(err instanceof EngineError);
    assert.equal(err.statusCode, 409);
    assert.equal(err.message, 'Conflict. The name is in use');
    return true;
  });
  await engine.removeContainer('x');
  await engine.removeNetwork('x');
  await engine.removeVolume('x');
});

test('an engine that never answers times out with EngineError', async () => {
  const host = await fakeEngine('silent', () => {
    // never answers
  });
  const engine = connectDocker({ host, timeoutMs: 200 });
  const started = Date.now();
  await assert.rejects(engine.inspectContainer('x'), /did not answer GET \/v1\.45\/containers\/x\/json within 200 ms/);
  assert.ok(Date.now() - started < 2000);
});

test('an answer of the wrong shape (null, {} or a string for a list) is an EngineError naming the request', async () => {
  for (const [name, body] of [
    ['null-lists', 'null'],
    ['object-lists', '{}'],
    ['string-lists', '"str"'],
  ] as const) {
    const host = await fakeEngine(name, (_path, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
    });
    const engine = connectDocker({ host });
    await assert.rejects(
      engine.listImagesByLabel('rehearsa.run'),
      (err: unknown) =>
        err instanceof EngineError &&
        /^GET \/images\/json: the engine gave an unexpected answer \(not a JSON array\)$/.test(err.message),
      name,
    );
    await assert.rejects(engine.listByLabel('rehearsa.run'), EngineError, name);
  }
});

test('a create answered without an id is an EngineError, never a container called "null"', async () => {
  const host = await fakeEngine('no-ids', (path, res) => {
    const body = path.includes('/volumes/create')
      ? '{"Name":""}'
      : path.includes('/networks/create')
        ? '{"Id":42}'
        : '{"Id":null}';
    res.writeHead(201, { 'Content-Type': 'application/json' }).end(body);
  });
  const engine = connectDocker({ host });
  await assert.rejects(
    engine.createContainer(base),
    /^EngineError: POST \/containers\/create: the engine gave an unexpected answer/,
  );
  await assert.rejects(
    engine.createNetwork({ name: 'n', labels: {}, internal: true }),
    /POST \/networks\/create: the engine gave an unexpected answer/,
  );
  await assert.rejects(
    engine.createVolume({ name: 'v', labels: {} }),
    /POST \/volumes\/create: the engine gave an unexpected answer/,
  );
});
