import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeProject, makeService } from '../../test/support/make-project.js';
import { makeOutcome } from '../../test/support/run-results.js';
import type { ProbeRecord } from '../model.js';
import { buildPlan } from '../plan/build-plan.js';
import { applyVerification } from './apply-verification.js';

const plan = buildPlan(makeProject([makeService('db')]), {
  runId: 'r1',
  stack: 'demo',
  owner: 'h/1/1',
  pull: 'missing',
  existingPaths: new Set(),
  allowEgress: false,
});
const healthy = makeOutcome({ service: 'db' });
const probe = (overrides: Partial<ProbeRecord>): ProbeRecord => ({
  service: 'db',
  type: 'tcp',
  target: 'db:5432',
  passed: false,
  attempts: 1,
  ms: 5,
  reason: 'connection refused',
  ...overrides,
});

test('a failed probe caps its service at 40 with the probe as the reason', () => {
  const [db] = applyVerification([healthy], plan, [], [probe({})]);
  assert.deepEqual(
    [db!.score, db!.reasonClass, db!.reason],
    [40, 'probe', 'probe tcp db:5432 failed: connection refused'],
  );
});

test('a probe Rehearsa could not run is not held against the service', () => {
  const skipped = probe({ skipped: true, reason: 'not run: the helper image busybox:1.36 is not available' });
  assert.deepEqual(applyVerification([healthy], plan, [], [skipped]), [healthy]);
});
