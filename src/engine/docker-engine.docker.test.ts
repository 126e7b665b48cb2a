// Real-engine tests of the Docker adapter. Every resource carries a per-test label and each test proves, at the
// end, that nothing carrying it is left behind. Pull tests need scripts/registry-up.sh (run by `before`).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { EngineError } from '../errors.js';
import { connectDocker } from './docker-engine.js';
import { resolveDockerHost } from './docker-host.js';
import { bareContainerSpec, type ContainerSpec, type Engine, type EngineEvent, PullFailure } from './engine.js';
import { createHttpClient } from './http-client.js';

const engine = connectDocker();
const busybox = 'rehearsa-fixture/busybox:1';

interface Scope {
  label: string;
  labels: Record<string, string>;
  /** A resource name unique to this test. */
  name: (suffix: string) => string;
}

/** Runs `body` under a fresh label; afterwards sweeps anything left and fails the test if there was anything. */
async function labelled(body: (scope: Scope) => Promise<void>): Promise<void> {
  const id = randomBytes(6).toString('hex');
  const scope: Scope = {
    label: `rehearsa.test=${id}`,
    labels: { 'rehearsa.test': id },
    name: (suffix) => `rehearsa-test-${id}-${suffix}`,
  };
  let failed = false;
  try {
    await body(scope);
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    const left = await engine.listByLabel(scope.label);
    for (const c of left.containers) await engine.removeContainer(c.id);
    for (const n of left.networks) await engine.removeNetwork(n.id);
    for (const v of left.volumes) await engine.removeVolume(v.name);
    if (!failed) {
      assert.deepEqual(
        [left.containers.length, left.networks.length, left.volumes.length],
        [0, 0, 0],
        `resources left behind for ${scope.label}`,
      );
    }
  }
}

function spec(scope: Scope, suffix: string, overrides: Partial<ContainerSpec> = {}): ContainerSpec {
  return { ...bareContainerSpec(scope.name(suffix), busybox, scope.labels), ...overrides };
}

/** Collects events for `label` until `done` says so (or 20 s pass); the stream is opened before this returns. */
function collectEvents(
  eng: Engine,
  label: string,
  done: (seen: EngineEvent[]) => boolean,
): { events: Promise<EngineEvent[]>; stop: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 20_000);
  const seen: EngineEvent[] = [];
  const events = (async () => {
    for await (const event of eng.events(label, controller.signal, Date.now() - 1000)) {
      seen.push(event);
      if (done(seen)) break;
    }
    clearTimeout(timer);
    return seen;
  })();
  return {
    events,
    stop: () => {
      clearTimeout(timer);
      controller.abort();
    },
  };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Untags an image straight through the API (the Engine port has no image removal); absent is fine. */
async function untag(ref: string): Promise<void> {
  const http = createHttpClient(resolveDockerHost(), 10_000);
  const res = await http.send({ method: 'DELETE', path: `/images/${ref}`, query: { noprune: 1 } });
  assert.ok(res.status < 300 || res.status === 404, `untag ${ref}: HTTP ${res.status}`);
}

