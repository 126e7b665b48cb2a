import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';
import { makePalette } from './colors.js';
import { createProgress } from './progress.js';

const plain = makePalette(false);

function fakeOut(isTTY: boolean, columns = 80) {
  const chunks: string[] = [];
  return { chunks, out: { isTTY, columns, write: (s: string) => chunks.push(s) } };
}

beforeEach(() => mock.timers.enable({ apis: ['setInterval'] }));
afterEach(() => mock.timers.reset());

test('not a TTY: one plain line per phase change, nothing redrawn, nothing after done()', () => {
  const { chunks, out } = fakeOut(false);
  const progress = createProgress(out, plain);
  progress.update('db', 'Pulling', '12MB/40MB');
  progress.update('db', 'Pulling', '30MB/40MB');
  progress.update('web', 'Waiting');
  progress.update('db', 'Healthy');
  mock.timers.tick(1000);
  progress.update('web', 'Exited', 'exit code 1');
  progress.done();
  progress.update('web', 'Removing');
  assert.deepEqual(chunks, [
    'db  Pulling  12MB/40MB\n',
    'web  Waiting\n',
    'db  Healthy\n',
    'web  Exited  exit code 1\n',
  ]);
});

test('TTY: the block is drawn on the timer, redrawn in place, and finished by done()', () => {
  const { chunks, out } = fakeOut(true);
  const progress = createProgress(out, plain);
  progress.update('web', 'Waiting');
  progress.update('db', 'Pulling', 'postgres:16');
  assert.deepEqual(chunks, [], 'nothing is drawn between frames');
  mock.timers.tick(100);
  assert.deepEqual(chunks, ['\x1b[2K[+] Running 0/2\n\x1b[2K ⠙ db   Pulling  postgres:16\n\x1b[2K ⠙ web  Waiting\n']);
  progress.update('db', 'Healthy');
  progress.update('web', 'Completed');
  mock.timers.tick(100);
  assert.equal(chunks[1], '\x1b[3A\x1b[2K[+] Running 2/2\n\x1b[2K ✔ db   Healthy\n\x1b[2K ✔ web  Completed\n');
  mock.timers.tick(500);
  assert.equal(chunks.length, 2, 'a settled, unchanged block is not redrawn');
  progress.done();
  assert.equal(chunks[2], '\x1b[3A\x1b[2K[+] Running 2/2\n\x1b[2K ✔ db   Healthy\n\x1b[2K ✔ web  Completed\n');
  mock.timers.tick(1000);
  progress.update('db', 'Removing');
  assert.equal(chunks.length, 3, 'done() stops the timer and later updates');
});

test('TTY: at most one frame per 100 ms however many updates arrive', () => {
  const { chunks, out } = fakeOut(true);
  const progress = createProgress(out, plain);
  for (let i = 0; i < 50; i++) progress.update('db', 'Pulling', `${i}MB`);
  mock.timers.tick(100);
  assert.equal(chunks.length, 1);
  assert.match(chunks[0]!, / db {2}Pulling {2}49MB\n$/);
  progress.done();
});

test('TTY: failures get ✗, details are cut to the terminal width', () => {
  const { chunks, out } = fakeOut(true, 30);
  const progress = createProgress(out, plain);
  progress.update('api', 'Failed', 'pull access denied for registry.example.com/api');
  progress.done();
  assert.deepEqual(chunks, ['\x1b[2K[+] Running 1/1\n\x1b[2K ✗ api  Failed  pull access…\n']);
});

test('done() without updates writes nothing', () => {
  const { chunks, out } = fakeOut(true);
  createProgress(out, plain).done();
  assert.deepEqual(chunks, []);
});

test('details are reduced to one safe line', () => {
  const { chunks, out } = fakeOut(false);
  const progress = createProgress(out, plain);
  progress.update('db', 'Failed', 'Error response\nfrom daemon\x1b[31m');
  assert.deepEqual(chunks, ['db  Failed  Error response from daemon\n']);
});

test('TTY: an exit with its code is a failure, a removed container is settled, not spinning', () => {
  const { chunks, out } = fakeOut(true);
  const progress = createProgress(out, plain);
  progress.update('app', 'Exited (3)');
  progress.update('db', 'Removed');
  progress.done();
  const last = chunks.join('').split('[+] Running').at(-1)!;
  assert.match(last, / 2\/2/);
  assert.match(last, /✗ app {2}Exited \(3\)/);
  assert.match(last, /· db {3}Removed/);
});
