import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatIssue } from '../errors.js';
import { mergePolicy, parsePolicyFlags } from './policy-flags.js';

const messages = (flags: Record<string, string | undefined>) => parsePolicyFlags(flags).issues.map(formatIssue);

describe('parsePolicyFlags', () => {
  it('parses every flag', () => {
    const parsed = parsePolicyFlags({
      minConfidence: '80',
      blockOnRegression: 'true',
      failOnDurationSpike: 'false',
      durationSpikePercent: '40',
    });
    assert.deepEqual(parsed, {
      rules: { minConfidence: 80, blockOnRegression: true, failOnDurationSpike: false, durationSpikePercent: 40 },
      issues: [],
    });
  });

  it('keeps only the flags given and ignores unrelated options', () => {
    assert.deepEqual(parsePolicyFlags({ minConfidence: '0', blockOnRegression: undefined, json: 'true' }), {
      rules: { minConfidence: 0 },
      issues: [],
    });
  });

  it('rejects out-of-range and non-integer confidences', () => {
    assert.deepEqual(messages({ minConfidence: '180' }), ['--min-confidence: "180" must be an integer from 0 to 100']);
    for (const raw of ['-1', '80.5', '', ' 80', '8e1', '0x50', 'abc']) {
      assert.deepEqual(messages({ minConfidence: raw }), [
        `--min-confidence: ${JSON.stringify(raw)} must be an integer from 0 to 100`,
      ]);
    }
    assert.deepEqual(messages({ minConfidence: '100' }), []);
  });

  it('rejects spike percentages outside 1-10000', () => {
    assert.deepEqual(messages({ durationSpikePercent: '0' }), [
      '--duration-spike-percent: "0" must be an integer from 1 to 10000',
    ]);
    assert.deepEqual(messages({ durationSpikePercent: '10001' }), [
      '--duration-spike-percent: "10001" must be an integer from 1 to 10000',
    ]);
    assert.deepEqual(messages({ durationSpikePercent: '10000' }), []);
  });

  it('accepts only true or false for switches, and reports every bad flag at once', () => {
    assert.deepEqual(messages({ blockOnRegression: 'yes', failOnDurationSpike: 'TRUE', minConfidence: '101' }), [
      '--min-confidence: "101" must be an integer from 0 to 100',
      '--block-on-regression: "yes" must be true or false',
      '--fail-on-duration-spike: "TRUE" must be true or false',
    ]);
    const { rules, issues } = parsePolicyFlags({ blockOnRegression: 'yes', minConfidence: '90' });
    assert.deepEqual(rules, { minConfidence: 90 });
    assert.equal(issues[0]?.severity, 'error');
  });
});

describe('mergePolicy', () => {
  it('changes only the fields given', () => {
    const existing = {
      minConfidence: 80,
      blockOnRegression: true,
      failOnDurationSpike: true,
      durationSpikePercent: 40,
    };
    assert.deepEqual(mergePolicy(existing, { durationSpikePercent: 60 }), { ...existing, durationSpikePercent: 60 });
    assert.deepEqual(mergePolicy(existing, { blockOnRegression: false, durationSpikePercent: undefined }), {
      ...existing,
      blockOnRegression: false,
    });
  });

  it('starts from nothing when no policy is stored', () => {
    assert.deepEqual(mergePolicy(undefined, { minConfidence: 90 }), { minConfidence: 90 });
  });
});
