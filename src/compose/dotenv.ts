// `.env` and `env_file` parsing with compose-go's dotenv rules, plus the `format: raw` reader that
// docker compose borrows from `docker run --env-file`.
import type { Issue } from '../model.js';
import { InterpolationError, interpolateString, type Lookup } from './interpolate.js';

// Blank characters inside a line; a newline always ends an unquoted statement.
const BLANK = new Set(['\t', '\v', '\f', '\r', ' ', '\u0085', '\u00A0']);
const KEY_CHAR = /^[\p{L}\p{N}_.\-[\]]$/u;
// Escapes honoured in double quotes; anything else keeps its backslash.
const ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '"': '"',
  '\\': '\\',
};

/** A problem that ends the current statement; parsing resumes at `resume` (default: the next line). */
class StatementError extends Error {
  constructor(
    message: string,
    readonly resume?: number,
  ) {
    super(message);
  }
}

/**
 * Parses a dotenv file: `KEY=VAL`, `KEY: VAL`, `export KEY=VAL`, comments, single quotes (literal),
 * double quotes (escapes, multi-line), unquoted values (trimmed, ` #` starts a comment), and a bare
 * `KEY` taken from `lookup` (omitted when unset). Unquoted and double-quoted values are interpolated,
 * resolving names through `lookup` first and then the keys defined earlier in the file, as compose-go
 * does. Never throws: each bad statement is an issue and parsing resumes on the next line.
 */
export function parseDotenv(
  text: string,
  file: string,
  lookup: Lookup,
): { values: Record<string, string>; issues: Issue[] } {
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const values: Record<string, string> = {};
  const issues: Issue[] = [];
  // U+FFFD is what reading invalid UTF-8 leaves; statement errors on such text would only echo the garbage.
  const garbage = src.indexOf('\uFFFD');
  if (garbage >= 0) {
    const message = `line ${lineOf(src, garbage)}: invalid UTF-8 (is this a binary file?)`;
    return { values, issues: [{ file, message, severity: 'error' }] };
  }
  const resolve: Lookup = (name) => lookup(name) ?? (Object.hasOwn(values, name) ? values[name] : undefined);
  let pos = 0;
  for (;;) {
    pos = statementStart(src, pos);
    if (pos >= src.length) break;
    const line = lineOf(src, pos);
    try {
      pos = parseStatement(src, pos, values, resolve);
    } catch (error) {
      if (!(error instanceof StatementError)) throw error;
      issues.push({ file, message: `line ${line}: ${error.message}`, severity: 'error' });
      const eol = src.indexOf('\n', pos);
      pos = error.resume ?? (eol < 0 ? src.length : eol + 1);
    }
  }
  return { values, issues };
}

/** Skips blank space, blank lines and `#` comment lines; returns the index of the next statement. */
function statementStart(src: string, from: number): number {
  let pos = from;
  while (pos < src.length) {
    const ch = src[pos]!;
    if (ch === '\n' || BLANK.has(ch)) pos++;
    else if (ch === '#') {
      const eol = src.indexOf('\n', pos);
      pos = eol < 0 ? src.length : eol + 1;
    } else break;
  }
  return pos;
}

function parseStatement(src: string, start: number, values: Record<string, string>, resolve: Lookup): number {
  let pos = start;
  const exported = /^export[ \t]+/.exec(src.slice(pos, pos + 64));
  if (exported) pos += exported[0].length;

  const keyStart = pos;
  let separator: string | undefined;
  for (; pos < src.length; pos++) {
    const ch = src[pos]!;
    if (ch === '=' || ch === ':' || ch === '\n') {
      separator = ch;
      break;
    }
    if (!BLANK.has(ch) && !KEY_CHAR.test(ch)) {
      const name = restOfLine(src, keyStart);
      throw new StatementError(
        `unexpected character ${JSON.stringify(ch)} in variable name ${JSON.stringify(clip(name))}`,
      );
    }
  }
  const key = src.slice(keyStart, pos).trimEnd();
  if (/\s/.test(key)) throw new StatementError('key cannot contain a space');

  // `KEY` alone (end of line or of file) inherits the value from the lookup.
  if (separator === undefined || separator === '\n') {
    const inherited = resolveInherited(key, resolve);
    if (inherited !== undefined) values[key] = inherited;
    return pos + 1;
  }
  pos++;
  while (pos < src.length && BLANK.has(src[pos]!)) pos++;
  const { value, next } = readValue(src, pos, resolve);
  values[key] = value;
  return next;
}

