import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pullQuery, splitImageRef } from './image-ref.js';

const digest = `sha256:${'a'.repeat(64)}`;

test('splits references into registry, repository, tag and digest', () => {
  const cases: [string, ReturnType<typeof splitImageRef>][] = [
    ['postgres', { registry: 'docker.io', repository: 'postgres' }],
    ['postgres:15', { registry: 'docker.io', repository: 'postgres', tag: '15' }],
    ['library/redis:7-alpine', { registry: 'docker.io', repository: 'library/redis', tag: '7-alpine' }],
    ['127.0.0.1:5000/app:1', { registry: '127.0.0.1:5000', repository: '127.0.0.1:5000/app', tag: '1' }],
    ['127.0.0.1:5000/team/app', { registry: '127.0.0.1:5000', repository: '127.0.0.1:5000/team/app' }],
    ['localhost/app:dev', { registry: 'localhost', repository: 'localhost/app', tag: 'dev' }],
    ['ghcr.io/org/tool:v2.1', { registry: 'ghcr.io', repository: 'ghcr.io/org/tool', tag: 'v2.1' }],
    [`repo@${digest}`, { registry: 'docker.io', repository: 'repo', digest }],
    [
      `registry.example:443/org/app:1.2@${digest}`,
      { registry: 'registry.example:443', repository: 'registry.example:443/org/app', tag: '1.2', digest },
    ],
    ['rehearsa-fixture/busybox:1', { registry: 'docker.io', repository: 'rehearsa-fixture/busybox', tag: '1' }],
  ];
  for (const [ref, expected] of cases) assert.deepEqual(splitImageRef(ref), expected, ref);
});

test('pull queries: the digest wins, no tag means latest', () => {
  assert.deepEqual(pullQuery(splitImageRef('127.0.0.1:5000/app:1')), { fromImage: '127.0.0.1:5000/app', tag: '1' });
  assert.deepEqual(pullQuery(splitImageRef('127.0.0.1:5000/app')), { fromImage: '127.0.0.1:5000/app', tag: 'latest' });
  assert.deepEqual(pullQuery(splitImageRef(`repo:1@${digest}`)), { fromImage: 'repo', tag: digest });
});
