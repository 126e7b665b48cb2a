import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeEngine, type ImageScript } from '../../test/support/fake-engine.js';
import { makeProject, makeService } from '../../test/support/make-project.js';
import type { Dependency, Healthcheck, Service } from '../model.js';
import { buildPlan } from '../plan/build-plan.js';
import { bootServices } from './boot-services.js';
import { RunScope } from './run-scope.js';

const HEALTH: Healthcheck = { test: ['CMD', 'true'], intervalMs: 100, disabled: false };
const dep = (condition: Dependency['condition']): Dependency => ({
  condition,
  required: true,
  restart: false,
  origin: 'depends_on',
});

async function boot(
  services: Service[],
  scripts: Record<string, ImageScript>,
  {
    timeoutMs = 2000,
    settleMs = 0,
    signal = new AbortController().signal,
    localImages = new Set(Object.keys(scripts)),
    buildMode = 'missing' as 'never' | 'missing' | 'always',
  } = {},
) {
  const engine = new FakeEngine(scripts, localImages);
  const plan = buildPlan(makeProject(services), {
    runId: 'r1',
    stack: 'demo',
    owner: 'h/1/1',
    pull: 'missing',
    existingPaths: new Set(),
    allowEgress: false,
  });
  const scope = new RunScope(engine, plan.runId);
  const now = Date.now();
  try {
    const outcomes = await bootServices(
      plan,
      { engine, scope, signal, now: Date.now, onPhase: () => {} },
      { startedAtMs: now, deadlineMs: now + timeoutMs, settleMs, logTailLines: 5, buildMode },
    );
    return { engine, outcomes: Object.fromEntries(outcomes.map((o) => [o.service, o])), elapsedMs: Date.now() - now };
  } finally {
    await scope.close();
    assert.deepEqual(await engine.listByLabel('rehearsa.run=r1'), { containers: [], networks: [], volumes: [] });
    assert.deepEqual(await engine.listImagesByLabel('rehearsa.run=r1'), [], 'built images are removed');
  }
}

test('a dependent is created only after its dependency is healthy', async () => {
  const { engine, outcomes } = await boot(
    [
      makeService('db', { image: 'db', healthcheck: HEALTH }),
      makeService('web', { image: 'web', dependsOn: { db: dep('service_healthy') } }),
    ],
    { db: { health: { afterMs: 30, status: 'healthy' } }, web: {} },
  );
  assert.deepEqual(engine.calls, [
    'network rehearsa-demo-r1_default',
    'create db',
    'start db',
    'create web',
    'start web',
  ]);
  assert.equal(outcomes.db!.score, 100);
  assert.equal(outcomes.web!.score, 85);
  assert.ok(outcomes.web!.timings.startedMs! >= outcomes.db!.timings.readyMs!);
});

test('an unhealthy dependency blocks its dependent, which is never created', async () => {
  const { engine, outcomes } = await boot(
    [
      makeService('db', { image: 'db', healthcheck: HEALTH }),
      makeService('web', { image: 'web', dependsOn: { db: dep('service_healthy') } }),
    ],
    { db: { health: { afterMs: 10, status: 'unhealthy' } }, web: {} },
  );
  assert.ok(!engine.calls.includes('create web'));
  assert.equal(outcomes.db!.state, 'unhealthy');
  assert.deepEqual(
    [outcomes.web!.state, outcomes.web!.reason],
    ['not_started', 'not started: dependency db is unhealthy'],
  );
});

test('a dependency that never gets healthy times out at the deadline', async () => {
  const { outcomes } = await boot(
    [
      makeService('db', { image: 'db', healthcheck: HEALTH }),
      makeService('web', { image: 'web', dependsOn: { db: dep('service_healthy') } }),
    ],
    { db: {}, web: {} },
    { timeoutMs: 200 },
  );
  assert.deepEqual([outcomes.db!.state, outcomes.db!.score], ['starting', 40]);
  assert.deepEqual(
    [outcomes.web!.reasonClass, outcomes.web!.reason],
    ['timeout', 'not started: dependency db not healthy before the deadline (--timeout 0.2)'],
  );
});

test('a crash loop inside the settle window scores 0 and reports its restarts', async () => {
  const { outcomes } = await boot(
    [makeService('app', { image: 'app', restart: 'always' })],
    { app: { exit: { afterMs: 5, code: 1 }, restarts: 3 } },
    { settleMs: 150 },
  );
  assert.equal(outcomes.app!.score, 0);
  assert.equal(outcomes.app!.reasonClass, 'crash_loop');
  assert.ok(outcomes.app!.restartCount >= 1);
});

test('an image that cannot be pulled is a scored failure, not an error', async () => {
  const { outcomes } = await boot([makeService('app', { image: 'nowhere:1' })], {});
  assert.equal(outcomes.app!.score, 0);
  assert.equal(outcomes.app!.reasonClass, 'image');
  assert.match(outcomes.app!.reason!, /^pull nowhere:1: not found/);
});

test('an abort interrupts the boot and the scope still removes everything', async () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error('SIGINT')), 50);
  await assert.rejects(
    boot(
      [makeService('db', { image: 'db', healthcheck: HEALTH })],
      { db: {} },
      { timeoutMs: 5000, signal: controller.signal },
    ),
    /interrupted/,
  );
});