function resolveInherited(key: string, resolve: Lookup): string | undefined {
  return key === '' ? undefined : resolve(key);
}

function readValue(src: string, start: number, resolve: Lookup): { value: string; next: number } {
  const quote = src[start];
  if (quote !== '"' && quote !== "'") {
    const eol = src.indexOf('\n', start);
    const end = eol < 0 ? src.length : eol;
    let raw = src.slice(start, end);
    const comment = raw.indexOf(' #');
    if (comment >= 0) raw = raw.slice(0, comment);
    return { value: interpolate(raw.trimEnd(), resolve, end + 1), next: end + 1 };
  }

  // Inside quotes a backslash escapes the quote itself; every other pair is kept for the escape pass.
  let chars = '';
  let escaped = false;
  for (let i = start + 1; i < src.length; i++) {
    const ch = src[i]!;
    if (ch !== quote) {
      if (!escaped && ch === '\\') {
        escaped = true;
        continue;
      }
      if (escaped) chars += '\\';
      escaped = false;
      chars += ch;
      continue;
    }
    if (escaped) {
      escaped = false;
      chars += ch;
      continue;
    }
    const value = quote === '"' ? interpolate(expandEscapes(chars), resolve, i + 1) : chars;
    return { value, next: i + 1 };
  }
  // Nothing after an unterminated quote can be trusted: stop there.
  throw new StatementError(`unterminated quoted value ${clip(restOfLine(src, start))}`, src.length);
}

/**
 * Applies double-quote escapes; `\$` becomes `$$` so interpolation leaves a literal `$`, and `\0ooo`
 * (exactly three octal digits) is a byte. Unknown escapes keep their backslash.
 */
function expandEscapes(text: string): string {
  return text.replace(
    /\\(?:([abcfnrtv"\\$])|0([0-9]{0,3}))/g,
    (match, single: string | undefined, digits: string | undefined) => {
      if (single === '$') return '$$';
      if (single !== undefined) return ESCAPES[single] ?? match;
      return digits && /^[0-3][0-7]{2}$/.test(digits) ? String.fromCharCode(Number.parseInt(digits, 8)) : match;
    },
  );
}

function interpolate(value: string, resolve: Lookup, resume: number): string {
  try {
    return interpolateString(value, resolve).value;
  } catch (error) {
    if (error instanceof InterpolationError) throw new StatementError(error.message, resume);
    throw error;
  }
}

/** Text from the file cut to 40 characters for a message, so that a long line is not echoed whole. */
function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function restOfLine(src: string, from: number): string {
  const eol = src.indexOf('\n', from);
  return src.slice(from, eol < 0 ? src.length : eol);
}

function lineOf(src: string, offset: number): number {
  let line = 1;
  for (let i = src.indexOf('\n'); i >= 0 && i < offset; i = src.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * Reads an `env_file` with `format: raw` (docker run --env-file rules): one `KEY=value` per line, the
 * value kept byte for byte (quotes and `$` included), `#` lines and blank lines skipped, a bare `KEY`
 * taken from `lookup` when given and set.
 */
export function parseRawEnvFile(text: string, lookup?: Lookup): Record<string, string> {
  const values: Record<string, string> = {};
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  for (const rawLine of src.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    const trimmed = line.trimStart();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    if (eq < 0) {
      const inherited = lookup?.(trimmed.trimEnd());
      if (inherited !== undefined) values[trimmed.trimEnd()] = inherited;
      continue;
    }
    values[trimmed.slice(0, eq)] = trimmed.slice(eq + 1);
  }
  return values;
}
