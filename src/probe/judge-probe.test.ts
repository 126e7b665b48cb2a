import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Plan, ServiceOutcome } from '../model.js';
import type { ProbeSpec } from '../restore-config/restore-config.js';
import { applyVerification } from './apply-verification.js';
import { edgeTargets } from './edge-targets.js';
import { judgeProbe } from './judge-probe.js';
import { probeCommand } from './probe-command.js';

const base = { service: 'db', timeoutMs: 5000, retries: 0, intervalMs: 1000, origin: 'f › probes[0]' };
const ran = (stdout: string, exitCode = 0, stderr = '') => ({ stdout, stderr, exitCode, timedOut: false });

describe('judgeProbe', () => {
  test('sql: rows and expected values', () => {
    const probe: ProbeSpec = { ...base, type: 'sql', query: 'select id from orders', minRows: 3 };
    assert.deepEqual(judgeProbe(probe, ran('1\n2\n3\n')), { passed: true, evidence: '3 rows: 1\n2\n3' });
    assert.equal(judgeProbe(probe, ran('1\n')).reason, 'query returned 1 row, expected at least 3');
    assert.equal(
      judgeProbe(probe, ran('', 1, 'ERROR:  relation "orders" does not exist\nLINE 1')).reason,
      'query failed: ERROR:  relation "orders" does not exist',
    );
    assert.equal(judgeProbe({ ...probe, expect: '42' }, ran('41\n')).reason, 'query returned "41", expected "42"');
    assert.equal(
      judgeProbe(probe, ran('', 127, 'exec: "psql": executable file not found')).reason,
      `the probe's command is missing in the container: exec: "psql": executable file not found`,
    );
  });
  test('http: status from the header dump, body substring', () => {
    const probe: ProbeSpec = { ...base, type: 'http', url: 'http://web/', status: 200, body: 'hello' };
    assert.equal(judgeProbe(probe, ran('hello world', 0, '  HTTP/1.1 200 OK\n')).passed, true);
    assert.equal(
      judgeProbe(probe, ran('', 1, '  HTTP/1.1 404 Not Found\nwget: server returned error')).reason,
      'http://web/ answered 404, expected 200',
    );
    assert.equal(
      judgeProbe(probe, ran('bye', 0, 'HTTP/1.1 200 OK')).reason,
      'http://web/ answered 200 without "hello" in its body',
    );
    assert.match(
      judgeProbe(probe, ran('', 1, 'wget: bad address')).reason ?? '',
      /^no HTTP answer from http:\/\/web\/: wget: bad address/,
    );
    assert.equal(judgeProbe(probe, { stdout: '', stderr: '', timedOut: true }).reason, 'no answer within 5s');
  });
  test('tcp and exec', () => {
    assert.equal(
      judgeProbe({ ...base, type: 'tcp', host: 'db', port: 5432 }, ran('', 1, "nc: can't connect")).reason,
      "cannot connect to db:5432: nc: can't connect",
    );
    const exec: ProbeSpec = { ...base, type: 'exec', command: ['true'], exitCode: 0, output: 'ok' };
    assert.equal(judgeProbe(exec, ran('all ok')).passed, true);
    assert.equal(judgeProbe(exec, ran('nope')).reason, 'output lacks "ok"');
    assert.equal(judgeProbe(exec, ran('', 2, 'bad')).reason, 'exited with 2, expected 0: bad');
  });
});

describe('probeCommand', () => {
  test('sql uses the database client with the service environment', () => {
    const pg = probeCommand(
      { ...base, type: 'sql', query: 'select 1' },
      { POSTGRES_USER: 'app', POSTGRES_DB: 'shop' },
      'postgres',
    );
    assert.deepEqual(pg.cmd.slice(-5), ['app', '-d', 'shop', '-c', 'select 1']);
    const my = probeCommand(
      { ...base, type: 'sql', query: 'select 1' },
      { MYSQL_ROOT_PASSWORD: 'pw', MYSQL_DATABASE: 'shop' },
      'mysql',
    );
    assert.deepEqual([my.cmd[0], my.env], ['mysql', ['MYSQL_PWD=pw']]);
    assert.equal(probeCommand({ ...base, type: 'tcp', host: 'db', port: 1 }, {}).where, 'helper');
  });
});

const plan = {
  sandbox: 's',
  networks: [
    { key: 'default', name: 's_default', internal: true },
    { key: 'back', name: 's_back', internal: true },
  ],
  containers: [
    {
      service: 'app',
      name: 's-app',
      dependsOn: { db: {} },
      networks: [{ name: 's_default', aliases: ['app'] }],
      exposedPorts: [],
      mounts: [],
    },
    {
      service: 'db',
      name: 's-db',
      dependsOn: {},
      networks: [
        { name: 's_default', aliases: ['db'] },
        { name: 's_back', aliases: ['db', 'database'] },
      ],
      exposedPorts: ['5432/tcp', '9000-9010/tcp', '53/udp'],
      mounts: [{ type: 'volume', source: 's_pgdata', target: '/data', readOnly: false }],
    },
  ],
} as unknown as Plan;

describe('edgeTargets', () => {
  test('the service name and every alias, with single TCP ports, and a hint for aliases on networks the dependent lacks', () => {
    assert.deepEqual(edgeTargets(plan, new Map([['db', ['5432/tcp', '8080/tcp']]])), [
      { from: 'app', to: 'db', name: 'db', origin: 'depends_on', networks: ['s_default'], ports: [5432, 8080] },
      {
        from: 'app',
        to: 'db',
        name: 'database',
        origin: 'alias',
        networks: ['s_default'],
        ports: [5432, 8080],
        hint: 'database is declared on back, which app is not on',
      },
    ]);
  });
});

describe('applyVerification', () => {
  const outcome = (service: string, score: number): ServiceOutcome =>
    ({
      service,
      score,
      state: 'healthy',
      oneShot: false,
      hasHealthcheck: true,
      restartCount: 0,
      healthLog: [],
      logTail: [],
      timings: {},
    }) as ServiceOutcome;
  test('a failed restore caps services mounting the volume at 40; a failed probe caps its service; lower scores keep their reason', () => {
    const out = applyVerification(
      [outcome('app', 100), outcome('db', 100)],
      plan,
      [{ name: 'pgdata', volume: 's_pgdata', source: 'archive /b.tar', bytes: 10, ms: 1, error: 'unexpected EOF' }],
      [
        {
          service: 'app',
          type: 'http',
          target: 'http://app/',
          passed: false,
          attempts: 1,
          ms: 1,
          reason: 'answered 500, expected 200',
        },
      ],
    );
    assert.deepEqual(
      out.map((o) => [o.service, o.score, o.reasonClass, o.reason]),
      [
        ['app', 40, 'probe', 'probe http http://app/ failed: answered 500, expected 200'],
        ['db', 40, 'restore', 'restore of pgdata from archive /b.tar failed: unexpected EOF'],
      ],
    );
    const failed = { ...outcome('db', 0), reason: 'exited with code 1' };
    assert.equal(applyVerification([failed], plan, [], [])[0]?.reason, 'exited with code 1');
  });
});
