import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ServiceState } from '../model.js';
import { scoreService } from './score-service.js';

describe('scoreService', () => {
  const expected: [ServiceState, number][] = [
    ['healthy', 100],
    ['completed', 100],
    ['running', 85],
    ['unhealthy', 40],
    ['starting', 40],
    ['exited', 0],
    ['failed', 0],
    ['not_started', 0],
  ];
  for (const [state, score] of expected) {
    it(`scores ${state} as ${score}`, () => {
      assert.equal(scoreService({ state }), score);
    });
  }
});
