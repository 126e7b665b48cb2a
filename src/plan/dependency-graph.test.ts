import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Dependency } from '../model.js';
import { checkDependencies, findCycle, orderWaves } from './dependency-graph.js';

const on = (...names: string[]): Record<string, Dependency> =>
  Object.fromEntries(
    names.map((n) => [n, { condition: 'service_started', required: true, restart: false, origin: 'depends_on' }]),
  );

test('waves are topological levels with sorted names', () => {
  const waves = orderWaves({
    web: { dependsOn: on('db', 'cache') },
    db: { dependsOn: on() },
    cache: { dependsOn: on() },
    migrate: { dependsOn: on('db') },
    worker: { dependsOn: on('web', 'migrate') },
  });
  assert.deepEqual(waves, [
    { index: 0, services: ['cache', 'db'] },
    { index: 1, services: ['migrate', 'web'] },
    { index: 2, services: ['worker'] },
  ]);
});

test('a cycle is named as a closed path, deterministically', () => {
  const services = { a: { dependsOn: on('b') }, b: { dependsOn: on('a') }, c: { dependsOn: on() } };
  assert.deepEqual(findCycle(services), ['a', 'b', 'a']);
  assert.deepEqual(
    checkDependencies(services, 'compose.yml').map((i) => i.message),
    ['dependency cycle: a -> b -> a'],
  );
});

test('a self-dependency is a cycle', () => {
  assert.deepEqual(findCycle({ a: { dependsOn: on('a') } }), ['a', 'a']);
});

test('an unknown required dependency is named with its path', () => {
  const issues = checkDependencies({ web: { dependsOn: on('ghost') } }, 'compose.yml');
  assert.deepEqual(issues, [
    {
      file: 'compose.yml',
      path: 'services.web.depends_on',
      message: 'depends on undefined service "ghost"',
      severity: 'error',
    },
  ]);
});

test('a chain of 20,000 services is ordered and checked without exhausting the call stack', () => {
  const services: Record<string, { dependsOn: Record<string, Dependency> }> = {};
  const edge: Dependency = { condition: 'service_started', required: true, restart: false, origin: 'depends_on' };
  for (let i = 0; i < 20_000; i++) services[`s${i}`] = { dependsOn: i === 0 ? {} : { [`s${i - 1}`]: edge } };
  assert.equal(findCycle(services), undefined);
  const waves = orderWaves(services);
  assert.equal(waves.length, 20_000);
  assert.deepEqual(waves.at(-1)!.services, ['s19999']);
  services.s0 = { dependsOn: { s19999: edge } };
  assert.equal(findCycle(services)?.length, 20_001);
});
