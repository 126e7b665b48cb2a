import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeProject, makeService } from '../../test/support/make-project.js';
import { buildPlan } from './build-plan.js';
import { checkEngineSupport, checkRecursiveReadOnly } from './check-engine-support.js';

const messages = (...services: Parameters<typeof makeService>[]) =>
  checkEngineSupport(makeProject(services.map((args) => makeService(...args))), '1.41', 'compose.yaml').map(
    (i) => `${i.path}: ${i.message}`,
  );

test('pull policies a rehearsal cannot honour, or that do not exist, are input errors', () => {
  assert.deepEqual(
    messages(['a', { pullPolicy: 'sometimes' }], ['b', { pullPolicy: 'daily' }], ['c', { pullPolicy: 'build' }]),
    [
      'services.a.pull_policy: "sometimes" must be one of always, never, missing, build, daily, weekly, refresh or every_<duration>',
      'services.b.pull_policy: "daily" needs the age of the local image, which a rehearsal does not track (use always or missing)',
      'services.c.pull_policy: "build" needs a build section',
    ],
  );
  assert.deepEqual(messages(['a', { pullPolicy: 'always' }], ['b', { pullPolicy: 'missing' }]), []);
});

test('start_interval is refused on an engine that would drop it, accepted from API 1.44', () => {
  const hc = { test: ['CMD', 'true'], startPeriodMs: 10_000, startIntervalMs: 1000, disabled: false };
  assert.deepEqual(messages(['db', { healthcheck: hc }]), [
    'services.db.healthcheck.start_interval: needs Docker Engine API 1.44; this engine speaks 1.41 and would ignore it (remove it or use a newer engine)',
  ]);
  const project = makeProject([makeService('db', { healthcheck: hc })]);
  assert.deepEqual(checkEngineSupport(project, '1.44', 'compose.yaml'), []);
  assert.deepEqual(checkEngineSupport(project, '1.45', 'compose.yaml'), []);
});

test('a read-only bind with filesystems mounted below it is refused before API 1.44, and only then', () => {
  const service = makeService('web', {
    mounts: [
      { type: 'bind', source: '/srv/site', target: '/www', readOnly: true },
      { type: 'bind', source: '/srv/plain', target: '/plain', readOnly: true },
    ],
  });
  const plan = buildPlan(makeProject([service]), {
    runId: 'r1',
    stack: 'demo',
    owner: 'h/1/1',
    pull: 'missing',
    existingPaths: new Set(['/srv/site', '/srv/plain']),
    allowEgress: false,
  });
  const mounts = ['/', '/srv/site/cache', '/srv/sitemap', '/srv/site'];
  assert.deepEqual(
    checkRecursiveReadOnly(plan, '1.41', mounts, 'compose.yaml').map((i) => `${i.path}: ${i.message}`),
    [
      'services.web.volumes: bind /srv/site has other filesystems mounted below it (/srv/site/cache); this engine (API 1.41) would leave them writable, so the read-only bind is refused (use --binds copy, or an engine of API 1.44 or later)',
    ],
  );
  assert.deepEqual(checkRecursiveReadOnly(plan, '1.44', mounts, 'compose.yaml'), []);
});
