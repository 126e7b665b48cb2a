import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { activeProfiles, isEnabled } from './profiles.js';
import { fixture, load, loadErrors } from './test-fixtures.js';

const stack = [
  'services:',
  '  app: {image: app}',
  '  debug: {image: debug, profiles: [dev]}',
  '  backup: {image: backup, profiles: [ops, nightly]}',
  '',
].join('\n');

describe('profiles', () => {
  it('combines --profile with COMPOSE_PROFILES', () => {
    assert.deepEqual(activeProfiles(['a'], 'b, a,,c'), ['a', 'b', 'c']);
    assert.equal(isEnabled([], []), true);
    assert.equal(isEnabled(['x'], ['*']), true);
    assert.equal(isEnabled(['x'], ['y']), false);
  });

  it('enables services without profiles and lists disabled ones', async () => {
    const project = await load(fixture({ 'compose.yaml': stack }));
    assert.deepEqual(Object.keys(project.services), ['app']);
    assert.deepEqual(project.disabledServices, ['backup', 'debug']);
  });

  it('activates profiles from --profile, COMPOSE_PROFILES and *', async () => {
    const dir = fixture({ 'compose.yaml': stack });
    assert.deepEqual(Object.keys((await load(dir, { profiles: ['nightly'] })).services), ['app', 'backup']);
    const fromEnv = await load(dir, { env: { COMPOSE_PROFILES: 'dev' }, profiles: ['ops'] });
    assert.deepEqual(Object.keys(fromEnv.services), ['app', 'debug', 'backup']);
    assert.deepEqual(fromEnv.activeProfiles, ['ops', 'dev']);
    assert.deepEqual((await load(dir, { profiles: ['*'] })).disabledServices, []);
  });

  it('rejects a dependency on a disabled service unless it is optional', async () => {
    const dir = fixture({
      'compose.yaml': [
        'services:',
        '  app: {image: app, depends_on: [db]}',
        '  db: {image: db, profiles: [data]}',
        '  web:',
        '    image: web',
        '    depends_on: {db: {condition: service_started, required: false}}',
        '',
      ].join('\n'),
    });
    assert.deepEqual(await loadErrors(dir), [
      'compose.yaml › services.app.depends_on: depends on service "db", which is disabled by profiles (enable its profile)',
    ]);
    const ok = await load(dir, { profiles: ['data'] });
    assert.deepEqual(Object.keys(ok.services.web?.dependsOn ?? {}), ['db']);
  });
});
