// Bad input at scale for the data declaration: thousands of generated and mutated rehearsa.yml texts and
// `--restore NAME=SOURCE` arguments must each give a result or issues with a one-line message, never throw and
// never take a second. Reproduce a failure with REHEARSA_FUZZ_SEED=<seed printed below>.
import assert from 'node:assert/strict';
import { isAbsolute } from 'node:path';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { parseYaml } from '../compose/yaml.js';
import type { Issue } from '../model.js';
import { parseRestoreConfig } from './parse-restore-config.js';
import { parseRestoreFlag } from './parse-restore-flag.js';

// Fixed in CI so a landing is reproducible; random elsewhere to keep exploring. Either way it is printed.
const SEED = Number(
  process.env.REHEARSA_FUZZ_SEED ?? (process.env.CI ? 20261203 : Math.floor(Math.random() * 2 ** 31)),
);
const FILE = 'rehearsa.yml';
const BASE_DIR = '/fuzz/app';
/** Per-case ceiling: generous, since a shared CI machine can stall any single case. */
const MAX_CASE_MS = 1000;

/** mulberry32: a small seeded PRNG, so a failing case is reproduced from the printed seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(items: readonly T[]): T => items[int(items.length)]! };
}
type Rng = ReturnType<typeof prng>;

/** Keys that are also Object.prototype members: a lookup table indexed by them must not find a function. */
const PROTO_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];
const ODD_SCALARS = [
  '{}',
  '[]',
  '{a: 1}',
  '[1, {b: c}]',
  '[a, b]',
  'null',
  '~',
  '""',
  '" "',
  '0',
  '-1',
  '1.5',
  '1e400',
  '-.inf',
  '.nan',
  '0x1F',
  '0o777',
  'true',
  'false',
  'yes',
  '!reset x',
  '!override {a: 1}',
  '!!binary aGk=',
  '!!int "12"',
  '*nope',
  '&a x',
  '|\n  block\n  text',
  '"line\\nbreak"',
  '"\\u2028sep"',
  '"\\u0000"',
  "'single ''quoted'''",
  '2024-01-01',
  '? complex',
  '"../../etc"',
  '"a/../../b"',
  '"/"',
  '"-5MB"',
  '"1.2.3MB"',
  '"99999999999999999999999h"',
  '"1.00000000000000000000000000001s"',
  '"0s"',
  '"-1s"',
  ...PROTO_NAMES,
];
const ODD_KEYS = [
  ...PROTO_NAMES,
  '<<',
  'restore',
  'probes',
  'from',
  'type',
  'a.b',
  '"quoted key"',
  '"multi\\nline"',
  '0',
];
const ODD_CHARS = [
  ':',
  '-',
  '{',
  '}',
  '[',
  ']',
  '&',
  '*',
  '!',
  '"',
  "'",
  '\n',
  ' ',
  '\t',
  '#',
  '|',
  '>',
  '%',
  '@',
  ',',
  '?',
  '\\',
  '\u0000',
  '\u00e9',
  '\u{1F600}',
  '\r',
  '\u2028',
  '\uFEFF',
];
const UNICODE = ['é', 'ß', 'データ', '😀', '\u200B', '\u202E', 'Ω', '\u0301', '\uD800', 'ﬁ'];

// ─── Generated valid declarations ───────────────────────────────────────────────────────────────

function word(rng: Rng): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-_.';
  let s = rng.pick(['db', 'data', 'cache', 'web', 'pg', 'media', 'x']);
  for (let i = rng.int(6); i > 0; i--) s += alphabet[rng.int(alphabet.length)];
  return rng.next() < 0.05 ? s + rng.pick(UNICODE) : s;
}

/** A YAML scalar that stays a string, quoted when a plain scalar could be read as something else. */
const str = (s: string) => JSON.stringify(s);

