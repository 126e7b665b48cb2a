import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { commandStream } from './run-command.js';

/** A scratch directory on the host and how to remove it. */
export interface TempDir {
  path: string;
  remove(): Promise<void>;
}

/** A fresh private directory under the system temp dir, for unpacking a snapshot before it is copied. */
export async function makeTempDir(prefix: string): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), `rehearsa-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }).catch(() => {}) };
}

/** Unpacks a tar into `dir` keeping numeric owners and modes (the host tar does, when run as root). */
export async function extractTar(tar: Readable, dir: string, signal: AbortSignal): Promise<void> {
  const out = commandStream('tar', ['--numeric-owner', '--same-owner', '-p', '-C', dir, '-xf', '-'], {
    stdin: tar,
    signal,
  });
  for await (const _ of out) {
    // tar -x prints nothing on stdout; reading only waits for it to finish (or fail).
  }
}

/** `root/subpath`, checked to be a directory, so a wrong subpath fails with its name instead of a tar error. */
export async function directoryInside(root: string, subpath: string | undefined, what: string): Promise<string> {
  const dir = subpath ? join(root, subpath) : root;
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new Error(`${subpath ?? '/'} is not a directory in ${what}`);
  return dir;
}
