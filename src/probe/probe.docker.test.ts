import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { BUSYBOX, leftovers, runRehearsa, uniqueStack } from '../../test/support/cli.js';

interface RunDoc {
  services: { service: string; score: number; reason?: string; reasonClass?: string }[];
  findings: { rule: string; service?: string; message: string }[];
  probes?: { service: string; type: string; passed: boolean; reason?: string; evidence?: string }[];
  mounts?: {
    service: string;
    target: string;
    kind: string;
    writable?: boolean;
    exists?: boolean;
    sizeBytes?: number;
  }[];
  edges?: {
    from: string;
    to: string;
    name: string;
    resolved: boolean;
    ports: { port: number; open: boolean }[];
    reason?: string;
  }[];
  restores?: { name: string; bytes: number }[];
}

const digest = (dir: string) =>
  execFileSync(
    'sh',
    [
      '-c',
      `cd ${dir} && find . -type f | sort | xargs md5sum; find . | sort | xargs ls -ldn | awk '{print $1,$3,$4,$9}'`,
    ],
    { encoding: 'utf8' },
  );

async function rehearse(dir: string, stack: string, extra: string[] = []): Promise<RunDoc> {
  const result = await runRehearsa(
    ['stack', 'test', '--stack', stack, '--json', '--settle', '0', '--timeout', '60', ...extra],
    {
      cwd: dir,
      dataDir: mkdtempSync(join(tmpdir(), 'rehearsa-data-')),
    },
  );
  assert.deepEqual(await leftovers(`rehearsa.stack=${stack}`), [], 'nothing labelled with the stack may remain');
  assert.ok(result.code === 0 || result.code === 1, result.stderr);
  return JSON.parse(result.stdout) as RunDoc;
}

const x = `x-rehearsa:\n  helper_image: ${BUSYBOX}\n`;

describe('probes, mounts and edges inside the sandbox (real engine)', { timeout: 300_000 }, () => {
  test('a bind copied from files of another uid is flagged not writable; the host path stays byte-identical', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rehearsa-probe-'));
    const files = join(dir, 'files');
    mkdirSync(files);
    writeFileSync(join(files, 'data.txt'), 'owned by someone else\n');
    chownSync(files, 4242, 4242);
    chownSync(join(files, 'data.txt'), 4242, 4242);
    chmodSync(files, 0o755);
    writeFileSync(
      join(dir, 'compose.yaml'),
      `services:\n  app:\n    image: ${BUSYBOX}\n    user: "1000:1000"\n    command: sleep 300\n    volumes: [ "./files:/data", "cache:/cache" ]\nvolumes: { cache: {} }\n${x}  probes:\n    - { service: app, type: exec, command: "cat /data/data.txt", output: "someone else" }\n    - { service: app, type: http, url: "http://app:8080/", status: 200 }\n`,
    );
    const before = digest(files);
    const doc = await rehearse(dir, uniqueStack('binds'));
    const data = doc.mounts?.find((m) => m.target === '/data');
    assert.equal(data?.kind, 'volume', 'the bind is copied into a scratch volume');
    assert.equal(data?.writable, false);
    assert.ok((data?.sizeBytes ?? 0) > 0);
    assert.ok(
      doc.findings.some((f) => f.rule === 'mount_not_writable' && f.message.startsWith('/data')),
      JSON.stringify(doc.findings),
    );
    assert.equal(doc.mounts?.find((m) => m.target === '/cache')?.writable, false, 'a fresh volume is root-owned');
    assert.equal(doc.probes?.[0]?.passed, true, JSON.stringify(doc.probes));
    assert.equal(doc.probes?.[1]?.passed, false);
    assert.match(doc.probes?.[1]?.reason ?? '', /no HTTP answer|refused/);
    assert.equal(doc.services[0]?.score, 40);
    assert.equal(doc.services[0]?.reasonClass, 'probe');
    assert.equal(digest(files), before);

    const readonly = await rehearse(dir, uniqueStack('binds-ro'), ['--binds', 'readonly']);
    const ro = readonly.mounts?.find((m) => m.target === '/data');
    assert.equal(ro?.kind, 'bind');
    assert.ok(readonly.findings.some((f) => f.rule === 'mount_read_only'));
    assert.equal(digest(files), before);
  });

  test('a broken alias and a dependency listening on another port are reported on their edge', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rehearsa-edges-'));
    writeFileSync(
      join(dir, 'compose.yaml'),
      `services:
  db:
    image: ${BUSYBOX}
    command: sh -c "nc -ll -p 5433 -e cat"
    expose: [ "5432" ]
    networks: { default: {}, back: { aliases: [ database ] } }
  web:
    image: ${BUSYBOX}
    command: sh -c "mkdir -p /www && echo hello > /www/index.html && httpd -f -p 8080 -h /www"
    networks: [ default ]
  app:
    image: ${BUSYBOX}
    command: sleep 300
    depends_on: [ db, web ]
    networks: [ default ]
networks: { back: {} }
${x}  probes:
    - { service: web, type: http, url: "http://web:8080/", status: 200, body: hello }
    - { service: db, type: tcp, address: "db:5433" }
`,
    );
    const doc = await rehearse(dir, uniqueStack('edges'));
    const edge = (name: string) => doc.edges?.find((e) => e.from === 'app' && e.name === name);
    assert.equal(edge('db')?.resolved, true);
    assert.deepEqual(edge('db')?.ports, [{ port: 5432, open: false }]);
    assert.match(edge('db')?.reason ?? '', /nothing answers on port 5432/);
    assert.equal(edge('database')?.resolved, false);
    assert.match(
      edge('database')?.reason ?? '',
      /cannot resolve database \(database is declared on back, which app is not on\)/,
    );
    assert.equal(edge('web')?.resolved, true);
    assert.ok(doc.findings.filter((f) => f.rule === 'network_edge').length >= 2);
    assert.deepEqual(
      doc.probes?.map((p) => p.passed),
      [true, true],
      JSON.stringify(doc.probes),
    );
  });
});
