// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Compose `${VAR}` templates are the test data.
// The loader's remaining Compose rules, each with the exact normalised values Compose would produce.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fixture, load, loadErrors } from './test-fixtures.js';

const started = (origin: string, restart: boolean) => ({
  condition: 'service_started',
  required: true,
  restart,
  origin,
});

describe('loadProject: problems found after merging name the file that wrote the value', () => {
  it('attributes normalisation problems to the -f file, included file or extended file they come from', async () => {
    const dir = fixture({
      'compose.yaml': [
        'include: [inc/db.yml]',
        'services:',
        '  web:',
        '    image: web',
        '    healthcheck: {test: [CMD, "true"], interval: 10s}',
        '  worker:',
        '    extends: {file: common.yml, service: base}',
        '',
      ].join('\n'),
      'override.yaml': [
        'services:',
        '  web:',
        '    healthcheck: {timeout: soon}',
        '    volumes: [missing:/data]',
        '    depends_on: [ghost]',
        '',
      ].join('\n'),
      'inc/db.yml': 'services:\n  db:\n    image: db\n    shm_size: lots\n',
      'common.yml': 'services:\n  base:\n    image: base\n    stop_grace_period: "10"\n',
    });
    assert.deepEqual(await loadErrors(dir, { files: ['compose.yaml', 'override.yaml'] }), [
      'override.yaml › services.web.volumes: refers to undefined volume "missing" (declare it under top-level volumes)',
      'override.yaml › services.web.depends_on: depends on undefined service "ghost"',
      'override.yaml › services.web.healthcheck.timeout: "soon" is not a duration',
      'common.yml › services.base.stop_grace_period: "10" is not a duration (use 10s)',
      'inc/db.yml › services.db.shm_size: "lots" is not a size (use 64m)',
    ]);
  });

  it('keeps the first file for what a later file does not touch', async () => {
    const dir = fixture({
      'a.yml': 'services:\n  s:\n    image: s\n    healthcheck: {interval: "90"}\n',
      'b.yml': 'services:\n  s:\n    healthcheck: {retries: 3}\n',
    });
    assert.deepEqual(await loadErrors(dir, { files: ['a.yml', 'b.yml'] }), [
      'a.yml › services.s.healthcheck.interval: "90" is not a duration (use 1m30s)',
    ]);
  });
});

describe('loadProject: implicit dependencies', () => {
  it('ipc: service:X and pid: service:X depend on X and restart with it; container:/host modes do not', async () => {
    const dir = fixture({
      'compose.yaml': [
        'services:',
        '  main: {image: m}',
        '  side: {image: s, ipc: "service:main", pid: "service:main"}',
        '  peer: {image: p, pid: "service:side", ipc: shareable}',
        '  hostish: {image: h, pid: host, ipc: "container:abc"}',
        '',
      ].join('\n'),
    });
    const { side, peer, hostish } = (await load(dir)).services;
    assert.deepEqual(side?.dependsOn, { main: started('ipc', true) });
    assert.equal(side?.ipc, 'service:main');
    assert.equal(side?.pid, 'service:main');
    assert.deepEqual(peer?.dependsOn, { side: started('pid', true) });
    assert.deepEqual(hostish?.dependsOn, {});
  });

  it('a later file may add restart to an earlier depends_on entry without resetting its condition', async () => {
    const dir = fixture({
      'a.yml': [
        'services:',
        '  db: {image: db}',
        '  web:',
        '    image: w',
        '    depends_on: {db: {condition: service_healthy, required: false}}',
        '',
      ].join('\n'),
      'b.yml': 'services:\n  web:\n    depends_on:\n      db: {restart: true}\n',
    });
    const project = await load(dir, { files: ['a.yml', 'b.yml'] });
    assert.deepEqual(project.services.web?.dependsOn, {
      db: { condition: 'service_healthy', required: false, restart: true, origin: 'depends_on' },
    });
  });

  it('points an ipc dependency on an undefined service at the ipc key', async () => {
    const dir = fixture({ 'compose.yaml': 'services:\n  a: {image: a, ipc: "service:nope"}\n' });
    assert.deepEqual(await loadErrors(dir), ['compose.yaml › services.a.ipc: depends on undefined service "nope"']);
  });
});

