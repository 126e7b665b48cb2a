// One line per problem, at a path that exists in the file named: the loader's messages for broken input.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InputError } from '../errors.js';
import { loadProjectFrom } from './load-project.js';
import { fileSources } from './read-sources.js';
import { fixture, load, loadErrors } from './test-fixtures.js';

describe('loadProject messages: one line per problem', () => {
  it('reports each bad volume once, at its own index', async () => {
    const dir = fixture({
      'compose.yaml': 'services: {s: {image: x, volumes: [":::", {type: bogus, target: /x}, {type: volume}]}}\n',
    });
    assert.deepEqual(await loadErrors(dir), [
      'compose.yaml › services.s.volumes.1.type: "bogus" must be one of "bind", "volume", "tmpfs", "cluster", "npipe", "image"',
      'compose.yaml › services.s.volumes.0: ":::" is not a valid volume (use SOURCE:TARGET[:MODE])',
      'compose.yaml › services.s.volumes.2.target: is required',
    ]);
  });

  it('reads volume flags at the index the file gives them, before invalid entries are dropped', async () => {
    const dir = fixture({
      'compose.yaml':
        'services: {s: {image: x, volumes: [":::", {type: bind, source: ., target: /x, read_only: maybe}]}}\n',
    });
    assert.deepEqual(await loadErrors(dir), [
      'compose.yaml › services.s.volumes.1.read_only: "maybe" is not a boolean (use true or false)',
      'compose.yaml › services.s.volumes.0: ":::" is not a valid volume (use SOURCE:TARGET[:MODE])',
    ]);
  });

  it('reports a bad port protocol at its index, before ranges are expanded', async () => {
    const dir = fixture({
      'compose.yaml': 'services: {s: {image: x, ports: ["8000-8002:80-82", {target: 1, protocol: xyz}]}}\n',
    });
    assert.deepEqual(await loadErrors(dir), ['compose.yaml › services.s.ports.1.protocol: unknown protocol "xyz"']);
  });

  it('reports a value that fails its type cast once, in dotted path style', async () => {
    const dir = fixture({
      'compose.yaml': 'services: {a: {image: x, healthcheck: {retries: many}, ports: [1, 2, {target: "x"}]}}\n',
    });
    assert.deepEqual(await loadErrors(dir), [
      'compose.yaml › services.a.healthcheck.retries: "many" is not an integer',
      'compose.yaml › services.a.ports.2.target: "x" is not an integer',
    ]);
  });

  it('reports a bad include once', async () => {
    const notList = fixture({ 'compose.yaml': 'include: ./x.yaml\nservices: {a: {image: x}}\n' });
    assert.deepEqual(await loadErrors(notList), ['compose.yaml › include: must be a list (got "./x.yaml")']);
    const badPath = fixture({ 'compose.yaml': 'include: [{path: 5}]\nservices: {a: {image: x}}\n' });
    assert.deepEqual(await loadErrors(badPath), ['compose.yaml › include.0.path: must be a string or a list (got 5)']);
    const missingEnv = fixture({
      'compose.yaml': 'include: [{path: ./x.yaml, env_file: nope.env}]\nservices: {a: {image: x}}\n',
      'x.yaml': 'services: {b: {image: y}}\n',
    });
    assert.deepEqual(await loadErrors(missingEnv), ['compose.yaml › include.0.env_file: nope.env: env file not found']);
  });

  it('drops what follows from a failed extends or an undefined anchor', async () => {
    const extending = fixture({ 'compose.yaml': 'services: {a: {extends: {service: nope}}}\n' });
    assert.deepEqual(await loadErrors(extending), [
      'compose.yaml › services.a.extends.service: cannot extend undefined service "nope"',
    ]);
    const anchored = fixture({ 'compose.yaml': 'services:\n  a:\n    image: x\n    healthcheck: *nope\n' });
    assert.deepEqual(await loadErrors(anchored), [
      'compose.yaml › services.a.healthcheck: line 4, column 18: unknown anchor "nope"',
    ]);
  });

  it('reports a base value once when the service extending it is also in the file', async () => {
    const dir = fixture({
      'compose.yaml': 'services: {b: {image: x, healthcheck: {interval: nope}}, web: {extends: b}}\n',
    });
    assert.deepEqual(await loadErrors(dir), [
      'compose.yaml › services.b.healthcheck.interval: "nope" is not a duration',
    ]);
  });
});

describe('loadProject messages: paths that exist in the file named', () => {
  it('names the base service for a value inherited through extends', async () => {
    const dir = fixture({
      'compose.yaml': 'services: {web: {extends: {file: ./base.yaml, service: b}}}\n',
      'base.yaml': 'services: {b: {image: x, healthcheck: {interval: nope}}}\n',
    });
    assert.deepEqual(await loadErrors(dir), ['base.yaml › services.b.healthcheck.interval: "nope" is not a duration']);
  });

  it('keeps a nested key written by the extending service in its own file', async () => {
    const dir = fixture({
      'compose.yaml': 'services: {web: {extends: {file: ./base.yaml, service: b}, healthcheck: {timeout: bad}}}\n',
      'base.yaml': 'services: {b: {image: x, healthcheck: {interval: nope}}}\n',
    });
    assert.deepEqual(await loadErrors(dir), [
      'base.yaml › services.b.healthcheck.interval: "nope" is not a duration',
      'compose.yaml › services.web.healthcheck.timeout: "bad" is not a duration',
    ]);
  });

  it('reports an unreadable include or extends file at the key naming it', async () => {
    const include = fixture({
      'compose.yaml': 'include: [./missing.yaml, {path: [./sub]}]\nservices: {a: {image: x}}\n',
      'sub/a': '',
    });
    assert.deepEqual(await loadErrors(include), [
      'compose.yaml › include.0: ./missing.yaml not found',
      'compose.yaml › include.1.path.0: ./sub is a directory, not a compose file',
    ]);
    const extending = fixture({ 'compose.yaml': 'services: {web: {extends: {file: ./missing.yaml, service: b}}}\n' });
    assert.deepEqual(await loadErrors(extending), [
      'compose.yaml › services.web.extends.file: ./missing.yaml not found',
    ]);
  });
});

