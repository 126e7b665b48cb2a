// `stack config` output on real stacks: Compose's long syntax, Go durations, bytes, sorted keys; YAML and JSON agree.
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { CORPUS } from '../../test/support/corpus.js';
import { loadProject } from '../compose/load-project.js';
import { projectToConfig, renderConfig } from './render-config.js';

async function corpusProject(name: string) {
  const dir = join(mkdtempSync(join(tmpdir(), 'rehearsa-render-config-')), name);
  mkdirSync(dir);
  copyFileSync(join(CORPUS, `${name}.yml`), join(dir, 'compose.yaml'));
  if (existsSync(join(CORPUS, `${name}.env`))) copyFileSync(join(CORPUS, `${name}.env`), join(dir, '.env'));
  return { dir, project: await loadProject({ files: [], cwd: dir, env: {} }) };
}

describe('renderConfig on corpus stacks', { skip: !existsSync(CORPUS) && 'corpus not present' }, () => {
  it('immich: binds made absolute, healthcheck and shm_size in Compose units, YAML = JSON', async () => {
    const { dir, project } = await corpusProject('immich');
    const yaml = renderConfig(project, 'yaml');
    const json = renderConfig(project, 'json');
    assert.deepEqual(parse(yaml), JSON.parse(json));
    const doc = projectToConfig(project) as { services: Record<string, Record<string, unknown>> };
    assert.deepEqual(Object.keys(doc.services), ['database', 'immich-machine-learning', 'immich-server', 'redis']);
    assert.deepEqual(doc.services.redis?.healthcheck, { test: ['CMD-SHELL', 'redis-cli ping || exit 1'] });
    assert.equal(doc.services.database?.shm_size, 134217728);
    assert.deepEqual((doc.services['immich-server']!.volumes as unknown[])[0], {
      type: 'bind',
      source: join(dir, 'library'),
      target: '/data',
      bind: { create_host_path: true },
    });
    assert.match(yaml, /^name: immich\n/);
  });

  it('sentry-self-hosted: durations printed the Go way, ulimits and depends_on in long form', async () => {
    const { project } = await corpusProject('sentry-self-hosted');
    const doc = JSON.parse(renderConfig(project, 'json')) as { services: Record<string, Record<string, unknown>> };
    assert.equal(Object.keys(doc.services).length, 57);
    assert.deepEqual(doc.services.postgres?.healthcheck, {
      test: ['CMD-SHELL', 'pg_isready -U postgres'],
      interval: '30s',
      timeout: '1m30s',
      start_period: '10s',
      retries: 10,
    });
    assert.deepEqual(doc.services.redis?.ulimits, { nofile: { soft: 10032, hard: 10032 } });
    assert.deepEqual((doc.services.pgbouncer!.depends_on as Record<string, unknown>).postgres, {
      condition: 'service_healthy',
      required: true,
    });
  });
});

describe('renderConfig: memory limit', () => {
  it('prints mem_limit in bytes, from mem_limit or deploy.resources.limits.memory, and nothing without one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rehearsa-render-config-'));
    writeFileSync(
      join(dir, 'compose.yaml'),
      'services:\n  a: {image: a, mem_limit: 16m}\n  b: {image: b, deploy: {resources: {limits: {memory: 1g}}}}\n  c: {image: c}\n',
    );
    const project = await loadProject({ files: [], cwd: dir, env: {} });
    const doc = projectToConfig(project) as { services: Record<string, Record<string, unknown>> };
    assert.equal(doc.services.a?.mem_limit, 16_777_216);
    assert.equal(doc.services.b?.mem_limit, 1_073_741_824);
    assert.equal('mem_limit' in doc.services.c!, false);
    assert.match(renderConfig(project, 'yaml'), /^ {4}mem_limit: 16777216$/m);
  });
});
