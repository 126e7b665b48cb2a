import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

/** This process's identity as `<host>/<pid>/<start ticks>`; the start ticks guard against pid reuse. */
export function currentOwner(): string {
  return `${hostname()}/${process.pid}/${startTicks(process.pid) ?? 0}`;
}

/**
 * Whether the process that labelled a resource may still be running. Owners on another host cannot be
 * checked, so they count as alive: cleanup never removes what it cannot prove is abandoned.
 */
export function isOwnerAlive(owner: string | undefined): boolean {
  if (!owner) return false;
  const [host, pidText, ticks] = owner.split('/');
  if (host !== hostname()) return true;
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  const current = startTicks(pid);
  return current === undefined || ticks === '0' || String(current) === ticks;
}

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot (Linux only). */
function startTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses; fields after the last ')' are safe to split.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[19]);
  } catch {
    return undefined;
  }
}