function restoreEntry(rng: Rng): string[] {
  const kind = rng.pick(['archive', 'directory', 'restic', 'borg', 'live'] as const);
  const fields = [`from: ${kind}`];
  const maybe = (p: number, line: () => string) => {
    if (rng.next() < p) fields.push(line());
  };
  if (kind === 'archive' || kind === 'directory') {
    const ext = kind === 'archive' ? rng.pick(['.tar', '.tar.gz', '.tgz', '.tar.zst']) : '';
    fields.push(`path: ${str(rng.pick(['./', '../', '/srv/', 'backups/', '']) + word(rng) + ext)}`);
    maybe(0.3, () => `subpath: ${str(rng.pick(['/srv/', '', 'var/lib/', './']) + word(rng))}`);
  }
  if (kind === 'restic' || kind === 'borg') {
    const repo = rng.pick(['./repo', '/backups/r', 's3:s3.example.com/b', 'sftp:u@h:/r', 'ssh://u@h/./r', 'u@h:r']);
    fields.push(`repository: ${str(repo)}`);
    maybe(0.5, () => `snapshot: ${rng.pick(['latest', str(word(rng)), 'abc123', '12345'])}`);
    maybe(0.3, () => `subpath: ${str(word(rng))}`);
    if (rng.next() < 0.5) maybe(0.5, () => `password_env: ${rng.pick(['RESTIC_PASSWORD', 'BORG_PASSPHRASE', 'PW_1'])}`);
    else maybe(0.5, () => `password_file: ${str(`./${word(rng)}.txt`)}`);
    maybe(0.4, () => `max_age: ${rng.pick(['26h', '7d', '1w', '90m', '1h30m', '1.5h'])}`);
  }
  return fields;
}

