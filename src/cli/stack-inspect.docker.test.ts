// `rehearsa stack plan` creates nothing on the engine; `stack config` prints the project as Compose resolves it.
// Runs the built CLI (npm run build) against the real engine.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { BUSYBOX, leftovers, runRehearsa, uniqueStack, writeTree } from '../../test/support/cli.js';
import { CORPUS } from '../../test/support/corpus.js';

const dataDir = () => mkdtempSync(join(tmpdir(), 'rehearsa-data-'));

interface EngineEvent {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes?: Record<string, string> };
}

/** Every engine event between two instants (unix seconds), as `docker events` reports them. */
function eventsBetween(since: string, until: string): EngineEvent[] {
  const out = execFileSync('docker', ['events', '--since', since, '--until', until, '--format', '{{json .}}'], {
    encoding: 'utf8',
  });
  return out
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as EngineEvent);
}

/** Names of every container, network and volume on the engine. */
function engineNames(): string[] {
  const list = (args: string[]) =>
    execFileSync('docker', args, { encoding: 'utf8' })
      .split('\n')
      .filter((n) => n !== '');
  return [
    ...list(['ps', '-a', '--format', '{{.Names}}']),
    ...list(['network', 'ls', '--format', '{{.Name}}']),
    ...list(['volume', 'ls', '--format', '{{.Name}}']),
  ];
}

const now = () => (Date.now() / 1000).toFixed(3);

/** The value at a key path of a parsed document (undefined when any step is missing). */
function dig(doc: unknown, ...keys: string[]): unknown {
  return keys.reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], doc);
}

