import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatIssue } from '../errors.js';
import { parseRestoreFlag } from './parse-restore-flag.js';

const spec = (flag: string) => parseRestoreFlag(flag, '/work').spec;
const issue = (flag: string) => formatIssue(parseRestoreFlag(flag, '/work').issue!);

describe('parseRestoreFlag', () => {
  test('each source form', () => {
    assert.deepEqual(spec('db=live'), { name: 'db', snapshot: 'latest', origin: '--restore db=live', from: 'live' });
    assert.equal(spec('db=backup.tar.zst')?.from, 'archive');
    assert.equal(spec('db=backup.tar.zst')?.path, '/work/backup.tar.zst');
    assert.equal(spec('db=backup.tgz')?.from, 'archive');
    assert.equal(spec('db=./dump')?.from, 'directory');
    assert.equal(spec('db=archive:/b/x.bin')?.path, '/b/x.bin');
    assert.equal(spec('/etc/app=dir:conf')?.path, '/work/conf');
    assert.equal(spec('/etc/app=dir:conf')?.name, '/etc/app');
    assert.deepEqual([spec('db=restic:repo')?.repository, spec('db=restic:repo')?.snapshot], ['/work/repo', 'latest']);
    assert.deepEqual(
      [spec('db=restic:sftp:u@h:/r#4f2a')?.repository, spec('db=restic:sftp:u@h:/r#4f2a')?.snapshot],
      ['sftp:u@h:/r', '4f2a'],
    );
    assert.deepEqual(
      [spec('db=borg:/b/repo::latest')?.repository, spec('db=borg:/b/repo::latest')?.snapshot],
      ['/b/repo', 'latest'],
    );
  });

  test('bad flags say what shape is expected', () => {
    assert.equal(
      issue('db'),
      '--restore: "db" must be NAME=SOURCE (a volume or bind target, then where its data comes from)',
    );
    assert.equal(
      issue('=x'),
      '--restore: "=x" must be NAME=SOURCE (a volume or bind target, then where its data comes from)',
    );
    assert.equal(issue('db=archive:'), '--restore: "db=archive:" needs a path after archive:');
    assert.equal(
      issue('db=restic:#x'),
      '--restore: "db=restic:#x" must be restic:REPOSITORY or restic:REPOSITORY#SNAPSHOT',
    );
    assert.equal(
      issue('db=borg:/repo'),
      '--restore: "db=borg:/repo" must be borg:REPOSITORY::ARCHIVE (ARCHIVE may be latest)',
    );
    assert.equal(
      issue('data=archive:http://erin:pw@127.0.0.1/x.tar'),
      '--restore: "data=archive:http://erin:pw@127.0.0.1/x.tar" names a URL; archive: takes a path on this host (download the backup first)',
    );
    assert.match(issue('data=https://host/x.tar.gz'), /names a URL; archives and directories are read from a path/);
  });
});
