import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatIssue } from '../errors.js';
import { parseRestoreConfig } from './parse-restore-config.js';

const source = { file: 'compose.yaml', prefix: 'x-rehearsa', baseDir: '/srv/app' };
const errors = (raw: unknown) => parseRestoreConfig(raw, source).issues.map(formatIssue);

describe('parseRestoreConfig', () => {
  test('a full declaration: paths resolved against the file, durations and sizes converted, defaults filled', () => {
    const { layer, issues } = parseRestoreConfig(
      {
        restore: {
          db: {
            from: 'restic',
            repository: './backups/restic',
            snapshot: 'latest',
            subpath: '/srv/db/',
            password_env: 'RESTIC_PW',
            max_age: '26h',
          },
          '/usr/share/nginx/html': { from: 'archive', path: 'site.tar.gz' },
          cache: { from: 'live' },
          files: {
            from: 'borg',
            repository: 'ssh://backup@host/./repo',
            snapshot: 'nightly-1',
            password_file: 'pw.txt',
          },
        },
        binds: 'readonly',
        bind_size_cap: '64MB',
        helper_image: 'busybox:1.36',
        probes: [
          { service: 'db', type: 'sql', query: 'select count(*) from t', min_rows: 1, retries: 3, interval: '2s' },
          { service: 'web', type: 'http', url: 'http://web/health', status: 204, body: 'ok' },
          { service: 'web', type: 'tcp', address: 'web:80' },
          { service: 'web', type: 'exec', command: 'test -f /ok', output: 'x', exit_code: 1, timeout: '3s' },
        ],
      },
      source,
    );
    assert.deepEqual(issues, []);
    assert.deepEqual(layer.restores, [
      {
        name: '/usr/share/nginx/html',
        from: 'archive',
        snapshot: 'latest',
        origin: 'compose.yaml › x-rehearsa.restore./usr/share/nginx/html',
        path: '/srv/app/site.tar.gz',
      },
      { name: 'cache', from: 'live', snapshot: 'latest', origin: 'compose.yaml › x-rehearsa.restore.cache' },
      {
        name: 'db',
        from: 'restic',
        snapshot: 'latest',
        origin: 'compose.yaml › x-rehearsa.restore.db',
        repository: '/srv/app/backups/restic',
        passwordEnv: 'RESTIC_PW',
        maxAgeMs: 26 * 3600_000,
        subpath: 'srv/db',
      },
      {
        name: 'files',
        from: 'borg',
        snapshot: 'nightly-1',
        origin: 'compose.yaml › x-rehearsa.restore.files',
        repository: 'ssh://backup@host/./repo',
        passwordFile: '/srv/app/pw.txt',
      },
    ]);
    assert.equal(layer.binds, 'readonly');
    assert.equal(layer.bindSizeCapBytes, 64 * 1024 * 1024);
    assert.equal(layer.helperImage, 'busybox:1.36');
    const [sql, http, tcp, exec] = layer.probes!;
    assert.deepEqual(sql, {
      service: 'db',
      type: 'sql',
      query: 'select count(*) from t',
      minRows: 1,
      timeoutMs: 10_000,
      retries: 3,
      intervalMs: 2000,
      origin: 'compose.yaml › x-rehearsa.probes[0]',
    });
    assert.equal(http?.type === 'http' && http.status, 204);
    assert.equal(tcp?.type === 'tcp' && `${tcp.host}:${tcp.port}`, 'web:80');
    assert.deepEqual(exec?.type === 'exec' && [exec.command, exec.exitCode, exec.output, exec.timeoutMs], [
      ['sh', '-c', 'test -f /ok'],
      1,
      'x',
      3000,
    ]);
  });

  test('nothing declared is an empty layer', () => {
    assert.deepEqual(parseRestoreConfig(undefined, source), { layer: {}, issues: [] });
  });

  test('every bad input has its own located message', () => {
    assert.deepEqual(errors('yes'), [
      'compose.yaml › x-rehearsa: must be a mapping (restore, binds, bind_size_cap, probes, helper_image)',
    ]);
    assert.deepEqual(errors({ restores: {}, binds: 'rw', bind_size_cap: 'lots', helper_image: '' }), [
      'compose.yaml › x-rehearsa.restores: unknown key (expected one of restore, binds, bind_size_cap, probes, helper_image)',
      'compose.yaml › x-rehearsa.binds: "rw" must be one of copy, readonly, empty',
      'compose.yaml › x-rehearsa.bind_size_cap: "lots" is not a size (use 512MB)',
      'compose.yaml › x-rehearsa.helper_image: "" is not a valid image reference',
    ]);
    assert.deepEqual(errors({ helper_image: 'NOT VALID' }), [
      'compose.yaml › x-rehearsa.helper_image: "NOT VALID" is not a valid image reference',
    ]);
    assert.deepEqual(errors({ restore: ['db'] }), [
      'compose.yaml › x-rehearsa.restore: must be a mapping of volume name or bind target to a source',
    ]);
    assert.deepEqual(
      errors({
        restore: {
          a: 'archive.tar',
          b: { from: 'tape' },
          c: { from: 'archive' },
          d: { from: 'restic', path: '/x' },
          e: { from: 'directory', path: '/x', subpath: '../etc' },
          f: { from: 'borg', repository: '/r', max_age: 'soon', password_env: 'not a name' },
          g: { from: 'restic', repository: '/r', password_env: 'PW', password_file: '/pw' },
          h: { from: 'live', path: '/x' },
          i: { from: 'archive', path: ['x'] },
        },
      }),
      [
        'compose.yaml › x-rehearsa.restore.a: must be a mapping with at least `from`',
        'compose.yaml › x-rehearsa.restore.b.from: "tape" must be one of archive, directory, restic, borg, live',
        'compose.yaml › x-rehearsa.restore.c.path: is required for from: archive',
        'compose.yaml › x-rehearsa.restore.d.path: does not apply to from: restic',
        'compose.yaml › x-rehearsa.restore.d.repository: is required for from: restic',
        'compose.yaml › x-rehearsa.restore.e.subpath: "../etc" must stay inside the source (no ..)',
        'compose.yaml › x-rehearsa.restore.f.password_env: "not a name" is not an environment variable name',
        'compose.yaml › x-rehearsa.restore.f.max_age: "soon" is not a duration (use 26h)',
        'compose.yaml › x-rehearsa.restore.g.password_file: give password_env or password_file, not both',
        'compose.yaml › x-rehearsa.restore.h.path: does not apply to from: live',
        'compose.yaml › x-rehearsa.restore.i.path: must be a non-empty string',
      ],
    );
  });

  test('every bad probe has its own located message', () => {
    assert.deepEqual(errors({ probes: { service: 'db' } }), [
      'compose.yaml › x-rehearsa.probes: must be a list of probes',
    ]);
    assert.deepEqual(
      errors({
        probes: [
          'db',
          { service: 'db', type: 'ping' },
          { type: 'tcp', address: 'db:5432' },
          { service: 'db', type: 'tcp', address: 'db' },
          { service: 'db', type: 'tcp', address: 'db:99999' },
          { service: 'web', type: 'http', url: 'ftp://web' },
          { service: 'web', type: 'http' },
          { service: 'web', type: 'http', url: 'http://web', status: 42 },
          { service: 'web', type: 'exec', command: [1, 2] },
          { service: 'web', type: 'exec' },
          { service: 'db', type: 'sql', query: 'select 1', engine: 'oracle', min_rows: -1 },
          { service: 'db', type: 'sql' },
          { service: 'db', type: 'sql', query: 'select 1', url: 'http://x', timeout: 'never', retries: 1.5 },
        ],
      }),
      [
        'compose.yaml › x-rehearsa.probes[0]: must be a mapping with service and type',
        'compose.yaml › x-rehearsa.probes[1].type: "ping" must be one of http, tcp, exec, sql',
        'compose.yaml › x-rehearsa.probes[2].service: is required',
        'compose.yaml › x-rehearsa.probes[3].address: "db" must be host:port',
        'compose.yaml › x-rehearsa.probes[4].address: "db:99999" must be host:port',
        'compose.yaml › x-rehearsa.probes[5].url: "ftp://web" must be an http:// or https:// URL',
        'compose.yaml › x-rehearsa.probes[6].url: is required for type: http',
        'compose.yaml › x-rehearsa.probes[7].status: 42 must be an integer from 100 to 599',
        'compose.yaml › x-rehearsa.probes[8].command: must be a string or a list of strings',
        'compose.yaml › x-rehearsa.probes[9].command: is required for type: exec',
        'compose.yaml › x-rehearsa.probes[10].engine: "oracle" must be one of postgres, mysql, mariadb',
        'compose.yaml › x-rehearsa.probes[10].min_rows: -1 must be an integer from 0 to 1000000000',
        'compose.yaml › x-rehearsa.probes[11].query: is required for type: sql',
        'compose.yaml › x-rehearsa.probes[12].url: does not apply to type: sql',
        'compose.yaml › x-rehearsa.probes[12].timeout: "never" is not a duration (use 10s)',
        'compose.yaml › x-rehearsa.probes[12].retries: 1.5 must be an integer from 0 to 100',
      ],
    );
  });

  test('a probe type or source kind named like an Object.prototype member is refused, not looked up', () => {
    // Found by the fuzz test: `type: toString` reached PROBE_KEYS.toString and threw on `.includes`.
    assert.deepEqual(
      errors({
        restore: { db: { from: 'constructor', path: 'x' } },
        probes: [
          { service: 'web', type: 'toString', url: 'http://web' },
          { service: 'web', type: 'constructor' },
          { service: 'web', type: '__proto__', address: 'web:80' },
        ],
      }),
      [
        'compose.yaml › x-rehearsa.restore.db.from: "constructor" must be one of archive, directory, restic, borg, live',
        'compose.yaml › x-rehearsa.probes[0].type: "toString" must be one of http, tcp, exec, sql',
        'compose.yaml › x-rehearsa.probes[1].type: "constructor" must be one of http, tcp, exec, sql',
        'compose.yaml › x-rehearsa.probes[2].type: "__proto__" must be one of http, tcp, exec, sql',
      ],
    );
  });

  test('in rehearsa.yml paths have no prefix', () => {
    const issues = parseRestoreConfig({ binds: 'x' }, { file: 'rehearsa.yml', prefix: '', baseDir: '/srv' }).issues;
    assert.deepEqual(issues.map(formatIssue), ['rehearsa.yml › binds: "x" must be one of copy, readonly, empty']);
  });
});
