import type { Finding, FindingSeverity } from '../model.js';

const SEVERITY_RANK: Record<FindingSeverity, number> = { critical: 0, warning: 1, info: 2 };

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders findings by severity (critical first), then service (project-wide findings first), rule and message. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    compareText(a.service ?? '', b.service ?? '') ||
    compareText(a.rule, b.rule) ||
    compareText(a.message, b.message)
  );
}
