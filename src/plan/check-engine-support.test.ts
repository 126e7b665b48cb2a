import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeProject, makeService } from '../../test/support/make-project.js';
import { checkEngineSupport } from './check-engine-support.js';

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
