// Faults against the real engine: signals at random moments of a rehearsal, an engine restarted under a run
// (on a private engine, so other tests on the shared one are not disturbed), and an engine that never answers.
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BUSYBOX, leftovers, runRehearsa, startRehearsa, uniqueStack, writeTree } from '../../test/support/cli.js';
import { connectDocker } from '../engine/docker-engine.js';

const dataDir = () => mkdtempSync(join(tmpdir(), 'rehearsa-data-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A small deterministic PRNG (mulberry32), so a failing sequence can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OPEN_REGISTRY = '127.0.0.1:5000';
/** A tag of our own in the shared registry, so our pulls never move a tag other tests rely on. */
const PULLED = `${OPEN_REGISTRY}/rehearsa-faults/busybox:1`;

function registryAnswers(): boolean {
  const probe = spawnSync('curl', ['-sf', '--max-time', '10', `http://${OPEN_REGISTRY}/v2/`]);
  return probe.status === 0;
}

/** A stack that pulls, creates a volume and a network, waits on a healthcheck and a dependency: every phase. */
function faultStack(pulledImage: string | undefined): string {
  const seed = pulledImage ? `image: ${pulledImage}\n    pull_policy: always` : `image: ${BUSYBOX}`;
  return `services:
  seed:
    ${seed}
    restart: "no"
    command: ["true"]
  db:
    image: ${BUSYBOX}
    command: sh -c "sleep 0.3; touch /tmp/ok; sleep 300"
    volumes: [data:/data]
    healthcheck: { test: ["CMD", "test", "-f", "/tmp/ok"], interval: 200ms, timeout: 1s, retries: 20 }
  app:
    image: ${BUSYBOX}
    command: sleep 300
    depends_on:
      db: { condition: service_healthy }
      seed: { condition: service_completed_successfully }
volumes:
  data: {}
`;
}

describe('signals at random moments of a rehearsal', { timeout: 600_000 }, () => {
  // Without the local registry (scripts/registry-up.sh) the stack has no pull phase.
  let pulled: string | undefined;
  before(() => {
    if (!registryAnswers()) return;
    execFileSync('docker', ['tag', BUSYBOX, PULLED]);
    execFileSync('docker', ['push', PULLED], { stdio: 'ignore' });
    execFileSync('docker', ['rmi', PULLED], { stdio: 'ignore' });
    pulled = PULLED;
  });
  after(() => {
    if (pulled === PULLED) spawnSync('docker', ['rmi', PULLED], { stdio: 'ignore' });
  });

  test('SIGINT/SIGTERM leave nothing behind; after SIGKILL the next command removes everything', async (t) => {
    const seed = Number(process.env.REHEARSA_FAULT_SEED ?? Date.now() % 2 ** 31);
    const iterations = Number(process.env.REHEARSA_FAULT_ITERATIONS ?? 50);
    t.diagnostic(`seed ${seed} (replay with REHEARSA_FAULT_SEED=${seed}); pulls ${pulled ?? 'nothing: no registry'}`);
    const random = prng(seed);
    const stack = uniqueStack('faults');
    const dir = writeTree({ 'compose.yaml': faultStack(pulled) });
    const data = dataDir();
    const label = `rehearsa.stack=${stack}`;
    const tally: Record<string, number> = {};
    let killedLeftovers = 0;
    const started = Date.now();

    for (let i = 0; i < iterations; i++) {
      const signal = (['SIGINT', 'SIGTERM', 'SIGKILL'] as const)[Math.floor(random() * 3)]!;
      const delayMs = Math.floor(random() * 1500);
      const sweepWith = random() < 0.5 ? 'cleanup' : 'stack test';
      const where = `iteration ${i} (seed ${seed}): ${signal} after ${delayMs} ms`;
      const run = startRehearsa(['stack', 'test', '--stack', stack, '--settle', '0', '--timeout', '30'], {
        cwd: dir,
        dataDir: data,
      });
      await sleep(delayMs);
      run.child.kill(signal);
      const result = await run.result;
      const outcome = result.code === null ? `killed by ${run.child.signalCode}` : `exit ${result.code}`;
      tally[`${signal} → ${outcome}`] = (tally[`${signal} → ${outcome}`] ?? 0) + 1;

      if (signal === 'SIGKILL') {
        killedLeftovers += (await leftovers(label)).length;
        const next =
          sweepWith === 'cleanup'
            ? await runRehearsa(['cleanup'], { dataDir: data })
            : await runRehearsa(['stack', 'test', '--stack', stack, '--settle', '0', '--timeout', '30'], {
                cwd: dir,
                dataDir: data,
              });
        // Other suites sweep the shared engine too: a problem with their runs' resources (one being removed by
        // them at the same moment) may fail the command, but never one with this stack's.
        const ours = next.stderr.split('\n').filter((line) => line.includes(stack));
        assert.deepEqual(ours, [], `${where}: ${sweepWith} after it: exit ${next.code}\n${next.stderr}`);
        if (sweepWith === 'stack test') assert.equal(next.code, 0, `${where}: stack test after it\n${next.stderr}`);
      } else {
        // Before its handlers are installed the process dies of the signal; once done, it exits 0 or 1.
        const expected = [130, 0, 1, null];
        assert.ok(expected.includes(result.code), `${where}: ${outcome}\n${result.stderr}`);
        if (result.code === null) assert.equal(run.child.signalCode, signal, where);
      }
      assert.deepEqual(await leftovers(label), [], `${where}: nothing of the stack remains\n${result.stderr}`);
    }
    t.diagnostic(`${iterations} iterations in ${Math.round((Date.now() - started) / 1000)} s`);
    t.diagnostic(`resources left by SIGKILL and removed by the next command: ${killedLeftovers}`);
    for (const [what, count] of Object.entries(tally).sort()) t.diagnostic(`${what}: ${count}`);
  });
});

/** A second, private Docker engine in its own directories, bridge-less and away from the shared iptables. */
class PrivateEngine {
  readonly dir = mkdtempSync(join(tmpdir(), 'rehearsa-fault-'));
  readonly socket = join(this.dir, 'docker.sock');
  private daemon: ChildProcess | undefined;

  get host(): string {
    return `unix://${this.socket}`;
  }

  async start(): Promise<void> {
    mkdirSync(join(this.dir, 'data'), { recursive: true });
    // Its own network namespace: a second dockerd in the host's namespace tears down the shared engine's docker0.
    this.daemon = spawn(
      'unshare',
      [
        '--net',
        '--',
        'dockerd',
        '--host',
        this.host,
        '--data-root',
        join(this.dir, 'data'),
        '--exec-root',
        join(this.dir, 'exec'),
        '--pidfile',
        join(this.dir, 'docker.pid'),
        '--bridge=none',
        '--iptables=false',
        '--ip-masq=false',
        '--default-address-pool',
        'base=10.213.0.0/16,size=24',
        // Containers whose main process ignores SIGTERM (sleep as PID 1) would hold every stop for 15 s.
        '--shutdown-timeout',
        '1',
      ],
      { stdio: 'ignore' },
    );
    const engine = connectDocker({ host: this.host, timeoutMs: 2000 });
    for (let i = 0; i < 120; i++) {
      if (this.daemon.exitCode !== null) throw new Error(`private dockerd exited with ${this.daemon.exitCode}`);
      if (
        await engine.ping().then(
          () => true,
          () => false,
        )
      )
        return;
      await sleep(250);
    }
    throw new Error('private dockerd did not answer within 30 s');
  }

  /** Stops the daemon the way a service manager would (SIGTERM), and waits for it to be gone. */
  async stop(): Promise<void> {
    const daemon = this.daemon;
    if (!daemon || daemon.exitCode !== null || daemon.signalCode !== null) return;
    const gone = new Promise((resolve) => daemon.once('exit', resolve));
    daemon.kill('SIGTERM');
    await Promise.race([gone, sleep(20_000)]);
    if (daemon.exitCode === null && daemon.signalCode === null) {
      daemon.kill('SIGKILL');
      await gone;
    }
  }

  /** Loads the busybox fixture from the shared engine. */
  loadBusybox(): void {
    const image = execFileSync('docker', ['save', BUSYBOX], { maxBuffer: 64 * 1024 * 1024 });
    execFileSync('docker', ['-H', this.host, 'load'], { input: image, stdio: ['pipe', 'ignore', 'inherit'] });
  }

  async leftovers(label: string): Promise<string[]> {
    const found = await connectDocker({ host: this.host }).listByLabel(label);
    return [...found.containers, ...found.networks, ...found.volumes].map((r) => r.name);
  }

  async destroy(): Promise<void> {
    await this.stop();
    // A daemon stopped cleanly unmounts its layers; anything still mounted is left rather than forced.
    if (spawnSync('grep', ['-q', this.dir, '/proc/mounts']).status !== 0) {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

const privateEngineSkip =
  process.getuid?.() === 0 &&
  spawnSync('dockerd', ['--version']).status === 0 &&
  spawnSync('unshare', ['--net', 'true']).status === 0
    ? false
    : 'a private engine needs root, dockerd and unshare';

describe('an engine restarted under a run (private engine)', { timeout: 180_000, skip: privateEngineSkip }, () => {
  const engine = new PrivateEngine();
  before(async () => {
    await engine.start();
    engine.loadBusybox();
  });
  after(() => engine.destroy());

  test('fails the run with exit 3 and a clear message; the next run sweeps what it left', async (t) => {
    const stack = uniqueStack('restart');
    const data = dataDir();
    const env = { DOCKER_HOST: engine.host };
    const dir = writeTree({
      'compose.yaml': `services:
  slow:
    image: ${BUSYBOX}
    command: sleep 300
    volumes: [data:/data]
    healthcheck: { test: ["CMD", "false"], interval: 500ms, timeout: 1s, retries: 200 }
  after: { image: ${BUSYBOX}, command: sleep 300, depends_on: { slow: { condition: service_healthy } } }
volumes:
  data: {}
`,
    });
    const run = startRehearsa(['stack', 'test', '--stack', stack, '--timeout', '60'], { cwd: dir, dataDir: data, env });
    for (
      let i = 0;
      i < 100 && !(await engine.leftovers(`rehearsa.stack=${stack}`)).some((n) => n.endsWith('-slow'));
      i++
    ) {
      await sleep(100);
    }
    const stoppedAt = Date.now();
    await engine.stop();
    await engine.start();
    const result = await run.result;
    const tookMs = Date.now() - stoppedAt;
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /rehearsa: .*(engine|Docker)/);
    assert.ok(tookMs < 45_000, `the run ended ${tookMs} ms after the engine stopped`);

    t.diagnostic(`exit 3 ${tookMs} ms after the engine stopped: ${result.stderr.trim().split('\n').at(-1)}`);
    const runLabel = await engine.leftovers(`rehearsa.stack=${stack}`);
    t.diagnostic(`left on the engine by the failed run: ${runLabel.length} resources`);
    const next = await runRehearsa(
      ['stack', 'test', '--stack', uniqueStack('after-restart'), '--settle', '0', '--json'],
      {
        cwd: writeTree({ 'compose.yaml': `services:\n  ok: { image: ${BUSYBOX}, command: sleep 300 }\n` }),
        dataDir: data,
        env,
      },
    );
    assert.equal(next.code, 0, next.stderr);
    assert.deepEqual(
      await engine.leftovers(`rehearsa.stack=${stack}`),
      [],
      `the next run swept the dead run's ${runLabel.length} resources`,
    );
  });
});

describe('an engine that accepts connections and never answers', { timeout: 120_000 }, () => {
  let server: Server;
  const sockets: Socket[] = [];
  const path = join(mkdtempSync(join(tmpdir(), 'rehearsa-mute-')), 'docker.sock');
  before(async () => {
    server = createNetServer((socket) => {
      sockets.push(socket);
    });
    await new Promise<void>((resolve) => server.listen(path, resolve));
  });
  after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });

  test('ends the run with exit 3 within a bounded time instead of hanging', async (t) => {
    const startedAt = Date.now();
    const result = await runRehearsa(['stack', 'test', '--stack', uniqueStack('mute')], {
      cwd: writeTree({ 'compose.yaml': `services:\n  ok: { image: ${BUSYBOX}, command: sleep 300 }\n` }),
      dataDir: dataDir(),
      env: { DOCKER_HOST: `unix://${path}` },
    });
    const tookMs = Date.now() - startedAt;
    t.diagnostic(`exit ${result.code} after ${tookMs} ms: ${result.stderr.trim()}`);
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /did not answer/);
    assert.ok(tookMs < 60_000, `took ${tookMs} ms`);
    assert.ok(existsSync(path));
  });
});
