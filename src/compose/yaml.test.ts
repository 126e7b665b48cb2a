import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CORPUS } from '../../test/support/corpus.js';
import { OverrideTag, parseYaml, ResetTag, resolvePlainScalar } from './yaml.js';

function ok(text: string): unknown {
  const { doc, issues } = parseYaml(text, 'compose.yaml');
  assert.deepEqual(issues, []);
  return doc;
}

describe('parseYaml', () => {
  it('returns null and no issue for an empty or comment-only file', () => {
    assert.deepEqual(parseYaml('', 'c.yml'), { doc: null, issues: [] });
    assert.deepEqual(parseYaml('# nothing\n\n', 'c.yml'), { doc: null, issues: [] });
  });

  it('types scalars like go-yaml: YAML 1.2 booleans, Go integer literals', () => {
    const doc = ok(
      'a: [true, False, yes, no, on, off, y, null, ~, "", 0644, 0o644, 0x1F, 0b101, 1_000, 08, 1.5, 1e3, .5, -0, "0644", \'true\', 1.2.3, +12, 2024-01-02]\nb:\n',
    );
    assert.deepEqual(doc, {
      a: [
        true,
        false,
        'yes',
        'no',
        'on',
        'off',
        'y',
        null,
        null,
        '',
        420,
        420,
        31,
        5,
        1000,
        8,
        1.5,
        1000,
        0.5,
        -0,
        '0644',
        'true',
        '1.2.3',
        12,
        '2024-01-02',
      ],
      b: null,
    });
  });

  it('keeps block scalars and custom-tagged scalars as strings', () => {
    assert.deepEqual(ok('a: |\n  12\nb: !!str 5\nc: !!int "7"\n'), { a: '12\n', b: '5', c: 7 });
  });

  it('resolves special floats', () => {
    assert.equal(resolvePlainScalar('.inf'), Number.POSITIVE_INFINITY);
    assert.equal(resolvePlainScalar('-.INF'), Number.NEGATIVE_INFINITY);
    assert.ok(Number.isNaN(resolvePlainScalar('.nan')));
    assert.equal(resolvePlainScalar('0x'), '0x');
    assert.equal(resolvePlainScalar('-'), '-');
  });

  it('merges `<<: *a` shallowly, with the mapping own keys winning wherever they appear', () => {
    const doc = ok('x: &x {image: a, env: {A: 1}, restart: always}\ns:\n  image: b\n  <<: *x\n  env: {B: 2}\n');
    assert.deepEqual(doc, {
      x: { image: 'a', env: { A: 1 }, restart: 'always' },
      s: { image: 'b', env: { B: 2 }, restart: 'always' },
    });
  });

  it('merges `<<: [*a, *b]` with the first source winning', () => {
    const doc = ok('a: &a {p: 1}\nb: &b {p: 2, q: 3}\nc:\n  <<: [*a, *b]\n  r: 4\n') as Record<string, unknown>;
    assert.deepEqual(doc.c, { p: 1, q: 3, r: 4 });
  });

  it('accepts a space before the colon of the merge key (penpot style)', () => {
    const doc = ok('a: &a {p: 1}\nb: &b {q: 2}\nc:\n  << : [*a, *b]\n') as Record<string, unknown>;
    assert.deepEqual(doc.c, { p: 1, q: 2 });
  });

  it('treats a quoted "<<" as an ordinary key', () => {
    assert.deepEqual(ok('"<<": 1\n'), { '<<': 1 });
  });

  it('rejects two `<<` keys in one mapping, as Compose >= 2.17 does', () => {
    const { issues } = parseYaml('a: &a {p: 1}\nb: &b {q: 2}\nc:\n  <<: *a\n  <<: *b\n', 'c.yml');
    assert.deepEqual(issues, [
      {
        file: 'c.yml',
        path: 'c',
        message: 'line 5, column 3: mapping key "<<" already defined at line 4',
        severity: 'error',
      },
    ]);
  });

  it('rejects duplicate keys', () => {
    const { issues } = parseYaml('services:\n  web: {}\n  web: {}\n', 'c.yml');
    assert.deepEqual(issues, [
      {
        file: 'c.yml',
        path: 'services',
        message: 'line 3, column 3: mapping key "web" already defined at line 2',
        severity: 'error',
      },
    ]);
  });

  it('rejects a merge of something that is not a mapping', () => {
    const { issues } = parseYaml('a: &a [1]\nb:\n  <<: *a\n', 'c.yml');
    assert.deepEqual(issues, [
      {
        file: 'c.yml',
        path: 'b',
        message: 'line 3, column 7: map merge requires map or sequence of maps as the value',
        severity: 'error',
      },
    ]);
  });

  it('expands aliases as independent copies', () => {
    const doc = ok('a: &a {p: [1]}\nb: *a\n') as Record<string, Record<string, unknown>>;
    assert.deepEqual(doc.b, { p: [1] });
    assert.notEqual(doc.a, doc.b);
  });

  it('refuses an alias bomb with an issue instead of expanding it', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    const names = 'abcdefghi';
    for (let i = 1; i < names.length; i++) {
      const prev = `*${names[i - 1]}`;
      levels.push(`${names[i]}: &${names[i]} [${Array(9).fill(prev).join(',')}]`);
    }
    const { doc, issues } = parseYaml(`${levels.join('\n')}\n`, 'bomb.yml');
    assert.equal(doc, null);
    assert.equal(issues.length, 1);
    assert.match(issues[0]!.message, /too many alias expansions/);
  });

  it('reports an unknown anchor', () => {
    const { issues } = parseYaml('a: *nope\n', 'c.yml');
    assert.equal(issues.length >= 1, true);
    assert.ok(issues.some((i) => i.message.includes('nope')));
  });

  it('wraps !reset and !override values, including through aliases', () => {
    const doc = ok('a: !reset []\nb: !override {p: 1}\nc: !reset\nd: &d !override [x]\ne: *d\n') as Record<
      string,
      unknown
    >;
    assert.deepEqual(doc.a, new ResetTag([]));
    assert.deepEqual(doc.b, new OverrideTag({ p: 1 }));
    assert.ok(doc.a instanceof ResetTag);
    assert.ok(doc.b instanceof OverrideTag);
    assert.deepEqual(doc.c, new ResetTag(''));
    assert.ok(doc.e instanceof OverrideTag);
    assert.deepEqual((doc.e as OverrideTag).value, ['x']);
  });

  it('reports syntax errors with line and column, without throwing', () => {
    const { doc, issues } = parseYaml('services:\n  web: [1\n', 'c.yml');
    assert.equal(doc, null);
    assert.equal(issues.length, 1);
    assert.match(issues[0]!.message, /^line \d+, column \d+: /);
    assert.equal(issues[0]!.file, 'c.yml');
    assert.equal(issues[0]!.severity, 'error');
  });

  it('rejects binary garbage and invalid UTF-8 cleanly', () => {
    assert.deepEqual(parseYaml('a: 1\nb: \u0000\u0001', 'bin'), {
      doc: null,
      issues: [{ file: 'bin', message: 'line 2, column 4: control characters are not allowed', severity: 'error' }],
    });
    assert.deepEqual(parseYaml('a: caf\uFFFD\n', 'bad'), {
      doc: null,
      issues: [{ file: 'bad', message: 'line 1, column 7: invalid UTF-8 (is this a binary file?)', severity: 'error' }],
    });
  });

  it('strips a UTF-8 byte order mark', () => {
    assert.deepEqual(ok('\uFEFFa: 1\n'), { a: 1 });
  });

  it('rejects a second non-empty document but tolerates a trailing separator', () => {
    const { doc, issues } = parseYaml('a: 1\n---\nb: 2\n', 'c.yml');
    assert.deepEqual(doc, { a: 1 });
    assert.deepEqual(issues, [
      {
        file: 'c.yml',
        message:
          'line 3, column 1: multiple YAML documents in one compose file are not supported; split them into separate -f files',
        severity: 'error',
      },
    ]);
    assert.deepEqual(ok('---\na: 1\n---\n'), { a: 1 });
  });

  it('rejects non-string keys as compose-go does', () => {
    const { issues } = parseYaml('services:\n  web:\n    sysctls:\n      1: x\n', 'c.yml');
    assert.deepEqual(issues, [
      {
        file: 'c.yml',
        path: 'services.web.sysctls',
        message: 'line 4, column 7: non-string key in services.web.sysctls: 1',
        severity: 'error',
      },
    ]);
  });

  it('keeps __proto__ as a plain key', () => {
    const doc = ok('__proto__: {polluted: true}\n') as Record<string, unknown>;
    assert.deepEqual(Object.keys(doc), ['__proto__']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('parseYaml on the real corpus', () => {
  it('sentry-self-hosted: merge lists `<<: [*a, *b]` and nested anchors', () => {
    const doc = parseYaml(readFileSync(`${CORPUS}/sentry-self-hosted.yml`, 'utf8'), 'sentry.yml');
    assert.deepEqual(doc.issues, []);
    const services = (doc.doc as { services: Record<string, Record<string, unknown>> }).services;
    const web = services.web!;
    assert.equal(web.restart, 'unless-stopped');
    assert.ok(web.depends_on && typeof web.depends_on === 'object');
  });

  it('penpot: `<< : [...]` with a space before the colon', () => {
    const text = readFileSync(`${CORPUS}/penpot.yml`, 'utf8');
    const { doc, issues } = parseYaml(text, 'penpot.yml');
    assert.deepEqual(issues, []);
    const backend = (doc as { services: Record<string, { environment: Record<string, unknown> }> }).services[
      'penpot-backend'
    ]!;
    assert.ok(!('<<' in backend.environment));
    assert.ok(Object.keys(backend.environment).length > 3);
  });

  it('parses every single-file stack of the corpus without issues', () => {
    for (const name of ['appwrite', 'authentik', 'immich', 'loki-ssd', 'mailcow', 'supabase', 'zulip', 'dockprom']) {
      const { issues } = parseYaml(readFileSync(`${CORPUS}/${name}.yml`, 'utf8'), name);
      assert.deepEqual(issues, [], name);
    }
  });

  it('loki-ssd: scalar anchors and bare-int ports', () => {
    const { doc } = parseYaml(readFileSync(`${CORPUS}/loki-ssd.yml`, 'utf8'), 'loki.yml');
    const services = (doc as { services: Record<string, { image?: string }> }).services;
    const images = new Set(Object.values(services).map((s) => s.image));
    assert.ok(images.has('grafana/loki:2.9.10'));
  });
});

describe('parseYaml on hostile input', () => {
  it('reports pathological nesting instead of overflowing the stack', () => {
    const depth = 200_000;
    const { doc, issues } = parseYaml(`a: ${'['.repeat(depth)}${']'.repeat(depth)}\n`, 'deep.yml');
    assert.equal(doc, null);
    assert.equal(issues.length >= 1, true);
    assert.equal(issues[0]!.severity, 'error');
  });
});

describe('parseYaml: regressions found by the fuzz test', () => {
  it('reads an explicit key without a value (`? x`) instead of crashing on the empty node', () => {
    assert.deepEqual(parseYaml('? x\n', 'f.yml'), { doc: { x: null }, issues: [] });
    assert.deepEqual(parseYaml('a: [? x]\n', 'f.yml'), { doc: { a: [{ x: null }] }, issues: [] });
  });

  it('says a block mapping nested past what the parser can hold is nested too deeply, not a JavaScript error', () => {
    let text = 'a:\n';
    for (let i = 1; i < 2000; i++) text += `${' '.repeat(i)}k${i}:\n`;
    const { doc, issues } = parseYaml(`${text}${' '.repeat(2000)}v: 1\n`, 'deep.yml');
    assert.equal(doc, null);
    assert.equal(issues.length, 1);
    assert.match(issues[0]!.message, /^(line \d+, column \d+: )?the file is nested too deeply to parse/);
  });

  it('refuses bracket nesting deeper than 1000 levels before parsing, in milliseconds', () => {
    const started = performance.now();
    const { doc, issues } = parseYaml(`a: ${'{b: '.repeat(50_000)}1${'}'.repeat(50_000)}\n`, 'deep.yml');
    assert.equal(doc, null);
    assert.deepEqual(issues, [
      {
        file: 'deep.yml',
        message: 'line 1, column 4004: brackets nested more than 1000 levels deep',
        severity: 'error',
      },
    ]);
    assert.ok(performance.now() - started < 500);
    assert.equal(parseYaml(`a: ${'['.repeat(100)}${']'.repeat(100)}\n`, 'ok.yml').issues.length, 0);
  });
});
