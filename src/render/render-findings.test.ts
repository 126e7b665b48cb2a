import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makePalette } from './colors.js';
import { renderFindings } from './render-findings.js';

const plain = makePalette(false);

test('no findings renders nothing', () => {
  assert.equal(renderFindings([], plain), '');
});

test('findings are aligned, most severe first, project-wide findings marked with -', () => {
  const out = renderFindings(
    [
      { rule: 'image-absent', severity: 'info', service: 'web', message: 'image nginx:1.27 is not present locally' },
      { rule: 'variable-unset', severity: 'warning', message: 'variable TOKEN is unset' },
      { rule: 'bind-source-missing', severity: 'critical', service: 'db', message: '/srv/db does not exist' },
    ],
    plain,
  );
  assert.equal(
    out,
    [
      '✗ critical  bind-source-missing  db   /srv/db does not exist',
      '! warning   variable-unset       -    variable TOKEN is unset',
      '· info      image-absent         web  image nginx:1.27 is not present locally',
      '',
    ].join('\n'),
  );
});

test('severity labels are coloured through the palette', () => {
  const out = renderFindings([{ rule: 'r', severity: 'critical', message: 'm' }], makePalette(true));
  assert.equal(out, '\x1b[31m✗ critical\x1b[39m  r  -  m\n');
});
