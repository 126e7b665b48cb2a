import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixture, load } from '../compose/test-fixtures.js';
import { collectSecrets } from './collect-secrets.js';
import { readSecretInputs } from './read-secret-inputs.js';

const COMPOSE = `
services:
  db:
    image: postgres:16
    env_file: [db.env]
    environment:
      POSTGRES_PASSWORD: \${DB_PASSWORD}
      POSTGRES_USER: \${DB_USER:-app}
      PGPORT: "5432"
      ENABLED: "true"
      PGDATA: /var/lib/postgresql/data
      SHORT: abc
      PIN: "123456"
      REPLICA_OF: cache
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -d postgres://app:hc%40Pass1@localhost/app"]
    secrets: [db_pw]
  cache:
    image: redis:7
    command: ["sh", "-c", "redis-server --masterauth x; echo redis://:cmdPass123@db:6379"]
    entrypoint: ["run", "amqp://user:entryPass9@mq"]
    build:
      context: .
      args:
        NPM_TOKEN: npm-token-value
    environment:
      MULTI: "line-one-secret\\nline-two-secret\\n"
      DATABASE_URL: postgres://app:urlPassInEnv@db/app
secrets:
  db_pw:
    file: ./db_pw.txt
  from_env:
    environment: SHELL_SECRET
  ext:
    external: true
`;

describe('collectSecrets', () => {
  it('collects environment, env_file, .env, build args, URL passwords and secrets; skips trivial values', async () => {
    const dir = fixture({
      'compose.yaml': COMPOSE,
      '.env': 'DB_PASSWORD=dotenv-password\nCOMPOSE_PROJECT_NAME=shop\nUNUSED_TOKEN=only-in-dotenv\nTAG=16\n',
      'db.env': 'FROM_ENV_FILE=env-file-value\n',
      'db_pw.txt': 'file-secret-content\n',
    });
    const env = { SHELL_SECRET: 'shell-secret-value', HOME: '/root' };
    const project = await load(dir, { env });
    const secrets = collectSecrets(project, readSecretInputs(project, env));
    const expected = [
      'dotenv-password',
      'env-file-value',
      'only-in-dotenv',
      'npm-token-value',
      'hc%40Pass1',
      'hc@Pass1',
      'cmdPass123',
      'entryPass9',
      'line-one-secret',
      'line-two-secret',
      'line-one-secret\nline-two-secret',
      'postgres://app:urlPassInEnv@db/app',
      'urlPassInEnv',
      'shell-secret-value',
      'file-secret-content',
      '123456',
    ];
    for (const value of expected) assert.ok(secrets.includes(value), `missing ${JSON.stringify(value)}`);
    // Too short, boolean, short number, a path, a service name, Compose's own settings, the untouched shell.
    for (const value of ['abc', 'true', '5432', '16', '/var/lib/postgresql/data', 'cache', 'app', 'shop', '/root'])
      assert.ok(!secrets.includes(value), `should not mask ${JSON.stringify(value)}`);
    assert.equal(new Set(secrets).size, secrets.length);
    for (let i = 1; i < secrets.length; i++) assert.ok(secrets[i - 1]!.length >= secrets[i]!.length, 'longest first');
  });

  it('is pure: the same project and inputs give the same list', async () => {
    const dir = fixture({ 'compose.yaml': 'services:\n  a:\n    image: x\n    environment: { K: some-value }\n' });
    const project = await load(dir);
    const extra = { secretFileContents: ['zzzz-file', 'aaaa-file'] };
    assert.deepEqual(collectSecrets(project, extra), collectSecrets(project, extra));
    assert.deepEqual(collectSecrets(project, extra), ['some-value', 'aaaa-file', 'zzzz-file']);
  });
});
