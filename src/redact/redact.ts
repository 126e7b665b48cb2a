// Masking of collected secrets in text and in run results, before anything is shown or stored.
import type { Plan, RunResult } from '../model.js';

/** What every masked occurrence becomes: fixed, so its length reveals nothing about the secret. */
export const MASK = '••••••';

// Fields of a run that hold identifiers, timestamps or enumerations Rehearsa itself produced: masking them would
// break the document (a run id, a service name, a file list) without hiding anything a user wrote as a value.
const STRUCTURAL_KEYS = new Set([
  'runId',
  'stack',
  'startedAt',
  'finishedAt',
  'files',
  'service',
  'state',
  'reasonClass',
  'rule',
  'severity',
  'risk',
  'trend',
]);

// `scheme://user:PASSWORD@host`, wherever it comes from (a --restore flag, a repository, an engine message).
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s/@]+@/gi;

/** The text with the password of every `scheme://user:password@` URL masked, the user and host kept. */
export function maskUrlPasswords(text: string): string {
  return text.replace(URL_CREDENTIALS, `$1${MASK}@`);
}

/**
 * A replacer for the secrets, longest first so a secret containing another is masked whole; URL passwords are
 * always masked, known or not.
 */
function masker(secrets: readonly string[]): (text: string) => string {
  const list = [...new Set(secrets)].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
  if (list.length === 0) return maskUrlPasswords;
  const pattern = new RegExp(list.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
  return (text) => maskUrlPasswords(text.replace(pattern, MASK));
}

/** The text with every occurrence of every secret replaced by MASK, longest secret first. */
export function redactText(text: string, secrets: readonly string[]): string {
  return masker(secrets)(text);
}

function redactValue(value: unknown, key: string, mask: (text: string) => string): unknown {
  if (typeof value === 'string') return STRUCTURAL_KEYS.has(key) ? value : mask(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, key, mask));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, k, mask)]));
  }
  return value;
}

/**
 * A copy of the run with every secret masked in every free text it carries (reasons, health probe outputs, log
 * tails, event details, finding and violation messages, and any text field added later); identifiers, timestamps
 * and enumerations are kept. The input is not modified.
 */
export function redactRunResult(result: RunResult, secrets: readonly string[]): RunResult {
  // Only strings are replaced by strings, so the shape, and with it the type, is unchanged.
  return redactValue(result, '', masker(secrets)) as RunResult;
}

/**
 * A copy of the sandbox plan with every secret masked in its texts: environment entries keep their key
 * (`KEY=••••••`), commands, entrypoints, healthchecks and build args lose their secrets. For `stack plan`, whose
 * plan would otherwise print the resolved environment. The input is not modified.
 */
export function redactPlan(plan: Plan, secrets: readonly string[]): Plan {
  return redactValue(plan, '', masker(secrets)) as Plan;
}
