import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isValidImageReference } from './image-reference.js';

test('references the engine accepts', () => {
  for (const ref of [
    'busybox',
    'rehearsa-fixture/busybox:1',
    '127.0.0.1:5000/fixture/busybox:1',
    'localhost:5000/a/b/c:v1.2-rc_3',
    'ghcr.io/immich-app/postgres:14-vectorchord0.4.3',
    `postgres@sha256:${'a'.repeat(64)}`,
    `docker.io/library/redis:7.4@sha256:${'b'.repeat(64)}`,
    'my_org/my__app',
  ]) {
    assert.equal(isValidImageReference(ref), true, ref);
  }
});

test('references the engine refuses', () => {
  for (const ref of ['UPPER/Case:bad tag', 'busybox::1', 'Busybox', 'app:', ':1', 'a//b', 'app:-bad', '']) {
    assert.equal(isValidImageReference(ref), false, ref);
  }
});
