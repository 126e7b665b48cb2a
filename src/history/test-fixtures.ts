// Test support: a recorded run with two services (one healthy, one crashed), varied per test through `over`.
import type { RunResult } from '../model.js';

/** A complete RunResult for the stack; the same arguments always give the same run. */
export function makeRun(stack: string, runId: string, confidence: number, over: Partial<RunResult> = {}): RunResult {
  return {
    schemaVersion: 1,
    runId,
    stack,
    startedAt: '2025-01-01T00:00:00.000Z',
    finishedAt: '2025-01-01T00:00:07.000Z',
    files: [`/srv/${stack}/compose.yml`],
    interrupted: false,
    findings: [],
    services: [
      {
        service: 'db',
        state: 'healthy',
        oneShot: false,
        hasHealthcheck: true,
        restartCount: 0,
        healthLog: ['ok'],
        logTail: [],
        timings: { createdMs: 10, startedMs: 20, readyMs: 900 },
        score: 100,
      },
      {
        service: 'app',
        state: 'exited',
        oneShot: false,
        hasHealthcheck: false,
        reasonClass: 'exit',
        reason: 'exited with code 1',
        exitCode: 1,
        restartCount: 2,
        healthLog: [],
        logTail: ['boom'],
        timings: { createdMs: 30 },
        score: 0,
      },
    ],
    summary: { confidence, risk: 'HIGH', stability: confidence, durationMs: 7000 },
    verdict: { passed: true, policy: { minConfidence: 70 }, defaultPolicy: true, violations: [] },
    exitCode: 0,
    ...over,
  };
}
