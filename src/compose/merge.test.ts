// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Compose `${VAR}` templates are the test data.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { mergeTrees } from './merge.js';
import { fixture, load, loadErrors } from './test-fixtures.js';
import { OverrideTag, ResetTag } from './yaml.js';

describe('mergeTrees', () => {
  it('merges mappings, replaces command, merges ports by key and appends unknown sequences', () => {
    const base = {
      services: {
        web: {
          command: ['a', 'b'],
          environment: { A: '1', B: '2' },
          ports: [{ target: 80, published: '8080', protocol: 'tcp' }],
          cap_add: ['NET_ADMIN'],
          x_list: [1],
        },
      },
    };
    const over = {
      services: {
        web: {
          command: ['c'],
          environment: { B: '3' },
          ports: [
            { target: 80, published: '8080', protocol: 'tcp', mode: 'host' },
            { target: 443, protocol: 'tcp' },
          ],
          cap_add: ['NET_ADMIN', 'SYS_TIME'],
          x_list: [2],
        },
      },
    };
    assert.deepEqual(mergeTrees(base, over), {
      services: {
        web: {
          command: ['c'],
          environment: { A: '1', B: '3' },
          ports: [
            { target: 80, published: '8080', protocol: 'tcp', mode: 'host' },
            { target: 443, protocol: 'tcp' },
          ],
          cap_add: ['NET_ADMIN', 'SYS_TIME'],
          x_list: [1, 2],
        },
      },
    });
  });

  it('honours !reset and !override', () => {
    const base = { services: { web: { ports: [{ target: 80 }], environment: { A: '1', B: '2' } } } };
    const over = {
      services: { web: { ports: new ResetTag(null), environment: new OverrideTag({ C: '3' }) } },
    };
    assert.deepEqual(mergeTrees(base, over), { services: { web: { environment: { C: '3' } } } });
  });
});

describe('loadProject: multiple -f files', () => {
  it('merges files with Compose rules, resolving relative paths against the first file', async () => {
    const dir = fixture({
      'compose.yaml': [
        'services:',
        '  web:',
        '    image: web:1',
        '    command: serve --port 80',
        '    environment: [A=1, B=2]',
        '    ports: ["8080:80"]',
        '    volumes: [./data:/data, logs:/logs]',
        '    healthcheck: {test: [CMD, old], interval: 10s}',
        '    labels: {keep: "1"}',
        'volumes: {logs: {}}',
        '',
      ].join('\n'),
      'overrides/prod.yaml': [
        'services:',
        '  web:',
        '    image: web:2',
        '    command: [serve, --prod]',
        '    environment: {B: "3", C: "4"}',
        '    ports: ["8443:443"]',
        '    volumes: [./prod-data:/data]',
        '    healthcheck: {test: [CMD, new]}',
        '    labels: !reset {}',
        '  extra:',
        '    image: extra',
        '',
      ].join('\n'),
    });
    const project = await load(dir, { files: ['compose.yaml', 'overrides/prod.yaml'] });
    const web = project.services.web;
    assert.equal(web?.image, 'web:2');
    assert.deepEqual(web?.command, ['serve', '--prod']);
    assert.deepEqual(web?.environment, { A: '1', B: '3', C: '4' });
    assert.deepEqual(
      web?.ports.map((p) => `${p.published}:${p.target}`),
      ['8080:80', '8443:443'],
    );
    assert.deepEqual(
      web?.mounts.map((m) => `${m.source}:${m.target}`),
      [`${join(dir, 'prod-data')}:/data`, 'logs:/logs'],
    );
    assert.deepEqual(web?.healthcheck, { disabled: false, test: ['CMD', 'new'], intervalMs: 10_000 });
    assert.deepEqual(web?.labels, {});
    assert.deepEqual(Object.keys(project.services), ['web', 'extra']);
    assert.deepEqual(project.files, [join(dir, 'compose.yaml'), join(dir, 'overrides/prod.yaml')]);
  });

  it('replaces a whole key with !override', async () => {
    const dir = fixture({
      'a.yml': 'services:\n  s:\n    image: s\n    ports: ["1:1", "2:2"]\n',
      'b.yml': 'services:\n  s:\n    ports: !override ["3:3"]\n',
    });
    const project = await load(dir, { files: ['a.yml', 'b.yml'] });
    assert.deepEqual(
      project.services.s?.ports.map((p) => p.target),
      [3],
    );
  });

  it('attributes issues to the file that holds them', async () => {
    const dir = fixture({ 'a.yml': 'services:\n  s: {image: s}\n', 'b.yml': 'services:\n  s: {imag: t}\n' });
    assert.deepEqual(await loadErrors(dir, { files: ['a.yml', 'b.yml'] }), [
      'b.yml › services.s.imag: unknown key "imag"',
    ]);
  });
});

