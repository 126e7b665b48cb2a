import type { Issue } from './model.js';

/** Process exit codes, documented in the README and `rehearsa --help`. */
export const ExitCode = {
  Passed: 0,
  PolicyFailed: 1,
  InvalidInput: 2,
  EngineFailure: 3,
  /** Another rehearsal of the same stack holds its lock. */
  StackBusy: 4,
  Internal: 70,
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Rehearsa could not do its job. A stack that fails to boot is a result, never one of these. */
export abstract class RehearsaError extends Error {
  abstract readonly exitCode: ExitCode;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Control characters (a key or value holding a CR, say) written as escapes, so one problem stays one line. */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
}

/** Formats an issue as `file › path: message` (each part only when known), always on one line. */
export function formatIssue(issue: Issue): string {
  const where = [issue.file, issue.path].filter(Boolean).join(' › ');
  return oneLine(where ? `${where}: ${issue.message}` : issue.message);
}

/** Bad user input (files, flags, names); carries every problem found, one line each. */
export class InputError extends RehearsaError {
  readonly exitCode = ExitCode.InvalidInput;
  readonly issues: Issue[];
  constructor(issues: Issue[] | string, options?: ErrorOptions) {
    const list: Issue[] = typeof issues === 'string' ? [{ message: issues, severity: 'error' }] : issues;
    super(list.map(formatIssue).join('\n'), options);
    this.issues = list;
  }
}

/** The Docker engine is unreachable, too old, or answered something Rehearsa cannot use. */
export class EngineError extends RehearsaError {
  readonly exitCode = ExitCode.EngineFailure;
  constructor(
    message: string,
    readonly statusCode?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The run was interrupted by SIGINT/SIGTERM; cleanup has already happened when this reaches the CLI. */
export class InterruptedError extends RehearsaError {
  readonly exitCode = ExitCode.Interrupted;
}

/** Throws one InputError listing every error-severity issue, if there is any. */
export function failOnIssues(issues: Issue[]): void {
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) throw new InputError(errors);
}
