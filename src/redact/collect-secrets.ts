// Which strings of a project must never be shown: values are secrets until proven harmless, keys never are.
import type { ComposeProject } from '../model.js';

/** What only the shell can read: secret files and the env files, plus the environment secrets may name. */
export interface SecretInputs {
  /** Contents of the files behind top-level `secrets.*.file`. */
  secretFileContents: string[];
  /** Variables of the env files read for interpolation (`.env` or `--env-file`), by name. */
  dotenv?: Record<string, string>;
  /** The shell environment, to resolve top-level secrets declared with `environment: VAR`. */
  environment?: Record<string, string | undefined>;
}

// `scheme://user:PASSWORD@host`: the password runs up to the `@` and never spans a slash or whitespace.
const URL_PASSWORD = /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:([^\s/@]+)@/gi;

// Words so common in logs that masking them would hide everything and protect nothing.
const COMMON = new Set(['true', 'false', 'null', 'none', 'nil', 'undefined', 'enabled', 'disabled']);
const SHORT_NUMBER = /^[-+]?\d{1,5}([.,]\d{1,5})?$/;
// An absolute path names a place, not a secret; masking it would hide which bind or file a finding is about.
const ABSOLUTE_PATH = /^\/[\w./-]*$/;
const MIN_LENGTH = 4;

/**
 * True when a value can be masked without destroying the output: at least 4 characters once trimmed, not a
 * boolean-like word, not a number of fewer than 6 digits (ports, versions, ids), not an absolute path, and not a
 * name the report itself shows (project and service names, image references).
 */
function isMaskable(v: string, shown: ReadonlySet<string>): boolean {
  return (
    v.length >= MIN_LENGTH &&
    !COMMON.has(v.toLowerCase()) &&
    !SHORT_NUMBER.test(v) &&
    !ABSOLUTE_PATH.test(v) &&
    !shown.has(v)
  );
}

/** Every password written inside a URL in the text, also in its percent-decoded form. */
function urlPasswords(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(URL_PASSWORD)) {
    const password = match[1]!;
    found.push(password);
    try {
      const decoded = decodeURIComponent(password);
      if (decoded !== password) found.push(decoded);
    } catch {
      // A malformed escape is kept verbatim: that is how it will appear in any output.
    }
  }
  return found;
}

/**
 * The forms a value takes in output: trimmed (which also covers it untrimmed) and, when it spans lines, each line
 * trimmed, since logs reach the report line by line.
 */
function forms(value: string): string[] {
  return [value.trim(), ...(value.includes('\n') ? value.split(/\r?\n/).map((l) => l.trim()) : [])];
}

/**
 * Every string of the project that must be masked wherever it is shown, longest first, without duplicates:
 * resolved environment values of every service (env_file and .env-derived ones included), build args, every
 * `.env` value except Compose's own `COMPOSE_*` settings, passwords inside URLs found in any of those or in
 * commands, entrypoints and healthchecks, and the values of top-level secrets (from their file or their `environment` variable).
 * Values failing the maskable rule (see isMaskable) are left out. Pure: the caller reads the files.
 */
export function collectSecrets(project: ComposeProject, extra: SecretInputs): string[] {
  const values: string[] = [];
  const texts: string[] = [];
  for (const service of Object.values(project.services)) {
    for (const value of Object.values(service.environment)) if (value !== null) values.push(value);
    values.push(...Object.values(service.build?.args ?? {}));
    texts.push(...(service.command ?? []), ...(service.entrypoint ?? []), ...(service.healthcheck?.test ?? []));
  }
  for (const [key, value] of Object.entries(extra.dotenv ?? {})) if (!key.startsWith('COMPOSE_')) values.push(value);
  for (const secret of Object.values(project.secrets)) {
    if (secret.environment !== undefined) {
      const value = extra.environment?.[secret.environment] ?? extra.dotenv?.[secret.environment];
      if (value !== undefined) values.push(value);
    }
  }
  values.push(...extra.secretFileContents);

  const candidates = [...values, ...[...values, ...texts].flatMap(urlPasswords)].flatMap(forms);
  const shown = new Set([
    project.name,
    ...Object.keys(project.services),
    ...Object.values(project.services).flatMap((s) => (s.image ? [s.image] : [])),
  ]);
  const kept = new Set(candidates.filter((v) => isMaskable(v, shown)));
  return [...kept].sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
}

/** The values worth masking among `values` (env-file values, say), by the same rule as collectSecrets. */
export function maskableValues(values: readonly string[]): string[] {
  return [...new Set(values.map((v) => v.trim()).filter((v) => isMaskable(v, new Set())))];
}
