// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are compose templates, not JS templates.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CORPUS } from '../../test/support/corpus.js';
import { parseDotenv } from './dotenv.js';
import { InterpolationError, interpolateString, interpolateTree, type Lookup } from './interpolate.js';
import { OverrideTag, parseYaml, ResetTag } from './yaml.js';

const ENV: Record<string, string> = { A: 'a', EMPTY: '', HOST: 'db', PORT: '5432' };
const lookup: Lookup = (name) => ENV[name];
const value = (template: string) => interpolateString(template, lookup).value;

function failure(template: string): InterpolationError {
  try {
    interpolateString(template, lookup);
  } catch (error) {
    assert.ok(error instanceof InterpolationError);
    return error;
  }
  assert.fail(`expected ${template} to throw`);
}

describe('interpolateString', () => {
  it('substitutes $VAR and ${VAR}', () => {
    assert.equal(value('$HOST:$PORT'), 'db:5432');
    assert.equal(value('${HOST}_x'), 'db_x');
    assert.equal(value('$HOST_x'), '');
    assert.equal(value('pre${A}post'), 'preapost');
  });

  it('reports unset variables without a default and substitutes ""', () => {
    assert.deepEqual(interpolateString('$NOPE ${NOPE} ${OTHER}', lookup), { value: '  ', unset: ['NOPE', 'OTHER'] });
    assert.deepEqual(interpolateString('${NOPE:-d}', lookup), { value: 'd', unset: [] });
    assert.deepEqual(interpolateString('${NOPE:-$DEEP}', lookup), { value: '', unset: ['DEEP'] });
  });

  it('applies defaults: `:-` on unset or empty, `-` on unset only', () => {
    assert.equal(value('${NOPE:-d}'), 'd');
    assert.equal(value('${EMPTY:-d}'), 'd');
    assert.equal(value('${A:-d}'), 'a');
    assert.equal(value('${NOPE-d}'), 'd');
    assert.equal(value('${EMPTY-d}'), '');
    assert.equal(value('${A-d}'), 'a');
    assert.equal(value('${NOPE:-}'), '');
  });

  it('applies alternatives: `:+` when set and non-empty, `+` when set', () => {
    assert.equal(value('${A:+x}'), 'x');
    assert.equal(value('${EMPTY:+x}'), '');
    assert.equal(value('${NOPE:+x}'), '');
    assert.equal(value('${A+x}'), 'x');
    assert.equal(value('${EMPTY+x}'), 'x');
    assert.equal(value('${NOPE+x}'), '');
  });

  it('does not evaluate (nor report) the branch not taken', () => {
    assert.deepEqual(interpolateString('${NOPE:+${NOPE},}b', lookup), { value: 'b', unset: [] });
    assert.deepEqual(interpolateString('${A:-${NOPE}}', lookup), { value: 'a', unset: [] });
  });

  it('fails `:?` on unset or empty and `?` on unset only, with the message interpolated', () => {
    const required = failure('${PG_PASS:?database password required}');
    assert.equal(required.kind, 'required');
    assert.equal(required.variable, 'PG_PASS');
    assert.equal(required.message, 'required variable PG_PASS is missing a value: database password required');
    assert.equal(failure('${EMPTY:?}').message, 'required variable EMPTY is missing a value');
    assert.equal(failure('${NOPE?set $HOST}').message, 'required variable NOPE is missing a value: set db');
    assert.equal(value('${EMPTY?x}'), '');
    assert.equal(value('${A:?x}'), 'a');
  });

  it('nests defaults', () => {
    assert.equal(value('${NOPE:-${OTHER:-c}}'), 'c');
    assert.equal(value('${NOPE:-${HOST:-c}}'), 'db');
    assert.equal(value('${NOPE:-${OTHER:-${A}}}'), 'a');
    assert.equal(value('${NOPE:-x${A}y}z'), 'xayz');
    assert.equal(value('${NOPE:-127.0.0.1:13306}:3306'), '127.0.0.1:13306:3306');
  });

  it('handles several templates and braces around them', () => {
    assert.equal(value('${NOPE:-x} and ${OTHER:-y}'), 'x and y');
    assert.equal(value('${A:-x}}'), 'a}');
    assert.equal(value('{${A}}'), '{a}');
    assert.equal(value('${NOPE:-{}}'), '{}');
  });

  it('turns $$ into a literal $ and leaves a $ that starts no name alone', () => {
    assert.equal(value('$$HOST'), '$HOST');
    assert.equal(value('$${HOST}'), '${HOST}');
    assert.equal(value('a$$$$b'), 'a$$b');
    assert.equal(value('cost: $5, $ sign, $-x, end$'), 'cost: $5, $ sign, $-x, end$');
  });

  it('rejects invalid templates', () => {
    for (const template of ['${', '${A', '${}', '${1A}', '${A B}', '${A:x}', '${A:-x', 'x ${A:-\n}', '${A/a/b}']) {
      const error = failure(template);
      assert.equal(error.kind, 'invalid', template);
      assert.equal(error.message, `invalid interpolation format: ${JSON.stringify(template)}`);
    }
  });
});