describe('loadProject: extends', () => {
  it('extends within the file and from another file, with paths relative to the extended file', async () => {
    const dir = fixture({
      'compose.yaml': [
        'services:',
        '  base:',
        '    image: base',
        '    environment: {A: "1"}',
        '    cap_add: [NET_ADMIN]',
        '  mid:',
        '    extends: base',
        '    environment: {B: "2"}',
        '  top:',
        '    extends: {service: mid}',
        '    environment: {A: over}',
        '  remote:',
        '    extends: {file: common/base.yml, service: worker}',
        '    command: [run]',
        '',
      ].join('\n'),
      'common/base.yml': [
        'services:',
        '  root:',
        '    image: worker',
        '    volumes: [./cfg:/cfg]',
        '    env_file: w.env',
        '  worker:',
        '    extends: root',
        '    command: [never]',
        '',
      ].join('\n'),
      'common/w.env': 'FROM_W=1\n',
    });
    const { top, remote } = (await load(dir)).services;
    assert.equal(top?.image, 'base');
    assert.deepEqual(top?.environment, { A: 'over', B: '2' });
    assert.deepEqual(top?.capAdd, ['NET_ADMIN']);
    assert.equal(remote?.image, 'worker');
    assert.deepEqual(remote?.command, ['run']);
    assert.deepEqual(remote?.mounts[0]?.source, join(dir, 'common/cfg'));
    assert.deepEqual(remote?.environment, { FROM_W: '1' });
  });

  it('reports cycles and unknown bases', async () => {
    const dir = fixture({
      'compose.yaml': [
        'services:',
        '  a: {image: a, extends: b}',
        '  b: {image: b, extends: a}',
        '  c: {image: c, extends: ghost}',
        '',
      ].join('\n'),
    });
    assert.deepEqual(await loadErrors(dir), [
      'compose.yaml › services.a.extends: circular extends: a → b → a',
      'compose.yaml › services.c.extends.service: cannot extend undefined service "ghost"',
    ]);
    // Without images, the members of the cycle would each lack one: that follows from the cycle, said once.
    const bare = fixture({ 'compose.yaml': 'services:\n  a: {extends: b}\n  b: {extends: a}\n' });
    assert.deepEqual(await loadErrors(bare), ['compose.yaml › services.a.extends: circular extends: a → b → a']);
  });
});

describe('loadProject: include', () => {
  it('loads included projects with their own directory and .env, then imports their resources', async () => {
    const dir = fixture({
      'compose.yaml': [
        'include:',
        '  - sub/${SUB_FILE:-db.yml}',
        '  - path: other/cache.yml',
        '    env_file: other/custom.env',
        'services:',
        '  web: {image: web, depends_on: [db, cache]}',
        '',
      ].join('\n'),
      'sub/db.yml':
        'services:\n  db:\n    image: "postgres:${PG_TAG}"\n    volumes: [./init:/init, pg:/var/lib/postgresql]\nvolumes:\n  pg: {}\n',
      'sub/.env': 'PG_TAG=16\n',
      'other/cache.yml': 'services:\n  cache: {image: "redis:${REDIS_TAG}"}\n',
      'other/custom.env': 'REDIS_TAG=7\n',
    });
    const project = await load(dir);
    assert.equal(project.services.db?.image, 'postgres:16');
    assert.equal(project.services.db?.mounts[0]?.source, join(dir, 'sub/init'));
    assert.equal(project.services.cache?.image, 'redis:7');
    assert.deepEqual(project.volumes.pg, { name: 'app_pg', external: false, labels: {} });
    assert.deepEqual(Object.keys(project.services.web?.dependsOn ?? {}), ['db', 'cache']);
  });

  it('reports a service that conflicts with an imported one', async () => {
    const dir = fixture({
      'compose.yaml': 'include: [inc.yml]\nservices:\n  db: {image: mine}\n',
      'inc.yml': 'services:\n  db: {image: theirs}\n',
    });
    assert.deepEqual(await loadErrors(dir), ['compose.yaml › services.db: conflicts with imported resource']);
  });
});
