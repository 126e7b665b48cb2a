import type { Finding, FindingSeverity } from '../model.js';
import { compareFindings } from '../preflight/compare-findings.js';
import type { Palette } from './colors.js';
import { renderTable } from './table.js';

const LABEL: Record<FindingSeverity, (palette: Palette) => string> = {
  critical: (p) => p.red('✗ critical'),
  warning: (p) => p.yellow('! warning'),
  info: (p) => p.dim('· info'),
};

/**
 * Renders preflight findings as aligned lines (severity, rule, service or `-`, message), most severe first,
 * ending with a newline; the empty string when there is nothing to say.
 */
export function renderFindings(findings: Finding[], palette: Palette): string {
  if (findings.length === 0) return '';
  const rows = [...findings]
    .sort(compareFindings)
    .map((f) => [LABEL[f.severity](palette), f.rule, f.service ?? '-', f.message]);
  return `${renderTable([], rows)}\n`;
}
