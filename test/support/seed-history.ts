// Test support: a history database filled with runs judged the way `stack test` judges them, without Docker.
import type { HistoryStore } from '../../src/history/history-store.js';
import type { RunResult, ServiceOutcome } from '../../src/model.js';
import { evaluatePolicy } from '../../src/policy/evaluate-policy.js';
import { summariseRun } from '../../src/score/summarise-run.js';

/**
 * Records a run of `stack` made of `services`, summarised against the stack's earlier runs and judged by its
 * stored policy, exactly as a rehearsal would be; returns the recorded result.
 */
export function recordSeededRun(
  history: HistoryStore,
  input: { stack: string; runId: string; startedAt: string; durationMs: number; services: ServiceOutcome[] },
): RunResult {
  const summary = summariseRun({
    scores: input.services.map((s) => s.score),
    durationMs: input.durationMs,
    previous: history.previousRuns(input.stack, 5),
  });
  const verdict = evaluatePolicy(history.getPolicy(input.stack), summary);
  const result: RunResult = {
    schemaVersion: 1,
    runId: input.runId,
    stack: input.stack,
    startedAt: input.startedAt,
    finishedAt: new Date(Date.parse(input.startedAt) + input.durationMs).toISOString(),
    files: [`/srv/${input.stack}/compose.yaml`],
    interrupted: false,
    findings: [],
    services: input.services,
    summary,
    verdict,
    exitCode: verdict.passed ? 0 : 1,
  };
  history.recordRun(result);
  return result;
}