describe('rehearsa stack plan and stack config', { timeout: 120_000 }, () => {
  test('stack plan prints the sandbox plan and the engine sees no create, destroy or connect', async () => {
    const stack = uniqueStack('plan');
    const dir = writeTree({
      'compose.yaml': [
        'services:',
        '  db:',
        `    image: ${BUSYBOX}`,
        '    command: sleep 300',
        '    volumes: [data:/data, ./conf:/conf:ro]',
        '    networks: {back: {aliases: [database]}}',
        '    ports: ["5432:5432"]',
        '  web:',
        `    image: ${BUSYBOX}`,
        '    command: sleep 300',
        '    depends_on: {db: {condition: service_started}}',
        '    networks: [back, front]',
        'volumes: {data: {}}',
        'networks: {back: {}, front: {}}',
        '',
      ].join('\n'),
      'conf/app.conf': 'x=1\n',
    });
    const since = now();
    const result = await runRehearsa(['stack', 'plan', 'compose.yaml', '--stack', stack, '--json'], {
      cwd: dir,
      dataDir: dataDir(),
    });
    // The engine stamps events in whole-second-or-better precision; leave it a moment to flush.
    await new Promise((r) => setTimeout(r, 1100));
    const until = now();
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /no Docker engine answered/);

    const { plan } = JSON.parse(result.stdout) as {
      plan: {
        sandbox: string;
        waves: { services: string[] }[];
        containers: { name: string }[];
        networks: { name: string }[];
        volumes: { name: string }[];
      };
    };
    assert.equal(plan.sandbox, `rehearsa-${stack}-plan`);
    assert.deepEqual(
      plan.waves.map((w) => w.services),
      [['db'], ['web']],
    );
    const planned = [...plan.containers, ...plan.networks, ...plan.volumes].map((r) => r.name);
    assert.ok(planned.length >= 5, planned.join(', '));

    const mutations = eventsBetween(since, until).filter((e) =>
      /create|destroy|connect|disconnect|remove|start|mount/.test(e.Action),
    );
    // Other suites may run at the same time: only events about this plan's resources count.
    const ours = mutations.filter((e) =>
      [e.Actor.ID, ...Object.values(e.Actor.Attributes ?? {})].some((v) => v.includes(stack) || planned.includes(v)),
    );
    assert.deepEqual(ours, []);
    const existing = engineNames();
    assert.deepEqual(
      planned.filter((name) => existing.includes(name)),
      [],
    );
    assert.deepEqual(
      existing.filter((name) => name.includes(stack)),
      [],
    );
    assert.deepEqual(await leftovers(`rehearsa.stack=${stack}`), []);
  });

  test('stack config prints the resolved project as YAML and as JSON (supabase, frappe-erpnext-pwd)', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'rehearsa-config-')), 'supabase');
    cpSync(join(CORPUS, 'supabase.yml'), join(dir, 'compose.yaml'));
    cpSync(join(CORPUS, 'supabase.env'), join(dir, '.env'));
    const yaml = await runRehearsa(['stack', 'config'], { cwd: dir, dataDir: dataDir() });
    assert.equal(yaml.code, 0, yaml.stderr);
    const json = await runRehearsa(['stack', 'config', '--json'], { cwd: dir, dataDir: dataDir() });
    assert.equal(json.code, 0, json.stderr);
    const fromYaml: unknown = parse(yaml.stdout);
    const fromJson: unknown = JSON.parse(json.stdout);
    assert.deepEqual(fromYaml, fromJson, 'both formats describe the same project');
    assert.equal(dig(fromJson, 'name'), 'supabase');
    assert.equal(Object.keys(dig(fromJson, 'services') as object).length, 13);
    assert.deepEqual(dig(fromJson, 'services', 'auth', 'depends_on', 'db'), {
      condition: 'service_healthy',
      required: true,
    });
    assert.equal(dig(fromJson, 'services', 'auth', 'healthcheck', 'interval'), '5s');
    assert.equal(
      dig(fromJson, 'services', 'studio', 'environment', 'POSTGRES_PASSWORD'),
      'your-super-secret-and-long-postgres-password',
    );

    const frappe = join(mkdtempSync(join(tmpdir(), 'rehearsa-config-')), 'frappe');
    cpSync(join(CORPUS, 'frappe-erpnext-pwd.yml'), join(frappe, 'pwd.yml'), { recursive: true });
    const doc = await runRehearsa(['stack', 'config', '--json', '-f', 'pwd.yml'], { cwd: frappe, dataDir: dataDir() });
    assert.equal(doc.code, 0, doc.stderr);
    const project: unknown = JSON.parse(doc.stdout);
    assert.equal(dig(project, 'name'), 'frappe');
    assert.deepEqual(dig(project, 'services', 'backend', 'depends_on', 'configurator'), {
      condition: 'service_completed_successfully',
      required: true,
    });
    assert.deepEqual(dig(project, 'services', 'configurator', 'entrypoint'), ['bash', '-c']);
    assert.deepEqual(dig(project, 'services', 'configurator', 'deploy'), {
      replicas: 1,
      restart_policy: { condition: 'none' },
    });
    assert.equal(dig(project, 'volumes', 'sites', 'name'), 'frappe_sites');
  });

  test('stack config without files uses compose.yaml plus its override, or COMPOSE_FILE', async () => {
    const dir = writeTree({
      'compose.yaml': `services:\n  a: {image: ${BUSYBOX}, command: [one]}\n`,
      'compose.override.yaml': 'services:\n  a: {command: two three}\n',
      'other.yml': `services:\n  b: {image: ${BUSYBOX}}\n`,
    });
    const byDefault = await runRehearsa(['stack', 'config', '--json'], { cwd: dir, dataDir: dataDir() });
    assert.equal(byDefault.code, 0, byDefault.stderr);
    assert.deepEqual(dig(JSON.parse(byDefault.stdout), 'services', 'a', 'command'), ['two', 'three']);
    const fromEnv = await runRehearsa(['stack', 'config', '--json'], {
      cwd: dir,
      dataDir: dataDir(),
      env: { COMPOSE_FILE: 'compose.yaml:other.yml' },
    });
    assert.equal(fromEnv.code, 0, fromEnv.stderr);
    const services = JSON.parse(fromEnv.stdout).services;
    assert.deepEqual(Object.keys(services), ['a', 'b']);
    assert.deepEqual(services.a.command, ['one']);
  });
});
