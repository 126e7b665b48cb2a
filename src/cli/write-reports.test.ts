import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeRun, mixedServices } from '../../test/support/run-results.js';
import { ExitCode, InputError } from '../errors.js';
import { openHistory } from '../history/history-store.js';
import { checkReportTargets, writeReports } from './write-reports.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'rehearsa-reports-'));

function rejects(targets: Parameters<typeof checkReportTargets>[0], pattern: RegExp): void {
  assert.throws(
    () => checkReportTargets(targets),
    (error: unknown) =>
      error instanceof InputError && error.exitCode === ExitCode.InvalidInput && pattern.test(error.message),
  );
}

test('a missing directory, a directory in place of the file, a file in place of the directory: exit 2, nothing created', () => {
  const dir = scratch();
  mkdirSync(join(dir, 'taken'));
  writeFileSync(join(dir, 'plain'), 'x');
  rejects({ junit: join(dir, 'missing', 'junit.xml') }, /JUnit report: directory .*missing does not exist/);
  rejects({ html: join(dir, 'taken') }, /HTML report: .*taken is a directory/);
  rejects({ json: join(dir, 'plain', 'run.json') }, /JSON report: .*plain is not a directory/);
  assert.deepEqual(readdirSync(dir).sort(), ['plain', 'taken']);
  assert.deepEqual(readdirSync(join(dir, 'taken')), []);
});

test('every problem is reported at once, including two formats sharing one file', () => {
  const dir = scratch();
  const same = join(dir, 'out.txt');
  try {
    checkReportTargets({ junit: same, html: join(dir, 'no', 'r.html'), json: same });
    assert.fail('expected an error');
  } catch (error) {
    assert.ok(error instanceof InputError);
    assert.equal(error.issues.length, 2);
    assert.match(error.message, /HTML report: directory/);
    assert.match(error.message, /JUnit and JSON reports would both be written to/);
  }
  assert.deepEqual(readdirSync(dir), []);
});

test('writable targets pass and an existing file is neither truncated nor touched by the check', () => {
  const dir = scratch();
  writeFileSync(join(dir, 'old.xml'), 'keep me');
  checkReportTargets({ junit: join(dir, 'old.xml'), html: join(dir, 'new.html') });
  checkReportTargets({});
  assert.equal(readFileSync(join(dir, 'old.xml'), 'utf8'), 'keep me');
  assert.deepEqual(readdirSync(dir), ['old.xml']);
});

test('writeReports writes each requested format from the run and its recorded history', () => {
  const dir = scratch();
  const history = openHistory(join(dir, 'data'));
  try {
    const result = makeRun({ runId: 'r9', services: mixedServices() });
    history.recordRun(makeRun({ runId: 'r8', finishedAt: '2025-01-01T00:00:00.000Z' }));
    history.recordRun(result);
    writeReports({ junit: join(dir, 'j.xml'), html: join(dir, 'r.html'), json: join(dir, 'r.json') }, result, history, {
      edges: [['web', 'db']],
    });
    assert.match(readFileSync(join(dir, 'j.xml'), 'utf8'), /<testsuite name="shop" tests="5" failures="4"/);
    assert.equal(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')).runId, 'r9');
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    assert.equal((html.match(/class="point /g) ?? []).length, 2, 'both recorded runs are on the chart');
    assert.match(html, /class="edge"/);
  } finally {
    history.close();
  }
});
