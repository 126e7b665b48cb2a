import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBytes, parseOctalMode } from './units.js';

describe('parseBytes', () => {
  it('reads binary units, case-insensitively, with optional b and i', () => {
    const cases: [string | number, number][] = [
      ['128mb', 134_217_728],
      ['128m', 134_217_728],
      ['128MB', 134_217_728],
      ['1gb', 1_073_741_824],
      ['1G', 1_073_741_824],
      ['2GiB', 2_147_483_648],
      ['512k', 524_288],
      ['512kb', 524_288],
      ['64b', 64],
      ['64', 64],
      ['1 g', 1_073_741_824],
      ['1.5k', 1536],
      ['1t', 1024 ** 4],
      ['-1', -1],
      [268_435_456, 268_435_456],
      [1.5, 1],
    ];
    for (const [value, bytes] of cases) assert.equal(parseBytes(value), bytes, String(value));
  });

  it('returns undefined for what go-units rejects', () => {
    for (const value of ['', 'mb', '1.2.3m', '1x', '1 mb ', '-1m', '1e3', 'ten']) {
      assert.equal(parseBytes(value), undefined, value);
    }
    assert.equal(parseBytes(Number.NaN), undefined);
  });
});

describe('parseOctalMode', () => {
  it('reads strings as octal and keeps numbers (already octal-decoded by YAML)', () => {
    assert.equal(parseOctalMode('0440'), 0o440);
    assert.equal(parseOctalMode('440'), 0o440);
    assert.equal(parseOctalMode('0755'), 493);
    assert.equal(parseOctalMode(0o644), 420);
    assert.equal(parseOctalMode(0), 0);
  });

  it('returns undefined for anything else', () => {
    for (const value of ['0o644', '0x1f', '8', 'rw', '', '-1']) assert.equal(parseOctalMode(value), undefined, value);
    assert.equal(parseOctalMode(-1), undefined);
    assert.equal(parseOctalMode(1.5), undefined);
  });
});
