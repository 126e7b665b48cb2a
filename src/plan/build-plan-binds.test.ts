import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeProject, makeService } from '../../test/support/make-project.js';
import { buildPlan, type PlanOptions } from './build-plan.js';

const options: PlanOptions = {
  runId: 'r1',
  stack: 'demo',
  owner: 'host/1/2',
  pull: 'missing',
  existingPaths: new Set(['/srv/site', '/srv/app.conf']),
  allowEgress: false,
};
const mounts = [
  { type: 'bind' as const, source: '/srv/site', target: '/www', readOnly: false },
  { type: 'bind' as const, source: '/srv/app.conf', target: '/etc/app.conf', readOnly: true },
];
const project = makeProject([makeService('web', { mounts })]);
const binds = (mode: 'copy' | 'readonly' | 'empty', restored: string[] = []) => ({
  ...options,
  binds: { mode, directories: new Set(['/srv/site']), restoredTargets: new Set(restored) },
});

test('copy: a directory bind becomes a scratch volume seeded from it; a file bind stays read-only', () => {
  const plan = buildPlan(project, binds('copy'));
  const [www, conf] = plan.containers[0]!.mounts;
  assert.deepEqual(www, { type: 'volume', source: 'rehearsa-demo-r1_bind-web-www', target: '/www', readOnly: false });
  assert.deepEqual(conf, { type: 'bind', source: '/srv/app.conf', target: '/etc/app.conf', readOnly: true });
  assert.deepEqual(plan.volumes, [
    {
      key: 'bind-web-www',
      name: 'rehearsa-demo-r1_bind-web-www',
      seed: 'bind',
      bind: { service: 'web', source: '/srv/site', target: '/www' },
    },
  ]);
  assert.ok(plan.rewrites.includes('web: bind /srv/site copied into a scratch volume'));
});

test('empty gives an empty stand-in; readonly (and no bind options) keep the read-only bind; a restored target is a volume', () => {
  assert.equal(buildPlan(project, binds('empty')).volumes[0]?.seed, 'empty');
  assert.equal(buildPlan(project, binds('readonly')).containers[0]!.mounts[0]?.type, 'bind');
  assert.equal(buildPlan(project, options).containers[0]!.mounts[0]?.readOnly, true);
  assert.equal(buildPlan(project, binds('readonly', ['/www'])).containers[0]!.mounts[0]?.type, 'volume');
});

test('a restored bind target is said to be restored, whatever the bind mode, and its host path is not copied', () => {
  for (const mode of ['copy', 'readonly', 'empty'] as const) {
    const plan = buildPlan(project, binds(mode, ['/www']));
    assert.equal(plan.volumes[0]?.seed, 'empty', mode);
    assert.ok(
      plan.rewrites.includes('web: bind /srv/site replaced by a scratch volume restored from its declared source'),
      mode,
    );
    assert.ok(!plan.rewrites.some((r) => r.includes('copied')), mode);
  }
});
