// Plants known secrets in every place a compose project can hold one, rehearses the stack against the real engine,
// and searches every output Rehearsa produces for them.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { BUSYBOX, type CliResult, leftovers, runRehearsa, uniqueStack, writeTree } from '../../test/support/cli.js';
import { MASK } from './redact.js';

const SECRETS = {
  dotenv: 'DOTENV-SECRET-991',
  environment: 'tok-ENVSECRET-4242',
  envFile: 'ENVFILE-SECRET-555',
  urlPassword: 'URLSECRET-777',
  secretFile: 'FILESECRET-xyz-123',
};

// `app` prints every secret to its log and its health probe prints two of them; `crash` prints one and exits, so
// secrets reach log tails, health logs, reasons, the report's problem blocks and the JSON document.
const COMPOSE = `
services:
  app:
    image: ${BUSYBOX}
    env_file: [app.env]
    environment:
      DB_PASSWORD: \${DB_PASSWORD}
      API_TOKEN: ${SECRETS.environment}
      PORT: "8080"
    command:
      - sh
      - -c
      - >-
        echo connecting to postgres://app:${SECRETS.urlPassword}@db/app;
        echo token=$$API_TOKEN db=$$DB_PASSWORD envfile=$$ENVFILE_VALUE;
        echo file=${SECRETS.secretFile};
        sleep 300
    healthcheck:
      test: ["CMD-SHELL", "echo probe sees $$API_TOKEN and $$DB_PASSWORD; exit 1"]
      interval: 300ms
      timeout: 2s
      retries: 2
    secrets: [pw]
  crash:
    image: ${BUSYBOX}
    environment:
      API_TOKEN: ${SECRETS.environment}
    command: ["sh", "-c", "echo failing with $$API_TOKEN >&2; exit 3"]
secrets:
  pw:
    file: ./pw.txt
`;

function assertClean(what: string, text: string | Buffer): void {
  for (const [kind, secret] of Object.entries(SECRETS)) {
    assert.equal(text.includes(secret), false, `${what} shows the ${kind} secret ${secret}`);
  }
}

function assertCleanRun(what: string, result: CliResult): void {
  assertClean(`${what} stdout`, result.stdout);
  assertClean(`${what} stderr`, result.stderr);
}

describe('secrets never leave Rehearsa unmasked', { timeout: 180_000 }, () => {
  test('terminal, JSON, history database, history/status commands and reports', async () => {
    const stack = uniqueStack('secrets');
    const data = mkdtempSync(join(tmpdir(), 'rehearsa-data-'));
    const dir = writeTree({
      'compose.yaml': COMPOSE,
      '.env': `DB_PASSWORD=${SECRETS.dotenv}\n`,
      'app.env': `ENVFILE_VALUE=${SECRETS.envFile}\n`,
      'pw.txt': `${SECRETS.secretFile}\n`,
    });
    const help = await runRehearsa(['stack', 'test', '--help'], { dataDir: data });
    // The report flags are optional: searched when this build has them.
    const reports = ['junit', 'html', 'json'].filter((kind) => help.stdout.includes(`--report-${kind}`));
    const reportArgs = reports.flatMap((kind) => [`--report-${kind}`, join(dir, `report-${kind}.out`)]);
    const base = ['stack', 'test', 'compose.yaml', '--stack', stack, '--settle', '0', '--timeout', '60'];

    const text = await runRehearsa([...base, ...reportArgs], { cwd: dir, dataDir: data });
    assert.deepEqual(await leftovers(`rehearsa.stack=${stack}`), []);
    assert.equal(text.code, 1, text.stderr);
    assertCleanRun('stack test', text);
    // The secrets were there to mask: the report shows the masked log and probe output, keys kept.
    assert.match(text.stdout, new RegExp(`token=${MASK} db=${MASK} envfile=${MASK}`));
    assert.match(text.stdout, new RegExp(`postgres://app:${MASK}@db/app`));
    assert.match(text.stdout, new RegExp(`probe sees ${MASK} and ${MASK}`));
    for (const kind of reports) assertClean(`--report-${kind}`, readFileSync(join(dir, `report-${kind}.out`)));

    const json = await runRehearsa([...base, '--json'], { cwd: dir, dataDir: data });
    assert.deepEqual(await leftovers(`rehearsa.stack=${stack}`), []);
    assertCleanRun('stack test --json', json);
    const doc = JSON.parse(json.stdout) as { services: { service: string; logTail: string[]; healthLog: string[] }[] };
    const app = doc.services.find((s) => s.service === 'app')!;
    assert.ok(app.logTail.includes(`file=${MASK}`), JSON.stringify(app.logTail));
    assert.ok(app.healthLog.some((line) => line.includes(`probe sees ${MASK}`)));
    const crash = doc.services.find((s) => s.service === 'crash')!;
    assert.ok(crash.logTail.includes(`failing with ${MASK}`), JSON.stringify(crash.logTail));

    for (const args of [
      ['history', stack, '--json'],
      ['history', stack],
      ['status', '--json'],
      ['status'],
      ['history', 'verify'],
    ]) {
      const result = await runRehearsa(args, { dataDir: data });
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
      assertCleanRun(args.join(' '), result);
    }
    // The database file, and its WAL and shared-memory files when present, byte for byte.
    const files = readdirSync(data).filter((f) => f.startsWith('history.db'));
    assert.ok(files.includes('history.db'));
    for (const file of files) assertClean(file, readFileSync(join(data, file)));

    // `stack plan` as text never prints environment values.
    const plan = await runRehearsa(['stack', 'plan', 'compose.yaml', '--stack', stack], { cwd: dir, dataDir: data });
    assert.equal(plan.code, 0, plan.stderr);
    assertClean('stack plan', plan.stdout);
    assert.equal(existsSync(join(data, 'history.db')), true);
  });
});
