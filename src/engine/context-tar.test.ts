import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { contextTar } from './context-tar.js';
import { dockerignoreMatcher } from './dockerignore.js';

test('.dockerignore: last match wins, ** spans directories, a directory pattern covers its contents', () => {
  const ignored = dockerignoreMatcher('# comment\nnode_modules\n**/*.log\n!keep.log\nsecret*\n/build/\n');
  assert.equal(ignored('node_modules/x/index.js'), true);
  assert.equal(ignored('a/b/debug.log'), true);
  assert.equal(ignored('keep.log'), false);
  assert.equal(ignored('secret.txt'), true);
  assert.equal(ignored('build/out.bin'), true);
  assert.equal(ignored('src/secret.txt'), false, '* stays inside one segment');
  assert.equal(ignored('src/main.ts'), false);
});

test('the context archive is a valid tar with long names, without ignored files, Dockerfile always kept', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rehearsa-tar-'));
  const deep = join(dir, 'a'.repeat(60), 'b'.repeat(60));
  mkdirSync(deep, { recursive: true });
  writeFileSync(join(deep, 'file.txt'), 'deep\n');
  writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\n');
  writeFileSync(join(dir, 'secret.txt'), 'no\n');
  writeFileSync(join(dir, '.dockerignore'), 'secret.txt\nDockerfile\n');
  const chunks: Buffer[] = [];
  for await (const chunk of contextTar(dir)) chunks.push(chunk);
  const archive = join(mkdtempSync(join(tmpdir(), 'rehearsa-tar-out-')), 'context.tar');
  writeFileSync(archive, Buffer.concat(chunks));
  const names = execFileSync('tar', ['-tf', archive]).toString().trim().split('\n');
  assert.deepEqual(names, [
    '.dockerignore',
    'Dockerfile',
    `${'a'.repeat(60)}/`,
    `${'a'.repeat(60)}/${'b'.repeat(60)}/`,
    `${'a'.repeat(60)}/${'b'.repeat(60)}/file.txt`,
  ]);
  const content = execFileSync('tar', ['-xOf', archive, `${'a'.repeat(60)}/${'b'.repeat(60)}/file.txt`]).toString();
  assert.equal(content, 'deep\n');
});
