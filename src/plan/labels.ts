// Label keys every sandbox resource carries; cleanup and the tests find resources only through them.

/** Label holding the run id; its presence marks a resource as created by Rehearsa. */
export const RUN_LABEL = 'rehearsa.run';
/** Label holding the stack name. */
export const STACK_LABEL = 'rehearsa.stack';
/** Label holding the service name (containers only). */
export const SERVICE_LABEL = 'rehearsa.service';
/** Label identifying the owning process (`<host>/<pid>/<process start ticks>`) so cleanup can tell dead runs from live ones. */
export const OWNER_LABEL = 'rehearsa.owner';

/** The `key=value` filter that selects everything of one run. */
export function runFilter(runId: string): string {
  return `${RUN_LABEL}=${runId}`;
}
