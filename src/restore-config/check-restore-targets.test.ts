import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fixture, load } from '../compose/test-fixtures.js';
import { formatIssue } from '../errors.js';
import { checkRestoreTargets, dialectOfImage } from './check-restore-targets.js';
import { mergeRestoreConfig } from './merge-restore-config.js';
import { parseRestoreConfig } from './parse-restore-config.js';
import { parseRestoreFlag } from './parse-restore-flag.js';

const COMPOSE = `services:
  db: { image: postgres:15, volumes: [ "pgdata:/var/lib/postgresql/data" ] }
  web: { image: nginx, volumes: [ "./site:/usr/share/nginx/html" ] }
  store: { image: example/store }
  off: { image: nginx, scale: 0, volumes: [ "offdata:/x" ] }
volumes: { pgdata: {}, offdata: {} }
`;

describe('checkRestoreTargets', () => {
  test('accepts volumes and bind targets; names unknown ones, unknown services and dialect-less sql probes', async () => {
    const project = await load(fixture({ 'compose.yaml': COMPOSE }));
    const source = { file: 'compose.yaml', prefix: 'x-rehearsa', baseDir: project.workingDir };
    const declared = parseRestoreConfig(
      {
        restore: { pgdata: { from: 'live' }, '/usr/share/nginx/html': { from: 'live' }, offdata: { from: 'live' } },
        probes: [
          { service: 'db', type: 'sql', query: 'select 1' },
          { service: 'cache', type: 'tcp', address: 'cache:6379' },
          { service: 'store', type: 'sql', query: 'select 1' },
          { service: 'store', type: 'sql', query: 'select 1', engine: 'mysql' },
        ],
      },
      source,
    );
    const flag = parseRestoreFlag('nope=live', project.workingDir).spec!;
    const config = mergeRestoreConfig([declared.layer, { restores: [flag] }]);
    assert.deepEqual(checkRestoreTargets(config, project).map(formatIssue), [
      '--restore nope=live: "nope" names no volume or bind target of the stack (known: pgdata, /usr/share/nginx/html)',
      'compose.yaml › x-rehearsa.restore.offdata: "offdata" names no volume or bind target of the stack (known: pgdata, /usr/share/nginx/html)',
      'compose.yaml › x-rehearsa.probes[1].service: "cache" is not a started service of the stack (db, store, web)',
      'compose.yaml › x-rehearsa.probes[2].engine: cannot tell the database of store from its image; set engine: postgres, mysql or mariadb',
    ]);
  });

  test('dialects from image names', () => {
    assert.equal(dialectOfImage('rehearsa-fixture/postgres:15'), 'postgres');
    assert.equal(dialectOfImage('postgis/postgis:16-3.4'), 'postgres');
    assert.equal(dialectOfImage('bitnami/mariadb:11'), 'mariadb');
    assert.equal(dialectOfImage('mysql:8@sha256:abc'), 'mysql');
    assert.equal(dialectOfImage('redis:7'), undefined);
  });
});

describe('mergeRestoreConfig', () => {
  test('later layers replace the restores they name and the settings they set; probes accumulate', () => {
    const a = {
      restores: [{ name: 'db', from: 'live' as const, snapshot: 'latest', origin: 'a' }],
      binds: 'empty' as const,
    };
    const b = {
      restores: [{ name: 'db', from: 'directory' as const, path: '/d', snapshot: 'latest', origin: 'b' }],
      bindSizeCapBytes: 1,
    };
    const merged = mergeRestoreConfig([a, b]);
    assert.deepEqual(
      merged.restores.map((r) => r.origin),
      ['b'],
    );
    assert.equal(merged.binds, 'empty');
    assert.equal(merged.bindSizeCapBytes, 1);
    assert.equal(merged.helperImage, 'busybox:1.36');
  });
});
