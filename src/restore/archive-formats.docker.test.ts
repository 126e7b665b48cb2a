import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BUSYBOX, leftovers, runRehearsa, uniqueStack, writeTree } from '../../test/support/cli.js';

const COMPOSE = `services:
  app:
    image: ${BUSYBOX}
    command: sleep 300
    volumes: [appdata:/data]
volumes:
  appdata:
x-rehearsa:
  helper_image: ${BUSYBOX}
  probes:
    - { service: app, type: exec, command: "grep -q 'restored from' /data/greeting.txt" }
`;

test('.tar, .tar.gz and .tar.zst archives restore into the scratch volume', async () => {
  const source = mkdtempSync(join(tmpdir(), 'rehearsa-archive-src-'));
  mkdirSync(join(source, 'data'));
  writeFileSync(join(source, 'data', 'greeting.txt'), 'restored from an archive\n');
  const dir = writeTree({ 'compose.yaml': COMPOSE });
  const archives = {
    'data.tar': ['tar', ['-C', join(source, 'data'), '-cf', join(dir, 'data.tar'), '.']],
    'data.tar.gz': ['tar', ['-C', join(source, 'data'), '-czf', join(dir, 'data.tar.gz'), '.']],
    'data.tar.zst': ['sh', ['-c', `tar -C '${join(source, 'data')}' -c . | zstd -q -o '${join(dir, 'data.tar.zst')}'`]],
  } as const;
  for (const [name, [cmd, args]] of Object.entries(archives)) {
    execFileSync(cmd, args as readonly string[]);
    const stack = uniqueStack('archive');
    const data = mkdtempSync(join(tmpdir(), 'rehearsa-data-'));
    const result = await runRehearsa(
      ['stack', 'test', '--stack', stack, '--json', '--settle', '0', '--restore', `appdata=./${name}`],
      { cwd: dir, dataDir: data },
    );
    const doc = JSON.parse(result.stdout) as {
      restores: { name: string; bytes: number; error?: string }[];
      probes: { passed: boolean }[];
    };
    assert.equal(doc.restores[0]?.error, undefined, `${name}: ${result.stderr}`);
    assert.ok((doc.restores[0]?.bytes ?? 0) > 0, name);
    assert.deepEqual(
      doc.probes.map((p) => p.passed),
      [true],
      name,
    );
    assert.deepEqual(await leftovers(`rehearsa.stack=${stack}`), []);
  }
});

test('a bind over bind_size_cap is not copied: it starts empty and a finding says so', async () => {
  const dir = writeTree({
    'site/big.txt': 'x'.repeat(20_000),
    'compose.yaml': `services:
  web:
    image: ${BUSYBOX}
    command: sleep 300
    volumes: ["./site:/srv/site"]
x-rehearsa:
  helper_image: ${BUSYBOX}
  bind_size_cap: 4KB
  probes:
    - { service: web, type: exec, command: "test ! -e /srv/site/big.txt" }
`,
  });
  const stack = uniqueStack('bindcap');
  const result = await runRehearsa(['stack', 'test', '--stack', stack, '--json', '--settle', '0'], {
    cwd: dir,
    dataDir: mkdtempSync(join(tmpdir(), 'rehearsa-data-')),
  });
  const doc = JSON.parse(result.stdout) as {
    findings: { rule: string; message: string }[];
    probes: { passed: boolean }[];
  };
  const cap = doc.findings.find((f) => f.rule === 'bind_size_cap');
  assert.equal(
    cap?.message,
    `bind ${join(dir, 'site')} holds more than 4.0 KiB: not copied, /srv/site starts empty (raise bind_size_cap or use --binds readonly)`,
  );
  assert.deepEqual(
    doc.probes.map((p) => p.passed),
    [true],
  );
  assert.deepEqual(await leftovers(`rehearsa.stack=${stack}`), []);
});
