import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { registryAuthHeader, registryKey } from './registry-auth.js';

const dir = mkdtempSync(join(tmpdir(), 'rehearsa-auth-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const env = { DOCKER_CONFIG: dir };
const basic = (userPass: string) => Buffer.from(userPass).toString('base64');

function decode(header: string | undefined): unknown {
  assert.ok(header);
  assert.doesNotMatch(header, /[+/]/, 'URL-safe alphabet');
  return JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
}

test('config keys and registry hosts compare by host', () => {
  assert.equal(registryKey('https://index.docker.io/v1/'), 'docker.io');
  assert.equal(registryKey('registry-1.docker.io'), 'docker.io');
  assert.equal(registryKey('http://127.0.0.1:5001/v2/'), '127.0.0.1:5001');
  assert.equal(registryKey('GHCR.io'), 'ghcr.io');
});

test('inline auths become X-Registry-Auth; identity tokens win; unknown registries get nothing', async () => {
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      auths: {
        'http://127.0.0.1:5001': { auth: basic('rehearsa:pa:ss?>>') },
        'https://index.docker.io/v1/': { auth: basic('hubuser:hubpass') },
        'ghcr.io': { identitytoken: 'tok', auth: basic('x:y') },
        'broken.example': { auth: basic('no-colon') },
      },
      credsStore: 'desktop',
    }),
  );
  assert.deepEqual(decode(await registryAuthHeader('127.0.0.1:5001', env)), {
    username: 'rehearsa',
    password: 'pa:ss?>>',
    serveraddress: '127.0.0.1:5001',
  });
  assert.deepEqual(decode(await registryAuthHeader('docker.io', env)), {
    username: 'hubuser',
    password: 'hubpass',
    serveraddress: 'https://index.docker.io/v1/',
  });
  assert.deepEqual(decode(await registryAuthHeader('ghcr.io', env)), {
    identitytoken: 'tok',
    serveraddress: 'ghcr.io',
  });
  assert.equal(await registryAuthHeader('broken.example', env), undefined);
  assert.equal(await registryAuthHeader('127.0.0.1:5000', env), undefined);
});

test('a missing or unreadable config means anonymous', async () => {
  assert.equal(await registryAuthHeader('127.0.0.1:5001', { DOCKER_CONFIG: join(dir, 'absent') }), undefined);
  writeFileSync(join(dir, 'config.json'), '{not json');
  assert.equal(await registryAuthHeader('127.0.0.1:5001', env), undefined);
});
