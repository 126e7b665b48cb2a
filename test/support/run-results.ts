// Test support: hand-built run results shaped like real rehearsals, for renderers, reports and the dashboard.
import type { RunResult, ServiceOutcome } from '../../src/model.js';
import { riskFor } from '../../src/score/summarise-run.js';

/** One service outcome; healthy and instantly ready unless overridden. */
export function makeOutcome(overrides: Partial<ServiceOutcome> & { service: string }): ServiceOutcome {
  return {
    state: 'healthy',
    oneShot: false,
    hasHealthcheck: true,
    restartCount: 0,
    healthLog: [],
    logTail: [],
    timings: { createdMs: 100, startedMs: 300, readyMs: 1200 },
    score: 100,
    ...overrides,
  };
}

/** A run of `stack` whose summary and verdict follow from its services (confidence = mean score, default policy). */
export function makeRun(overrides: Partial<RunResult> & { services?: ServiceOutcome[] } = {}): RunResult {
  const services = overrides.services ?? [makeOutcome({ service: 'db' })];
  const confidence = Math.round(services.reduce((sum, s) => sum + s.score, 0) / Math.max(1, services.length));
  const passed = confidence >= 70;
  return {
    schemaVersion: 1,
    runId: 'r1',
    stack: 'shop',
    startedAt: '2025-01-02T03:04:05.000Z',
    finishedAt: '2025-01-02T03:04:09.200Z',
    files: ['/srv/shop/compose.yml'],
    interrupted: false,
    findings: [],
    summary: { confidence, risk: riskFor(confidence), stability: confidence, durationMs: 4200 },
    verdict: {
      passed,
      policy: { minConfidence: 70 },
      defaultPolicy: true,
      violations: passed
        ? []
        : [{ rule: 'min_confidence', message: `confidence ${confidence}% is below the minimum 70%` }],
    },
    exitCode: passed ? 0 : 1,
    ...overrides,
    services,
  };
}

/** The four outcomes of the README's score table, with a log line that tries to inject markup. */
export function mixedServices(): ServiceOutcome[] {
  return [
    makeOutcome({ service: 'db', timings: { createdMs: 50, startedMs: 200, readyMs: 2100 } }),
    makeOutcome({
      service: 'cache',
      state: 'running',
      hasHealthcheck: false,
      score: 85,
      timings: { createdMs: 60, startedMs: 250, readyMs: 250 },
    }),
    makeOutcome({
      service: 'search',
      state: 'unhealthy',
      score: 40,
      reasonClass: 'unhealthy',
      reason: 'healthcheck failed 3 times: connection refused',
      healthLog: ['curl: (7) Failed to connect to localhost port 9200'],
      timings: { createdMs: 70, startedMs: 260 },
    }),
    makeOutcome({
      service: 'web',
      state: 'exited',
      score: 0,
      hasHealthcheck: false,
      reasonClass: 'exit',
      reason: 'exited with code 1',
      exitCode: 1,
      logTail: ['starting web', '<script>alert("x")</script> & \x1b[31mred\x1b[0m \x07bell', 'fatal: no config'],
      timings: { createdMs: 2200, startedMs: 2400, readyMs: 2400, exitedMs: 2600 },
    }),
  ];
}
