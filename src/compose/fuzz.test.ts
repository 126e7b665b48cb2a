// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Compose `${VAR}` templates are the test data.
// Bad input at scale: thousands of generated and mutated compose files must each load or fail with an
// InputError whose every issue names its file, never crash and never take a second. Reproduce a failure with
// REHEARSA_FUZZ_SEED=<seed printed below>.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { describe, it } from 'node:test';
import { CORPUS } from '../../test/support/corpus.js';
import { InputError } from '../errors.js';
import { parsePolicyFlags } from '../policy/policy-flags.js';
import { loadProjectFrom } from './load-project.js';
import type { Sources } from './read-sources.js';

// Fixed in CI so a landing is reproducible; random elsewhere to keep exploring. Either way it is printed.
const SEED = Number(
  process.env.REHEARSA_FUZZ_SEED ?? (process.env.CI ? 20261203 : Math.floor(Math.random() * 2 ** 31)),
);
const ROOT = '/fuzz/app';
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

/** A stack of the corpus in memory: relative path → text, and the compose files one may pass with -f. */
interface CorpusStack {
  name: string;
  files: Map<string, string>;
  mains: string[];
}

function readCorpus(): CorpusStack[] {
  const stacks: CorpusStack[] = [];
  for (const entry of readdirSync(CORPUS).sort()) {
    const abs = join(CORPUS, entry);
    if (entry.endsWith('.yml')) {
      const files = new Map([['compose.yaml', readFileSync(abs, 'utf8')]]);
      const env = abs.replace(/\.yml$/, '.env');
      if (existsSync(env)) files.set('.env', readFileSync(env, 'utf8'));
      stacks.push({ name: entry, files, mains: ['compose.yaml'] });
    } else if (statSync(abs).isDirectory()) {
      const files = new Map<string, string>();
      const walk = (dir: string) => {
        for (const e of readdirSync(dir)) {
          const p = join(dir, e);
          if (statSync(p).isDirectory()) walk(p);
          else if (statSync(p).size < 200_000) files.set(relative(abs, p), readFileSync(p, 'utf8'));
        }
      };
      walk(abs);
      const mains = [...files.keys()].filter((f) => /\.ya?ml$/.test(f) && !f.includes('/')).sort();
      if (mains.length > 0) stacks.push({ name: entry, files, mains });
    }
  }
  return stacks;
}

const ODD_SCALARS = [
  '{}',
  '[]',
  '{a: 1}',
  '[1, {b: c}]',
  'null',
  '~',
  '!reset',
  '!override x',
  '!!binary aGk=',
  '*nope',
  '&a x',
  '"${X:?boom}"',
  '"${"',
  '"$"',
  '"${A:-${B:-${C}}}"',
  '0o777',
  '0x1F',
  '-1',
  '1e400',
  '.nan',
  'true',
  'yes',
  '"90"',
  '1m30x',
  '"127.0.0.1:80:80/tcpx"',
  '"./a:/b:rw,z,nope"',
  '"__proto__"',
  '|\n  block',
  '"\\u0000"',
  "'single ''quoted'''",
  '2024-01-01',
  '? complex',
];
const ODD_KEYS = [
  '__proto__',
  'constructor',
  'x-ext',
  '<<',
  'services',
  'image',
  'toString',
  'a.b',
  '"quoted key"',
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
  '$',
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
  '`',
  ',',
  '?',
  '\\',
  '\u0000',
  '\u00e9',
  '\u{1F600}',
  '\r',
  '\u2028',
];

type Mutation = (text: string, rng: Rng) => string;

