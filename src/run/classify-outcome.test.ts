import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyOutcome } from './classify-outcome.js';
import { type ContainerReadiness, initialReadiness } from './readiness.js';

const plain = { oneShot: false, restart: { name: 'no' as const } };
const state = (overrides: Partial<ContainerReadiness>): ContainerReadiness => ({
  ...initialReadiness(false),
  starts: 1,
  ...overrides,
});

test('exit 0 without a restarting policy is a completed one-shot', () => {
  assert.deepEqual(classifyOutcome(plain, state({ status: 'exited', exitCode: 0 }), undefined), { state: 'completed' });
});

test('exit 0 under restart: always is not completed', () => {
  const result = classifyOutcome(
    { ...plain, restart: { name: 'always' } },
    state({ status: 'exited', exitCode: 0 }),
    undefined,
  );
  assert.deepEqual(result, { state: 'exited', reasonClass: 'exit', reason: 'exited with code 0' });
});

test('dying after being healthy says so; dying without a healthcheck does not', () => {
  const died = state({ status: 'exited', exitCode: 2, readyAtMs: 5, relapsed: true });
  assert.equal(classifyOutcome(plain, died, undefined).reason, 'exited with code 2');
  const checked = { ...plain, healthcheck: { test: ['CMD', 'true'], disabled: false } };
  assert.equal(classifyOutcome(checked, died, undefined).reason, 'exited with code 2 after being healthy');
});

test('a restarted container is a crash loop with its count', () => {
  assert.deepEqual(classifyOutcome(plain, state({ status: 'running', starts: 4 }), undefined), {
    state: 'failed',
    reasonClass: 'crash_loop',
    reason: 'crash loop: restarted 3 times',
  });
});

test('OOM-killed, unhealthy with probe output, and not yet healthy at the deadline', () => {
  assert.equal(
    classifyOutcome(plain, state({ status: 'exited', exitCode: 137, oomKilled: true }), undefined).reasonClass,
    'oom',
  );
  assert.deepEqual(classifyOutcome(plain, state({ status: 'running', health: 'unhealthy' }), undefined, 'db down'), {
    state: 'unhealthy',
    reasonClass: 'unhealthy',
    reason: 'healthcheck failing: db down',
  });
  assert.deepEqual(classifyOutcome(plain, state({ status: 'running', health: 'starting' }), undefined), {
    state: 'starting',
    reasonClass: 'timeout',
    reason: 'not healthy before the deadline',
  });
  const starting = state({ status: 'running', health: 'starting' });
  assert.equal(
    classifyOutcome(plain, starting, undefined, undefined, { timeoutMs: 8000 }).reason,
    'not healthy before the deadline (--timeout 8)',
  );
});

test('a boot failure wins over anything observed', () => {
  assert.deepEqual(
    classifyOutcome(plain, undefined, {
      reasonClass: 'dependency',
      reason: 'not started: dependency db failed',
      notStarted: true,
    }),
    { state: 'not_started', reasonClass: 'dependency', reason: 'not started: dependency db failed' },
  );
});

test('a service that was healthy and then exits 0 relapsed; it is not a completed one-shot', () => {
  const checked = { ...plain, healthcheck: { test: ['CMD', 'true'], disabled: false } };
  const stopped = state({ status: 'exited', exitCode: 0, health: 'healthy', readyAtMs: 5, relapsed: true });
  assert.deepEqual(classifyOutcome(checked, stopped, undefined), {
    state: 'exited',
    reasonClass: 'exit',
    reason: 'exited with code 0 after being healthy',
  });
});
