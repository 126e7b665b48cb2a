import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeRun } from '../history/test-fixtures.js';
import type { Plan } from '../model.js';
import { MASK, maskUrlPasswords, redactPlan, redactRunResult, redactText } from './redact.js';

describe('redactText', () => {
  it('masks every occurrence, the longest secret first, and keeps the rest', () => {
    assert.equal(
      redactText('user=admin pass=hunter2hunter2 again hunter2', ['hunter2', 'hunter2hunter2']),
      `user=admin pass=${MASK} again ${MASK}`,
    );
  });

  it('treats secrets as literal text, not patterns', () => {
    assert.equal(redactText('a.b*c (x) a-b', ['a.b*c', '(x)']), `${MASK} ${MASK} a-b`);
  });

  it('leaves text alone when there is nothing to mask', () => {
    assert.equal(redactText('nothing here', []), 'nothing here');
    assert.equal(redactText('nothing here', ['']), 'nothing here');
  });
});

describe('maskUrlPasswords', () => {
  it('masks the password of every URL with credentials, whether or not it was collected as a secret', () => {
    assert.equal(
      maskUrlPasswords('borg cannot read ssh://user:S3cretPWxyz@127.0.0.1:1/repo::x; see sftp://a:b%40c@h/p'),
      `borg cannot read ssh://user:${MASK}@127.0.0.1:1/repo::x; see sftp://a:${MASK}@h/p`,
    );
    assert.equal(redactText('restic rest:http://u:hunter22@10.0.0.1/', []), `restic rest:http://u:${MASK}@10.0.0.1/`);
    assert.equal(maskUrlPasswords('http://host:8080/path and user@host'), 'http://host:8080/path and user@host');
  });
});

describe('redactRunResult', () => {
  it('masks every free text of the run and keeps identifiers, names and numbers', () => {
    const secret = 's3cr3t-value';
    const run = makeRun('web', 'r1', 50, {
      findings: [{ rule: 'bind-missing', severity: 'warning', service: 'db', message: `uses ${secret}` }],
    });
    const db = run.services[0]!;
    db.healthLog = [`probe said ${secret}`];
    db.reason = `unhealthy: ${secret}`;
    db.events = [{ atMs: 1, state: 'exited', detail: `because ${secret}` }];
    run.services[1]!.logTail = ['line 1', `password is ${secret}!`];
    run.verdict.violations = [{ rule: 'min_confidence', message: `confidence below ${secret}` }];
    const before = structuredClone(run);

    const redacted = redactRunResult(run, [secret]);
    assert.deepEqual(run, before, 'the input is not modified');
    assert.equal(JSON.stringify(redacted).includes(secret), false);
    assert.equal(redacted.findings[0]?.message, `uses ${MASK}`);
    assert.deepEqual(redacted.services[0]?.healthLog, [`probe said ${MASK}`]);
    assert.equal(redacted.services[0]?.reason, `unhealthy: ${MASK}`);
    assert.equal(redacted.services[0]?.events?.[0]?.detail, `because ${MASK}`);
    assert.deepEqual(redacted.services[1]?.logTail, ['line 1', `password is ${MASK}!`]);
    assert.equal(redacted.verdict.violations[0]?.message, `confidence below ${MASK}`);
    // Everything else is exactly as it was.
    const unmasked = JSON.parse(JSON.stringify(redacted).replaceAll(MASK, secret));
    assert.deepEqual(unmasked, JSON.parse(JSON.stringify(before)));
  });

  it('never masks identifiers, even when a secret equals one', () => {
    const run = makeRun('web', 'r1', 50);
    const redacted = redactRunResult(run, ['web', 'r1', 'healthy', 'app', '/srv/web/compose.yml']);
    assert.equal(redacted.stack, 'web');
    assert.equal(redacted.runId, 'r1');
    assert.deepEqual(redacted.files, ['/srv/web/compose.yml']);
    assert.deepEqual(
      redacted.services.map((s) => [s.service, s.state]),
      [
        ['db', 'healthy'],
        ['app', 'exited'],
      ],
    );
  });
});

describe('redactPlan', () => {
  it('masks environment values (keys kept), commands, healthchecks and build args; keeps names', () => {
    const container = {
      service: 'db',
      name: 'rehearsa-web-r1-db',
      image: 'postgres:16',
      env: ['POSTGRES_PASSWORD=pw-secret-1', 'PGPORT=5432'],
      cmd: ['sh', '-c', 'psql postgres://app:url-secret-2@db/app'],
      healthcheck: { test: ['CMD-SHELL', 'check pw-secret-1'], disabled: false },
      build: { context: '/srv/web', dockerfile: 'Dockerfile', args: { TOKEN: 'arg-secret-3' }, labels: {} },
    };
    const plan = { runId: 'r1', stack: 'web', sandbox: 'rehearsa-web-r1', containers: [container] } as unknown as Plan;
    const redacted = redactPlan(plan, ['pw-secret-1', 'url-secret-2', 'arg-secret-3']);
    const [c] = redacted.containers;
    assert.deepEqual(c?.env, [`POSTGRES_PASSWORD=${MASK}`, 'PGPORT=5432']);
    assert.deepEqual(c?.cmd, ['sh', '-c', `psql postgres://app:${MASK}@db/app`]);
    assert.deepEqual(c?.healthcheck?.test, ['CMD-SHELL', `check ${MASK}`]);
    assert.deepEqual(c?.build?.args, { TOKEN: MASK });
    assert.equal(c?.name, 'rehearsa-web-r1-db');
    assert.equal(container.env[0], 'POSTGRES_PASSWORD=pw-secret-1', 'the input is not modified');
  });
});
