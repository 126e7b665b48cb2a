// Bundles the CLI into one ESM file so `rehearsa` starts without a TypeScript loader.
import { chmodSync } from 'node:fs';
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/bin.ts'],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  outfile: 'dist/rehearsa.mjs',
  external: ['better-sqlite3'],
  banner: {
    js: "#!/usr/bin/env -S node --\nimport { createRequire as __rehearsaRequire } from 'node:module';\nconst require = __rehearsaRequire(import.meta.url);",
  },
  minifySyntax: true,
  sourcemap: 'linked',
  logLevel: 'warning',
});
// Executable as is; `node --` keeps Node 20 from taking the CLI's own --env-file for its flag of that name.
chmodSync('dist/rehearsa.mjs', 0o755);
