import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EngineEvent } from '../engine/engine.js';
import { initialReadiness, isSettled, judgeCondition, reduceReadiness } from './readiness.js';

const ev = (action: string, timeMs: number, extra: Partial<EngineEvent> = {}): EngineEvent => ({
  containerId: 'c1',
  action,
  labels: {},
  timeMs,
  ...extra,
});
const fold = (hasHealthcheck: boolean, events: EngineEvent[]) =>
  events.reduce(reduceReadiness, initialReadiness(hasHealthcheck));

test('a container without healthcheck is ready when it starts', () => {
  const state = fold(false, [ev('create', 1), ev('start', 5)]);
  assert.equal(state.status, 'running');
  assert.equal(state.readyAtMs, 5);
  assert.equal(isSettled(state, false, false), true);
  assert.deepEqual(judgeCondition('service_healthy', state), { state: 'failed', why: 'has no healthcheck' });
});

test('healthy is ready; turning unhealthy afterwards is a relapse', () => {
  const healthy = fold(true, [ev('start', 5), ev('health_status', 9, { health: 'healthy' })]);
  assert.equal(healthy.readyAtMs, 9);
  assert.equal(healthy.relapsed, false);
  assert.deepEqual(judgeCondition('service_healthy', healthy), { state: 'met' });
  const relapsed = reduceReadiness(healthy, ev('health_status', 12, { health: 'unhealthy' }));
  assert.equal(relapsed.relapsed, true);
});

test('a restart counts as a second start and a relapse', () => {
  const state = fold(false, [ev('start', 1), ev('die', 2, { exitCode: 1 }), ev('start', 3)]);
  assert.equal(state.starts, 2);
  assert.equal(state.relapsed, true);
  assert.equal(state.status, 'running');
});

test('service_completed_successfully waits for the exit and judges its code', () => {
  const running = fold(false, [ev('start', 1)]);
  assert.deepEqual(judgeCondition('service_completed_successfully', running), { state: 'pending' });
  assert.deepEqual(
    judgeCondition('service_completed_successfully', reduceReadiness(running, ev('die', 2, { exitCode: 0 }))),
    {
      state: 'met',
    },
  );
  assert.deepEqual(
    judgeCondition('service_completed_successfully', reduceReadiness(running, ev('die', 2, { exitCode: 3 }))),
    {
      state: 'failed',
      why: 'exited with code 3',
    },
  );
});

test('an exited container fails service_healthy while still starting', () => {
  const state = fold(true, [ev('start', 1), ev('die', 2, { exitCode: 137 }), ev('oom', 2)]);
  assert.deepEqual(judgeCondition('service_healthy', state), { state: 'failed', why: 'exited with code 137' });
  assert.equal(state.oomKilled, true);
});
