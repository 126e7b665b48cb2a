import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatAge, formatDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it('parses Go durations into milliseconds', () => {
    const cases: [string, number][] = [
      ['30s', 30_000],
      ['1m30s', 90_000],
      ['500ms', 500],
      ['1.5h', 5_400_000],
      ['1h5m30s20ms', 3_930_020],
      ['1m', 60_000],
      ['600s', 600_000],
      ['1500us', 1.5],
      ['1500µs', 1.5],
      ['1500μs', 1.5],
      ['2000000ns', 2],
      ['.5s', 500],
      ['1.s', 1000],
      ['2d', 172_800_000],
      ['1w', 604_800_000],
      ['0', 0],
      ['+5s', 5000],
      ['-1s', -1000],
      ['1h1h', 7_200_000],
    ];
    for (const [text, ms] of cases) assert.equal(parseDuration(text), ms, text);
  });

  it('returns undefined for what Compose rejects', () => {
    for (const text of [
      '',
      '30',
      '1.5',
      's',
      '.s',
      '1x',
      '1 s',
      '1S',
      '1m 30s',
      '-',
      'abc',
      '1e3s',
      '10000000000000000000s',
    ]) {
      assert.equal(parseDuration(text), undefined, text);
    }
  });

  it('accepts only 0 as a bare number (compose-go prints the number, which then lacks a unit)', () => {
    assert.equal(parseDuration(0), 0);
    assert.equal(parseDuration(30), undefined);
    assert.equal(parseDuration(1.5), undefined);
  });
});

describe('formatDuration', () => {
  it('prints like Go time.Duration.String', () => {
    const cases: [number, string][] = [
      [0, '0s'],
      [90_000, '1m30s'],
      [60_000, '1m0s'],
      [3_600_000, '1h0m0s'],
      [3_930_020, '1h5m30.02s'],
      [500, '500ms'],
      [1.5, '1.5ms'],
      [0.5, '500µs'],
      [0.000_001, '1ns'],
      [1500, '1.5s'],
      [-90_000, '-1m30s'],
      [172_800_000, '48h0m0s'],
    ];
    for (const [ms, text] of cases) assert.equal(formatDuration(ms), text, String(ms));
  });

  it('round-trips with parseDuration', () => {
    for (const text of ['1m30s', '1h5m30.02s', '250ms', '45s'])
      assert.equal(formatDuration(parseDuration(text)!), text);
  });
});

describe('formatAge', () => {
  it('writes ages and limits at whole seconds, never as a fraction of an hour', () => {
    const cases: [number, string][] = [
      [40_400, '40s'],
      [60_000, '1m0s'],
      [5_400_000, '1h30m0s'],
      [93_912_345, '26h5m12s'],
      [250, '250ms'],
      [0, '0s'],
    ];
    for (const [ms, text] of cases) assert.equal(formatAge(ms), text, String(ms));
  });
});
