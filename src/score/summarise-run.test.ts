import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { riskFor, stabilityOf, summariseRun, trendFor } from './summarise-run.js';

const run = (confidence: number, durationMs = 1000) => ({ confidence, durationMs });

describe('summariseRun', () => {
  it('averages 100/85/40/0 to 56% HIGH (56.25 rounded)', () => {
    const summary = summariseRun({ scores: [100, 85, 40, 0], durationMs: 7000, previous: [] });
    assert.deepEqual(summary, { confidence: 56, risk: 'HIGH', stability: 56, durationMs: 7000 });
  });

  it('gives a stack with zero services confidence 0 and CRITICAL instead of crashing', () => {
    const summary = summariseRun({ scores: [], durationMs: 10, previous: [] });
    assert.equal(summary.confidence, 0);
    assert.equal(summary.risk, 'CRITICAL');
    assert.equal(summary.stability, 0);
  });

  it('rounds the mean to the nearest percent instead of flooring', () => {
    assert.equal(summariseRun({ scores: [100, 85], durationMs: 1, previous: [] }).confidence, 93); // 92.5
    assert.equal(summariseRun({ scores: [100, 0, 0], durationMs: 1, previous: [] }).confidence, 33); // 33.33
    assert.equal(summariseRun({ scores: [100, 100, 0], durationMs: 1, previous: [] }).confidence, 67); // 66.67
  });

  it('computes stability over the last 5 runs including this one, ignoring older runs', () => {
    // This run 100, then previous 90, 80, 70, 60 (the 5 that count) and 0 (the sixth, ignored).
    const previous = [run(90), run(80), run(70), run(60), run(0)];
    const summary = summariseRun({ scores: [100], durationMs: 1000, previous });
    assert.equal(summary.stability, 80); // (100+90+80+70+60)/5
  });

  it('rounds stability', () => {
    assert.equal(summariseRun({ scores: [55], durationMs: 1, previous: [run(100)] }).stability, 78); // 77.5
  });

  it('reports the trend against the previous run only', () => {
    const up = summariseRun({ scores: [100], durationMs: 1, previous: [run(85), run(100)] });
    assert.equal(up.trend, 'UP');
    assert.equal(up.previousConfidence, 85);
    const down = summariseRun({ scores: [40], durationMs: 1, previous: [run(85), run(0)] });
    assert.equal(down.trend, 'DOWN');
    assert.equal(down.previousConfidence, 85);
    const same = summariseRun({ scores: [85], durationMs: 1, previous: [run(85)] });
    assert.equal(same.trend, 'SAME');
  });

  it('leaves trend, previous confidence and duration comparison undefined without previous runs', () => {
    const summary = summariseRun({ scores: [100], durationMs: 5000, previous: [] });
    assert.equal(summary.trend, undefined);
    assert.equal(summary.previousConfidence, undefined);
    assert.equal(summary.medianPreviousDurationMs, undefined);
    assert.equal(summary.durationDeltaPercent, undefined);
  });

  it('compares the duration with the median of an odd number of previous runs', () => {
    const previous = [run(100, 8000), run(100, 7600), run(100, 100)];
    const summary = summariseRun({ scores: [100], durationMs: 12400, previous });
    assert.equal(summary.medianPreviousDurationMs, 7600);
    assert.equal(summary.durationDeltaPercent, 63); // 63.16
  });

  it('takes the mean of the two middle durations for an even count', () => {
    const previous = [run(100, 4000), run(100, 1000), run(100, 3000), run(100, 2000)];
    const summary = summariseRun({ scores: [100], durationMs: 5000, previous });
    assert.equal(summary.medianPreviousDurationMs, 2500);
    assert.equal(summary.durationDeltaPercent, 100);
  });

  it('uses at most the 5 newest previous durations for the median', () => {
    const previous = [1000, 1000, 1000, 9000, 9000, 9000, 9000].map((ms) => run(100, ms));
    const summary = summariseRun({ scores: [100], durationMs: 1500, previous });
    assert.equal(summary.medianPreviousDurationMs, 1000);
    assert.equal(summary.durationDeltaPercent, 50);
  });

  it('reports faster runs as a negative percentage', () => {
    const summary = summariseRun({ scores: [100], durationMs: 500, previous: [run(100, 1000)] });
    assert.equal(summary.durationDeltaPercent, -50);
  });

  it('omits the percentage when the median duration is 0', () => {
    const summary = summariseRun({ scores: [100], durationMs: 500, previous: [run(100, 0)] });
    assert.equal(summary.medianPreviousDurationMs, 0);
    assert.equal(summary.durationDeltaPercent, undefined);
  });
});

describe('riskFor', () => {
  it('maps the band edges', () => {
    assert.deepEqual([100, 90, 89, 70, 69, 40, 39, 0].map(riskFor), [
      'LOW',
      'LOW',
      'MODERATE',
      'MODERATE',
      'HIGH',
      'HIGH',
      'CRITICAL',
      'CRITICAL',
    ]);
  });
});

describe('trendFor', () => {
  it('compares two confidences', () => {
    assert.equal(trendFor(50, undefined), undefined);
    assert.equal(trendFor(50, 40), 'UP');
    assert.equal(trendFor(40, 50), 'DOWN');
    assert.equal(trendFor(50, 50), 'SAME');
  });
});

describe('stabilityOf', () => {
  it('averages only the 5 newest confidences of 6', () => {
    assert.equal(stabilityOf([100, 100, 100, 100, 100, 0]), 100);
    assert.equal(stabilityOf([0, 100, 100, 100, 100, 100]), 80);
    assert.equal(stabilityOf([]), 0);
  });
});