describe('loadProject messages: files that cannot be compose files', () => {
  it('says why a compose file cannot be read', async () => {
    const dir = fixture({ 'compose.yaml': 'services: {a: {image: x}}\n' });
    const denied = fileSources();
    const sources = {
      ...denied,
      read: (path: string) =>
        path.endsWith('compose.yaml') ? { problem: 'permission denied' as const } : denied.read(path),
    };
    const issues = (() => {
      try {
        loadProjectFrom({ files: [], cwd: dir, env: {} }, sources);
      } catch (error) {
        if (error instanceof InputError) return error.issues;
        throw error;
      }
      return [];
    })();
    assert.deepEqual(issues, [{ file: 'compose.yaml', message: 'permission denied', severity: 'error' }]);
  });

  it('reports a missing file at the filesystem root once, by its absolute path, and nothing that follows from it', async () => {
    const issues = (() => {
      try {
        loadProjectFrom({ files: ['/rehearsa-no-such-compose.yml'], cwd: '/', env: {} }, fileSources());
      } catch (error) {
        if (error instanceof InputError) return error.issues;
        throw error;
      }
      return [];
    })();
    assert.deepEqual(issues, [
      { file: '/rehearsa-no-such-compose.yml', message: 'compose file not found', severity: 'error' },
    ]);
  });

  it('finds a directory named compose.yaml, as Compose does, and says what it is', async () => {
    const dir = fixture({});
    mkdirSync(join(dir, 'compose.yaml'));
    assert.deepEqual(await loadErrors(dir), ['compose.yaml: is a directory, not a compose file']);
  });

  it('reads an empty file (/dev/null) as an empty compose file, and refuses standard input', async () => {
    const dir = fixture({});
    assert.deepEqual(await loadErrors(dir, { files: ['/dev/null'] }), ['/dev/null: empty compose file']);
    assert.deepEqual(await loadErrors(dir, { files: ['-'] }), [
      'reading a compose file from standard input is not supported',
    ]);
  });

  it('reports one line for a file that is clearly something else', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => `service${i}: ${i}/tcp`).join('\n');
    const dir = fixture({ 'services.txt': `${lines}\n`, 'notes.yaml': 'title: x\nauthor: y\n' });
    assert.deepEqual(await loadErrors(dir, { files: ['services.txt'] }), [
      'services.txt: does not look like a compose file (no services, networks, volumes…)',
    ]);
    assert.deepEqual(await loadErrors(dir, { files: ['notes.yaml'] }), [
      'notes.yaml: does not look like a compose file (no services, networks, volumes…)',
    ]);
    const typo = fixture({ 'compose.yaml': 'servics: {a: {image: x}}\n' });
    assert.deepEqual(await loadErrors(typo), ['compose.yaml › servics: unknown top-level key "servics"']);
  });

  it('reports only the first YAML syntax error, with the quoted text cut short', async () => {
    const lines = Array.from(
      { length: 30 },
      (_, i) => `name${i}\t\t${i}/tcp\t\talias-number-${i} and a long description`,
    );
    const dir = fixture({ 'compose.yaml': `# services\ntcpmux\t\t1/tcp\t\t# mux\n${lines.join('\n')}\n` });
    const errors = await loadErrors(dir);
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /^compose\.yaml: line 3, column 1: /);
    assert.ok(errors[0]!.length < 160, errors[0]);
  });
});

describe('loadProject messages: .env', () => {
  it('reports a binary .env without echoing it', async () => {
    const dir = fixture({ 'compose.yaml': 'services: {a: {image: x}}\n' });
    writeFileSync(join(dir, '.env'), Buffer.from([0x41, 0x3d, 0x31, 0x0a, 0xff, 0xfe, 0x00, 0x80, 0x9f]));
    assert.deepEqual(await loadErrors(dir), ['.env: line 2: invalid UTF-8 (is this a binary file?)']);
  });

  it('cuts a long bad variable name short', async () => {
    const dir = fixture({ 'compose.yaml': 'services: {a: {image: x}}\n', '.env': `BAD/${'x'.repeat(100)}=1\n` });
    assert.deepEqual(await loadErrors(dir), [
      `.env: line 1: unexpected character "/" in variable name "BAD/${'x'.repeat(36)}…"`,
    ]);
  });

  it('skips a directory named .env as Compose does, but not one given with --env-file', async () => {
    const dir = fixture({ 'compose.yaml': 'services: {a: {image: x}}\n' });
    mkdirSync(join(dir, '.env'));
    assert.deepEqual(Object.keys((await load(dir)).services), ['a']);
    assert.deepEqual(await loadErrors(dir, { envFiles: ['.env'] }), ['.env: is a directory, not an env file']);
  });
});
