import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { BUSYBOX, leftovers, runRehearsa, uniqueStack, writeTree } from '../../test/support/cli.js';
import { dialectOfImage } from '../restore-config/check-restore-targets.js';

const MARIADB = 'rehearsa-fixture/mariadb:10';

interface RunDoc {
  services: { service: string; score: number; reason?: string; reasonClass?: string }[];
  probes?: { service: string; type: string; passed: boolean; reason?: string; evidence?: string }[];
  mounts?: { service: string; target: string; kind: string }[];
}

/** A MariaDB service whose init SQL (a bind, copied into a scratch volume) creates `items` with 3 rows. */
function stack(minRows: number): Record<string, string> {
  return {
    'initdb/items.sql':
      "create table items (id int primary key, name varchar(20));\ninsert into items values (1, 'tea'), (2, 'cake'), (3, 'jam');\n",
    'compose.yaml': `services:
  db:
    image: ${MARIADB}
    environment: { MARIADB_ROOT_PASSWORD: pw, MARIADB_DATABASE: shop, MARIADB_USER: app, MARIADB_PASSWORD: apw }
    volumes: [ "./initdb:/docker-entrypoint-initdb.d:ro", "dbdata:/var/lib/mysql" ]
    healthcheck:
      test: ["CMD-SHELL", "mariadb-admin ping -h 127.0.0.1 -uroot -p$$MARIADB_ROOT_PASSWORD"]
      interval: 1s
      timeout: 3s
      retries: 60
volumes: { dbdata: {} }
x-rehearsa:
  helper_image: ${BUSYBOX}
  probes:
    - { service: db, type: sql, query: "select * from items", min_rows: ${minRows}, retries: 5, interval: 1s }
`,
  };
}

async function rehearse(minRows: number): Promise<RunDoc> {
  const name = uniqueStack(`mariadb-${minRows}`);
  const result = await runRehearsa(['stack', 'test', '--stack', name, '--json', '--settle', '0', '--timeout', '90'], {
    cwd: writeTree(stack(minRows), 'rehearsa-mariadb-'),
    dataDir: mkdtempSync(join(tmpdir(), 'rehearsa-data-')),
  });
  assert.deepEqual(await leftovers(`rehearsa.stack=${name}`), [], 'nothing labelled with the stack may remain');
  assert.ok(result.code === 0 || result.code === 1, result.stderr);
  return JSON.parse(result.stdout) as RunDoc;
}

describe('sql probes against MariaDB (real engine)', { timeout: 300_000 }, () => {
  test('the image name alone selects the mariadb client', () => {
    assert.equal(dialectOfImage(MARIADB), 'mariadb');
  });

  test('select * from items with min_rows 3 passes: 3 rows through the mariadb client, the service scores 100', async () => {
    const doc = await rehearse(3);
    assert.equal(doc.mounts?.find((m) => m.target === '/docker-entrypoint-initdb.d')?.kind, 'volume');
    assert.equal(doc.probes?.[0]?.passed, true, JSON.stringify(doc.probes));
    assert.match(doc.probes?.[0]?.evidence ?? '', /^3 rows: 1\ttea/);
    assert.equal(doc.services[0]?.score, 100, JSON.stringify(doc.services));
  });

  test('the same query with min_rows 5 fails: the service is capped at 40 with the row count as its reason', async () => {
    const doc = await rehearse(5);
    assert.equal(doc.probes?.[0]?.passed, false);
    assert.match(doc.probes?.[0]?.reason ?? '', /query returned 3 rows, expected at least 5/);
    assert.equal(doc.services[0]?.score, 40, JSON.stringify(doc.services));
    assert.equal(doc.services[0]?.reasonClass, 'probe');
    assert.match(doc.services[0]?.reason ?? '', /3 rows, expected at least 5/);
  });
});