describe('docker engine adapter (real engine)', () => {
  test('ping negotiates the API version and reports the engine', async () => {
    const info = await engine.ping();
    assert.match(info.apiVersion, /^1\.\d+$/);
    assert.ok(Number(info.apiVersion.split('.')[1]) <= 45);
    assert.match(info.version, /\d+\.\d+/);
    assert.equal(info.os, 'linux');
  });

  test('an engine at a bogus socket fails fast with EngineError', async () => {
    const started = Date.now();
    const bogus = connectDocker({ host: `unix:///tmp/rehearsa-no-such-${randomBytes(4).toString('hex')}.sock` });
    await assert.rejects(bogus.ping(), (err: unknown) => {
      assert.ok(err instanceof EngineError);
      assert.match(err.message, /not reachable at unix:\/\/\/tmp\/rehearsa-no-such-.*: connect ENOENT/);
      return true;
    });
    await assert.rejects(bogus.listByLabel('x=y'), EngineError);
    assert.ok(Date.now() - started < 2000);
  });

  test('imageExists tells present from absent images', async () => {
    assert.equal(await engine.imageExists(busybox), true);
    assert.equal(await engine.imageExists(`rehearsa-fixture/absent-${randomBytes(3).toString('hex')}:1`), false);
  });

  test('network, volume and healthy container: create, start and health_status healthy in order', async () => {
    await labelled(async (scope) => {
      const watch = collectEvents(engine, scope.label, (seen) => seen.some((e) => e.health === 'healthy'));
      const network = await engine.createNetwork({ name: scope.name('net'), labels: scope.labels, internal: true });
      const other = await engine.createNetwork({ name: scope.name('net2'), labels: scope.labels, internal: true });
      const volume = await engine.createVolume({ name: scope.name('vol'), labels: scope.labels });
      assert.equal(volume, scope.name('vol'));
      assert.equal(await engine.networkExists(scope.name('net')), true);
      assert.equal(await engine.networkExists(scope.name('ne')), false, 'a name prefix is not the network');
      assert.equal(await engine.volumeExists(volume), true);
      const id = await engine.createContainer(
        spec(scope, 'app', {
          cmd: ['sleep', '300'],
          env: ['GREETING=hello'],
          healthcheck: { test: ['CMD-SHELL', 'true'], intervalMs: 500, timeoutMs: 2000, retries: 3, disabled: false },
          mounts: [
            { type: 'volume', source: volume, target: '/data', readOnly: false },
            { type: 'tmpfs', target: '/scratch', readOnly: false, tmpfsSizeBytes: 1 << 20 },
          ],
          network: { name: scope.name('net'), aliases: ['app', 'app-alias'] },
          exposedPorts: ['8080', '9000-9001/udp'],
          extraHosts: ['gateway=10.0.0.1'],
          ulimits: { nofile: { soft: 1024, hard: 2048 } },
          stopSignal: 'SIGINT',
        }),
      );
      await engine.connectNetwork(other, id, ['second']);
      await engine.startContainer(id);
      const events = await watch.events;
      const actions = events.filter((e) => e.containerId === id).map((e) => e.action);
      const index = (action: string) => actions.indexOf(action);
      assert.ok(index('create') >= 0 && index('create') < index('start'), actions.join(','));
      const healthy = events.find((e) => e.action === 'health_status' && e.health === 'healthy');
      assert.ok(healthy, actions.join(','));
      assert.ok(index('start') < actions.lastIndexOf('health_status'));
      assert.ok(!actions.some((a) => a.includes(':')), 'exec_* actions are reduced to their verb');
      assert.equal(healthy.labels['rehearsa.test'], scope.labels['rehearsa.test']);
      assert.ok(Math.abs(healthy.timeMs - Date.now()) < 60_000);

      const state = await engine.inspectContainer(id);
      assert.equal(state.status, 'running');
      assert.equal(state.health, 'healthy');
      assert.equal(state.name, scope.name('app'));
      assert.ok(state.startedAt);
      assert.ok(state.healthLog.length > 0 && state.healthLog.every((h) => h.exitCode === 0));

      const listed = await engine.listByLabel(scope.label);
      assert.deepEqual(listed.containers.map((c) => c.name).sort(), [scope.name('app')]);
      assert.deepEqual(listed.networks.map((n) => n.name).sort(), [scope.name('net'), scope.name('net2')].sort());
      assert.deepEqual(
        listed.volumes.map((v) => v.name),
        [volume],
      );

      await engine.removeContainer(id);
      await engine.removeNetwork(network);
      await engine.removeNetwork(other);
      await engine.removeVolume(volume);
      assert.equal(await engine.networkExists(scope.name('net')), false);
      assert.equal(await engine.volumeExists(volume), false);
      // Removal is idempotent: a second round finds nothing and says nothing.
      await engine.removeContainer(id);
      await engine.removeNetwork(network);
      await engine.removeVolume(volume);
    });
  });

  test('die events carry the exit code', async () => {
    await labelled(async (scope) => {
      const watch = collectEvents(engine, scope.label, (seen) => seen.some((e) => e.action === 'die'));
      const id = await engine.createContainer(spec(scope, 'exit3', { cmd: ['sh', '-c', 'exit 3'] }));
      await engine.startContainer(id);
      const die = (await watch.events).find((e) => e.action === 'die');
      assert.equal(die?.containerId, id);
      assert.equal(die?.exitCode, 3);
      const state = await engine.inspectContainer(id);
      assert.equal(state.status, 'exited');
      assert.equal(state.exitCode, 3);
      assert.equal(state.health, 'none');
      assert.ok(state.finishedAt);
      await engine.removeContainer(id);
    });
  });

  test('the event stream ends cleanly when its signal aborts', async () => {
    const controller = new AbortController();
    const seen: EngineEvent[] = [];
    const reading = (async () => {
      for await (const event of engine.events(`rehearsa.test=${randomBytes(4).toString('hex')}`, controller.signal)) {
        seen.push(event);
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 200));
    controller.abort();
    await reading;
    assert.deepEqual(seen, []);
  });

  test('logs are demultiplexed into stdout and stderr lines', async () => {
    await labelled(async (scope) => {
      const script = 'echo out-1; echo err-1 >&2; sleep 0.1; echo out-2; printf "no-newline"';
      const id = await engine.createContainer(spec(scope, 'logs', { cmd: ['sh', '-c', script] }));
      await engine.startContainer(id);
      await waitFor('exit', async () => ((await engine.inspectContainer(id)).status === 'exited' ? true : undefined));
      const lines = await engine.logs(id, 100);
      assert.deepEqual([...lines].sort(), ['err-1', 'no-newline', 'out-1', 'out-2']);
      assert.ok(lines.indexOf('out-1') < lines.indexOf('out-2'));
      assert.deepEqual(await engine.logs(id, 1), ['no-newline']);
      await engine.removeContainer(id);
    });
  });

  test('an unhealthy container exposes its probe output', async () => {
    await labelled(async (scope) => {
      const id = await engine.createContainer(
        spec(scope, 'sick', {
          cmd: ['sleep', '300'],
          healthcheck: {
            test: ['CMD-SHELL', 'echo probe-said-no; exit 1'],
            intervalMs: 500,
            retries: 1,
            disabled: false,
          },
        }),
      );
      await engine.startContainer(id);
      const state = await waitFor('unhealthy', async () => {
        const s = await engine.inspectContainer(id);
        return s.health === 'unhealthy' ? s : undefined;
      });
      assert.ok(state.healthLog.length > 0);
      assert.equal(state.healthLog.at(-1)?.exitCode, 1);
      assert.match(state.healthLog.at(-1)?.output ?? '', /probe-said-no/);
      await engine.removeContainer(id);
    });
  });

  test('removing a running container is immediate and leaves nothing', async () => {
    await labelled(async (scope) => {
      // busybox sleep as PID 1 ignores SIGTERM: a graceful stop would wait the full 10 s grace period.
      const id = await engine.createContainer(spec(scope, 'stubborn', { cmd: ['sleep', '300'] }));
      await engine.startContainer(id);
      assert.equal((await engine.inspectContainer(id)).status, 'running');
      const started = Date.now();
      await engine.removeContainer(id);
      assert.ok(Date.now() - started < 3000, `removal took ${Date.now() - started} ms`);
      await assert.rejects(engine.inspectContainer(id), (err: unknown) => {
        assert.ok(err instanceof EngineError);
        assert.equal(err.statusCode, 404);
        return true;
      });
    });
  });

  test('a refused spec surfaces the engine message and status', async () => {
    await labelled(async (scope) => {
      await assert.rejects(
        engine.createContainer(spec(scope, 'noimage', { image: 'rehearsa-fixture/absent:0' })),
        (err: unknown) => {
          assert.ok(err instanceof EngineError);
          assert.equal(err.statusCode, 404);
          assert.match(err.message, /No such image/i);
          return true;
        },
      );
    });
  });

  test('an empty entrypoint clears the image entrypoint', async () => {
    await labelled(async (scope) => {
      // The postgres fixture has an entrypoint script; busybox has none and would prove nothing.
      const id = await engine.createContainer(
        spec(scope, 'entry', {
          image: 'rehearsa-fixture/postgres:15',
          entrypoint: [],
          cmd: ['sh', '-c', 'true'],
          user: 'postgres',
          workingDir: '/tmp',
        }),
      );
      const http = createHttpClient(resolveDockerHost(), 10_000);
      const raw = JSON.parse((await http.send({ method: 'GET', path: `/containers/${id}/json` })).body.toString());
      assert.equal(raw.Path, 'sh');
      assert.deepEqual(raw.Args, ['-c', 'true']);
      assert.equal(raw.Config.User, 'postgres');
      assert.equal(raw.Config.WorkingDir, '/tmp');
      await engine.removeContainer(id);
    });
  });
});

describe('docker engine adapter: pulls (loopback registries)', () => {
  const open = '127.0.0.1:5000/fixture/busybox:1';
  const priv = '127.0.0.1:5001/private/busybox:1';

  before(() => {
    execFileSync('bash', [join(import.meta.dirname, '../../scripts/registry-up.sh')], { stdio: 'ignore' });
  });

  test('pulls from the open registry', async () => {
    await untag(open);
    assert.equal(await engine.imageExists(open), false);
    const progress: string[] = [];
    try {
      await engine.pullImage(open, (status) => progress.push(status));
      assert.equal(await engine.imageExists(open), true);
      assert.ok(progress.some((p) => /Digest: sha256:/.test(p)));
    } finally {
      await untag(open);
    }
  });

  test('a missing tag is not_found', async () => {
    await assert.rejects(engine.pullImage('127.0.0.1:5000/fixture/busybox:missing'), (err: unknown) => {
      assert.ok(err instanceof PullFailure);
      assert.equal(err.failureClass, 'not_found');
      return true;
    });
  });

  test('the private registry without credentials is unauthorized', async () => {
    const config = mkdtempSync(join(tmpdir(), 'rehearsa-dockercfg-'));
    try {
      await withEnv('DOCKER_CONFIG', config, async () => {
        await assert.rejects(engine.pullImage(priv), (err: unknown) => {
          assert.ok(err instanceof PullFailure);
          assert.equal(err.failureClass, 'unauthorized');
          return true;
        });
      });
    } finally {
      rmSync(config, { recursive: true, force: true });
    }
  });

  test('the private registry with wrong credentials is unauthorized', async () => {
    await withCredentials('rehearsa:wrong-password', async () => {
      await assert.rejects(engine.pullImage(priv), (err: unknown) => {
        assert.ok(err instanceof PullFailure);
        assert.equal(err.failureClass, 'unauthorized');
        return true;
      });
    });
  });

  test('the private registry with credentials from DOCKER_CONFIG pulls', async () => {
    await untag(priv);
    try {
      await withCredentials('rehearsa:rehearsa-test', async () => {
        await engine.pullImage(priv);
      });
      assert.equal(await engine.imageExists(priv), true);
    } finally {
      await untag(priv);
    }
  });

  test('an unreachable registry is unreachable', async () => {
    await assert.rejects(engine.pullImage('127.0.0.1:5999/nothing/here:1'), (err: unknown) => {
      assert.ok(err instanceof PullFailure);
      assert.equal(err.failureClass, 'unreachable');
      return true;
    });
  });

  test('an aborted pull rejects with the abort reason', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await assert.rejects(engine.pullImage(open, undefined, controller.signal), /stop/);
  });
});

async function withEnv(name: string, value: string, body: () => Promise<void>): Promise<void> {
  const previous = process.env[name];
  process.env[name] = value;
  try {
    await body();
  } finally {
    if (previous === undefined) delete process.env[name];
    else process.env[name] = previous;
  }
}

/** Runs `body` with a throwaway DOCKER_CONFIG holding `userPass` for 127.0.0.1:5001. */
async function withCredentials(userPass: string, body: () => Promise<void>): Promise<void> {
  const config = mkdtempSync(join(tmpdir(), 'rehearsa-dockercfg-'));
  try {
    const auths = { 'http://127.0.0.1:5001': { auth: Buffer.from(userPass).toString('base64') } };
    writeFileSync(join(config, 'config.json'), JSON.stringify({ auths }));
    await withEnv('DOCKER_CONFIG', config, body);
  } finally {
    rmSync(config, { recursive: true, force: true });
  }
}