describe('interpolateTree', () => {
  it('interpolates values, never keys, and keeps other scalars', () => {
    const result = interpolateTree(
      { services: { $A: { image: 'x:${TAG:-1}', command: ['echo', '$$HOME', '$HOST'], scale: 2, tty: null } } },
      lookup,
      'c.yml',
    );
    assert.deepEqual(result, {
      value: { services: { $A: { image: 'x:1', command: ['echo', '$HOME', 'db'], scale: 2, tty: null } } },
      issues: [],
      unset: [],
    });
  });

  it('collects every error with its dotted path and keeps the raw value', () => {
    const result = interpolateTree(
      {
        services: {
          web: { image: '${', ports: ['${P:-80}:80', '$${x', '${A:x}'] },
          db: { environment: { PASSWORD: '${PG_PASS:?database password required}' } },
        },
      },
      lookup,
      'c.yml',
    );
    assert.deepEqual(result.issues, [
      {
        file: 'c.yml',
        path: 'services.web.image',
        message:
          'invalid interpolation format for services.web.image: "${". You may need to escape any $ with another $.',
        severity: 'error',
      },
      {
        file: 'c.yml',
        path: 'services.web.ports.2',
        message:
          'invalid interpolation format for services.web.ports.2: "${A:x}". You may need to escape any $ with another $.',
        severity: 'error',
      },
      {
        file: 'c.yml',
        path: 'services.db.environment.PASSWORD',
        message: 'required variable PG_PASS is missing a value: database password required',
        severity: 'error',
      },
    ]);
    const services = (result.value as { services: Record<string, Record<string, unknown>> }).services;
    assert.deepEqual(services.web!.ports, ['80:80', '${x', '${A:x}']);
  });

  it('collects unset variables once, in order', () => {
    const result = interpolateTree({ a: '$X', b: ['${Y}', '$X'], c: { d: '${Z:-z}' } }, lookup, 'c.yml');
    assert.deepEqual(result.unset, ['X', 'Y']);
  });

  it('interpolates inside !reset and !override and keeps the wrappers', () => {
    const result = interpolateTree({ a: new ResetTag(['$A']), b: new OverrideTag({ c: '$HOST' }) }, lookup, 'c.yml');
    const tree = result.value as { a: ResetTag; b: OverrideTag };
    assert.ok(tree.a instanceof ResetTag);
    assert.ok(tree.b instanceof OverrideTag);
    assert.deepEqual(tree.a.value, ['a']);
    assert.deepEqual(tree.b.value, { c: 'db' });
  });

  it('casts typed paths after interpolation', () => {
    const env: Record<string, string> = { R: '5', T: 'true', V6: 'false', N: '3', P: '8080', NOFILE: '1024' };
    const result = interpolateTree(
      {
        services: {
          web: {
            healthcheck: { retries: '$R', disable: 'FALSE' },
            privileged: '$T',
            read_only: 'false',
            init: 'true',
            tty: 'True',
            stdin_open: 'false',
            deploy: { replicas: '${N}', restart_policy: { max_attempts: '2' } },
            ports: [{ target: '$P', published: '8080' }, '8080:80'],
            ulimits: { nproc: '$NOFILE', nofile: { soft: '1', hard: '2' } },
            cpus: '0.5',
            depends_on: { db: { condition: 'service_healthy', required: 'false', restart: 'true' } },
            volumes: [{ type: 'volume', read_only: 'true', volume: { nocopy: 'true' } }],
            environment: { RETRIES: '$R' },
          },
        },
        networks: { back: { external: 'false', internal: 'true', enable_ipv6: '$V6', attachable: 'false' } },
        volumes: { data: { external: 'true' } },
        secrets: { s: { external: 'false' } },
        configs: { c: { external: 'true' } },
      },
      (name) => env[name],
      'c.yml',
    );
    assert.deepEqual(result.issues, []);
    assert.deepEqual(result.value, {
      services: {
        web: {
          healthcheck: { retries: 5, disable: false },
          privileged: true,
          read_only: false,
          init: true,
          tty: true,
          stdin_open: false,
          deploy: { replicas: 3, restart_policy: { max_attempts: 2 } },
          ports: [{ target: 8080, published: '8080' }, '8080:80'],
          ulimits: { nproc: 1024, nofile: { soft: 1, hard: 2 } },
          cpus: 0.5,
          depends_on: { db: { condition: 'service_healthy', required: false, restart: true } },
          volumes: [{ type: 'volume', read_only: true, volume: { nocopy: true } }],
          environment: { RETRIES: '5' },
        },
      },
      networks: { back: { external: false, internal: true, enable_ipv6: false, attachable: false } },
      volumes: { data: { external: true } },
      secrets: { s: { external: false } },
      configs: { c: { external: true } },
    });
  });

  it('accepts YAML 1.1 booleans with a warning and reports values that cannot be cast', () => {
    const result = interpolateTree(
      { services: { web: { privileged: 'yes', tty: 'maybe', scale: 'two', healthcheck: { retries: '1.5' } } } },
      lookup,
      'c.yml',
    );
    assert.deepEqual(result.value, {
      services: { web: { privileged: true, tty: 'maybe', scale: 'two', healthcheck: { retries: '1.5' } } },
    });
    assert.deepEqual(result.issues, [
      {
        file: 'c.yml',
        path: 'services.web.privileged',
        message: '"yes" for boolean is not supported by YAML 1.2, please use `true`',
        severity: 'warning',
      },
      {
        file: 'c.yml',
        path: 'services.web.tty',
        message: '"maybe" is not a boolean (use true or false)',
        severity: 'error',
      },
      { file: 'c.yml', path: 'services.web.scale', message: '"two" is not an integer', severity: 'error' },
      {
        file: 'c.yml',
        path: 'services.web.healthcheck.retries',
        message: '"1.5" is not an integer',
        severity: 'error',
      },
    ]);
  });

  it('handles the real corpus: authentik requires its secrets, mailcow casts enable_ipv6', () => {
    const authentik = parseYaml(readFileSync(`${CORPUS}/authentik.yml`, 'utf8'), 'authentik.yml');
    const result = interpolateTree(authentik.doc, () => undefined, 'authentik.yml');
    assert.deepEqual(
      result.issues.map((i) => `${i.path}: ${i.message}`),
      [
        'services.postgresql.environment.POSTGRES_PASSWORD: required variable PG_PASS is missing a value: database password required',
        'services.server.environment.AUTHENTIK_SECRET_KEY: required variable AUTHENTIK_SECRET_KEY is missing a value: secret key required',
        'services.worker.environment.AUTHENTIK_SECRET_KEY: required variable AUTHENTIK_SECRET_KEY is missing a value: secret key required',
      ],
    );
    const mailcow = parseYaml(readFileSync(`${CORPUS}/mailcow.yml`, 'utf8'), 'mailcow.yml');
    const tree = interpolateTree(mailcow.doc, () => undefined, 'mailcow.yml').value as {
      networks: Record<string, { enable_ipv6?: unknown }>;
    };
    assert.ok(Object.values(tree.networks).some((n) => n.enable_ipv6 === true));
  });

  it('handles the real corpus: supabase with its .env keeps $$ escapes as $', () => {
    const env = parseDotenv(readFileSync(`${CORPUS}/supabase.env`, 'utf8'), 'supabase.env', () => undefined).values;
    const parsed = parseYaml(readFileSync(`${CORPUS}/supabase.yml`, 'utf8'), 'supabase.yml');
    const result = interpolateTree(parsed.doc, (name) => env[name], 'supabase.yml');
    assert.deepEqual(result.issues, []);
    const text = JSON.stringify(result.value);
    assert.ok(!text.includes('$$'));
    assert.ok(text.includes('$(cat'));
  });
});
