import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunSummary } from '../model.js';
import { DEFAULT_POLICY, evaluatePolicy } from './evaluate-policy.js';

const summary = (over: Partial<RunSummary> = {}): RunSummary => ({
  confidence: 95,
  risk: 'LOW',
  stability: 95,
  durationMs: 7600,
  ...over,
});

describe('evaluatePolicy', () => {
  it('applies the default minimum of 70 when no policy is stored', () => {
    assert.deepEqual(DEFAULT_POLICY, { minConfidence: 70 });
    assert.deepEqual(evaluatePolicy(undefined, summary({ confidence: 70 })), {
      passed: true,
      policy: { minConfidence: 70 },
      defaultPolicy: true,
      violations: [],
    });
    assert.deepEqual(evaluatePolicy(undefined, summary({ confidence: 69 })).violations, [
      { rule: 'min_confidence', message: 'confidence 69% is below the minimum 70%' },
    ]);
  });

  it('min_confidence: passes at the minimum, fails below it', () => {
    assert.equal(evaluatePolicy({ minConfidence: 80 }, summary({ confidence: 80 })).passed, true);
    const verdict = evaluatePolicy({ minConfidence: 80 }, summary({ confidence: 56, risk: 'HIGH' }));
    assert.equal(verdict.passed, false);
    assert.equal(verdict.defaultPolicy, false);
    assert.deepEqual(verdict.violations, [
      { rule: 'min_confidence', message: 'confidence 56% is below the minimum 80%' },
    ]);
  });

  it('keeps the default minimum when a stored policy does not set one, and 0 disables it', () => {
    const verdict = evaluatePolicy({ blockOnRegression: true }, summary({ confidence: 10 }));
    assert.deepEqual(verdict.policy, { minConfidence: 70, blockOnRegression: true });
    assert.equal(verdict.violations[0]?.rule, 'min_confidence');
    assert.equal(evaluatePolicy({ minConfidence: 0 }, summary({ confidence: 0 })).passed, true);
  });

  it('block_on_regression: fails when confidence went down, passes on SAME, UP or a first run', () => {
    const down = summary({ confidence: 85, trend: 'DOWN', previousConfidence: 100 });
    assert.deepEqual(evaluatePolicy({ blockOnRegression: true }, down).violations, [
      { rule: 'block_on_regression', message: 'confidence fell from 100% to 85% since the previous run' },
    ]);
    assert.equal(evaluatePolicy({ blockOnRegression: false }, down).passed, true);
    for (const trend of ['SAME', 'UP', undefined] as const) {
      const s = summary(trend ? { trend, previousConfidence: 95 } : {});
      assert.equal(evaluatePolicy({ blockOnRegression: true }, s).passed, true);
    }
  });

  it('duration_spike: fails above the limit with the exact message', () => {
    const slow = summary({ durationMs: 12400, medianPreviousDurationMs: 7600, durationDeltaPercent: 63 });
    const verdict = evaluatePolicy({ failOnDurationSpike: true, durationSpikePercent: 40 }, slow);
    assert.deepEqual(verdict.violations, [
      {
        rule: 'duration_spike',
        message: 'duration 12.4s is 63% above the median 7.6s of the previous runs (limit 40%)',
      },
    ]);
  });

  it('duration_spike: passes at the limit, when off, when faster, and without previous runs', () => {
    const at = summary({ durationMs: 11400, medianPreviousDurationMs: 7600, durationDeltaPercent: 50 });
    assert.equal(evaluatePolicy({ failOnDurationSpike: true }, at).passed, true); // default limit 50
    const over = { ...at, durationDeltaPercent: 51 };
    assert.equal(
      evaluatePolicy({ failOnDurationSpike: true }, over).violations[0]?.message.endsWith('(limit 50%)'),
      true,
    );
    assert.equal(evaluatePolicy({ failOnDurationSpike: false, durationSpikePercent: 10 }, over).passed, true);
    assert.equal(evaluatePolicy({ durationSpikePercent: 10 }, over).passed, true);
    const faster = summary({ medianPreviousDurationMs: 7600, durationDeltaPercent: -90 });
    assert.equal(evaluatePolicy({ failOnDurationSpike: true, durationSpikePercent: 1 }, faster).passed, true);
    assert.equal(evaluatePolicy({ failOnDurationSpike: true, durationSpikePercent: 1 }, summary()).passed, true);
  });

  it('reports every violated rule in rule order', () => {
    const bad = summary({
      confidence: 40,
      trend: 'DOWN',
      previousConfidence: 90,
      durationMs: 20000,
      medianPreviousDurationMs: 10000,
      durationDeltaPercent: 100,
    });
    const verdict = evaluatePolicy({ minConfidence: 50, blockOnRegression: true, failOnDurationSpike: true }, bad);
    assert.deepEqual(
      verdict.violations.map((v) => v.rule),
      ['min_confidence', 'block_on_regression', 'duration_spike'],
    );
  });

  it('max_backup_age names each stale snapshot with its age and the limit in readable units', () => {
    const verdict = evaluatePolicy({ maxBackupAgeMs: 60_000 }, summary(), [
      { source: 'restic /srv/repo dc39ca1e', ageMs: 40_000 },
      { source: 'borg /srv/borg::nightly', ageMs: 93_912_345 },
    ]);
    assert.deepEqual(verdict.violations, [
      { rule: 'max_backup_age', message: 'borg /srv/borg::nightly is 26h5m12s old, older than the maximum 1m0s' },
    ]);
  });
});
