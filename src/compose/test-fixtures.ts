// Test helpers: fixture trees written into a fresh temp dir, and a loader bound to it.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { InputError } from '../errors.js';
import type { ComposeProject } from '../model.js';
import { type LoadOptions, loadProject } from './load-project.js';

/** Writes `files` (relative path → content) under a new temp directory and returns its absolute path. */
export function fixture(files: Record<string, string>, name = 'app'): string {
  const root = join(mkdtempSync(join(tmpdir(), 'rehearsa-compose-')), name);
  for (const [path, content] of Object.entries(files)) {
    const abs = join(root, path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
  mkdirSync(root, { recursive: true });
  return root;
}

/** Loads the project in `cwd` with an empty shell environment unless given. */
export function load(cwd: string, options: Partial<LoadOptions> = {}): Promise<ComposeProject> {
  return loadProject({ files: [], env: {}, ...options, cwd });
}

/** The `file › path: message` lines of the InputError that loading throws. */
export async function loadErrors(cwd: string, options: Partial<LoadOptions> = {}): Promise<string[]> {
  try {
    await load(cwd, options);
  } catch (error) {
    if (error instanceof InputError) return error.message.split('\n');
    throw error;
  }
  throw new Error('expected the load to fail');
}
