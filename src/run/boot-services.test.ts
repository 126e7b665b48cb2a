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
  { timeoutMs = 2000, settleMs = 0, signal = new AbortController().signal } = {},
) {
  const engine = new FakeEngine(scripts);
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
      { startedAtMs: now, deadlineMs: now + timeoutMs, settleMs, logTailLines: 5 },
    );
    return { engine, outcomes: Object.fromEntries(outcomes.map((o) => [o.service, o])) };
  } finally {
    await scope.close();
    assert.deepEqual(await engine.listByLabel('rehearsa.run=r1'), { containers: [], networks: [], volumes: [] });
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
    ['timeout', 'not started: dependency db not healthy before the deadline'],
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
  assert.match(outcomes.app!.reason!, /not_found/);
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
