import { accessSync, constants, realpathSync, type Stats, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from '../errors.js';
import type { HistoryStore } from '../history/history-store.js';
import type { Issue, RunResult } from '../model.js';
import { renderHtml } from '../render/render-html.js';
import { renderRunJson } from '../render/render-json.js';
import { renderJunit } from '../render/render-junit.js';
import type { DependencyEdge } from '../render/svg-timeline.js';

/** Where to write each report of a run; absent formats are not written. Relative paths resolve against the cwd. */
export interface ReportTargets {
  junit?: string;
  html?: string;
  json?: string;
}

type Format = keyof ReportTargets;

const FORMAT_NAME: Record<Format, string> = { junit: 'JUnit', html: 'HTML', json: 'JSON' };
// Fixed order, so problems and writes always come in the same sequence.
const FORMATS: readonly Format[] = ['junit', 'html', 'json'];

function targetsOf(targets: ReportTargets): [Format, string][] {
  return FORMATS.flatMap((format) => {
    const path = targets[format];
    return path === undefined ? [] : [[format, resolve(path)] as [Format, string]];
  });
}

/** Stats a path; undefined when nothing is there, including when a parent is a file (ENOTDIR). */
function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

function writableProblem(path: string, what: string, mode: number): string | undefined {
  try {
    accessSync(path, mode);
    return undefined;
  } catch {
    return `${what} is not writable`;
  }
}

function problemWith(path: string): string | undefined {
  const existing = statOf(path);
  if (existing?.isDirectory()) return `${path} is a directory`;
  if (existing) return writableProblem(path, path, constants.W_OK);
  const dir = dirname(path);
  const parent = statOf(dir);
  if (!parent) return `directory ${dir} does not exist`;
  if (!parent.isDirectory()) return `${dir} is not a directory`;
  return writableProblem(dir, `directory ${dir}`, constants.W_OK | constants.X_OK);
}

/**
 * Throws one InputError listing every report path that could not be written (a missing or unwritable directory,
 * a directory or read-only file in its place, two formats sharing one file), so a rehearsal never starts only
 * to lose its report; it only looks: nothing is created or truncated.
 */
export function checkReportTargets(targets: ReportTargets): void {
  const issues: Issue[] = [];
  const seen = new Map<string, Format>();
  for (const [format, path] of targetsOf(targets)) {
    let problem: string | undefined;
    try {
      problem = problemWith(path);
    } catch (error) {
      // Anything else stat can say (a permission denied on a parent, a loop) is still a path we cannot use.
      problem = error instanceof Error ? error.message : String(error);
    }
    if (problem)
      issues.push({ message: `cannot write the ${FORMAT_NAME[format]} report: ${problem}`, severity: 'error' });
    const other = seen.get(path);
    if (other) {
      issues.push({
        message: `the ${FORMAT_NAME[other]} and ${FORMAT_NAME[format]} reports would both be written to ${path}`,
        severity: 'error',
      });
    }
    seen.set(path, format);
  }
  if (issues.length > 0) throw new InputError(issues);
}

/**
 * Throws one InputError naming every report path that is one of the run's own input files (a compose file, an env
 * file, rehearsa.yml; the same file by any name, hard links included) or lies in the data directory (the history
 * database and its journal, the lock files): a report must never overwrite what it reports on.
 */
export function checkReportsSpareInputs(targets: ReportTargets, inputs: readonly string[], dataDir: string): void {
  const real = (path: string): string => {
    try {
      return realpathSync(path);
    } catch {
      return resolve(path);
    }
  };
  const identity = (path: string): string | undefined => {
    const stats = statOf(path);
    return stats ? `${stats.dev}:${stats.ino}` : undefined;
  };
  const inputPaths = new Set(inputs.map(real));
  const inputIds = new Set(inputs.map(identity).filter((id) => id !== undefined));
  const data = real(dataDir);
  const issues: Issue[] = [];
  for (const [format, path] of targetsOf(targets)) {
    const target = real(path);
    const id = identity(path);
    const why =
      inputPaths.has(target) || (id !== undefined && inputIds.has(id))
        ? `${path} is an input of this rehearsal`
        : target === data || target.startsWith(`${data}/`)
          ? `${path} is inside the data directory ${dataDir} (the history and its locks)`
          : undefined;
    if (why) issues.push({ message: `cannot write the ${FORMAT_NAME[format]} report: ${why}`, severity: 'error' });
  }
  if (issues.length > 0) throw new InputError(issues);
}

/**
 * Writes each requested report of the run: JUnit XML, the HTML report (with the stack's history from the store up
 * to this run) and the run JSON document of RUN_JSON.md. Throws InputError naming the file when one cannot be
 * written.
 */
export function writeReports(
  targets: ReportTargets,
  result: RunResult,
  history: HistoryStore,
  options: { edges?: readonly DependencyEdge[] } = {},
): void {
  for (const [format, path] of targetsOf(targets)) {
    const text = render(format, result, history, options.edges);
    try {
      writeFileSync(path, text);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new InputError(`cannot write the ${FORMAT_NAME[format]} report to ${path}: ${reason}`, { cause: error });
    }
  }
}

function render(format: Format, result: RunResult, history: HistoryStore, edges?: readonly DependencyEdge[]): string {
  switch (format) {
    case 'junit':
      return renderJunit(result);
    case 'json':
      return renderRunJson(result);
    case 'html':
      // The threshold drawn is the one this run was judged by, so a report of a past run stays as it was.
      return renderHtml({ result, history: history.listRuns(result.stack), ...(edges && { edges }) });
  }
}