test('a healthcheck that can no longer turn healthy times out at its own budget, not the global deadline', async () => {
  // Budget: start_period 0 + (1 + 1) × 100ms + 1 × 100ms + 1s slack = 1.3 s, far below the 10 s deadline.
  const quick: Healthcheck = { test: ['CMD', 'true'], intervalMs: 100, timeoutMs: 100, retries: 1, disabled: false };
  const { outcomes, elapsedMs } = await boot(
    [
      makeService('db', { image: 'db', healthcheck: quick }),
      makeService('web', { image: 'web', dependsOn: { db: dep('service_healthy') } }),
    ],
    { db: {}, web: {} },
    { timeoutMs: 10_000 },
  );
  assert.ok(elapsedMs < 4000, `finished after ${elapsedMs} ms`);
  assert.equal(outcomes.db!.reasonClass, 'timeout');
  assert.match(outcomes.db!.reason!, /^not healthy within its healthcheck budget of 1\.3s/);
  assert.deepEqual(
    [outcomes.web!.reasonClass, outcomes.web!.reason],
    ['dependency', 'not started: dependency db failed: not healthy within its healthcheck budget of 1.3s'],
  );
});

test('a dependency restarted by the engine restarts a dependent that asked for it, and it is not a crash loop', async () => {
  const { engine, outcomes } = await boot(
    [
      makeService('db', { image: 'db', restart: 'always' }),
      makeService('app', { image: 'app', dependsOn: { db: { ...dep('service_started'), restart: true } } }),
      makeService('other', { image: 'app', dependsOn: { db: dep('service_started') } }),
    ],
    { db: { exit: { afterMs: 100, code: 1 }, restarts: 1 }, app: {} },
    { settleMs: 300 },
  );
  assert.ok(engine.calls.includes('restart app'));
  assert.ok(!engine.calls.includes('restart other'));
  assert.equal(outcomes.app!.dependencyRestarts, 1);
  assert.equal(outcomes.app!.score, 85);
  assert.ok(
    outcomes.app!.events!.some((e) => e.state === 'restart requested' && e.detail === 'dependency db restarted'),
  );
  assert.equal(outcomes.db!.reasonClass, 'crash_loop');
});

test('an OOM kill is its own reason class', async () => {
  const { outcomes } = await boot(
    [makeService('app', { image: 'app' })],
    { app: { oom: { afterMs: 10 } } },
    { settleMs: 100 },
  );
  assert.deepEqual([outcomes.app!.reasonClass, outcomes.app!.oomKilled, outcomes.app!.score], ['oom', true, 0]);
  assert.match(outcomes.app!.reason!, /OOM killer \(exit 137\)/);
});

test('every outcome records its state changes and when its container was removed', async () => {
  const { outcomes } = await boot([makeService('db', { image: 'db', healthcheck: HEALTH })], {
    db: { health: { afterMs: 20, status: 'healthy' } },
  });
  const db = outcomes.db!;
  assert.deepEqual(
    db.events!.map((e) => e.state),
    ['created', 'running', 'healthy', 'removed'],
  );
  assert.ok(db.timings.removedMs! >= db.timings.readyMs!);
});

test('a build: service is built under a run tag, used, and the image removed; a failed build is scored with its log', async () => {
  const built = makeService('app', {
    image: undefined,
    build: { context: '/ctx/app', dockerfile: 'Dockerfile', args: {}, labels: {} },
  });
  const broken = makeService('bad', {
    image: undefined,
    build: { context: '/ctx/broken', dockerfile: 'Dockerfile', args: {}, labels: {} },
  });
  const { engine, outcomes } = await boot(
    [built, broken],
    { 'rehearsa-demo-r1-app:build': {} },
    { localImages: new Set() },
  );
  assert.ok(engine.calls.includes('build rehearsa-demo-r1-app:build'));
  assert.ok(engine.calls.includes('rmi rehearsa-demo-r1-app:build'));
  assert.equal(outcomes.app!.score, 85);
  assert.deepEqual([outcomes.bad!.reasonClass, outcomes.bad!.score], ['build', 0]);
  assert.match(outcomes.bad!.reason!, /^build of bad failed: The command returned a non-zero code: 3/);
  assert.deepEqual(outcomes.bad!.logTail, ['step 1/1']);
});

test('--build never refuses a service that has only a build; an image already present is not rebuilt', async () => {
  const built = makeService('app', {
    image: undefined,
    build: { context: '/ctx/app', dockerfile: 'Dockerfile', args: {}, labels: {} },
  });
  const never = await boot([built], {}, { localImages: new Set(), buildMode: 'never' });
  assert.equal(never.outcomes.app!.reasonClass, 'image');
  assert.match(never.outcomes.app!.reason!, /--build never/);
  const mine = makeService('app', {
    image: 'mine:1',
    build: { context: '/ctx/app', dockerfile: 'Dockerfile', args: {}, labels: {} },
  });
  const present = await boot([mine], { 'mine:1': {} });
  assert.ok(!present.engine.calls.some((c) => c.startsWith('build')));
  assert.ok(!present.engine.calls.some((c) => c.startsWith('rmi')), 'an image the user had is never removed');
  const always = await boot([mine], { 'mine:1': {}, 'rehearsa-demo-r1-app:build': {} }, { buildMode: 'always' });
  assert.ok(
    always.engine.calls.includes('build rehearsa-demo-r1-app:build'),
    'rebuilt under a run tag, not over mine:1',
  );
  assert.ok(!always.engine.calls.includes('rmi mine:1'));
});