describe('loadProject: build', () => {
  it('fills build args without a value from the environment and leaves unset ones out', async () => {
    const dir = fixture({
      'compose.yaml': [
        'services:',
        '  app:',
        '    build:',
        '      context: ./src',
        '      dockerfile: app.Dockerfile',
        '      target: prod',
        '      args: [FROM_SHELL, FROM_DOTENV, UNSET, "GIVEN=1", "EMPTY="]',
        '      labels: {team: core}',
        '  other:',
        '    build: {context: ., args: {NUM: 3, BARE: null, FROM_SHELL: ~}}',
        '',
      ].join('\n'),
      '.env': 'FROM_DOTENV=dot\n',
    });
    const { app, other } = (await load(dir, { env: { FROM_SHELL: 'sh' } })).services;
    assert.deepEqual(app?.build, {
      context: join(dir, 'src'),
      dockerfile: 'app.Dockerfile',
      args: { FROM_SHELL: 'sh', FROM_DOTENV: 'dot', GIVEN: '1', EMPTY: '' },
      target: 'prod',
      labels: { team: 'core' },
    });
    assert.deepEqual(other?.build?.args, { NUM: '3', FROM_SHELL: 'sh' });
  });

  it('normalises pull_policy if_not_present to missing, like compose-go', async () => {
    const dir = fixture({ 'compose.yaml': 'services:\n  a: {image: a, pull_policy: if_not_present}\n' });
    assert.equal((await load(dir)).services.a?.pullPolicy, 'missing');
  });
});

describe('loadProject: container_name', () => {
  it('refuses a container_name shared by two services or by replicas', async () => {
    const dir = fixture({
      'compose.yaml': [
        'services:',
        '  a: {image: a, container_name: shared}',
        '  b: {image: b, container_name: shared}',
        '  c: {image: c, container_name: solo, deploy: {replicas: 2}}',
        '',
      ].join('\n'),
    });
    assert.deepEqual(await loadErrors(dir), [
      "compose.yaml › services.c.container_name: can't be set with 2 replicas: a container name must be unique",
      'compose.yaml › services.b.container_name: container name "shared" is already used by service "a"',
    ]);
  });
});

