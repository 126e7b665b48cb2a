import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makePalette } from './colors.js';

test('a disabled palette returns text unchanged', () => {
  const p = makePalette(false);
  for (const style of [p.green, p.red, p.yellow, p.dim, p.bold, p.cyan]) assert.equal(style('x'), 'x');
});

test('an enabled palette wraps text in ANSI styles', () => {
  const p = makePalette(true);
  assert.equal(p.red('x'), '\x1b[31mx\x1b[39m');
  assert.equal(p.bold('x'), '\x1b[1mx\x1b[22m');
});
