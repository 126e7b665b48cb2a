import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReadinessTracker } from './readiness-tracker.js';

test('a wait whose timer fires before the clock reaches the deadline re-arms and still times out', async () => {
  // The clock reads 0 while the wait is armed (a 30 ms timer), 20 when that timer fires, then 40: the timer fired
  // early by the clock's reading, as Node's timers can by a millisecond against Date.now().
  const readings = [0, 0, 20];
  const now = () => readings.shift() ?? 40;
  const result = await new ReadinessTracker().waitFor(() => undefined, 30, new AbortController().signal, now);
  assert.deepEqual(result, { timedOut: true });
});

test('a wait resolves with the first value its check finds on a change', async () => {
  const tracker = new ReadinessTracker();
  let ready: string | undefined;
  const waiting = tracker.waitFor(() => ready, Date.now() + 5000, new AbortController().signal, Date.now);
  ready = 'yes';
  tracker.notify();
  assert.deepEqual(await waiting, { value: 'yes' });
});

test('an aborted wait rejects with the abort reason', async () => {
  const controller = new AbortController();
  const waiting = new ReadinessTracker().waitFor(() => undefined, Date.now() + 5000, controller.signal, Date.now);
  controller.abort(new Error('SIGINT'));
  await assert.rejects(waiting, /SIGINT/);
});
