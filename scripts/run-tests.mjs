// Runs node:test over an explicit, sorted file list (Node 20 finds nothing from a directory argument)
// and fails when the list is empty. `unit` = *.test.ts without Docker; `docker` = *.docker.test.ts.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const kind = process.argv[2] ?? 'all';
const roots = ['src', 'test', 'bench'];

function walk(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

const all = roots.flatMap(walk).filter((f) => f.endsWith('.test.ts'));
const isDocker = (f) => f.endsWith('.docker.test.ts') || f.endsWith('.browser.test.ts');
const files = all.filter((f) => (kind === 'unit' ? !isDocker(f) : kind === 'docker' ? isDocker(f) : true)).sort();
if (files.length === 0) {
  console.error(`run-tests: no ${kind} test files found`);
  process.exit(1);
}
const extra = process.argv.slice(3);
const concurrency = kind === 'unit' ? [] : ['--test-concurrency=1'];
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...concurrency, ...extra, ...files], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
