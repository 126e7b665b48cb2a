import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatIssue, InputError, oneLine } from './errors.js';

test('an issue is always one line: control characters in a key or a value are written as escapes', () => {
  assert.equal(oneLine('a\rb\nc\td\u0000'), 'a\\rb\\nc\\td\\u0000');
  assert.equal(
    formatIssue({ file: 'rehearsa.yml', path: '\restore.x', message: 'non-string key', severity: 'error' }),
    'rehearsa.yml › \\restore.x: non-string key',
  );
  assert.equal(
    new InputError([
      { message: 'one\ntwo', severity: 'error' },
      { message: 'three', severity: 'error' },
    ]).message.split('\n').length,
    2,
  );
});
