// Boot speed, measured side by side on this machine in one run: Rehearsa's wall time against the stack's own
// critical path, against Debian's docker-compose v1.29 (up -d, wait until healthy, down -v -t 0), and against
// a sequential boot that starts each service only after the previous one is ready, polling every second (how
// the prior Rust tool booted). Also the CLI's cold start and its peak RSS on the 40-service stack.
// Prints figures and ✓/✗ against the targets; asserts nothing. Run: npm run bench [-- --smoke]
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { connectDocker } from '../src/engine/docker-engine.js';
import { bareContainerSpec, type ContainerSpec, type Engine } from '../src/engine/engine.js';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'dist/rehearsa.mjs');
const IMAGE = 'rehearsa-fixture/busybox:1';
const smoke = process.argv.includes('--smoke');

type Kind = 'healthy' | 'plain' | 'oneshot';
type Condition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

interface BenchService {
  name: string;
  kind: Kind;
  dependsOn: Record<string, Condition>;
}

interface BenchStack {
  name: string;
  services: BenchService[];
}

// ── Fixture stacks ───────────────────────────────────────────────────────────────────────────────────────

const HEALTHY_CMD = 'sleep 1; touch /tmp/ok; exec sleep 300';
const ONESHOT_CMD = 'sleep 0.5; exit 0';
const HEALTH = { test: ['CMD', 'test', '-f', '/tmp/ok'], intervalMs: 250, timeoutMs: 2000, retries: 20 };

function chain(length: number): BenchStack {
  const services = Array.from({ length }, (_, i) => ({
    name: `c${i + 1}`,
    kind: 'healthy' as const,
    dependsOn: i === 0 ? {} : { [`c${i}`]: 'service_healthy' as const },
  }));
  return { name: `chain${length}`, services };
}

function fanOut(width: number): BenchStack {
  const services = Array.from({ length: width }, (_, i) => ({
    name: `f${i + 1}`,
    kind: 'healthy' as const,
    dependsOn: {},
  }));
  return { name: `fanout${width}`, services };
}

/** Health-gated chains of up to 5, plain services, one-shots adopted by health-gated dependents. */
function mixed(count: number): BenchStack {
  const services: BenchService[] = [];
  for (let i = 0; i < count; i++) {
    const name = `m${String(i).padStart(2, '0')}`;
    const slot = i % 4;
    if (slot === 0) {
      const previous = i >= 8 ? { [`m${String(i - 8).padStart(2, '0')}`]: 'service_healthy' as const } : {};
      services.push({ name, kind: 'healthy', dependsOn: previous });
    } else if (slot === 1) services.push({ name, kind: 'plain', dependsOn: {} });
    else if (slot === 2) services.push({ name, kind: 'oneshot', dependsOn: {} });
    else {
      const job = `m${String(i - 1).padStart(2, '0')}`;
      services.push({ name, kind: 'healthy', dependsOn: { [job]: 'service_completed_successfully' } });
    }
  }
  return { name: `mixed${count}`, services };
}

function composeYaml(stack: BenchStack): string {
  const lines = ['services:'];
  for (const s of stack.services) {
    lines.push(`  ${s.name}:`, `    image: ${IMAGE}`);
    lines.push(
      `    command: ["sh", "-c", "${s.kind === 'oneshot' ? ONESHOT_CMD : s.kind === 'healthy' ? HEALTHY_CMD : 'exec sleep 300'}"]`,
    );
    if (s.kind === 'oneshot') lines.push('    restart: "no"');
    if (s.kind === 'healthy') {
      lines.push(
        `    healthcheck: { test: ${JSON.stringify(HEALTH.test)}, interval: 250ms, timeout: 2s, retries: 20 }`,
      );
    }
    const deps = Object.entries(s.dependsOn);
    if (deps.length > 0) {
      lines.push('    depends_on:');
      for (const [target, condition] of deps) lines.push(`      ${target}: { condition: ${condition} }`);
    }
  }
  return `${lines.join('\n')}\n`;
}

// ── Rehearsa ─────────────────────────────────────────────────────────────────────────────────────────────

interface Timings {
  createdMs?: number;
  startedMs?: number;
  readyMs?: number;
  exitedMs?: number;
}

interface RehearsaRun {
  wallMs: number;
  timings: Record<string, Timings>;
  /** Peak resident set of the rehearsa process, when measured. */
  peakRssMb?: number;
}

