// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the generated file holds Compose `${VAR}` templates.
// Loader speed: median in-process `loadProject` time for the largest real stacks of the corpus and for a
// generated 1,000-service file (targets: ≤ 100 ms and ≤ 1 s). Prints figures only; asserts nothing.
// Run: npm run bench:load
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadProject } from '../src/compose/load-project.js';
import { CORPUS } from '../test/support/corpus.js';

const WARM_UP = 5;
const RUNS = 20;

/** A single-file corpus stack copied as compose.yaml (+ its .env) into a fresh directory. */
function corpusStack(name: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'rehearsa-bench-')), name);
  mkdirSync(dir);
  copyFileSync(join(CORPUS, `${name}.yml`), join(dir, 'compose.yaml'));
  if (existsSync(join(CORPUS, `${name}.env`))) copyFileSync(join(CORPUS, `${name}.env`), join(dir, '.env'));
  return dir;
}

/** A compose file with `count` services using the features real stacks use: anchors, interpolation, long syntax. */
function generatedStack(count: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'rehearsa-bench-gen-'));
  const lines = [
    'x-common: &common',
    '  restart: unless-stopped',
    '  logging: {driver: json-file, options: {max-size: 10m}}',
    '  environment: &env',
    '    TZ: ${TZ:-UTC}',
    '    LOG_LEVEL: info',
    'services:',
  ];
  for (let i = 0; i < count; i++) {
    lines.push(
      `  svc${i}:`,
      '    <<: *common',
      `    image: "registry.example/app${i % 17}:\${TAG:-1.${i % 9}}"`,
      `    command: ["serve", "--port", "${8000 + (i % 1000)}"]`,
      '    environment:',
      '      <<: *env',
      `      SERVICE_INDEX: "${i}"`,
      `      DATABASE_URL: postgres://app:\${DB_PASS:-secret}@db${i % 5}:5432/app`,
      `    ports: ["127.0.0.1:${10000 + i}:${8000 + (i % 1000)}/tcp"]`,
      `    volumes: [data${i % 10}:/var/lib/app, ./conf/svc${i}:/etc/app:ro]`,
      '    healthcheck:',
      `      test: ["CMD-SHELL", "wget -qO- http://localhost:${8000 + (i % 1000)}/health || exit 1"]`,
      '      interval: 30s',
      '      timeout: 5s',
      '      start_period: 1m',
      '      retries: 3',
      `    networks: {back: {aliases: [alias${i}]}, front: {}}`,
      `    labels: {com.example.index: "${i}", traefik.enable: "true"}`,
      ...(i > 0 ? [`    depends_on: {svc${i - 1}: {condition: service_started}}`] : []),
    );
  }
  lines.push('networks: {back: {internal: true}, front: {}}', 'volumes:');
  for (let v = 0; v < 10; v++) lines.push(`  data${v}: {}`);
  writeFileSync(join(dir, 'compose.yaml'), `${lines.join('\n')}\n`);
  return dir;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Median wall-clock and CPU time per load. CPU time (user + system of this process) is printed too because
 * wall-clock medians on a shared machine measure the neighbours as much as the loader.
 */
async function measure(dir: string): Promise<{ wallMs: number; cpuMs: number; services: number }> {
  const load = () => loadProject({ files: [], cwd: dir, env: {} });
  let services = 0;
  for (let i = 0; i < WARM_UP; i++) services = Object.keys((await load()).services).length;
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const startCpu = process.cpuUsage();
    await load();
    const used = process.cpuUsage(startCpu);
    wall.push(performance.now() - start);
    cpu.push((used.user + used.system) / 1000);
  }
  return { wallMs: median(wall), cpuMs: median(cpu), services };
}

const cases: { label: string; dir: string; targetMs: number }[] = [
  { label: 'corpus appwrite (largest file, 50 KB)', dir: corpusStack('appwrite'), targetMs: 100 },
  { label: 'corpus sentry-self-hosted (most services)', dir: corpusStack('sentry-self-hosted'), targetMs: 100 },
  { label: 'generated 1,000 services', dir: generatedStack(1000), targetMs: 1000 },
];

console.log(`loadProject: median of ${RUNS} loads after ${WARM_UP} warm-up loads (Node ${process.version})`);
for (const { label, dir, targetMs } of cases) {
  const { wallMs, cpuMs, services } = await measure(dir);
  const verdict = wallMs <= targetMs ? 'within' : 'OVER';
  console.log(
    `  ${label}: ${services} services, wall ${wallMs.toFixed(1)} ms, cpu ${cpuMs.toFixed(1)} ms (${verdict} target ${targetMs} ms)`,
  );
}
