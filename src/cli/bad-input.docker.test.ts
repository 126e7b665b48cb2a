import assert from 'node:assert/strict';
import { linkSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { leftovers, runRehearsa, uniqueStack, writeTree } from '../../test/support/cli.js';

const cases: { name: string; files: Record<string, string>; args: string[]; stderr: (string | RegExp)[] }[] = [
  {
    name: 'a missing file',
    files: {},
    args: ['missing.yml'],
    stderr: ['rehearsa: missing.yml: compose file not found'],
  },
  {
    name: 'an unknown depends_on target',
    files: { 'compose.yaml': 'services:\n  a:\n    image: x\n    depends_on: [ghost]\n' },
    args: ['compose.yaml'],
    stderr: ['rehearsa: compose.yaml › services.a.depends_on: depends on undefined service "ghost"'],
  },
  {
    name: 'a dependency cycle, named',
    files: { 'compose.yaml': 'services:\n  a: {image: x, depends_on: [b]}\n  b: {image: x, depends_on: [a]}\n' },
    args: ['compose.yaml'],
    stderr: ['rehearsa: compose.yaml: dependency cycle: a -> b -> a'],
  },
  {
    name: 'an invalid duration',
    files: {
      'compose.yaml':
        'services:\n  db:\n    image: x\n    healthcheck:\n      test: ["CMD", "true"]\n      interval: "90"\n',
    },
    args: ['compose.yaml'],
    stderr: ['rehearsa: compose.yaml › services.db.healthcheck.interval: "90" is not a duration (use 1m30s)'],
  },
  {
    // Node 20 itself reads a --env-file flag anywhere in argv unless the script runs after `node --`.
    name: 'a missing --env-file',
    files: { 'compose.yaml': 'services:\n  a: {image: x}\n' },
    args: ['--env-file', 'nope.env'],
    stderr: ['rehearsa: nope.env: env file not found'],
  },
  {
    name: 'an env-file value quoted by a validation message is masked',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: compose interpolation, not a JavaScript template
    files: { '.env': 'PW=Hunter2Secret\n', 'compose.yaml': 'services:\n  app: {image: x, cpus: "${PW}"}\n' },
    args: [],
    stderr: ['rehearsa: compose.yaml › services.app.cpus: "••••••" is not a number'],
  },
  {
    name: 'an image reference the engine would refuse',
    files: { 'compose.yaml': 'services:\n  web: {image: "UPPER/Case:bad tag"}\n' },
    args: [],
    stderr: [
      `rehearsa: compose.yaml › services.web.image: "UPPER/Case:bad tag" is not a valid image reference (repository names are lowercase; a tag is letters, digits, '.', '_' or '-')`,
    ],
  },
  {
    name: 'a pull_policy the rehearsal cannot honour',
    files: { 'compose.yaml': 'services:\n  web: {image: rehearsa-fixture/busybox:1, pull_policy: sometimes}\n' },
    args: [],
    stderr: [
      'rehearsa: compose.yaml › services.web.pull_policy: "sometimes" must be one of always, never, missing, build, daily, weekly, refresh or every_<duration>',
    ],
  },
  {
    name: 'no service left to rehearse',
    files: { 'compose.yaml': 'services:\n  web: {image: x, profiles: [debug]}\n' },
    args: [],
    stderr: ['rehearsa: compose.yaml: no service to rehearse; web needs a profile (--profile)'],
  },
  {
    name: 'the same --restore target twice',
    files: { 'compose.yaml': 'services:\n  a: {image: x, volumes: [data:/d]}\nvolumes:\n  data: {}\n' },
    args: ['--restore', 'data=./a.tar', '--restore', 'data=./b.tar'],
    stderr: ['rehearsa: --restore data: given more than once'],
  },
  {
    name: 'every problem of the data declaration at once',
    files: {
      'compose.yaml':
        'services:\n  a: {image: x, volumes: [data:/d]}\nvolumes:\n  data: {}\nx-rehearsa:\n  binds: rw\n  restore:\n    nope: {from: live}\n',
    },
    args: [],
    stderr: [
      'rehearsa: compose.yaml › x-rehearsa.binds: "rw" must be one of copy, readonly, empty',
      'rehearsa: compose.yaml › x-rehearsa.restore.nope: "nope" names no volume or bind target of the stack (known: data)',
    ],
  },
  {
    name: 'a helper image the engine could not parse',
    files: { 'compose.yaml': 'services:\n  a: {image: x}\nx-rehearsa:\n  helper_image: NOT VALID\n' },
    args: [],
    stderr: ['rehearsa: compose.yaml › x-rehearsa.helper_image: "NOT VALID" is not a valid image reference'],
  },
  {
    name: 'a rehearsa.yml that cannot be read',
    files: { 'compose.yaml': 'services:\n  a: {image: x}\n', 'rehearsa.yml/keep': '' },
    args: [],
    stderr: ['rehearsa: rehearsa.yml: cannot be read: is a directory, not a file'],
  },
  {
    name: 'a report written over the compose file it rehearses',
    files: { 'compose.yaml': 'services:\n  a: {image: x}\n' },
    args: ['--report-html', 'compose.yaml'],
    stderr: [/^rehearsa: cannot write the HTML report: \/.*\/compose\.yaml is an input of this rehearsal$/],
  },
  {
    name: "Compose's own settings stay readable in a message",
    files: { '.env': 'COMPOSE_PROJECT_NAME=Bad Name!\n', 'compose.yaml': 'services:\n  a: {image: x}\n' },
    args: [],
    stderr: [
      'rehearsa: .env › COMPOSE_PROJECT_NAME: invalid project name "Bad Name!": must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number',
    ],
  },
  {
    name: 'an unknown flag',
    files: {},
    args: ['--bogus', 'x.yml'],
    stderr: ["rehearsa: unknown option '--bogus'"],
  },
];

describe('bad input: exit 2, one clear line per problem, no stack trace, nothing created', () => {
  for (const c of cases) {
    test(c.name, async () => {
      const dir = writeTree(c.files);
      const stack = uniqueStack('bad');
      const data = mkdtempSync(join(tmpdir(), 'rehearsa-data-'));
      const result = await runRehearsa(['stack', 'test', '--stack', stack, ...c.args], { cwd: dir, dataDir: data });
      assert.equal(result.code, 2);
      const lines = result.stderr.trimEnd().split('\n');
      assert.equal(lines.length, c.stderr.length, result.stderr);
      for (const [i, expected] of c.stderr.entries()) {
        if (expected instanceof RegExp) assert.match(lines[i]!, expected);
        else assert.equal(lines[i], expected);
      }
      assert.equal(result.stdout, '');
      assert.deepEqual(await leftovers(`rehearsa.stack=${stack}`), []);
    });
  }

  test('malformed YAML names the file and the line', async () => {
    const dir = writeTree({ 'compose.yaml': 'services:\n  a:\n    image: x\n   bad: [\n' });
    const result = await runRehearsa(['stack', 'test'], {
      cwd: dir,
      dataDir: mkdtempSync(join(tmpdir(), 'rehearsa-data-')),
    });
    assert.equal(result.code, 2);
    for (const line of result.stderr.trimEnd().split('\n'))
      assert.match(line, /^rehearsa: compose\.yaml: line \d+, column \d+: /);
    assert.doesNotMatch(result.stderr, /at .*\.(ts|mjs):\d+/);
  });

  test('all problems of a file are reported together', async () => {
    const dir = writeTree({
      'compose.yaml':
        'services:\n  a:\n    image: x\n    colour: red\n    healthcheck: {interval: 5q}\n  b: {image: y, ports: ["abc"]}\n',
    });
    const result = await runRehearsa(['stack', 'test'], {
      cwd: dir,
      dataDir: mkdtempSync(join(tmpdir(), 'rehearsa-data-')),
    });
    assert.equal(result.code, 2);
    const lines = result.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 3);
    assert.ok(lines.includes('rehearsa: compose.yaml › services.a.colour: unknown key "colour"'));
  });

  test('other commands: a missing subcommand, an empty serve host, unknown stacks for policies, a data dir that is a file', async () => {
    const data = mkdtempSync(join(tmpdir(), 'rehearsa-data-'));
    const file = join(data, 'a-file');
    writeFileSync(file, '');
    const expect = async (args: string[], stderr: RegExp) => {
      const result = await runRehearsa(args, { dataDir: data });
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, stderr, args.join(' '));
    };
    await expect(['stack'], /^Usage: rehearsa stack/);
    // A flag value quoted back never carries a terminal escape to the screen.
    await expect(
      ['stack', 'test', '--timeout', '1\u001b[31m'],
      /^rehearsa: option '--timeout <seconds>' argument '1\\u001b\[31m' is invalid/,
    );
    await expect(
      ['serve', '--host', ''],
      /^rehearsa: option '--host <address>' argument '' is invalid\. must not be empty\n$/,
    );
    await expect(['policy', 'show', 'nope'], /^rehearsa: unknown stack "nope" \(see rehearsa status\)\n$/);
    await expect(['policy', 'delete', 'nope'], /^rehearsa: unknown stack "nope" \(see rehearsa status\)\n$/);
    await expect(
      ['--data-dir', file, 'status'],
      /^rehearsa: cannot open history database .*: .*a-file \(or a directory above it\) is a file, not a directory\n$/,
    );
  });

  test('a report is never written over an input by another name, nor into the data directory', async () => {
    const dir = writeTree({ 'compose.yaml': 'services:\n  a: {image: x}\n' });
    linkSync(join(dir, 'compose.yaml'), join(dir, 'hard.yaml'));
    const data = mkdtempSync(join(tmpdir(), 'rehearsa-data-'));
    const status = await runRehearsa(['status'], { dataDir: data });
    assert.equal(status.code, 0, 'the history database exists');
    const history = join(data, 'history.db');
    for (const [flag, path, why] of [
      ['--report-junit', 'hard.yaml', 'is an input of this rehearsal'],
      ['--report-html', '.env', 'is an input of this rehearsal'],
      ['--report-html', history, `is inside the data directory ${data}`],
    ] as const) {
      const result = await runRehearsa(['stack', 'test', flag, path], { cwd: dir, dataDir: data });
      assert.equal(result.code, 2, result.stderr);
      assert.ok(result.stderr.includes(why), result.stderr);
    }
    assert.equal(readFileSync(join(dir, 'compose.yaml'), 'utf8'), 'services:\n  a: {image: x}\n');
    const after = await runRehearsa(['status'], { dataDir: data });
    assert.equal(after.code, 0, after.stderr);
  });

  test('an unknown stack for history, and a policy value out of range', async () => {
    const data = mkdtempSync(join(tmpdir(), 'rehearsa-data-'));
    const history = await runRehearsa(['history', 'nope'], { dataDir: data });
    assert.deepEqual([history.code, history.stderr], [2, 'rehearsa: unknown stack "nope" (see rehearsa status)\n']);
    const policy = await runRehearsa(['policy', 'set', 'demo', '--min-confidence', '180'], { dataDir: data });
    assert.deepEqual(
      [policy.code, policy.stderr],
      [2, 'rehearsa: --min-confidence: "180" must be an integer from 0 to 100\n'],
    );
  });
});