async function runRehearsa(stack: BenchStack, dir: string, measureRss = false): Promise<RehearsaRun> {
  const args = [
    BIN,
    '--data-dir',
    mkdtempSync(join(tmpdir(), 'rehearsa-bench-data-')),
    'stack',
    'test',
    join(dir, 'compose.yaml'),
    '--stack',
    `bench-${stack.name}`,
    '--settle',
    '0',
    '--json',
  ];
  const [command, argv] = measureRss ? ['/usr/bin/time', ['-v', process.execPath, ...args]] : [process.execPath, args];
  const started = performance.now();
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  await new Promise((done) => child.on('close', done));
  const wallMs = performance.now() - started;
  const doc = JSON.parse(stdout) as { services: { service: string; timings: Timings }[] };
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  return {
    wallMs,
    timings: Object.fromEntries(doc.services.map((s) => [s.service, s.timings])),
    ...(rss ? { peakRssMb: Number(rss[1]) / 1024 } : {}),
  };
}

/**
 * The stack's own critical path: the longest dependency chain of create→ready times the engine reported
 * (a one-shot is ready when it exits), plus one network create and one concurrent cleanup. What is left of
 * Rehearsa's wall time is its own: start-up, reacting to readiness, collecting outcomes, recording.
 */
function criticalPathMs(stack: BenchStack, timings: Record<string, Timings>, overheadMs: number): number {
  const memo = new Map<string, number>();
  const byName = new Map(stack.services.map((s) => [s.name, s]));
  const longest = (name: string): number => {
    const cached = memo.get(name);
    if (cached !== undefined) return cached;
    const t = timings[name] ?? {};
    const ready = t.readyMs ?? t.exitedMs ?? t.startedMs ?? 0;
    // From the engine's create event: creating and starting a container is the engine's work, not Rehearsa's.
    const own = Math.max(0, ready - (t.createdMs ?? t.startedMs ?? ready));
    const before = Object.keys(byName.get(name)!.dependsOn).map(longest);
    const total = own + Math.max(0, ...before);
    memo.set(name, total);
    return total;
  };
  return Math.max(...stack.services.map((s) => longest(s.name))) + overheadMs;
}

// ── docker-compose v1 ────────────────────────────────────────────────────────────────────────────────────

function hasDockerCompose(): boolean {
  return spawnSync('docker-compose', ['version', '--short'], { stdio: 'ignore' }).status === 0;
}

async function runDockerCompose(stack: BenchStack, dir: string): Promise<number> {
  const project = `benchdc${stack.name}${process.pid}`;
  const file = join(dir, 'compose.yaml');
  const dc = (...args: string[]) =>
    execFileSync('docker-compose', ['-p', project, '-f', file, ...args], { stdio: 'pipe' });
  const started = performance.now();
  dc('up', '-d');
  const engine = connectDocker();
  const ids = execFileSync('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`])
    .toString()
    .split('\n')
    .filter(Boolean);
  // Polled as fast as is reasonable so the baseline is not penalised by its own poll interval.
  while (!(await allReady(engine, ids))) await sleep(100);
  dc('down', '-v', '-t', '0');
  return performance.now() - started;
}

async function allReady(engine: Engine, ids: string[]): Promise<boolean> {
  const states = await Promise.all(ids.map((id) => engine.inspectContainer(id)));
  return states.every((s) =>
    s.status === 'exited'
      ? s.exitCode === 0
      : s.status === 'running' && (s.health === 'none' || s.health === 'healthy'),
  );
}

// ── Sequential baseline over the Engine adapter ──────────────────────────────────────────────────────────

async function runSequential(
  stack: BenchStack,
  engine: Engine,
): Promise<{ wallMs: number; networkMs: number; cleanupMs: number }> {
  const label = { 'rehearsa-bench': `seq-${stack.name}-${process.pid}` };
  const started = performance.now();
  const networkName = `rehearsa-bench-seq-${stack.name}-${process.pid}`;
  const networkId = await engine.createNetwork({ name: networkName, labels: label, internal: true });
  const networkMs = performance.now() - started;
  const ids: string[] = [];
  let cleanupStart = 0;
  try {
    for (const s of topological(stack)) {
      const id = await engine.createContainer(containerSpec(s, `${networkName}-${s.name}`, networkName, label));
      ids.push(id);
      await engine.startContainer(id);
      for (;;) {
        const state = await engine.inspectContainer(id);
        const ready =
          s.kind === 'oneshot'
            ? state.status === 'exited'
            : state.status === 'running' && (s.kind === 'plain' || state.health === 'healthy');
        if (ready) break;
        await sleep(1000);
      }
    }
  } finally {
    cleanupStart = performance.now();
    await Promise.all(ids.map((id) => engine.removeContainer(id)));
    await engine.removeNetwork(networkId);
  }
  const end = performance.now();
  return { wallMs: end - started, networkMs, cleanupMs: end - cleanupStart };
}

function topological(stack: BenchStack): BenchService[] {
  const done = new Set<string>();
  const order: BenchService[] = [];
  const visit = (s: BenchService) => {
    if (done.has(s.name)) return;
    done.add(s.name);
    for (const dep of Object.keys(s.dependsOn)) visit(stack.services.find((x) => x.name === dep)!);
    order.push(s);
  };
  stack.services.forEach(visit);
  return order;
}

function containerSpec(s: BenchService, name: string, network: string, labels: Record<string, string>): ContainerSpec {
  const cmd = s.kind === 'oneshot' ? ONESHOT_CMD : s.kind === 'healthy' ? HEALTHY_CMD : 'exec sleep 300';
  return {
    ...bareContainerSpec(name, IMAGE, labels),
    cmd: ['sh', '-c', cmd],
    ...(s.kind === 'healthy' ? { healthcheck: { ...HEALTH, disabled: false } } : {}),
    network: { name: network, aliases: [s.name] },
  };
}

// ── Cold start ───────────────────────────────────────────────────────────────────────────────────────────

function medianStartMs(args: string[], runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    spawnSync(process.execPath, args, { stdio: 'ignore' });
    times.push(performance.now() - started);
  }
  return median(times);
}

