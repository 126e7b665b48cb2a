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
