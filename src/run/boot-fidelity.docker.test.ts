// Boot fidelity against the real engine, through `rehearsa stack test --json`: one test per reason class, per
// depends_on condition, pulls from the local registries, builds, readiness rules, settle window and cleanup.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { BUSYBOX, leftovers, runRehearsa, uniqueStack, writeTree } from '../../test/support/cli.js';
import { connectDocker } from '../engine/docker-engine.js';
import type { ServiceOutcome } from '../model.js';

const OPEN_REGISTRY = '127.0.0.1:5000';
const AUTH_REGISTRY = '127.0.0.1:5001';
const check = (cmd: string, interval = '300ms', retries = 2) =>
  `{ test: ${cmd}, interval: ${interval}, timeout: 2s, retries: ${retries} }`;
const dataDir = () => mkdtempSync(join(tmpdir(), 'rehearsa-data-'));
/** A docker config directory holding no credentials at all. */
const emptyDockerConfig = () => mkdtempSync(join(tmpdir(), 'rehearsa-docker-config-'));

interface RunDoc {
  services: ServiceOutcome[];
  summary: { confidence: number };
}

interface Rehearsal {
  code: number | null;
  stdout: string;
  stderr: string;
  doc: RunDoc;
  by: Record<string, ServiceOutcome>;
}

async function rehearse(
  files: Record<string, string>,
  options: { args?: string[]; env?: NodeJS.ProcessEnv; json?: boolean } = {},
): Promise<Rehearsal> {
  const stack = uniqueStack('fidelity');
  const dir = writeTree(files);
  const json = options.json ?? true;
  const result = await runRehearsa(
    [
      'stack',
      'test',
      'compose.yaml',
      '--stack',
      stack,
      '--settle',
      '0',
      ...(json ? ['--json'] : []),
      ...(options.args ?? []),
    ],
    { cwd: dir, dataDir: dataDir(), env: { DOCKER_CONFIG: emptyDockerConfig(), ...options.env } },
  );
  assert.deepEqual(await leftovers(`rehearsa.stack=${stack}`), [], 'nothing labelled with the stack may remain');
  const images = await connectDocker().listImagesByLabel(`rehearsa.stack=${stack}`);
  assert.deepEqual(images, [], 'no image built by the run may remain');
  const doc =
    json && result.stdout.startsWith('{')
      ? (JSON.parse(result.stdout) as RunDoc)
      : { services: [], summary: { confidence: 0 } };
  return { ...result, doc, by: Object.fromEntries(doc.services.map((s) => [s.service, s])) };
}

const compose = (services: string) => ({ 'compose.yaml': `services:\n${services}` });
const docker = (...args: string[]) =>
  execFileSync('docker', args, { stdio: ['ignore', 'pipe', 'pipe'] })
    .toString()
    .trim();
const imageId = (ref: string) => {
  try {
    return docker('image', 'inspect', '--format', '{{.Id}}', ref);
  } catch {
    return undefined;
  }
};