describe('loadProject: values Compose keeps as written', () => {
  it('keeps yes/no/on/off as strings in environment and labels (YAML 1.2), and numbers as written', async () => {
    const dir = fixture({
      'compose.yaml': [
        'services:',
        '  a:',
        '    image: a',
        '    environment: {A: yes, B: no, C: on, D: off, E: 0755, F: 1e3, G: 010}',
        '    labels: [x=yes]',
        '  b:',
        '    image: b',
        '    environment: [A=yes, B=no]',
        '',
      ].join('\n'),
    });
    const { a, b } = (await load(dir)).services;
    // go-yaml reads 0755 and 010 as octal integers and 1e3 as a float, which Compose prints back in decimal.
    assert.deepEqual(a?.environment, { A: 'yes', B: 'no', C: 'on', D: 'off', E: '493', F: '1000', G: '8' });
    assert.deepEqual(a?.labels, { x: 'yes' });
    assert.deepEqual(b?.environment, { A: 'yes', B: 'no' });
  });

  it('leaves a lone $ alone, turns $$ into $, and does not interpolate keys', async () => {
    const dir = fixture({
      'compose.yaml': [
        'services:',
        '  a:',
        '    image: a',
        '    environment:',
        '      PRICE: "5 $ each"',
        '      TRAIL: "cost$"',
        '      DIGIT: "$1"',
        '      ESCAPED: "$${HOME}"',
        '      ${KEY}: value',
        '    command: echo $$PATH',
        '',
      ].join('\n'),
    });
    const a = (await load(dir, { env: { HOME: '/root', KEY: 'k' } })).services.a;
    assert.deepEqual(a?.environment, {
      PRICE: '5 $ each',
      TRAIL: 'cost$',
      DIGIT: '$1',
      ESCAPED: '${HOME}',
      '${KEY}': 'value',
    });
    assert.deepEqual(a?.command, ['echo', '$PATH']);
  });

  it('reports a malformed template at its path', async () => {
    const dir = fixture({ 'compose.yaml': 'services:\n  a:\n    image: "a:${TAG"\n' });
    assert.deepEqual(await loadErrors(dir), [
      'compose.yaml › services.a.image: invalid interpolation format for services.a.image: "a:${TAG". You may need to escape any $ with another $.',
    ]);
  });

  it('reads octal modes written as YAML numbers or strings', async () => {
    const dir = fixture({
      'compose.yaml': [
        'services:',
        '  a:',
        '    image: a',
        '    secrets: [{source: s, mode: 0400}, {source: t, mode: "0440"}, {source: u, mode: 0o444}]',
        '    configs: [{source: c, target: /etc/c, uid: "1000", gid: "1000", mode: 292}]',
        'secrets:',
        '  s: {file: ./s.txt}',
        '  t: {environment: T_VALUE}',
        '  u: {external: true}',
        'configs:',
        '  c: {content: "port=${PORT:-80}"}',
        '',
      ].join('\n'),
    });
    const project = await load(dir);
    assert.deepEqual(project.services.a?.secrets, [
      { source: 's', target: '/run/secrets/s', mode: 0o400 },
      { source: 't', target: '/run/secrets/t', mode: 0o440 },
      { source: 'u', target: '/run/secrets/u', mode: 0o444 },
    ]);
    assert.deepEqual(project.services.a?.configs, [
      { source: 'c', target: '/etc/c', uid: '1000', gid: '1000', mode: 0o444 },
    ]);
    assert.deepEqual(project.secrets, {
      s: { name: 'app_s', external: false, file: join(dir, 's.txt') },
      t: { name: 'app_t', external: false, environment: 'T_VALUE' },
      u: { name: 'u', external: true },
    });
    assert.deepEqual(project.configs.c, { name: 'app_c', external: false, content: 'port=80' });
  });
});

describe('loadProject: devices, ulimits, sysctls, tmpfs sizes', () => {
  it('normalises every syntax to the engine form', async () => {
    const dir = fixture({
      'compose.yaml': [
        'services:',
        '  a:',
        '    image: a',
        '    devices:',
        '      - /dev/fuse',
        '      - /dev/sda:/dev/xvda:rwm',
        '      - {source: /dev/ttyUSB0, target: /dev/ttyUSB1, permissions: r}',
        '      - {source: /dev/null}',
        '    ulimits: {nofile: {soft: "1024", hard: 2048}, core: 0}',
        '    sysctls: {net.ipv4.ip_forward: 1}',
        '    tmpfs: ["/cache:size=1g"]',
        '    shm_size: 2gb',
        '    volumes: [{type: tmpfs, target: /t, tmpfs: {size: 1048576}}]',
        '',
      ].join('\n'),
    });
    const a = (await load(dir)).services.a;
    assert.deepEqual(a?.devices, [
      '/dev/fuse',
      '/dev/sda:/dev/xvda:rwm',
      '/dev/ttyUSB0:/dev/ttyUSB1:r',
      '/dev/null:/dev/null',
    ]);
    assert.deepEqual(a?.ulimits, { nofile: { soft: 1024, hard: 2048 }, core: { soft: 0, hard: 0 } });
    assert.deepEqual(a?.sysctls, { 'net.ipv4.ip_forward': '1' });
    assert.equal(a?.shmSizeBytes, 2 * 1024 ** 3);
    assert.deepEqual(
      a?.mounts.map((m) => [m.target, m.tmpfs?.sizeBytes]),
      [
        ['/t', 1024 ** 2],
        ['/cache', 1024 ** 3],
      ],
    );
  });
});