const lineMutation =
  (fn: (lines: string[], at: number, rng: Rng) => void): Mutation =>
  (text, rng) => {
    const lines = text.split('\n');
    fn(lines, rng.int(lines.length), rng);
    return lines.join('\n');
  };

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
  oddValue: lineMutation((lines, at, rng) => {
    const candidates = lines.map((l, i) => (/^\s*[-\w."]+:\s*\S/.test(l) ? i : -1)).filter((i) => i >= 0);
    const i = candidates.length > 0 ? rng.pick(candidates) : at;
    const line = lines[i] ?? '';
    const colon = line.indexOf(':');
    lines[i] = colon < 0 ? rng.pick(ODD_SCALARS) : `${line.slice(0, colon + 1)} ${rng.pick(ODD_SCALARS)}`;
  }),
  collectionToScalar: lineMutation((lines, at, rng) => {
    const candidates = lines.map((l, i) => (/^\s*[-\w.]+:\s*$/.test(l) ? i : -1)).filter((i) => i >= 0);
    const i = candidates.length > 0 ? rng.pick(candidates) : at;
    lines[i] = `${lines[i] ?? ''} ${rng.pick(ODD_SCALARS)}`;
  }),
  randomKey: lineMutation((lines, at, rng) => {
    const indent = /^\s*/.exec(lines[at] ?? '')?.[0] ?? '';
    const key =
      rng.next() < 0.5
        ? rng.pick(ODD_KEYS)
        : Math.random()
            .toString(36)
            .slice(2, 2 + rng.int(8) + 1);
    lines.splice(at + 1, 0, `${indent}${key}: ${rng.pick(ODD_SCALARS)}`);
  }),
  deepNesting: (text, rng) => {
    const depth = rng.pick([50, 500, 5000, 50_000]);
    const nested =
      rng.next() < 0.5 ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{a: '.repeat(depth)}1${'}'.repeat(depth)}`;
    return `${text}\nx-deep: ${nested}\n`;
  },
  deepBlockNesting: (text, rng) => {
    const depth = rng.pick([20, 200, 2000]);
    const lines = Array.from({ length: depth }, (_, i) => `${' '.repeat(i + 2)}k${i}:`);
    return `${text}\nservices:\n  deep:\n${lines.join('\n')} 1\n`;
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
    return `${text}\n${lines.join('\n')}\n`;
  },
  mergeBomb: (text, rng) => {
    const levels = 4 + rng.int(8);
    const lines = ['x-m0: &m0 {a: 1, b: 2, c: 3, d: 4}'];
    for (let i = 1; i <= levels; i++)
      lines.push(
        `x-m${i}: &m${i} {<<: [${Array(6)
          .fill(`*m${i - 1}`)
          .join(', ')}], k${i}: v}`,
      );
    return `${lines.join('\n')}\n${text}`;
  },
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
  interpolationJunk: lineMutation((lines, at, rng) => {
    lines[at] = `${lines[at] ?? ''}${rng.pick(['$', '${', '${A', '${A:?}', '${A:-${', '$$$', '${A?x}', '${}'])}`;
  }),
  tagJunk: lineMutation((lines, at, rng) => {
    const line = lines[at] ?? '';
    const colon = line.indexOf(':');
    if (colon >= 0)
      lines[at] =
        `${line.slice(0, colon + 1)} ${rng.pick(['!reset', '!override', '!!str', '!!int', '!!map', '!custom', '!!seq'])}${line.slice(colon + 1)}`;
  }),
  multiDocument: (text) => `${text}\n---\nservices: {x: {image: x}}\n`,
};
const MUTATION_NAMES = Object.keys(MUTATIONS);

/** A small random compose tree built from real keys, so deep paths get exercised, not only the parser. */
function generatedCompose(rng: Rng): string {
  const scalar = () => rng.pick([...ODD_SCALARS, 'x', '1', '"30s"', 'service:a', 'a', './data:/data', '"80:80"']);
  const serviceKeys = [
    'image',
    'build',
    'command',
    'entrypoint',
    'environment',
    'env_file',
    'ports',
    'volumes',
    'networks',
    'depends_on',
    'healthcheck',
    'deploy',
    'ulimits',
    'secrets',
    'configs',
    'extends',
    'network_mode',
    'ipc',
    'pid',
    'links',
    'volumes_from',
    'profiles',
    'labels',
    'tmpfs',
    'devices',
    'extra_hosts',
    'container_name',
    'scale',
    'logging',
    'sysctls',
    'shm_size',
    'stop_grace_period',
    'x-rehearsa',
  ];
  const nestedKeys = [
    'test',
    'interval',
    'condition',
    'target',
    'source',
    'type',
    'published',
    'replicas',
    'restart_policy',
    'soft',
    'hard',
    'aliases',
    'path',
    'required',
    'format',
    'service',
    'file',
    'args',
    'context',
    'bind',
    'volume',
    'tmpfs',
    'mode',
    'size',
  ];
  const value = (depth: number): string => {
    const roll = rng.next();
    if (depth > 3 || roll < 0.4) return scalar();
    if (roll < 0.7) return `[${Array.from({ length: rng.int(4) }, () => value(depth + 1)).join(', ')}]`;
    return `{${Array.from({ length: rng.int(4) }, () => `${rng.pick(nestedKeys)}: ${value(depth + 1)}`).join(', ')}}`;
  };
  const services = Array.from({ length: 1 + rng.int(4) }, (_, i) => {
    const keys = Array.from({ length: rng.int(6) }, () => `    ${rng.pick(serviceKeys)}: ${value(0)}`);
    return [`  ${rng.pick(['a', 'b', 'c', `s${i}`])}:`, '    image: img', ...keys].join('\n');
  });
  const top = rng.pick([
    '',
    'volumes: {data: {}}\n',
    'networks: {back: {}}\n',
    `include: [${scalar()}]\n`,
    `name: ${scalar()}\n`,
    'secrets: {s: {file: ./s}}\n',
  ]);
  return `services:\n${services.join('\n')}\n${top}`;
}

/**
 * A slice of a corpus file small enough that thousands of cases stay fast: half the time one to three whole
 * services under `services:` (valid input, so the mutations reach the later stages), else 5–80 raw lines.
 */
function window(text: string, rng: Rng): string {
  const lines = text.split('\n');
  const starts = lines.flatMap((line, i) => (/^ {2}[\w.-]+:\s*$/.test(line) ? [i] : []));
  if (starts.length > 0 && rng.next() < 0.5) {
    const first = rng.int(starts.length);
    const end = starts[first + 1 + rng.int(3)] ?? lines.length;
    return ['services:', ...lines.slice(starts[first], end)].join('\n');
  }
  const start = rng.int(lines.length);
  return lines.slice(start, start + 5 + rng.int(76)).join('\n');
}

function memorySources(files: ReadonlyMap<string, string>): Sources {
  return {
    read: (path) => {
      const text = files.get(path);
      return text === undefined ? { problem: 'not found' } : { text };
    },
    exists: (path) => files.has(path),
  };
}

interface CaseResult {
  ms: number;
  loaded?: boolean;
  crash?: unknown;
  badIssue?: string;
}

function runCase(files: Map<string, string>, main: string, env: Record<string, string> = {}): CaseResult {
  const sources = memorySources(new Map([...files].map(([rel, text]) => [join(ROOT, rel), text])));
  const start = performance.now();
  try {
    loadProjectFrom({ files: [main], cwd: ROOT, env, profiles: ['*'] }, sources);
    return { ms: performance.now() - start, loaded: true };
  } catch (error) {
    const ms = performance.now() - start;
    if (!(error instanceof InputError)) return { ms, crash: error };
    const bad = error.issues.find((i) => !i.message || !i.file || i.severity !== 'error');
    return { ms, ...(bad ? { badIssue: JSON.stringify(bad) } : {}) };
  }
}

describe(`loadProject fuzz (seed ${SEED})`, { skip: !existsSync(CORPUS) && 'corpus not present' }, () => {
  it('never crashes and never hangs on 10,000+ generated and mutated compose files', () => {
    const rng = prng(SEED);
    const corpus = readCorpus();
    const failures: string[] = [];
    let cases = 0;
    let maxMs = 0;
    let maxCase = '';
    const byOutcome = { loaded: 0, refused: 0 };
    const record = (label: string, result: CaseResult, text: string) => {
      cases++;
      if (result.ms > maxMs) {
        maxMs = result.ms;
        maxCase = label;
      }
      if (result.crash !== undefined || result.badIssue !== undefined) {
        const why =
          result.crash instanceof Error
            ? (result.crash.stack ?? result.crash.message)
            : String(result.crash ?? result.badIssue);
        // One example per distinct failure (its first two lines), with the input, keeps the report readable.
        const signature = why.split('\n').slice(0, 2).join('\n');
        if (!failures.some((f) => f.includes(signature))) {
          failures.push(`case ${cases} (${label}): ${why}\n--- input (first 400 chars) ---\n${text.slice(0, 400)}`);
        }
      } else byOutcome[result.loaded ? 'loaded' : 'refused']++;
    };

    // Mutated windows of real files: the bulk, cheap enough for many thousands.
    for (let i = 0; i < 9200; i++) {
      const stack = rng.pick(corpus);
      const main = rng.pick(stack.mains);
      const files = new Map(stack.files);
      let text = window(files.get(main) ?? '', rng);
      const applied: string[] = [];
      for (let m = 0; m < 1 + rng.int(3); m++) {
        const name = rng.pick(MUTATION_NAMES);
        applied.push(name);
        text = MUTATIONS[name]!(text, rng);
      }
      files.set(main, text);
      if (files.has('.env') && rng.next() < 0.1) files.set('.env', MUTATIONS.flipChar!(files.get('.env')!, rng));
      record(`${stack.name}/${main} window + ${applied.join(',')}`, runCase(files, main), text);
    }
    // Whole real stacks with one mutation, so includes, extends and env files are reached too.
    for (let i = 0; i < 200; i++) {
      const stack = rng.pick(corpus);
      const main = rng.pick(stack.mains);
      const files = new Map(stack.files);
      const name = rng.pick(MUTATION_NAMES);
      const text = MUTATIONS[name]!(files.get(main) ?? '', rng);
      files.set(main, text);
      record(`${stack.name}/${main} + ${name}`, runCase(files, main, { HOSTNAME: 'hs' }), text);
    }
    // Random trees of real keys.
    for (let i = 0; i < 1000; i++) {
      const text = generatedCompose(rng);
      record('generated', runCase(new Map([['compose.yaml', text]]), 'compose.yaml'), text);
    }
    // The heavy ones, a few times each: a 50 MB file and pure binary.
    const service = '  s:\n    image: x\n    environment: {A: "1", B: "2", C: "3"}\n';
    const huge = `services:\n${service.repeat(Math.ceil((50 * 2 ** 20) / service.length))}`;
    record('50 MB file', runCase(new Map([['compose.yaml', huge]]), 'compose.yaml'), huge);
    for (let i = 0; i < 3; i++) {
      const garbage = MUTATIONS.binaryGarbage!('', rng);
      record('binary garbage', runCase(new Map([['compose.yaml', garbage]]), 'compose.yaml'), garbage);
    }

    console.log(
      `fuzz: seed ${SEED}, ${cases} cases (${byOutcome.loaded} loaded, ${byOutcome.refused} refused with an InputError), max ${maxMs.toFixed(1)} ms (${maxCase})`,
    );
    assert.ok(cases >= 10_000, `only ${cases} cases`);
    assert.deepEqual(failures, [], `seed ${SEED}: ${failures.length} failures`);
    assert.ok(maxMs < MAX_CASE_MS, `seed ${SEED}: slowest case took ${maxMs.toFixed(0)} ms (${maxCase})`);
  });
});

describe(`parsePolicyFlags fuzz (seed ${SEED})`, () => {
  it('returns rules or one issue per given flag for any strings, and never throws', () => {
    const rng = prng(SEED);
    const keys = ['minConfidence', 'blockOnRegression', 'failOnDurationSpike', 'durationSpikePercent'] as const;
    const flags: Record<string, string> = {
      minConfidence: '--min-confidence',
      blockOnRegression: '--block-on-regression',
      failOnDurationSpike: '--fail-on-duration-spike',
      durationSpikePercent: '--duration-spike-percent',
    };
    const values = [
      '',
      '0',
      '100',
      '101',
      '-1',
      '1e2',
      '0x10',
      ' 80',
      '80 ',
      '080',
      '50.5',
      'true',
      'false',
      'TRUE',
      'yes',
      '10000',
      '10001',
      '999999',
      '1'.repeat(400),
      'NaN',
      'Infinity',
      '\u0000',
      '٣',
    ];
    const problems: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      const input: Record<string, string | undefined> = {};
      for (const key of keys) {
        const roll = rng.next();
        if (roll < 0.3) continue;
        input[key] =
          roll < 0.8
            ? rng.pick(values)
            : String.fromCharCode(...Array.from({ length: rng.int(6) }, () => rng.int(0x3000)));
      }
      let result: ReturnType<typeof parsePolicyFlags>;
      try {
        result = parsePolicyFlags(input);
      } catch (error) {
        problems.push(`threw on ${JSON.stringify(input)}: ${error}`);
        continue;
      }
      for (const key of keys) {
        const given = input[key] !== undefined;
        const ruled = Object.hasOwn(result.rules, key);
        const issues = result.issues.filter((x) => x.path === flags[key]);
        if ((ruled ? 1 : 0) + issues.length !== (given ? 1 : 0)) {
          problems.push(`${key}=${JSON.stringify(input[key])}: rule ${ruled}, ${issues.length} issues`);
        }
        const v = result.rules[key];
        if (
          key === 'minConfidence' &&
          v !== undefined &&
          !(Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 100)
        )
          problems.push(`minConfidence ${v}`);
        if (
          key === 'durationSpikePercent' &&
          v !== undefined &&
          !(Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 10_000)
        )
          problems.push(`durationSpikePercent ${v}`);
        if ((key === 'blockOnRegression' || key === 'failOnDurationSpike') && v !== undefined && typeof v !== 'boolean')
          problems.push(`${key} ${v}`);
      }
      if (result.issues.some((x) => !x.message || x.severity !== 'error'))
        problems.push(`bad issue for ${JSON.stringify(input)}`);
    }
    assert.deepEqual(problems.slice(0, 10), []);
  });
});