describe('boot fidelity against the real engine', { timeout: 300_000 }, () => {
  test('pull failures are scored with their class: not found, unauthorized, registry unreachable', async () => {
    const run = await rehearse(
      compose(`  missing: { image: ${OPEN_REGISTRY}/fixture/busybox:no-such-tag, command: sleep 300 }
  private: { image: ${AUTH_REGISTRY}/private/busybox:1, command: sleep 300 }
  nowhere: { image: 127.0.0.1:5999/x:1, command: sleep 300 }
  fine: { image: ${BUSYBOX}, command: sleep 300, healthcheck: ${check('["CMD", "true"]')} }
`),
      { args: ['--pull', 'always'] },
    );
    assert.equal(run.code, 1, run.stderr);
    const { missing, private: priv, nowhere, fine } = run.by;
    for (const s of [missing!, priv!, nowhere!]) assert.deepEqual([s.reasonClass, s.score], ['image', 0], s.reason);
    assert.match(missing!.reason!, /^pull 127\.0\.0\.1:5000\/fixture\/busybox:no-such-tag: not found \(/);
    assert.match(priv!.reason!, /^pull 127\.0\.0\.1:5001\/private\/busybox:1: unauthorized \(/);
    assert.match(nowhere!.reason!, /^pull 127\.0\.0\.1:5999\/x:1: registry unreachable \(/);
    // --pull always pulls even a present image; the local fixture is not in any registry, so that fails too.
    assert.equal(fine!.reasonClass, 'image');
    assert.match(run.stderr, /missing {2}Pulling/, 'the pull phase shows in the progress lines');
  });

  test('the protected image pulls with credentials from DOCKER_CONFIG and scores 100', async () => {
    const ref = `${AUTH_REGISTRY}/private/busybox:1`;
    if (imageId(ref)) docker('rmi', ref);
    const config = mkdtempSync(join(tmpdir(), 'rehearsa-docker-config-'));
    const auth = Buffer.from('rehearsa:rehearsa-test').toString('base64');
    writeFileSync(join(config, 'config.json'), JSON.stringify({ auths: { [AUTH_REGISTRY]: { auth } } }));
    try {
      const run = await rehearse(
        compose(`  private: { image: ${ref}, command: sleep 300, healthcheck: ${check('["CMD", "true"]')} }\n`),
        { env: { DOCKER_CONFIG: config } },
      );
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual([run.by.private!.state, run.by.private!.score], ['healthy', 100]);
      assert.match(run.stderr, /private {2}Pulling/);
    } finally {
      if (imageId(ref)) docker('rmi', ref);
    }
  });

  test('a build: service is built with its args and target, scores 100, and its image is removed', async () => {
    const run = await rehearse({
      ...compose(`  app:
    build:
      context: ./app
      args: { GREETING: hello }
      target: final
    healthcheck: ${check('["CMD-SHELL", "grep -q hello /greeting"]')}
  broken:
    build: ./broken
`),
      'app/Dockerfile': `FROM ${BUSYBOX} AS base\nARG GREETING\nRUN echo "$GREETING" > /greeting\nFROM base AS final\nCOPY note.txt /note.txt\nCMD ["sh", "-c", "cat /greeting /note.txt; sleep 300"]\nFROM base AS unused\nRUN exit 9\n`,
      'app/note.txt': 'context file\n',
      'app/.dockerignore': 'secret.txt\n',
      'app/secret.txt': 'must not reach the engine\n',
      'broken/Dockerfile': `FROM ${BUSYBOX}\nRUN echo about to fail && exit 3\n`,
    });
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual([run.by.app!.state, run.by.app!.score], ['healthy', 100], run.by.app!.reason);
    const broken = run.by.broken!;
    assert.deepEqual([broken.reasonClass, broken.score], ['build', 0]);
    assert.match(broken.reason!, /^build of broken failed: .*returned a non-zero code: 3/);
    assert.ok(
      broken.logTail.some((l) => l.includes('about to fail')),
      'the build output is the evidence',
    );
    assert.match(run.stderr, /app {2}Building/);
  });

  test('an image the user already had is neither rebuilt by default nor retagged or removed by --build always', async () => {
    const before = imageId(BUSYBOX);
    const files = {
      ...compose(
        `  app: { image: ${BUSYBOX}, build: ./app, command: sleep 300, healthcheck: ${check('["CMD", "true"]')} }\n`,
      ),
      'app/Dockerfile': `FROM ${BUSYBOX}\nRUN touch /rebuilt\n`,
    };
    const reused = await rehearse(files);
    assert.equal(reused.code, 0, reused.stderr);
    assert.doesNotMatch(reused.stderr, /Building/);
    const rebuilt = await rehearse(files, { args: ['--build', 'always'] });
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    assert.match(rebuilt.stderr, /app {2}Building/);
    assert.equal(imageId(BUSYBOX), before, 'the user image keeps its tag and id');
  });

  test('a build context that does not exist exits 2 naming the path, before anything is created', async () => {
    const run = await rehearse(compose('  app: { build: ./nowhere }\n'), { json: false });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /compose\.yaml › services\.app\.build\.context: .*nowhere is not a directory/);
  });

  test('create/config failures: an unknown capability fails at create, an unknown user at start', async () => {
    const run = await rehearse(
      compose(`  badcap: { image: ${BUSYBOX}, command: sleep 300, cap_add: [NOT_A_CAPABILITY] }
  baduser: { image: ${BUSYBOX}, command: sleep 300, user: no-such-user }
`),
    );
    const { badcap, baduser } = run.by;
    assert.deepEqual([badcap!.state, badcap!.reasonClass, badcap!.score], ['failed', 'create', 0]);
    assert.match(badcap!.reason!, /create failed: .*NOT_A_CAPABILITY/i);
    assert.deepEqual([baduser!.state, baduser!.reasonClass, baduser!.score], ['failed', 'start', 0]);
    assert.match(baduser!.reason!, /no-such-user/);
  });

  test('exit code: the evidence is the exit code, the log tail and the state changes, in JSON and in the report', async () => {
    const files = compose(`  job: { image: ${BUSYBOX}, command: sh -c "echo step one; echo failing >&2; exit 3" }\n`);
    // One second of settle: without a healthcheck, "running" is ready the moment it starts.
    const run = await rehearse(files, { args: ['--settle', '1'] });
    const job = run.by.job!;
    assert.deepEqual([job.state, job.reasonClass, job.exitCode, job.score], ['exited', 'exit', 3, 0]);
    // stdout and stderr written in the same instant may come back in either order.
    assert.deepEqual([...job.logTail].sort(), ['failing', 'step one']);
    assert.deepEqual(
      job.events!.map((e) => e.state),
      ['created', 'running', 'exited', 'removed'],
    );
    assert.equal(job.events![2]!.detail, 'code 3');
    for (const key of ['createdMs', 'startedMs', 'exitedMs', 'removedMs'] as const) {
      assert.equal(typeof job.timings[key], 'number', key);
    }
    const text = await rehearse(files, { json: false, args: ['--settle', '1'] });
    assert.match(
      text.stdout,
      /✗ job: exited with code 3\n {2}events: created \d+\.\ds · running \d+\.\ds · exited \(code 3\) \d+\.\ds · removed/,
    );
    assert.match(text.stdout, / {2}log:\n {4}(step one|failing)\n {4}(step one|failing)\n/);
  });

  test('unhealthy: failing probes score 40 with their outputs, well before the global deadline', async () => {
    const started = Date.now();
    const run = await rehearse(
      compose(
        `  sick: { image: ${BUSYBOX}, command: sleep 300, healthcheck: ${check('["CMD-SHELL", "echo db not ready; exit 1"]')} }\n`,
      ),
      { args: ['--timeout', '60'] },
    );
    const sick = run.by.sick!;
    assert.deepEqual([sick.state, sick.reasonClass, sick.score], ['unhealthy', 'unhealthy', 40]);
    assert.ok(sick.healthLog.includes('db not ready'));
    assert.ok(sick.events!.some((e) => e.state === 'unhealthy'));
    assert.ok(Date.now() - started < 20_000, 'an unhealthy verdict does not wait for --timeout');
  });

  test('crash loop: restart: always with exit 1 scores 0 and reports its restarts', async () => {
    const run = await rehearse(compose(`  loop: { image: ${BUSYBOX}, command: sh -c "exit 1", restart: always }\n`), {
      args: ['--settle', '2'],
    });
    const loop = run.by.loop!;
    assert.deepEqual([loop.reasonClass, loop.score], ['crash_loop', 0]);
    assert.ok(loop.restartCount >= 1, `restartCount ${loop.restartCount}`);
    assert.match(loop.reason!, /^crash loop: restarted \d+ times? \(last exit code 1\)/);
    assert.ok(loop.events!.some((e) => e.state === 'restarted'));
  });

  test('OOM: a service over its mem_limit is killed by the OOM killer and scores 0 as oom', async () => {
    // 16 MiB (swap capped to the same) against ~200 MB held in a shell variable: the kernel kills the shell.
    const run = await rehearse(
      compose(`  hog:
    image: ${BUSYBOX}
    mem_limit: 16m
    command: ['sh', '-c', 'a=$$(head -c 200000000 /dev/zero | tr "\\0" a); echo $$a | wc -c']
`),
      // Without a healthcheck "running" is ready at once: the settle window is what sees the kill.
      { args: ['--settle', '3'] },
    );
    assert.equal(run.code, 1, run.stderr);
    const hog = run.by.hog!;
    assert.deepEqual([hog.state, hog.reasonClass, hog.oomKilled, hog.score], ['exited', 'oom', true, 0], hog.reason);
    assert.match(hog.reason!, /^killed by the OOM killer \(exit 137\)/);
  });

  test('timeout: a healthcheck that has not reported by --timeout scores 40 as a timeout', async () => {
    const run = await rehearse(
      compose(`  slow: { image: ${BUSYBOX}, command: sleep 300, healthcheck: ${check('["CMD", "true"]', '30s')} }\n`),
      { args: ['--timeout', '3'] },
    );
    const slow = run.by.slow!;
    assert.deepEqual([slow.state, slow.reasonClass, slow.score], ['starting', 'timeout', 40]);
    assert.equal(slow.reason, 'not healthy before the deadline (--timeout 3)');
  });

  test('each depends_on condition gates its dependent: started, healthy, completed successfully', async () => {
    const run = await rehearse(
      compose(`  plain: { image: ${BUSYBOX}, command: sleep 300 }
  db: { image: ${BUSYBOX}, command: sh -c "sleep 1; touch /tmp/ok; sleep 300", healthcheck: ${check('["CMD", "test", "-f", "/tmp/ok"]', '300ms', 10)} }
  migrate: { image: ${BUSYBOX}, command: sh -c "sleep 1; exit 0" }
  a: { image: ${BUSYBOX}, command: sleep 300, depends_on: { plain: { condition: service_started } } }
  b: { image: ${BUSYBOX}, command: sleep 300, depends_on: { db: { condition: service_healthy } } }
  c: { image: ${BUSYBOX}, command: sleep 300, depends_on: { migrate: { condition: service_completed_successfully } } }
`),
    );
    assert.equal(run.code, 0, run.stderr);
    const t = (s: string) => run.by[s]!.timings;
    assert.ok(t('a').startedMs! >= t('plain').startedMs!);
    assert.ok(t('b').startedMs! >= t('db').readyMs!, 'b waits for db to be healthy');
    assert.ok(t('c').startedMs! >= t('migrate').exitedMs!, 'c waits for migrate to complete');
    assert.deepEqual([run.by.migrate!.state, run.by.migrate!.score], ['completed', 100]);
  });

  test('a failed dependency blocks its dependents under every condition', async () => {
    const run = await rehearse(
      compose(`  broken: { image: ${BUSYBOX}, command: sleep 300, cap_add: [NOT_A_CAPABILITY] }
  sick: { image: ${BUSYBOX}, command: sleep 300, healthcheck: ${check('["CMD", "false"]')} }
  migrate: { image: ${BUSYBOX}, command: sh -c "exit 4" }
  x: { image: ${BUSYBOX}, command: sleep 300, depends_on: { broken: { condition: service_started } } }
  y: { image: ${BUSYBOX}, command: sleep 300, depends_on: { sick: { condition: service_healthy } } }
  z: { image: ${BUSYBOX}, command: sleep 300, depends_on: { migrate: { condition: service_completed_successfully } } }
`),
    );
    const blocked = (s: string) => [run.by[s]!.state, run.by[s]!.reasonClass, run.by[s]!.reason, run.by[s]!.score];
    assert.deepEqual(blocked('x'), ['not_started', 'dependency', 'not started: dependency broken failed', 0]);
    assert.deepEqual(blocked('y'), ['not_started', 'dependency', 'not started: dependency sick is unhealthy', 0]);
    assert.deepEqual(blocked('z'), [
      'not_started',
      'dependency',
      'not started: dependency migrate exited with code 4',
      0,
    ]);
    for (const s of ['x', 'y', 'z']) assert.equal(run.by[s]!.events, undefined, `${s} never got a container`);
  });

  test('network_mode service:web joins web after it is up and reaches its port on 127.0.0.1', async () => {
    const run = await rehearse(
      compose(`  web:
    image: ${BUSYBOX}
    command: sh -c "mkdir -p /www && echo hello > /www/index.html && httpd -f -p 8080 -h /www"
  sidecar:
    image: ${BUSYBOX}
    command: sleep 300
    network_mode: "service:web"
    healthcheck: ${check('["CMD-SHELL", "wget -qO- http://127.0.0.1:8080/ | grep -q hello"]', '300ms', 5)}
`),
    );
    assert.equal(run.by.sidecar!.score, 100, run.by.sidecar!.reason);
    assert.ok(run.by.sidecar!.timings.startedMs! >= run.by.web!.timings.startedMs!);
  });

  test('depends_on restart: true restarts the dependent when the engine restarts its dependency', async () => {
    const run = await rehearse(
      compose(`  db: { image: ${BUSYBOX}, command: sh -c "sleep 1; exit 1", restart: always }
  app: { image: ${BUSYBOX}, command: sleep 300, depends_on: { db: { condition: service_started, restart: true } } }
  bystander: { image: ${BUSYBOX}, command: sleep 300, depends_on: { db: { condition: service_started } } }
`),
      { args: ['--settle', '3'] },
    );
    const { app, bystander, db } = run.by;
    assert.equal(db!.reasonClass, 'crash_loop');
    assert.ok((app!.dependencyRestarts ?? 0) >= 1, 'app was restarted');
    assert.ok(app!.events!.some((e) => e.state === 'restart requested' && e.detail === 'dependency db restarted'));
    assert.ok(app!.events!.filter((e) => e.state === 'restarted').length >= 1, 'the engine reported the restart');
    assert.equal(app!.score, 85, 'a requested restart is not a crash loop');
    assert.equal(bystander!.dependencyRestarts, undefined);
  });

  test('settle window: dying or turning unhealthy after being ready loses the score', async () => {
    const run = await rehearse(
      compose(`  steady: { image: ${BUSYBOX}, command: sleep 300, healthcheck: ${check('["CMD", "true"]')} }
  dies: { image: ${BUSYBOX}, command: sh -c "sleep 1.5; exit 2", healthcheck: ${check('["CMD", "true"]')} }
  flaps: { image: ${BUSYBOX}, command: sh -c "touch /tmp/ok; sleep 1.5; rm /tmp/ok; sleep 300", healthcheck: ${check('["CMD", "test", "-f", "/tmp/ok"]', '300ms', 1)} }
`),
      { args: ['--settle', '3'] },
    );
    assert.equal(run.by.steady!.score, 100);
    assert.deepEqual([run.by.dies!.reason, run.by.dies!.score], ['exited with code 2 after being healthy', 0]);
    assert.deepEqual([run.by.flaps!.state, run.by.flaps!.score], ['unhealthy', 40]);
    assert.match(run.by.flaps!.reason!, /^turned unhealthy after being ready/);
  });

  test('cleanup kills 10 running containers that ignore SIGTERM at once, well inside their 10 s stop grace', async () => {
    const services = Array.from(
      { length: 10 },
      (_, i) =>
        `  s${i}: { image: ${BUSYBOX}, command: sh -c "trap '' TERM; sleep 300", stop_grace_period: 10s, healthcheck: ${check('["CMD", "true"]')} }\n`,
    ).join('');
    const run = await rehearse(compose(services));
    assert.equal(run.code, 0, run.stderr);
    const ready = Math.max(...run.doc.services.map((s) => s.timings.readyMs!));
    const removed = Math.max(...run.doc.services.map((s) => s.timings.removedMs!));
    assert.ok(removed - ready < 5000, `removal took ${removed - ready} ms after the last service was ready`);
  });
});