// ── Helpers and report ───────────────────────────────────────────────────────────────────────────────────

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)}s`;
const mark = (ok: boolean) => (ok ? '✓' : '✗');

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...r[i]!].length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

async function main(): Promise<void> {
  execFileSync(process.execPath, [join(ROOT, 'build.mjs')], { stdio: 'inherit', cwd: ROOT });
  const engine = connectDocker();
  await engine.ping();
  const stacks = smoke ? [chain(5)] : [chain(5), fanOut(12), mixed(40)];
  const compose = hasDockerCompose();
  if (!compose) console.log('docker-compose not found (apt-get install -y docker-compose): that column is skipped');

  const rows = [
    ['stack', 'services', 'rehearsa', 'critical path', '÷ path', 'docker-compose', '÷ compose', 'sequential', '÷ seq'],
  ];
  let rssMb: number | undefined;
  for (const stack of stacks) {
    const dir = mkdtempSync(join(tmpdir(), `rehearsa-bench-${stack.name}-`));
    writeFileSync(join(dir, 'compose.yaml'), composeYaml(stack));
    process.stderr.write(`${stack.name}: rehearsa…`);
    const rehearsa = await runRehearsa(stack, dir);
    const unready = Object.entries(rehearsa.timings).filter(
      ([, t]) => t.readyMs === undefined && t.exitedMs === undefined,
    );
    if (unready.length > 0) process.stderr.write(` (never ready: ${unready.map(([name]) => name).join(', ')})`);
    process.stderr.write(' sequential…');
    const sequential = await runSequential(stack, engine);
    const path = criticalPathMs(stack, rehearsa.timings, sequential.networkMs + sequential.cleanupMs);
    let composeMs: number | undefined;
    if (compose) {
      process.stderr.write(' docker-compose…');
      composeMs = await runDockerCompose(stack, dir);
    }
    process.stderr.write('\n');
    if (stack.name.startsWith('mixed') || smoke) {
      process.stderr.write(`${stack.name}: rehearsa under /usr/bin/time -v for peak RSS…\n`);
      rssMb = (await runRehearsa(stack, dir, true)).peakRssMb;
    }
    const ratio = (a: number, b: number) => (a / b).toFixed(2);
    rows.push([
      stack.name,
      String(stack.services.length),
      s(rehearsa.wallMs),
      s(path),
      `${ratio(rehearsa.wallMs, path)} ${mark(rehearsa.wallMs / path <= 1.2)}`,
      composeMs === undefined ? '-' : s(composeMs),
      composeMs === undefined ? '-' : `${ratio(rehearsa.wallMs, composeMs)} ${mark(rehearsa.wallMs / composeMs < 1)}`,
      s(sequential.wallMs),
      `${ratio(rehearsa.wallMs, sequential.wallMs)}${stack.name.startsWith('fanout') ? ` ${mark(rehearsa.wallMs / sequential.wallMs <= 0.5)}` : ''}`,
    ]);
  }

  const runs = smoke ? 5 : 20;
  const cli = medianStartMs([BIN, '--version'], runs);
  const bare = medianStartMs(['-e', '0'], runs);

  console.log('');
  console.log(table(rows));
  console.log('');
  console.log('targets: rehearsa ≤ 1.2 × critical path, < 1.0 × docker-compose, ≤ 0.5 × sequential on the fan-out');
  console.log('rehearsa runs with --settle 0 (docker-compose has no settle window either); critical path = longest');
  console.log('chain of engine create→ready times + one network create + one concurrent cleanup');
  console.log('');
  console.log(
    `cold start (median of ${runs}): rehearsa --version ${cli.toFixed(0)} ms ${mark(cli <= 150)} (≤ 150 ms), node -e 0 ${bare.toFixed(0)} ms, difference ${(cli - bare).toFixed(0)} ms`,
  );
  if (rssMb !== undefined) {
    console.log(
      `peak RSS of rehearsa on ${stacks.at(-1)!.name}: ${rssMb.toFixed(0)} MB ${mark(rssMb <= 150)} (≤ 150 MB)`,
    );
  }
}

await main();
