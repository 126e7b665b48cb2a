import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makePalette } from './colors.js';
import { renderTable } from './table.js';

test('columns are as wide as their widest cell, two spaces apart, without trailing spaces', () => {
  const out = renderTable(
    ['NAME', 'SCORE', 'NOTE'],
    [
      ['db', '100', ''],
      ['worker', '0', 'exited'],
    ],
  );
  assert.equal(out, ['NAME    SCORE  NOTE', 'db      100', 'worker  0      exited'].join('\n'));
});

test('right alignment pads on the left', () => {
  const out = renderTable(
    ['A', 'N'],
    [
      ['x', '5'],
      ['y', '100'],
    ],
    { align: ['left', 'right'] },
  );
  assert.equal(out, ['A    N', 'x    5', 'y  100'].join('\n'));
});

test('ANSI styles take no width', () => {
  const p = makePalette(true);
  const out = renderTable(['S', 'X'], [[p.red('bad'), 'a']]);
  assert.equal(out, `S    X\n${p.red('bad')}  a`);
});

test('no headers renders only the rows; short rows are padded as empty cells', () => {
  assert.equal(renderTable([], [['a', 'b'], ['ccc']]), 'a    b\nccc');
});

test('headers only when there are no rows', () => {
  assert.equal(renderTable(['ONE', 'TWO'], []), 'ONE  TWO');
});