describe('loadProject: include with its own project directory and env files', () => {
  it('resolves relative paths against project_directory and interpolates from the given env_file only', async () => {
    const dir = fixture({
      'compose.yaml': [
        'include:',
        '  - path: stacks/cache/compose.yml',
        '    project_directory: stacks/data',
        '    env_file: [stacks/cache/one.env, stacks/cache/two.env]',
        'services:',
        '  web: {image: web}',
        '',
      ].join('\n'),
      'stacks/cache/compose.yml': [
        'services:',
        '  cache:',
        '    image: "redis:${TAG}"',
        '    volumes: [./dump:/data]',
        '    environment: {MODE: "${MODE:-default}", FROM_DOTENV: "${IGNORED:-none}"}',
        '',
      ].join('\n'),
      'stacks/cache/.env': 'IGNORED=dotenv\n',
      'stacks/cache/one.env': 'TAG=6\nMODE=one\n',
      'stacks/cache/two.env': 'TAG=7\n',
    });
    const cache = (await load(dir)).services.cache;
    assert.equal(cache?.image, 'redis:7');
    assert.deepEqual(cache?.environment, { MODE: 'one', FROM_DOTENV: 'none' });
    assert.equal(cache?.mounts[0]?.source, join(dir, 'stacks/data/dump'));
  });
});

describe('loadProject: regressions found by the fuzz test', () => {
  it('reports a service without a body instead of crashing on it', async () => {
    const dir = fixture({ 'compose.yaml': 'services:\n  a:\n  b: {image: b}\n' });
    assert.deepEqual(await loadErrors(dir), ['compose.yaml › services.a: must be a mapping (got nothing)']);
  });

  it('treats keys named after Object members (constructor, toString) as unknown keys', async () => {
    const dir = fixture({ 'compose.yaml': 'services:\n  a:\n    image: a\n    constructor: 1\n    toString: x\n' });
    assert.deepEqual(await loadErrors(dir), [
      'compose.yaml › services.a.constructor: unknown key "constructor"',
      'compose.yaml › services.a.toString: unknown key "toString"',
    ]);
  });

  it('names the env file that set an invalid COMPOSE_PROJECT_NAME', async () => {
    const dir = fixture({ 'compose.yaml': 'services:\n  a: {image: a}\n', '.env': 'COMPOSE_PROJECT_NAME=My App\n' });
    const [line] = await loadErrors(dir);
    assert.match(line ?? '', /^\.env › COMPOSE_PROJECT_NAME: invalid project name "My App"/);
  });

  it('names the file whose `name:` normalises to nothing', async () => {
    const dir = fixture({ 'compose.yaml': 'name: "!!!"\nservices:\n  a: {image: a}\n' });
    assert.deepEqual(await loadErrors(dir), [
      `${join(dir, 'compose.yaml')} › name: project name "!!!" is empty once normalised`,
    ]);
  });

  it('keeps __proto__ an ordinary key through interpolation and merging', async () => {
    const dir = fixture({
      'a.yml': 'services:\n  s:\n    image: s\n    labels: {__proto__: a, keep: "1"}\n',
      'b.yml': 'services:\n  s:\n    labels: {__proto__: b}\n',
    });
    const project = await load(dir, { files: ['a.yml', 'b.yml'] });
    assert.deepEqual(Object.entries(project.services.s?.labels ?? {}), [
      ['__proto__', 'b'],
      ['keep', '1'],
    ]);
  });

  it('refuses a 50 MB file quickly instead of parsing it', async () => {
    const service = '  s:\n    image: x\n';
    const dir = fixture({ 'compose.yaml': `services:\n${service.repeat((50 * 2 ** 20) / service.length)}` });
    const started = performance.now();
    assert.deepEqual(await loadErrors(dir), [
      'compose.yaml: 50.0 MB is too large for a compose file (the limit is 4 MB); is this the right file?',
    ]);
    assert.ok(performance.now() - started < 1000);
  });
});
