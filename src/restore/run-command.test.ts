import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reasonLine } from './run-command.js';

test("reasonLine takes restic's Fatal line over the hints printed after it", () => {
  const stderr =
    'Fatal: unable to open config file: stat /tmp/nope/config: no such file or directory\nIs there a repository at the following location?\n/tmp/nope\n';
  assert.equal(reasonLine(stderr), 'unable to open config file: stat /tmp/nope/config: no such file or directory');
});

test('reasonLine takes the last non-empty line of any other command', () => {
  assert.equal(
    reasonLine('warming up\nRepository /srv/borg does not exist.\n\n'),
    'Repository /srv/borg does not exist.',
  );
  assert.equal(reasonLine(''), '');
});
