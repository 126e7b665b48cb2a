import type { Finding, RunResult, ServiceOutcome } from '../model.js';
import { compareFindings } from '../preflight/compare-findings.js';
import { compareText } from './format.js';

/** Version of the run document; bumped only on a breaking change to RUN_JSON.md. */
export const RUN_SCHEMA_VERSION = 1;

function finding(f: Finding) {
  return { rule: f.rule, severity: f.severity, service: f.service, message: f.message };
}

function outcome(o: ServiceOutcome) {
  const t = o.timings;
  return {
    service: o.service,
    state: o.state,
    score: o.score,
    oneShot: o.oneShot,
    hasHealthcheck: o.hasHealthcheck,
    reasonClass: o.reasonClass,
    reason: o.reason,
    exitCode: o.exitCode,
    oomKilled: o.oomKilled,
    restartCount: o.restartCount,
    timings: {
      createdMs: t.createdMs,
      startedMs: t.startedMs,
      readyMs: t.readyMs,
      exitedMs: t.exitedMs,
      removedMs: t.removedMs,
    },
    events: o.events?.map((e) => ({ atMs: e.atMs, state: e.state, detail: e.detail })),
    dependencyRestarts: o.dependencyRestarts,
    healthLog: [...o.healthLog],
    logTail: [...o.logTail],
  };
}

/**
 * Serialises a run as the documented JSON document (RUN_JSON.md): keys in a fixed order whatever order the result
 * was built in, services sorted by name, findings in preflight order, absent values omitted, 2-space indent,
 * trailing newline.
 */
export function renderRunJson(result: RunResult): string {
  const { summary: s, verdict: v } = result;
  const doc = {
    schemaVersion: RUN_SCHEMA_VERSION,
    runId: result.runId,
    stack: result.stack,
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
    files: [...result.files],
    interrupted: result.interrupted,
    exitCode: result.exitCode,
    summary: {
      confidence: s.confidence,
      risk: s.risk,
      stability: s.stability,
      trend: s.trend,
      previousConfidence: s.previousConfidence,
      durationMs: s.durationMs,
      medianPreviousDurationMs: s.medianPreviousDurationMs,
      durationDeltaPercent: s.durationDeltaPercent,
    },
    verdict: {
      passed: v.passed,
      defaultPolicy: v.defaultPolicy,
      policy: {
        minConfidence: v.policy.minConfidence,
        blockOnRegression: v.policy.blockOnRegression,
        failOnDurationSpike: v.policy.failOnDurationSpike,
        durationSpikePercent: v.policy.durationSpikePercent,
        maxBackupAgeMs: v.policy.maxBackupAgeMs,
      },
      violations: v.violations.map((x) => ({ rule: x.rule, message: x.message })),
    },
    services: [...result.services].sort((a, b) => compareText(a.service, b.service)).map(outcome),
    findings: [...result.findings].sort(compareFindings).map(finding),
    sandbox: result.sandbox && { egress: result.sandbox.egress, optIns: [...result.sandbox.optIns].sort() },
    restores: result.restores?.map((r) => ({
      name: r.name,
      volume: r.volume,
      source: r.source,
      bytes: r.bytes,
      ms: r.ms,
      snapshot: r.snapshot,
      snapshotTime: r.snapshotTime,
      ageMs: r.ageMs,
      error: r.error,
    })),
    probes: result.probes?.map((p) => ({
      service: p.service,
      type: p.type,
      target: p.target,
      passed: p.passed,
      attempts: p.attempts,
      ms: p.ms,
      reason: p.reason,
      evidence: p.evidence,
    })),
    mounts: result.mounts?.map((m) => ({
      service: m.service,
      kind: m.kind,
      source: m.source,
      target: m.target,
      readOnly: m.readOnly,
      exists: m.exists,
      writable: m.writable,
      sizeBytes: m.sizeBytes,
      note: m.note,
    })),
    edges: result.edges?.map((e) => ({
      from: e.from,
      to: e.to,
      name: e.name,
      origin: e.origin,
      resolved: e.resolved,
      ports: e.ports.map((p) => ({ port: p.port, open: p.open })),
      reason: e.reason,
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
