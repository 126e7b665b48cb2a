// Test support: run the built CLI as a user would, in throwaway directories, and look for leftovers.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { connectDocker } from '../../src/engine/docker-engine.js';

/** The bundled executable the README ships (built by `npm run build`). */
export const BIN = resolve(import.meta.dirname, '../../dist/rehearsa.mjs');

/** The small busybox image built by scripts/build-images.sh. */
export const BUSYBOX = 'rehearsa-fixture/busybox:1';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts the CLI without waiting; stdout/stderr are collected on the returned object. */
export function startRehearsa(
  args: string[],
  options: { cwd?: string; dataDir: string; env?: NodeJS.ProcessEnv },
): {
  child: ChildProcess;
  result: Promise<CliResult>;
  stderrSoFar: () => string;
} {
  // Run through its shebang, exactly as a user's shell does.
  const child = spawn(BIN, ['--data-dir', options.dataDir, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => {
    stdout += d;
  });
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  const result = new Promise<CliResult>((res) => child.on('close', (code) => res({ code, stdout, stderr })));
  return { child, result, stderrSoFar: () => stderr };
}

/** Runs the CLI to completion. */
export function runRehearsa(
  args: string[],
  options: { cwd?: string; dataDir: string; env?: NodeJS.ProcessEnv },
): Promise<CliResult> {
  return startRehearsa(args, options).result;
}

/** Writes a tree of files into a fresh temporary directory and returns its path. */
export function writeTree(files: Record<string, string>, prefix = 'rehearsa-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

/** A unique stack name, so parallel or repeated tests never share history or labels. */
export function uniqueStack(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Everything on the engine that still carries the label (key=value). */
export async function leftovers(label: string): Promise<string[]> {
  const found = await connectDocker().listByLabel(label);
  return [
    ...found.containers.map((c) => `container ${c.name}`),
    ...found.networks.map((n) => `network ${n.name}`),
    ...found.volumes.map((v) => `volume ${v.name}`),
  ];
}
