import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BUSYBOX, leftovers, runRehearsa, uniqueStack } from '../../test/support/cli.js';

const POSTGRES = 'rehearsa-fixture/postgres:15';
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' });
const dataDir = () => mkdtempSync(join(tmpdir(), 'rehearsa-data-'));
const suffix = Math.random().toString(36).slice(2, 8);
const liveVolume = `rehearsa-test-pgsrc-${suffix}`;
const work = mkdtempSync(join(tmpdir(), 'rehearsa-restore-'));

interface RunDoc {
  services: { service: string; state: string; score: number; reason?: string; reasonClass?: string }[];
  restores?: {
    name: string;
    source: string;
    bytes: number;
    ms: number;
    ageMs?: number;
    snapshot?: string;
    error?: string;
  }[];
  probes?: { service: string; passed: boolean; reason?: string; evidence?: string }[];
  verdict: { passed: boolean; violations: { rule: string; message: string }[] };
}

/** Contents of a volume as `md5  path` lines plus owners and modes, read through a throwaway container. */
function volumeDigest(volume: string): string {
  return docker(
    'run',
    '--rm',
    '--network',
    'none',
    '-v',
    `${volume}:/src:ro`,
    BUSYBOX,
    'sh',
    '-c',
    "cd /src && find . -type f | sort | xargs md5sum && find . | sort | xargs ls -ldn | awk '{print $1,$3,$4,$9}'",
  );
}

function pgStack(restore: string, probe = 'select * from orders', extra = ''): string {
  return `services:
  db:
    image: ${POSTGRES}
    environment: { POSTGRES_PASSWORD: pw, POSTGRES_DB: shop }
    volumes: [ "pgdata:/var/lib/postgresql/data"${extra} ]
    healthcheck: { test: ["CMD-SHELL", "pg_isready -h 127.0.0.1 -U postgres"], interval: 1s, timeout: 3s, retries: 60 }
volumes:
  pgdata: { name: ${liveVolume} }
x-rehearsa:
  helper_image: ${BUSYBOX}
${restore ? `  restore:\n${restore}\n` : ''}  probes:
    - { service: db, type: sql, query: "${probe}", min_rows: 3, retries: 5, interval: 1s }
`;
}

async function rehearse(dir: string, stack: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const result = await runRehearsa(
    ['stack', 'test', '--stack', stack, '--json', '--settle', '0', '--timeout', '90', ...extra],
    {
      cwd: dir,
      dataDir: dataDir(),
      env,
    },
  );
  assert.deepEqual(await leftovers(`rehearsa.stack=${stack}`), [], 'nothing labelled with the stack may remain');
  return result;
}

function stackDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(work, 'stack-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

const parse = (stdout: string) => JSON.parse(stdout) as RunDoc;

describe('restoring PostgreSQL data into the sandbox (real engine)', { timeout: 600_000 }, () => {
  before(() => {
    // A live volume initialised by the postgres image itself: 3 orders, owned by the postgres user, mode 0700.
    const init = join(work, 'init');
    mkdirSync(init);
    writeFileSync(
      join(init, 'orders.sql'),
      "create table orders (id int primary key, item text);\ninsert into orders values (1, 'tea'), (2, 'cake'), (3, 'jam');\n",
    );
    docker('volume', 'create', liveVolume);
    const name = `rehearsa-test-pginit-${suffix}`;
    docker(
      'run',
      '-d',
      '--name',
      name,
      '--network',
      'none',
      '-e',
      'POSTGRES_PASSWORD=pw',
      '-e',
      'POSTGRES_DB=shop',
      '-v',
      `${liveVolume}:/var/lib/postgresql/data`,
      '-v',
      `${init}:/docker-entrypoint-initdb.d:ro`,
      POSTGRES,
    );
    for (let i = 0; i < 120; i++) {
      try {
        docker('exec', name, 'pg_isready', '-h', '127.0.0.1', '-U', 'postgres');
        break;
      } catch {
        execFileSync('sleep', ['0.5']);
      }
    }
    writeFileSync(join(work, 'dump.sql'), docker('exec', name, 'pg_dump', '-U', 'postgres', '-d', 'shop'));
    docker('stop', name);
    docker('rm', name);
    // The data-directory backup: a tar of the volume as it is at rest.
    execFileSync('sh', [
      '-c',
      `docker run --rm --network none -v ${liveVolume}:/src:ro ${BUSYBOX} tar -C /src -cf - . > ${join(work, 'pgdata.tar')}`,
    ]);
    execFileSync('gzip', ['-k', join(work, 'pgdata.tar')]);
    mkdirSync(join(work, 'pgdir'));
    execFileSync('tar', [
      '--numeric-owner',
      '--same-owner',
      '-p',
      '-C',
      join(work, 'pgdir'),
      '-xf',
      join(work, 'pgdata.tar'),
    ]);
  });
  after(() => {
    docker('volume', 'rm', '-f', liveVolume);
  });

  test('a data-directory archive: the sql probe counts the rows, the restore is measured, the live volume is untouched', async () => {
    const before = volumeDigest(liveVolume);
    const dir = stackDir({
      'compose.yaml': pgStack(`    pgdata: { from: archive, path: ${join(work, 'pgdata.tar.gz')} }`),
    });
    const stack = uniqueStack('pg-archive');
    const result = await rehearse(dir, stack);
    const doc = parse(result.stdout);
    assert.equal(doc.services[0]?.score, 100, result.stdout + result.stderr);
    assert.equal(doc.probes?.[0]?.passed, true);
    assert.match(doc.probes?.[0]?.evidence ?? '', /^3 rows/);
    assert.ok((doc.restores?.[0]?.bytes ?? 0) > 1_000_000, 'the restore counts the bytes it sent');
    console.log(`archive restore: ${doc.restores?.[0]?.bytes} bytes in ${doc.restores?.[0]?.ms} ms`);
    assert.equal(volumeDigest(liveVolume), before);
  });

  test('a copy of the live volume through a read-only helper: same rows, live volume byte-identical', async () => {
    const before = volumeDigest(liveVolume);
    const dir = stackDir({ 'compose.yaml': pgStack('') });
    const stack = uniqueStack('pg-live');
    const result = await rehearse(dir, stack, ['--restore', 'pgdata=live']);
    const doc = parse(result.stdout);
    assert.equal(doc.services[0]?.score, 100, result.stdout + result.stderr);
    assert.equal(doc.restores?.[0]?.source, `live volume ${liveVolume}`);
    console.log(`live restore: ${doc.restores?.[0]?.bytes} bytes in ${doc.restores?.[0]?.ms} ms`);
    assert.equal(volumeDigest(liveVolume), before);
  });

  test('a pg_dump replayed by the entrypoint from a restored init directory', async () => {
    const initDir = join(work, 'dump-init');
    mkdirSync(initDir, { recursive: true });
    writeFileSync(join(initDir, 'dump.sql'), execFileSync('cat', [join(work, 'dump.sql')]));
    const dir = stackDir({
      'compose.yaml': pgStack(
        `    /docker-entrypoint-initdb.d: { from: directory, path: ${initDir} }`,
        'select * from orders',
        ', "./initdb:/docker-entrypoint-initdb.d:ro"',
      ),
    });
    const stack = uniqueStack('pg-dump');
    const doc = parse(
      (await rehearse(dir, stack, ['--restore', `pgdata=archive:${join(work, 'empty.tar')}`].slice(0, 0))).stdout,
    );
    assert.equal(doc.services[0]?.score, 100, JSON.stringify(doc));
    assert.equal(doc.probes?.[0]?.passed, true);
  });

  test('an empty backup scores lower and says the table is missing; a truncated one says the restore failed', async () => {
    mkdirSync(join(work, 'empty'), { recursive: true });
    execFileSync('tar', ['-C', join(work, 'empty'), '-cf', join(work, 'empty.tar'), '.']);
    const dir = stackDir({
      'compose.yaml': pgStack(`    pgdata: { from: archive, path: ${join(work, 'empty.tar')} }`),
    });
    const empty = parse((await rehearse(dir, uniqueStack('pg-empty'))).stdout);
    assert.equal(empty.services[0]?.score, 40);
    assert.equal(empty.services[0]?.reasonClass, 'probe');
    assert.match(empty.services[0]?.reason ?? '', /relation "orders" does not exist/);

    execFileSync('cp', [join(work, 'pgdata.tar'), join(work, 'truncated.tar')]);
    truncateSync(join(work, 'truncated.tar'), 3_000_000);
    const cut = stackDir({
      'compose.yaml': pgStack(`    pgdata: { from: archive, path: ${join(work, 'truncated.tar')} }`),
    });
    const truncated = parse((await rehearse(cut, uniqueStack('pg-cut'))).stdout);
    assert.ok((truncated.services[0]?.score ?? 100) <= 40, JSON.stringify(truncated.services));
    assert.ok(truncated.restores?.[0]?.error, 'the restore records its failure');
    assert.match(truncated.services[0]?.reason ?? '', /restore of pgdata|exited|unhealthy/);
  });

  test('a restic snapshot (latest) and a borg archive restore the same rows; snapshot age reaches the policy', async () => {
    const repo = join(work, 'restic-repo');
    const env = { ...process.env, RESTIC_PASSWORD: 'secret-pw' };
    execFileSync('restic', ['init', '-q', '-r', repo], { env });
    execFileSync('restic', ['backup', '-q', '-r', repo, join(work, 'pgdir')], { env });
    const dir = stackDir({
      'compose.yaml': pgStack(
        `    pgdata: { from: restic, repository: ${repo}, snapshot: latest, password_env: PG_BACKUP_PW }`,
      ),
    });
    const stack = uniqueStack('pg-restic');
    const data = dataDir();
    const set = await runRehearsa(['policy', 'set', stack, '--max-backup-age', '1ms'], { cwd: dir, dataDir: data });
    assert.equal(set.code, 0, set.stderr);
    const result = await runRehearsa(
      ['stack', 'test', '--stack', stack, '--json', '--settle', '0', '--timeout', '90'],
      {
        cwd: dir,
        dataDir: data,
        env: { PG_BACKUP_PW: 'secret-pw' },
      },
    );
    assert.deepEqual(await leftovers(`rehearsa.stack=${stack}`), []);
    const doc = parse(result.stdout);
    assert.equal(doc.services[0]?.score, 100, result.stdout + result.stderr);
    assert.match(doc.restores?.[0]?.source ?? '', /^restic /);
    assert.ok((doc.restores?.[0]?.ageMs ?? -1) >= 0);
    console.log(`restic restore: ${doc.restores?.[0]?.bytes} bytes in ${doc.restores?.[0]?.ms} ms`);
    assert.equal(doc.verdict.violations[0]?.rule, 'max_backup_age');
    assert.equal(result.code, 1);

    const borgRepo = join(work, 'borg-repo');
    const borgEnv = { ...process.env, BORG_PASSPHRASE: 'borg-pw' };
    // borg init prints key-safety advice on stderr: kept out of the test output.
    execFileSync('borg', ['init', '-e', 'repokey', borgRepo], { env: borgEnv, stdio: 'pipe' });
    execFileSync('borg', ['create', `${borgRepo}::nightly`, join(work, 'pgdir')], { env: borgEnv });
    writeFileSync(join(work, 'borg-pw.txt'), 'borg-pw\n');
    const borgDir = stackDir({
      'compose.yaml': pgStack(
        `    pgdata: { from: borg, repository: ${borgRepo}, snapshot: latest, password_file: ${join(work, 'borg-pw.txt')} }`,
      ),
    });
    const borg = parse((await rehearse(borgDir, uniqueStack('pg-borg'))).stdout);
    assert.equal(borg.services[0]?.score, 100, JSON.stringify(borg));
    assert.equal(borg.restores?.[0]?.snapshot, 'nightly');
    console.log(`borg restore: ${borg.restores?.[0]?.bytes} bytes in ${borg.restores?.[0]?.ms} ms`);
  });

  test('bad input exits 2 before anything is created', async () => {
    const cases: [string, string[], RegExp][] = [
      [
        pgStack(`    pgdata: { from: archive, path: ${join(work, 'nope.tar')} }`),
        [],
        /archive .*nope\.tar does not exist/,
      ],
      [pgStack(`    pgdata: { from: archive, path: ${join(work, 'dump.sql')} }`), [], /dump\.sql is not a tar archive/],
      [
        pgStack(`    pgdata: { from: restic, repository: ${join(work, 'restic-repo')}, password_env: WRONG_PW }`),
        [],
        /wrong password for restic repository/,
      ],
      [
        pgStack('').replace('service: db, type: sql', 'service: cache, type: sql'),
        [],
        /probes\[0\]\.service: "cache" is not a started service/,
      ],
      [pgStack(''), ['--restore', 'nothing=live'], /--restore nothing=live: "nothing" names no volume or bind target/],
    ];
    for (const [compose, extra, message] of cases) {
      const stack = uniqueStack('pg-bad');
      const result = await rehearse(stackDir({ 'compose.yaml': compose }), stack, extra, { WRONG_PW: 'not-it' });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, message);
    }
  });
});
