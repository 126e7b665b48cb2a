import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateStackName } from './stack-name.js';

describe('validateStackName', () => {
  it('accepts compose-style names up to 63 characters', () => {
    for (const name of ['web', 'my-app_2', 'a.b', '0day', 'x'.repeat(63)])
      assert.equal(validateStackName(name), undefined);
  });

  it('rejects empty, long, uppercase, leading punctuation and path-like names', () => {
    assert.equal(validateStackName(''), 'stack name is empty');
    assert.equal(validateStackName('x'.repeat(64)), `stack name "${'x'.repeat(64)}" is longer than 63 characters`);
    for (const name of ['Web', '-web', '.web', '_web', '../etc', 'a/b', 'a b', 'é']) {
      assert.equal(
        validateStackName(name),
        `stack name ${JSON.stringify(name)} must start with a lowercase letter or digit and contain only a-z, 0-9, "_", "." and "-"`,
      );
    }
  });
});
