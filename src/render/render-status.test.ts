import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HistoryEntry, StackStatus } from '../model.js';
import { makePalette } from './colors.js';
import { renderHistory, renderPolicy, renderStatus } from './render-status.js';

const plain = makePalette(false);

function status(overrides: Partial<StackStatus> & { stack: string }): StackStatus {
  return {
    confidence: 100,
    risk: 'LOW',
    stability: 100,
    lastRunAt: '2025-01-02T03:04:05.000Z',
    lastExitCode: 0,
    runs: 1,
    ...overrides,
  };
}

function entry(overrides: Partial<HistoryEntry> & { runId: string; startedAt: string }): HistoryEntry {
  return {
    stack: 'shop',
    confidence: 100,
    risk: 'LOW',
    durationMs: 10000,
    exitCode: 0,
    interrupted: false,
    ...overrides,
  };
}

test('status: one row per stack sorted by name, every trend label', () => {
  const out = renderStatus(
    [
      status({ stack: 'wiki', confidence: 56, risk: 'HIGH', stability: 61, trend: 'DOWN' }),
      status({ stack: 'blog', trend: 'UP', lastRunAt: '2025-02-03T10:00:00Z' }),
      status({ stack: 'mail', confidence: 85, risk: 'MODERATE', stability: 85, trend: 'SAME' }),
      status({ stack: 'chat', confidence: 0, risk: 'CRITICAL', stability: 0 }),
    ],
    plain,
  );
  assert.equal(
    out,
    [
      'STACK  CONFIDENCE  RISK      STABILITY  TREND   LAST RUN',
      'blog         100%  LOW            100%  ↑ UP    2025-02-03 10:00:00Z',
      'chat           0%  CRITICAL         0%  -       2025-01-02 03:04:05Z',
      'mail          85%  MODERATE        85%  → SAME  2025-01-02 03:04:05Z',
      'wiki          56%  HIGH            61%  ↓ DOWN  2025-01-02 03:04:05Z',
      '',
    ].join('\n'),
  );
});

test('status without runs prints a friendly line', () => {
  assert.equal(renderStatus([], plain), 'No rehearsals recorded yet.\n');
});

test('history: oldest first, signed deltas, interrupted exits', () => {
  const out = renderHistory(
    [
      entry({ runId: 'c3', startedAt: '2025-01-03T00:00:00Z', confidence: 97, confidenceDelta: -3, durationMs: 9000 }),
      entry({ runId: 'a1', startedAt: '2025-01-01T00:00:00Z', confidence: 95, durationMs: 12400 }),
      entry({ runId: 'b2', startedAt: '2025-01-02T00:00:00Z', confidenceDelta: 5, exitCode: 1 }),
      entry({
        runId: 'd4',
        startedAt: '2025-01-04T00:00:00Z',
        confidence: 97,
        confidenceDelta: 0,
        exitCode: 130,
        interrupted: true,
      }),
    ],
    plain,
  );
  assert.equal(
    out,
    [
      'TIME                  RUN  CONFIDENCE  DELTA  RISK  DURATION  EXIT',
      '2025-01-01 00:00:00Z  a1          95%      -  LOW      12.4s  0',
      '2025-01-02 00:00:00Z  b2         100%     +5  LOW      10.0s  1',
      '2025-01-03 00:00:00Z  c3          97%     -3  LOW       9.0s  0',
      '2025-01-04 00:00:00Z  d4          97%      0  LOW      10.0s  130 (interrupted)',
      '',
    ].join('\n'),
  );
});

test('empty history prints a friendly line', () => {
  assert.equal(renderHistory([], plain), 'No rehearsals recorded for this stack yet.\n');
});

test('policy: defaults when none is stored', () => {
  assert.equal(
    renderPolicy('shop', undefined, { minConfidence: 70 }),
    [
      'policy for shop: default (none stored)',
      'RULE                    VALUE',
      'min-confidence          70',
      'block-on-regression     no',
      'fail-on-duration-spike  no',
      'duration-spike-percent  50%',
      '',
    ].join('\n'),
  );
});

test('policy: a stored policy is laid over the defaults', () => {
  assert.equal(
    renderPolicy(
      'shop',
      { blockOnRegression: true, failOnDurationSpike: true, durationSpikePercent: 50 },
      { minConfidence: 70 },
    ),
    [
      'policy for shop: stored',
      'RULE                    VALUE',
      'min-confidence          70',
      'block-on-regression     yes',
      'fail-on-duration-spike  yes',
      'duration-spike-percent  50%',
      '',
    ].join('\n'),
  );
});

test('policy: a backup age limit is shown in the units it was given, not as a fraction of an hour', () => {
  const shown = renderPolicy('shop', { maxBackupAgeMs: 60_000 }, { minConfidence: 70 });
  assert.match(shown, /^max-backup-age {10}1m0s$/m);
});
