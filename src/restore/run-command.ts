import { spawn } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';

/** How a finished command ended and what it printed. */
export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The command could not be started at all (not installed). */
  missing: boolean;
}

/** Runs a command to completion without a shell or a terminal; never rejects. */
export function runCommand(
  cmd: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; signal?: AbortSignal } = {},
): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: options.env ?? process.env,
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', (err) => {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      resolve({ code: null, stdout, stderr: stderr || err.message, missing });
    });
    child.on('close', (code) => resolve({ code, stdout, stderr, missing: false }));
  });
}

/**
 * The stdout of a command as a stream that ends only once the command exited 0, and fails with its last
 * stderr line otherwise: a producer dying half-way must never look like a complete tar.
 */
export function commandStream(
  cmd: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; stdin?: Readable; signal?: AbortSignal } = {},
): Readable {
  const out = new PassThrough();
  const child = spawn(cmd, args, {
    stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    env: options.env ?? process.env,
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (options.stdin && child.stdin) {
    options.stdin.on('error', (err) => out.destroy(err));
    options.stdin.pipe(child.stdin);
  }
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  child.stdout?.pipe(out, { end: false });
  child.on('error', (err) => out.destroy(new Error(`${cmd}: ${err.message}`)));
  // A consumer that gives up (the engine refused the upload) must not leave the producer blocked on a full pipe.
  out.on('close', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
  });
  child.on('close', (code) => {
    if (code === 0) out.end();
    else out.destroy(new Error(`${cmd} exited with ${code ?? 'a signal'}: ${reasonLine(stderr) || 'no message'}`));
  });
  return out;
}

/**
 * The line of a command's stderr that says why it failed: restic's last `Fatal:` line (it prints hints after
 * it, such as the repository path again), else the last non-empty line, where CLIs put the reason.
 */
export function reasonLine(text: string): string {
  const lines = text
    .trim()
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const fatal = lines.findLast((l) => l.startsWith('Fatal: '));
  return fatal ? fatal.slice('Fatal: '.length) : (lines.at(-1) ?? '');
}
