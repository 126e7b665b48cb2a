import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunResult } from '../model.js';
import { RUN_SCHEMA_VERSION, renderRunJson } from './render-json.js';

// Built with keys in a scrambled order on purpose: the document's order must not depend on it.
const result: RunResult = {
  exitCode: 1,
  verdict: {
    violations: [{ message: 'confidence 50% is below the minimum 70%', rule: 'min_confidence' }],
    defaultPolicy: true,
    policy: { minConfidence: 70 },
    passed: false,
  },
  summary: { durationMs: 4200, stability: 75, risk: 'HIGH', confidence: 50, trend: 'DOWN', previousConfidence: 100 },
  services: [
    {
      timings: { startedMs: 100, createdMs: 50, exitedMs: 900 },
      state: 'exited',
      service: 'web',
      score: 0,
      oneShot: false,
      hasHealthcheck: false,
      reasonClass: 'exit',
      reason: 'exited with code 1',
      exitCode: 1,
      restartCount: 0,
      healthLog: [],
      logTail: ['boom'],
    },
    {
      service: 'db',
      state: 'healthy',
      score: 100,
      oneShot: false,
      hasHealthcheck: true,
      restartCount: 0,
      healthLog: ['ok'],
      logTail: [],
      timings: { readyMs: 2000, startedMs: 100 },
    },
  ],
  findings: [
    { rule: 'image-absent', severity: 'info', service: 'web', message: 'image app:1 is not present locally' },
    { rule: 'mutable-image', severity: 'warning', service: 'db', message: 'image postgres has no tag' },
  ],
  interrupted: false,
  files: ['/srv/shop/compose.yml'],
  finishedAt: '2025-01-02T03:04:09.200Z',
  startedAt: '2025-01-02T03:04:05.000Z',
  stack: 'shop',
  runId: 'r1',
  schemaVersion: 1,
};

test('the run document has a fixed key order, sorted services and findings, no undefined keys', () => {
  const expected = {
    schemaVersion: 1,
    runId: 'r1',
    stack: 'shop',
    startedAt: '2025-01-02T03:04:05.000Z',
    finishedAt: '2025-01-02T03:04:09.200Z',
    files: ['/srv/shop/compose.yml'],
    interrupted: false,
    exitCode: 1,
    summary: { confidence: 50, risk: 'HIGH', stability: 75, trend: 'DOWN', previousConfidence: 100, durationMs: 4200 },
    verdict: {
      passed: false,
      defaultPolicy: true,
      policy: { minConfidence: 70 },
      violations: [{ rule: 'min_confidence', message: 'confidence 50% is below the minimum 70%' }],
    },
    services: [
      {
        service: 'db',
        state: 'healthy',
        score: 100,
        oneShot: false,
        hasHealthcheck: true,
        restartCount: 0,
        timings: { startedMs: 100, readyMs: 2000 },
        healthLog: ['ok'],
        logTail: [],
      },
      {
        service: 'web',
        state: 'exited',
        score: 0,
        oneShot: false,
        hasHealthcheck: false,
        reasonClass: 'exit',
        reason: 'exited with code 1',
        exitCode: 1,
        restartCount: 0,
        timings: { createdMs: 50, startedMs: 100, exitedMs: 900 },
        healthLog: [],
        logTail: ['boom'],
      },
    ],
    findings: [
      { rule: 'mutable-image', severity: 'warning', service: 'db', message: 'image postgres has no tag' },
      { rule: 'image-absent', severity: 'info', service: 'web', message: 'image app:1 is not present locally' },
    ],
  };
  assert.equal(renderRunJson(result), `${JSON.stringify(expected, null, 2)}\n`);
});

test('the schema version is 1 and the output parses back', () => {
  assert.equal(RUN_SCHEMA_VERSION, 1);
  assert.equal(JSON.parse(renderRunJson(result)).schemaVersion, 1);
});