function probe(rng: Rng): string[] {
  const type = rng.pick(['http', 'tcp', 'exec', 'sql'] as const);
  const fields = [`service: ${word(rng)}`, `type: ${type}`];
  const maybe = (p: number, line: () => string) => {
    if (rng.next() < p) fields.push(line());
  };
  maybe(0.3, () => `timeout: ${rng.pick(['3s', '10s', '500ms', '1m'])}`);
  maybe(0.3, () => `retries: ${rng.int(101)}`);
  maybe(0.3, () => `interval: ${rng.pick(['1s', '2s', '250ms'])}`);
  switch (type) {
    case 'http':
      fields.push(`url: ${str(`${rng.pick(['http', 'https'])}://${word(rng)}:${1 + rng.int(65535)}/${word(rng)}`)}`);
      maybe(0.5, () => `status: ${100 + rng.int(500)}`);
      maybe(0.3, () => `body: ${str(word(rng))}`);
      break;
    case 'tcp':
      fields.push(`address: ${str(`${word(rng)}:${1 + rng.int(65535)}`)}`);
      break;
    case 'exec':
      fields.push(
        rng.next() < 0.5
          ? `command: ${str(`test -f /${word(rng)}`)}`
          : `command: [${['sh', '-c', `echo ${word(rng)}`].map(str).join(', ')}]`,
      );
      maybe(0.3, () => `exit_code: ${rng.int(256)}`);
      maybe(0.3, () => `output: ${str(word(rng))}`);
      break;
    case 'sql':
      fields.push(`query: ${str(rng.pick(['select 1', 'select count(*) from t', 'SELECT now()']))}`);
      maybe(0.5, () => `engine: ${rng.pick(['postgres', 'mysql', 'mariadb'])}`);
      maybe(0.3, () => `database: ${word(rng)}`);
      maybe(0.3, () => `user: ${word(rng)}`);
      maybe(0.3, () => `expect: ${str(String(rng.int(10)))}`);
      maybe(0.3, () => `min_rows: ${rng.int(1000)}`);
      break;
  }
  return fields;
}

/** A valid rehearsa.yml, in block or flow style, using every top-level key some of the time. */
function generatedDeclaration(rng: Rng): string {
  const flow = rng.next() < 0.2;
  const out: string[] = [];
  if (rng.next() < 0.9) {
    const names = new Set(Array.from({ length: 1 + rng.int(4) }, () => rng.pick([word(rng), `/var/lib/${word(rng)}`])));
    if (flow) {
      out.push(`restore: {${[...names].map((n) => `${str(n)}: {${restoreEntry(rng).join(', ')}}`).join(', ')}}`);
    } else {
      out.push('restore:');
      for (const n of names) out.push(`  ${str(n)}:`, ...restoreEntry(rng).map((f) => `    ${f}`));
    }
  }
  if (rng.next() < 0.5) out.push(`binds: ${rng.pick(['copy', 'readonly', 'empty'])}`);
  if (rng.next() < 0.5) out.push(`bind_size_cap: ${rng.pick(['512MB', '1GB', '64mb', '1024', '10k', '1.5G', '0'])}`);
  if (rng.next() < 0.4)
    out.push(`helper_image: ${rng.pick(['busybox:1.36', 'alpine', `ghcr.io/x/y@sha256:${'ab'.repeat(32)}`])}`);
  if (rng.next() < 0.8) {
    const probes = Array.from({ length: 1 + rng.int(4) }, () => probe(rng));
    if (flow) out.push(`probes: [${probes.map((p) => `{${p.join(', ')}}`).join(', ')}]`);
    else {
      out.push('probes:');
      for (const p of probes) out.push(`  - ${p[0]}`, ...p.slice(1).map((f) => `    ${f}`));
    }
  }
  return `${out.join('\n')}\n`;
}

// ─── Mutations ──────────────────────────────────────────────────────────────────────────────────

type Mutation = (text: string, rng: Rng) => string;

const lineMutation =
  (fn: (lines: string[], at: number, rng: Rng) => void): Mutation =>
  (text, rng) => {
    const lines = text.split('\n');
    fn(lines, rng.int(lines.length), rng);
    return lines.join('\n');
  };

/** Lines `key: value` (block or a `- key: value` list item), the targets of value swaps. */
const valueLines = (lines: string[]) =>
  lines.map((l, i) => (/^\s*(- )?[-\w."/]+:\s*\S/.test(l) ? i : -1)).filter((i) => i >= 0);

const MUTATIONS: Record<string, Mutation> = {
  flipChar: (text, rng) => {
    const at = rng.int(text.length + 1);
    return text.slice(0, at) + rng.pick(ODD_CHARS) + text.slice(at + 1);
  },
  flipByte: (text, rng) => {
    // Random bytes through the UTF-8 decoder, as readFileSync(…, 'utf8') would deliver them.
    const bytes = Buffer.from(text, 'utf8');
    for (let i = 0; i < 1 + rng.int(4); i++) if (bytes.length > 0) bytes[rng.int(bytes.length)] = rng.int(256);
    return bytes.toString('utf8');
  },
  truncate: (text, rng) => text.slice(0, rng.int(text.length + 1)),
  deleteLine: lineMutation((lines, at) => lines.splice(at, 1)),
  duplicateLine: lineMutation((lines, at) => lines.splice(at, 0, lines[at] ?? '')),
  swapLines: lineMutation((lines, at, rng) => {
    const other = rng.int(lines.length);
    [lines[at], lines[other]] = [lines[other] ?? '', lines[at] ?? ''];
  }),
  // Scalars swapped for maps, lists, numbers, null, tags, prototype names…
  oddValue: lineMutation((lines, at, rng) => {
    const candidates = valueLines(lines);
    const i = candidates.length > 0 ? rng.pick(candidates) : at;
    const line = lines[i] ?? '';
    const colon = line.indexOf(':');
    lines[i] = colon < 0 ? rng.pick(ODD_SCALARS) : `${line.slice(0, colon + 1)} ${rng.pick(ODD_SCALARS)}`;
  }),
  // A known kind or type replaced by a near miss or an Object.prototype member name.
  oddKind: lineMutation((lines, at, rng) => {
    const candidates = lines.map((l, i) => (/\b(from|type|engine|binds):/.test(l) ? i : -1)).filter((i) => i >= 0);
    const i = candidates.length > 0 ? rng.pick(candidates) : at;
    lines[i] = (lines[i] ?? '').replace(
      /\b(from|type|engine|binds): *[^,}\n]*/,
      (_m, key: string) => `${key}: ${rng.pick([...PROTO_NAMES, 'Archive', 'dir', 'HTTP', 'sql ', '""', '[http]'])}`,
    );
  }),
  // A whole section replaced by a value of the wrong shape.
  oddSection: (text, rng) => {
    const key = rng.pick(['restore', 'probes', 'binds', 'bind_size_cap', 'helper_image']);
    return `${text.replace(new RegExp(`^${key}:.*(\\n[ -].*)*`, 'm'), '')}\n${key}: ${rng.pick(ODD_SCALARS)}\n`;
  },
  // An entry of `restore` or a probe replaced by something that is not a mapping.
  oddEntry: lineMutation((lines, at, rng) => {
    const candidates = lines.map((l, i) => (/^ {2}("[^"]*"|\S+):\s*$|^ {2}- /.test(l) ? i : -1)).filter((i) => i >= 0);
    const i = candidates.length > 0 ? rng.pick(candidates) : at;
    const line = lines[i] ?? '';
    lines[i] = line.startsWith('  - ') ? `  - ${rng.pick(ODD_SCALARS)}` : `${line} ${rng.pick(ODD_SCALARS)}`;
  }),
  randomKey: lineMutation((lines, at, rng) => {
    const indent = /^\s*/.exec(lines[at] ?? '')?.[0] ?? '';
    const key =
      rng.next() < 0.5
        ? rng.pick(ODD_KEYS)
        : rng.next() < 0.5
          ? str(Array.from({ length: 1 + rng.int(4) }, () => rng.pick(UNICODE)).join(''))
          : word(rng);
    lines.splice(at + 1, 0, `${indent}${key}: ${rng.pick(ODD_SCALARS)}`);
  }),
  randomTopKey: (text, rng) => `${str(rng.pick([...ODD_KEYS, ...UNICODE]))}: ${rng.pick(ODD_SCALARS)}\n${text}`,
  deepNesting: (text, rng) => {
    const depth = rng.pick([50, 500, 5000, 50_000]);
    const nested =
      rng.next() < 0.5 ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{a: '.repeat(depth)}1${'}'.repeat(depth)}`;
    return `${text}\n${rng.pick(['restore', 'probes', 'x'])}: ${nested}\n`;
  },
  deepBlockNesting: (text, rng) => {
    const depth = rng.pick([20, 200, 2000]);
    const lines = Array.from({ length: depth }, (_, i) => `${' '.repeat(i + 4)}k${i}:`);
    return `${text.replace(/^restore:.*(\n[ -].*)*/m, '')}\nrestore:\n  deep:\n${lines.join('\n')} 1\n`;
  },
  aliasBomb: (text, rng) => {
    const levels = 4 + rng.int(6);
    const lines = ['x-bomb:', '  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i <= levels; i++)
      lines.push(
        `  l${i}: &l${i} [${Array(9)
          .fill(`*l${i - 1}`)
          .join(', ')}]`,
      );
    // Sometimes the bomb lands where the parser reads it: a probe's command list.
    if (rng.next() < 0.5) lines.push('probes: [{service: a, type: exec, command: *l' + levels + '}]');
    return `${text.replace(/^probes:.*(\n[ -].*)*/m, '')}\n${lines.join('\n')}\n`;
  },
  mergeBomb: (text, rng) => {
    const levels = 4 + rng.int(8);
    const lines = ['x-m0: &m0 {from: live, a: 1, b: 2, c: 3}'];
    for (let i = 1; i <= levels; i++)
      lines.push(
        `x-m${i}: &m${i} {<<: [${Array(6)
          .fill(`*m${i - 1}`)
          .join(', ')}], k${i}: v}`,
      );
    return `${lines.join('\n')}\nrestore: {bomb: *m${levels}}\n${text.replace(/^restore:.*(\n[ -].*)*/m, '')}`;
  },
  aliasReuse: (text) =>
    `x-e: &e {from: live}\nrestore: {a: *e, b: *e, c: *self}\n${text.replace(/^restore:.*(\n[ -].*)*/m, '')}`,
  invalidUtf8: (text, rng) => {
    const bytes = Buffer.from(text, 'utf8');
    const at = rng.int(bytes.length + 1);
    const bad = Buffer.from(rng.pick([[0xc3, 0x28], [0xff], [0xed, 0xa0, 0x80], [0xf0, 0x28, 0x8c, 0x28]]));
    return Buffer.concat([bytes.subarray(0, at), bad, bytes.subarray(at)]).toString('utf8');
  },
  binaryGarbage: (_text, rng) => {
    const bytes = Buffer.alloc(1 + rng.int(4096));
    for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(256);
    return rng.next() < 0.5 ? bytes.toString('utf8') : bytes.toString('latin1');
  },
  tagJunk: lineMutation((lines, at, rng) => {
    const line = lines[at] ?? '';
    const colon = line.indexOf(':');
    if (colon >= 0)
      lines[at] =
        `${line.slice(0, colon + 1)} ${rng.pick(['!reset', '!override', '!!str', '!!int', '!!map', '!custom', '!!seq', '!!null'])}${line.slice(colon + 1)}`;
  }),
  longValue: lineMutation((lines, at, rng) => {
    const candidates = valueLines(lines);
    const i = candidates.length > 0 ? rng.pick(candidates) : at;
    const line = lines[i] ?? '';
    const colon = line.indexOf(':');
    const long = rng.pick(['a', '9', '/', '..', '😀', 'é', '1h']).repeat(rng.pick([1000, 20_000, 200_000]));
    if (colon >= 0) lines[i] = `${line.slice(0, colon + 1)} ${str(long)}`;
  }),
  multiDocument: (text) => `${text}\n---\nbinds: copy\n`,
};
/** Mutations that cost tens of milliseconds each (bombs, deep nesting, 200 kB values): kept to a few hundred cases. */
const HEAVY = new Set(['mergeBomb', 'aliasBomb', 'deepBlockNesting', 'deepNesting', 'longValue']);
const CHEAP_NAMES = Object.keys(MUTATIONS).filter((name) => !HEAVY.has(name));
const HEAVY_NAMES = [...HEAVY];

// ─── Checks ─────────────────────────────────────────────────────────────────────────────────────

/** What is wrong with one issue, if anything: a message that is empty or more than one line, a missing place. */
function issueProblem(issue: Issue, where: { file?: string; path?: boolean }): string | undefined {
  if (typeof issue.message !== 'string' || issue.message.trim() === '') return 'empty message';
  if (/[\r\n]/.test(issue.message)) return 'message spans lines';
  if (issue.severity !== 'error') return `severity ${issue.severity}`;
  if (where.file !== undefined && issue.file !== where.file) return `file ${JSON.stringify(issue.file)}`;
  if (where.path && !issue.path) return 'no path';
  return undefined;
}

interface Tally {
  cases: number;
  maxMs: number;
  maxCase: string;
  ok: number;
  refused: number;
  failures: string[];
}

const newTally = (): Tally => ({ cases: 0, maxMs: 0, maxCase: '', ok: 0, refused: 0, failures: [] });

function record(t: Tally, label: string, input: string, ms: number, problem: unknown, refused: boolean): void {
  t.cases++;
  if (ms > t.maxMs) {
    t.maxMs = ms;
    t.maxCase = label;
  }
  if (problem === undefined) {
    t[refused ? 'refused' : 'ok']++;
    return;
  }
  const why = problem instanceof Error ? (problem.stack ?? problem.message) : String(problem);
  // One example per distinct failure (its first two lines), with the input, keeps the report readable.
  const signature = why.split('\n').slice(0, 2).join('\n');
  if (!t.failures.some((f) => f.includes(signature)))
    t.failures.push(`case ${t.cases} (${label}): ${why}\n--- input (first 400 chars) ---\n${input.slice(0, 400)}`);
}

/** Parses one rehearsa.yml text as the CLI does; returns the first thing wrong with the outcome, if any. */
function declarationCase(text: string): { problem?: unknown; refused: boolean } {
  try {
    const parsed = parseYaml(text, FILE);
    for (const issue of parsed.issues) {
      const p = issueProblem(issue, { file: FILE });
      if (p) return { problem: `YAML issue: ${p}: ${JSON.stringify(issue)}`, refused: true };
    }
    if (parsed.issues.length > 0) return { refused: true };
    const { layer, issues } = parseRestoreConfig(parsed.doc, { file: FILE, prefix: '', baseDir: BASE_DIR });
    const isMap = typeof parsed.doc === 'object' && parsed.doc !== null && !Array.isArray(parsed.doc);
    for (const issue of issues) {
      // Only a document that is not a mapping at all has no path to name.
      const p = issueProblem(issue, { file: FILE, path: isMap });
      if (p) return { problem: `declaration issue: ${p}: ${JSON.stringify(issue)}`, refused: true };
    }
    for (const r of layer.restores ?? []) {
      for (const p of [r.path, r.passwordFile])
        if (p !== undefined && !isAbsolute(p)) return { problem: `relative ${p}`, refused: false };
      if (r.subpath?.split('/').includes('..')) return { problem: `subpath escapes: ${r.subpath}`, refused: false };
    }
    for (const p of layer.probes ?? []) {
      if (typeof p.service !== 'string' || p.service === '')
        return { problem: `probe without service`, refused: false };
      if (!['http', 'tcp', 'exec', 'sql'].includes(p.type)) return { problem: `probe type ${p.type}`, refused: false };
    }
    return { refused: issues.length > 0 };
  } catch (error) {
    return { problem: error, refused: true };
  }
}

function flagCase(flag: string, cwd: string): { problem?: unknown; refused: boolean } {
  try {
    const { spec, issue } = parseRestoreFlag(flag, cwd);
    if ((spec === undefined) === (issue === undefined))
      return { problem: 'want exactly one of spec and issue', refused: false };
    if (issue) {
      const p = issueProblem(issue, {});
      if (p) return { problem: `issue: ${p}: ${JSON.stringify(issue)}`, refused: true };
      if (issue.path !== '--restore') return { problem: `issue path ${issue.path}`, refused: true };
      return { refused: true };
    }
    if (!spec!.name) return { problem: 'spec without a name', refused: false };
    if (spec!.path !== undefined && !isAbsolute(spec!.path))
      return { problem: `relative ${spec!.path}`, refused: false };
    if (spec!.snapshot === '') return { problem: 'empty snapshot', refused: false };
    return { refused: false };
  } catch (error) {
    return { problem: error, refused: true };
  }
}

// ─── --restore arguments ────────────────────────────────────────────────────────────────────────

function randomChars(rng: Rng, max: number): string {
  const pools = ['abcxyz019', '=:#/.-_ @~\\', '\u0000\n\r\t', 'éßΩデータ', '😀\u200B\u202E\uD800\uDC00\uFEFF'];
  let s = '';
  for (let n = rng.int(max + 1); n > 0; n--) {
    const pool = rng.pick(pools);
    s += rng.next() < 0.05 ? String.fromCharCode(rng.int(0x10000)) : [...pool][rng.int([...pool].length)];
  }
  return s;
}

function generatedFlag(rng: Rng): string {
  const part = () =>
    rng.pick(['', 'db', '/var/lib/x', './rel', '..', '~', 'a=b', 'x:y', '#', '::', randomChars(rng, 8), '😀']);
  const roll = rng.next();
  if (roll < 0.15) return randomChars(rng, 40);
  if (roll < 0.2) {
    const long = rng
      .pick(['a', '=', ':', '#', '/', '::', 'é', '😀', 'archive:'])
      .repeat(rng.pick([1000, 50_000, 1_000_000]));
    return rng.pick([long, `db=${long}`, `${long}=live`, `db=restic:${long}`, `db=borg:${long}`]);
  }
  const name = rng.next() < 0.1 ? '' : rng.pick([part(), 'db', '/srv/data', 'vol-1']);
  const eqs = rng.pick(['=', '=', '=', '==', '', ' = ', '=\u0000']);
  const prefix = rng.pick([
    'live',
    'LIVE',
    'live ',
    'archive:',
    'dir:',
    'directory:',
    'restic:',
    'borg:',
    'Archive:',
    's3:',
    'sftp:',
    ':',
    '',
    'file://',
    ...PROTO_NAMES.map((p) => `${p}:`),
  ]);
  const body = () => rng.pick([part(), 'repo', './backups/r', 'u@host:repo', 's3:bucket/x', 'b.tar.gz', 'x.tgz']);
  let source = prefix === 'live' || prefix === 'LIVE' || prefix === 'live ' ? prefix : prefix + body();
  const form = rng.next();
  if (form < 0.25) source += `#${rng.pick(['', 'latest', 'abc', '#', part()])}`;
  else if (form < 0.5) source += `::${rng.pick(['', 'latest', 'nightly', '::', part()])}`;
  else if (form < 0.6) source += rng.pick(['#', '::', ':', '=', '']);
  let flag = `${name}${eqs}${source}`;
  if (rng.next() < 0.2) {
    // Mutate: a character flipped, inserted or dropped, or the argument truncated.
    const at = rng.int(flag.length + 1);
    const op = rng.int(3);
    const c = rng.pick(['=', ':', '#', '::', '\u0000', '\n', '😀', '\uD800', '']);
    flag =
      op === 0
        ? flag.slice(0, at) + c + flag.slice(at + 1)
        : op === 1
          ? flag.slice(0, at) + c + flag.slice(at)
          : flag.slice(0, at);
  }
  return flag;
}

// ─── The tests ──────────────────────────────────────────────────────────────────────────────────

function report(what: string, t: Tally): void {
  console.log(
    `fuzz ${what}: seed ${SEED}, ${t.cases} cases (${t.ok} accepted, ${t.refused} refused with issues), max ${t.maxMs.toFixed(1)} ms (${t.maxCase})`,
  );
  assert.ok(t.cases >= 10_000, `only ${t.cases} cases`);
  assert.deepEqual(t.failures, [], `seed ${SEED}: ${t.failures.length} failures`);
  assert.ok(t.maxMs < MAX_CASE_MS, `seed ${SEED}: slowest case took ${t.maxMs.toFixed(0)} ms (${t.maxCase})`);
}

describe(`restore declaration fuzz (seed ${SEED})`, () => {
  it('never crashes and never hangs on 10,000+ generated and mutated rehearsa.yml texts', () => {
    const rng = prng(SEED);
    const t = newTally();
    const run = (label: string, text: string) => {
      const start = performance.now();
      const { problem, refused } = declarationCase(text);
      record(t, label, text, performance.now() - start, problem, refused);
    };
    // The generator itself must produce valid declarations, or the mutations start from noise.
    for (let i = 0; i < 500; i++) {
      const text = generatedDeclaration(rng);
      const { problem, refused } = declarationCase(text);
      assert.equal(problem, undefined);
      assert.equal(
        refused,
        false,
        `generated declaration refused:\n${text}\n${JSON.stringify(parseRestoreConfig(parseYaml(text, FILE).doc, { file: FILE, prefix: '', baseDir: BASE_DIR }).issues)}`,
      );
      run('generated', text);
    }
    for (let i = 0; i < 10_000; i++) {
      let text = generatedDeclaration(rng);
      const applied: string[] = [];
      for (let m = 0; m < 1 + rng.int(3); m++) {
        const name = rng.pick(rng.next() < 0.03 ? HEAVY_NAMES : CHEAP_NAMES);
        applied.push(name);
        text = MUTATIONS[name]!(text, rng);
      }
      run(`generated + ${applied.join(',')}`, text);
    }
    report('rehearsa.yml', t);
  });
});

describe(`--restore fuzz (seed ${SEED})`, () => {
  it('returns a spec or one issue for 10,000+ generated and mutated arguments, and never throws', () => {
    const rng = prng(SEED ^ 0x5eed);
    const t = newTally();
    for (let i = 0; i < 12_000; i++) {
      const flag = generatedFlag(rng);
      const cwd = rng.pick(['/work', '/', '/tmp/é x', `/${'d/'.repeat(200)}`]);
      const start = performance.now();
      const { problem, refused } = flagCase(flag, cwd);
      record(t, `flag ${JSON.stringify(flag.slice(0, 60))}`, flag, performance.now() - start, problem, refused);
    }
    report('--restore', t);
  });
});
