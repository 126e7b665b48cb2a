import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startRehearsa, writeTree } from '../../test/support/cli.js';

test('Ctrl-C while the engine does not answer is an interruption (130), for every command that waits on it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rehearsa-hang-'));
  const socket = join(dir, 'docker.sock');
  const held: Socket[] = [];
  // Accepts and never answers: the worst engine there is.
  const server = createServer((conn) => void held.push(conn));
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  try {
    const project = writeTree({ 'compose.yaml': 'services:\n  web: {image: rehearsa-fixture/busybox:1}\n' });
    for (const args of [['stack', 'plan'], ['cleanup']]) {
      const run = startRehearsa(args, {
        cwd: project,
        dataDir: mkdtempSync(join(tmpdir(), 'rehearsa-data-')),
        env: { DOCKER_HOST: `unix://${socket}` },
      });
      await new Promise((r) => setTimeout(r, 1500));
      run.child.kill('SIGINT');
      const result = await run.result;
      assert.equal(result.code, 130, `${args.join(' ')}: ${result.stderr}`);
      assert.doesNotMatch(result.stderr, /internal error/);
    }
  } finally {
    for (const conn of held) conn.destroy();
    server.close();
  }
});
