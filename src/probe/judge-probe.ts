import type { ExecResult } from '../engine/engine.js';
import type { ProbeSpec } from '../restore-config/restore-config.js';

/** A probe attempt's verdict: why it failed, and what it saw. */
export interface ProbeJudgement {
  passed: boolean;
  reason?: string;
  evidence: string;
}

const EVIDENCE_CHARS = 300;

/** Judges one attempt of a probe from what its command printed and how it exited. */
export function judgeProbe(probe: ProbeSpec, result: ExecResult): ProbeJudgement {
  const out = result.stdout.trim();
  const err = result.stderr.trim();
  const evidence = trim([out, err].filter(Boolean).join('\n'));
  const fail = (reason: string): ProbeJudgement => ({ passed: false, reason, evidence });
  if (result.timedOut) return fail(`no answer within ${Math.round(probe.timeoutMs / 1000)}s`);
  if (result.exitCode === 126 || result.exitCode === 127) {
    return fail(`the probe's command is missing in the container: ${firstLine(err || out)}`);
  }
  switch (probe.type) {
    case 'http': {
      const statuses = [...err.matchAll(/HTTP\/\d(?:\.\d)? (\d{3})/g)].map((m) => Number(m[1]));
      const status = statuses.at(-1);
      if (status === undefined)
        return fail(`no HTTP answer from ${probe.url}: ${firstLine(err) || `wget exit ${result.exitCode}`}`);
      if (status !== probe.status) return fail(`${probe.url} answered ${status}, expected ${probe.status}`);
      if (probe.body !== undefined && !result.stdout.includes(probe.body)) {
        return fail(`${probe.url} answered ${status} without ${JSON.stringify(probe.body)} in its body`);
      }
      return { passed: true, evidence: `HTTP ${status}${out ? `\n${trim(out)}` : ''}` };
    }
    case 'tcp':
      return result.exitCode === 0
        ? { passed: true, evidence: `connected to ${probe.host}:${probe.port}` }
        : fail(`cannot connect to ${probe.host}:${probe.port}: ${firstLine(err) || `exit ${result.exitCode}`}`);
    case 'exec':
      if (result.exitCode !== probe.exitCode)
        return fail(`exited with ${result.exitCode}, expected ${probe.exitCode}${err ? `: ${firstLine(err)}` : ''}`);
      if (probe.output !== undefined && !`${result.stdout}${result.stderr}`.includes(probe.output)) {
        return fail(`output lacks ${JSON.stringify(probe.output)}`);
      }
      return { passed: true, evidence };
    case 'sql': {
      if (result.exitCode !== 0) return fail(`query failed: ${firstLine(err || out) || `exit ${result.exitCode}`}`);
      const rows = out === '' ? [] : out.split('\n');
      if (probe.expect !== undefined && out !== probe.expect) {
        return fail(`query returned ${JSON.stringify(trim(out))}, expected ${JSON.stringify(probe.expect)}`);
      }
      if (probe.minRows !== undefined && rows.length < probe.minRows) {
        return fail(
          `query returned ${rows.length} row${rows.length === 1 ? '' : 's'}, expected at least ${probe.minRows}`,
        );
      }
      return {
        passed: true,
        evidence: `${rows.length} row${rows.length === 1 ? '' : 's'}${out ? `: ${trim(out)}` : ''}`,
      };
    }
  }
}

/** The first non-blank line of a command's output, trimmed (empty when there is none). */
export function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? ''
  );
}

function trim(text: string): string {
  return text.length > EVIDENCE_CHARS ? `${text.slice(0, EVIDENCE_CHARS)}…` : text;
}
