// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are compose templates, not JS templates.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { shellSplit } from './shell-split.js';

describe('shellSplit', () => {
  it('splits on blanks, tabs and newlines', () => {
    assert.deepEqual(shellSplit('  redis-server   --appendonly\tyes\n--save 60 '), [
      'redis-server',
      '--appendonly',
      'yes',
      '--save',
      '60',
    ]);
    assert.deepEqual(shellSplit(''), []);
    assert.deepEqual(shellSplit('   '), []);
  });

  it('honours single and double quotes, and keeps empty quoted arguments', () => {
    assert.deepEqual(shellSplit(`sh -c 'echo "$HOME" && exit 1'`), ['sh', '-c', 'echo "$HOME" && exit 1']);
    assert.deepEqual(shellSplit(`echo "it's" a"b"c ""`), ['echo', "it's", 'abc', '']);
  });

  it('applies backslash escapes outside single quotes (\\n and \\t become control characters)', () => {
    assert.deepEqual(shellSplit('a\\ b "c\\"d" \'e\\f\' g\\nh "\\t"'), ['a b', 'c"d', 'e\\f', 'g\nh', '\t']);
  });

  it('does not expand variables and keeps $(...) and backticks as text', () => {
    assert.deepEqual(shellSplit('echo $HOME ${X} $(cat /run/secret a) `date +%s`'), [
      'echo',
      '$HOME',
      '${X}',
      '$(cat /run/secret a)',
      '`date +%s`',
    ]);
  });

  it('stops at the first unquoted shell operator, like Compose', () => {
    assert.deepEqual(shellSplit('echo a && echo b'), ['echo', 'a']);
    assert.deepEqual(shellSplit('run; rm'), ['run']);
    assert.deepEqual(shellSplit('cmd 2>/dev/null'), ['cmd']);
    assert.deepEqual(shellSplit('echo "a && b" | cat'), ['echo', 'a && b']);
  });

  it('throws on unbalanced quotes and stray parentheses', () => {
    assert.throws(() => shellSplit('echo "open'), { message: 'unterminated quote' });
    assert.throws(() => shellSplit("echo 'open"), { message: 'unterminated quote' });
    assert.throws(() => shellSplit('echo trailing\\'), { message: 'unterminated backslash escape' });
    assert.throws(() => shellSplit('echo `date'), { message: 'unterminated backtick' });
    assert.throws(() => shellSplit('echo $(date'), { message: 'unterminated "$("' });
    assert.throws(() => shellSplit('echo (x)'), { message: 'invalid command line: unexpected "("' });
    assert.throws(() => shellSplit('echo x)'), { message: 'invalid command line: unexpected ")"' });
  });
});
