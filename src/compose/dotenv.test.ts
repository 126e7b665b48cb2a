// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are compose templates, not JS templates.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CORPUS } from '../../test/support/corpus.js';
import { parseDotenv, parseRawEnvFile } from './dotenv.js';
import type { Lookup } from './interpolate.js';

const SHELL: Record<string, string> = { HOME: '/home/me', SHELL_ONLY: 'from-shell' };
const shell: Lookup = (name) => SHELL[name];
const parse = (text: string, lookup: Lookup = shell) => parseDotenv(text, '.env', lookup);

describe('parseDotenv', () => {
  it('reads KEY=VAL, KEY: VAL, export KEY=VAL and empty values', () => {
    assert.deepEqual(parse('A=1\nB: two\nexport C=3\nD=\nE=  spaced out  \n'), {
      values: { A: '1', B: 'two', C: '3', D: '', E: 'spaced out' },
      issues: [],
    });
  });

  it('skips comments and blank lines; ` #` starts an inline comment only in unquoted values', () => {
    const text = '# header\n\n  # indented\nA=1 # note\nB=2#not-a-comment\nC="3 # kept" # dropped\nD=\'4 # kept\'\n';
    assert.deepEqual(parse(text).values, { A: '1', B: '2#not-a-comment', C: '3 # kept', D: '4 # kept' });
  });

  it('keeps single-quoted values literal, across lines', () => {
    assert.deepEqual(parse("A='$HOME \\n ${X:-y}'\nB='line1\nline2'\nC='it\\'s'\n").values, {
      A: '$HOME \\n ${X:-y}',
      B: 'line1\nline2',
      C: "it's",
    });
  });

  it('applies escapes in double quotes and interpolates them', () => {
    const text =
      'A="l1\\nl2\\tt"\nB="say \\"hi\\""\nC="back\\\\slash"\nD="\\$HOME and $HOME"\nE="multi\nline"\nF="\\0101\\q"\n';
    assert.deepEqual(parse(text).values, {
      A: 'l1\nl2\tt',
      B: 'say "hi"',
      C: 'back\\slash',
      D: '$HOME and /home/me',
      E: 'multi\nline',
      F: 'A\\q',
    });
  });

  it('interpolates unquoted values from the lookup first, then earlier keys of the file', () => {
    const text =
      'BASE=/srv\nDATA=$BASE/data\nCONF=${BASE}/conf\nHOME=/override\nH=$HOME\nDEF=${MISSING:-fallback}\nESC=$$BASE\n';
    assert.deepEqual(parse(text).values, {
      BASE: '/srv',
      DATA: '/srv/data',
      CONF: '/srv/conf',
      HOME: '/override',
      // compose-go consults the lookup (the shell) before the file's own keys.
      H: '/home/me',
      DEF: 'fallback',
      ESC: '$BASE',
    });
  });

  it('takes a bare KEY from the lookup and omits it when unset', () => {
    assert.deepEqual(parse('SHELL_ONLY\nNOT_SET\nexport HOME\nLAST_NO_NEWLINE').values, {
      SHELL_ONLY: 'from-shell',
      HOME: '/home/me',
    });
  });

  it('reports problems with their line and keeps parsing', () => {
    const { values, issues } = parse('A=1\nBAD KEY=2\nC=${\nD=${REQ:?set REQ}\nE=5\n');
    assert.deepEqual(values, { A: '1', E: '5' });
    assert.deepEqual(issues, [
      { file: '.env', message: 'line 2: key cannot contain a space', severity: 'error' },
      { file: '.env', message: 'line 3: invalid interpolation format: "${"', severity: 'error' },
      { file: '.env', message: 'line 4: required variable REQ is missing a value: set REQ', severity: 'error' },
    ]);
  });

  it('rejects invalid characters in names and unterminated quotes', () => {
    assert.deepEqual(parse('A$B=1\n').issues, [
      { file: '.env', message: 'line 1: unexpected character "$" in variable name "A$B=1"', severity: 'error' },
    ]);
    assert.deepEqual(parse('A=1\nB="open\nC=3\n'), {
      values: { A: '1' },
      issues: [{ file: '.env', message: 'line 2: unterminated quoted value "open', severity: 'error' }],
    });
  });

  it('accepts dots, dashes and brackets in names, CRLF line ends and a BOM', () => {
    assert.deepEqual(parse('\uFEFFa.b-c[0]=1\r\nB=2\r\n').values, { 'a.b-c[0]': '1', B: '2' });
  });

  it('reads the real supabase and sentry .env files without issues', () => {
    for (const name of ['supabase', 'sentry-self-hosted', 'immich', 'appwrite']) {
      const result = parseDotenv(readFileSync(`${CORPUS}/${name}.env`, 'utf8'), name, () => undefined);
      assert.deepEqual(result.issues, [], name);
      assert.ok(Object.keys(result.values).length > 3, name);
    }
    const sentry = parseDotenv(readFileSync(`${CORPUS}/sentry-self-hosted.env`, 'utf8'), 'sentry.env', () => undefined);
    assert.equal(sentry.values.HEALTHCHECK_TIMEOUT, '1m30s');
  });
});

describe('parseRawEnvFile', () => {
  it('keeps values byte for byte, without quotes processing or interpolation', () => {
    assert.deepEqual(parseRawEnvFile('A="quoted"\nB=$HOME # not a comment\n# comment\n\n  C=x=y\r\nD\n'), {
      A: '"quoted"',
      B: '$HOME # not a comment',
      C: 'x=y',
    });
  });

  it('takes bare keys from the lookup when one is given', () => {
    assert.deepEqual(parseRawEnvFile('HOME\nNOPE\n', shell), { HOME: '/home/me' });
  });
});
