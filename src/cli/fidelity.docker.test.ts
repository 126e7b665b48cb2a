// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Compose `${VAR}` templates are the test data.
// The rehearsal honours the loader: sandbox containers get the environment (.env, env_file, interpolation),
// command, entrypoint, user, working_dir, healthcheck, networks and aliases Compose would give them. A
// busybox one-shot checks everything from the inside and exits 0 only if all of it holds.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { BUSYBOX, leftovers, runRehearsa, uniqueStack, writeTree } from '../../test/support/cli.js';

interface RunDoc {
  services: { service: string; state: string; score: number; reason?: string; logTail?: string[] }[];
  summary: { confidence: number };
}

/** The checks the one-shot runs; `$$` keeps each `$` for the container's shell rather than for Compose. */
function checks(expectedUser: string): string {
  return [
    'test "$$FROM_DOTENV" = dotenv-value',
    'test "$$INTERPOLATED" = fallback/dotenv-value',
    'test "$$FROM_ENV_FILE" = "quoted value"',
    'test "$$OVERRIDDEN" = from-environment',
    'test "$$FROM_SHELL" = shell-value',
    'test "$$LITERAL" = "\\$$HOME"',
    'test "$$FLAG" = yes',
    `test "$$(id -u)" = ${expectedUser}`,
    'test "$$(pwd)" = /w',
    'nslookup db-alias',
    'nslookup other',
    'echo all checks passed',
  ].join(' && ');
}

function compose(expectedUser: string): string {
  return [
    'services:',
    '  other:',
    `    image: ${BUSYBOX}`,
    '    command: sh -c "touch /tmp/$${READY_FILE:-x}; sleep 300"',
    '    environment: {READY_FILE: "${READY_NAME}"}',
    '    healthcheck:',
    '      test: ["CMD", "test", "-f", "/tmp/${READY_NAME}"]',
    '      interval: 300ms',
    '      timeout: 2s',
    '      retries: 20',
    '    networks:',
    '      back: {aliases: [db-alias]}',
    '  checker:',
    `    image: ${BUSYBOX}`,
    '    entrypoint: /bin/sh',
    `    command: -c '${checks(expectedUser)}'`,
    '    user: "1000"',
    '    working_dir: /w',
    '    env_file: [checker.env]',
    '    environment:',
    '      FROM_DOTENV: ${DOTENV_VAR}',
    '      INTERPOLATED: ${MISSING:-fallback}/${DOTENV_VAR}',
    '      OVERRIDDEN: from-environment',
    '      LITERAL: "$$HOME"',
    '      FLAG: yes',
    '      FROM_SHELL:',
    '    networks: [back]',
    '    depends_on: {other: {condition: service_healthy}}',
    'networks:',
    '  back: {}',
    '',
  ].join('\n');
}

async function rehearse(expectedUser: string): Promise<{ doc: RunDoc; code: number | null; stderr: string }> {
  const stack = uniqueStack('fidelity');
  const dir = writeTree({
    'compose.yaml': compose(expectedUser),
    '.env': 'DOTENV_VAR=dotenv-value\nREADY_NAME=ready-marker\n',
    'checker.env': 'FROM_ENV_FILE="quoted value"\nOVERRIDDEN=from-env-file\n',
  });
  const result = await runRehearsa(['stack', 'test', '--stack', stack, '--json', '--settle', '0', '--timeout', '90'], {
    cwd: dir,
    dataDir: mkdtempSync(join(tmpdir(), 'rehearsa-data-')),
    env: { FROM_SHELL: 'shell-value' },
  });
  assert.deepEqual(await leftovers(`rehearsa.stack=${stack}`), [], 'nothing labelled with the stack may remain');
  return { doc: JSON.parse(result.stdout) as RunDoc, code: result.code, stderr: result.stderr };
}

describe('the rehearsal honours what the loader resolved', { timeout: 240_000 }, () => {
  test('a checker that sees exactly what Compose would give it completes with 100', async () => {
    const { doc, code, stderr } = await rehearse('1000');
    const byName = Object.fromEntries(doc.services.map((s) => [s.service, s]));
    assert.equal(byName.checker?.state, 'completed', JSON.stringify(byName.checker));
    assert.equal(byName.checker?.score, 100);
    assert.equal(byName.other?.state, 'healthy', JSON.stringify(byName.other));
    assert.equal(byName.other?.score, 100);
    assert.equal(doc.summary.confidence, 100);
    assert.equal(code, 0, stderr);
  });

  test('its negative twin, expecting another user, exits non-zero and scores 0', async () => {
    const { doc, code } = await rehearse('0');
    const checker = doc.services.find((s) => s.service === 'checker');
    assert.equal(checker?.state, 'exited', JSON.stringify(checker));
    assert.equal(checker?.score, 0);
    assert.equal(checker?.reason, 'exited with code 1');
    assert.equal(doc.services.find((s) => s.service === 'other')?.score, 100);
    assert.equal(code, 1);
  });
});

describe('volumes_from in the sandbox', { timeout: 120_000 }, () => {
  test('a reader sees the writer’s scratch volume, read-only when asked; a container outside the stack shares nothing', async () => {
    const stack = uniqueStack('volumes-from');
    const dir = writeTree({
      'compose.yaml': [
        'services:',
        '  writer:',
        `    image: ${BUSYBOX}`,
        '    command: sh -c "echo shared > /data/marker; touch /tmp/ready; sleep 300"',
        '    volumes: [data:/data]',
        '    healthcheck: {test: ["CMD", "test", "-f", "/tmp/ready"], interval: 200ms, timeout: 2s, retries: 20}',
        '  reader:',
        `    image: ${BUSYBOX}`,
        '    restart: "no"',
        '    command: sh -c "grep -q shared /data/marker && ! touch /data/other 2>/dev/null"',
        '    volumes_from: ["writer:ro", "container:some-live-container"]',
        '    depends_on: {writer: {condition: service_healthy}}',
        '  after:',
        `    image: ${BUSYBOX}`,
        '    command: sleep 300',
        '    depends_on: {reader: {condition: service_completed_successfully}}',
        'volumes:',
        '  data: {}',
        '',
      ].join('\n'),
    });
    const result = await runRehearsa(['stack', 'test', '--stack', stack, '--json', '--settle', '0'], {
      cwd: dir,
      dataDir: mkdtempSync(join(tmpdir(), 'rehearsa-data-')),
    });
    const doc = JSON.parse(result.stdout) as RunDoc;
    assert.deepEqual(
      doc.services.map((s) => [s.service, s.state, s.score]),
      [
        ['after', 'running', 85],
        ['reader', 'completed', 100],
        ['writer', 'healthy', 100],
      ],
      result.stderr,
    );
    assert.deepEqual(await leftovers(`rehearsa.stack=${stack}`), []);
  });
});
