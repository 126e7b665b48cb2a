import type { Engine, ExecResult } from '../engine/engine.js';
import type { EdgeRecord, Finding, MountRecord, Plan, PlannedContainer, ProbeRecord } from '../model.js';
import { runFilter, SERVICE_LABEL } from '../plan/labels.js';
import { dialectOfImage } from '../restore-config/check-restore-targets.js';
import type { ProbeSpec, RestoreConfig } from '../restore-config/restore-config.js';
import { edgeTargets } from './edge-targets.js';
import { firstLine, judgeProbe } from './judge-probe.js';
import { mountFindings } from './mount-findings.js';
import { probeCommand } from './probe-command.js';
import { type SandboxHelpers, sandboxHelpers } from './sandbox-helpers.js';

/** What verification needs from the run; containers must still be running (after settle, before teardown). */
export interface VerifyDeps {
  engine: Engine;
  scope: { trackContainer(id: string): void; removeContainerNow(id: string): Promise<void> };
  signal: AbortSignal;
  now: () => number;
}

/** What verification found: probe verdicts, mounts as the services see them, edges, and findings about them. */
export interface Verification {
  probes: ProbeRecord[];
  mounts: MountRecord[];
  edges: EdgeRecord[];
  findings: Finding[];
}

const CHECK_TIMEOUT_MS = 5_000;

/**
 * Looks at the settled sandbox from inside: runs the declared probes, inspects every mount of every running
 * container as its own user, and checks that every dependent resolves and reaches its dependencies by
 * every name. Nothing here goes through the host network; helpers it creates are removed before it returns.
 */
export async function verifySandbox(plan: Plan, config: RestoreConfig, deps: VerifyDeps): Promise<Verification> {
  const running = await runningContainers(plan, deps.engine);
  const helpers = sandboxHelpers(plan, config.helperImage, deps);
  try {
    const [probes, mounts, edges] = await Promise.all([
      Promise.all(config.probes.map((p) => runProbe(p, plan, running, helpers, deps))),
      inspectMounts(plan, running, deps.engine),
      checkEdges(plan, running, helpers, deps.engine),
    ]);
    const flatMounts = mounts.flat();
    return {
      probes,
      mounts: flatMounts,
      edges,
      findings: [...mountFindings(flatMounts), ...edgeFindings(edges), ...probeFindings(probes)],
    };
  } finally {
    await helpers.removeAll();
  }
}

async function runningContainers(plan: Plan, engine: Engine): Promise<Map<string, string>> {
  const listed = await engine.listByLabel(runFilter(plan.runId));
  const running = new Map<string, string>();
  await Promise.all(
    listed.containers.map(async (c) => {
      const service = c.labels[SERVICE_LABEL];
      if (!service) return;
      const state = await engine.inspectContainer(c.id).catch(() => undefined);
      if (state?.status === 'running') running.set(service, c.id);
    }),
  );
  return running;
}

async function runProbe(
  probe: ProbeSpec,
  plan: Plan,
  running: Map<string, string>,
  helpers: SandboxHelpers,
  deps: VerifyDeps,
): Promise<ProbeRecord> {
  const container = plan.containers.find((c) => c.service === probe.service);
  const command = probeCommand(probe, envOf(container), dialectOfImage(container?.image));
  const started = deps.now();
  const record = (passed: boolean, attempts: number, reason?: string, evidence?: string): ProbeRecord => ({
    service: probe.service,
    type: probe.type,
    target: command.target,
    passed,
    attempts,
    ms: deps.now() - started,
    ...(reason ? { reason } : {}),
    ...(evidence ? { evidence } : {}),
  });
  const serviceId = running.get(probe.service);
  if (!serviceId && command.where === 'service') return record(false, 0, `${probe.service} is not running`);
  let where: string;
  try {
    where = command.where === 'service' ? serviceId! : await helpers.on(networksOf(container, plan));
  } catch (error) {
    // The helper is Rehearsa's tool, not part of the stack: its absence says nothing about the service.
    return { ...record(false, 0, `not run: ${messageOf(error)}`), skipped: true };
  }
  let last = { passed: false, reason: 'not run', evidence: '' } as ReturnType<typeof judgeProbe>;
  for (let attempt = 1; attempt <= probe.retries + 1; attempt++) {
    if (attempt > 1) await sleep(probe.intervalMs, deps.signal);
    if (deps.signal.aborted) break;
    const result = await deps.engine
      .exec(where, { cmd: command.cmd, ...(command.env ? { env: command.env } : {}), timeoutMs: probe.timeoutMs })
      .catch((error): ExecResult => ({ stdout: '', stderr: messageOf(error), timedOut: false, exitCode: 126 }));
    last = judgeProbe(probe, result);
    if (last.passed) return record(true, attempt, undefined, last.evidence);
  }
  return record(false, probe.retries + 1, last.reason, last.evidence);
}

/** Each mount as the container's own user sees it: present, writable, how big. */
async function inspectMounts(plan: Plan, running: Map<string, string>, engine: Engine): Promise<MountRecord[][]> {
  // $1 is the target: three lines (exists, writable, KiB) so one exec answers all three questions.
  const script =
    'if [ -e "$1" ]; then echo 1; else echo 0; fi; if [ -w "$1" ]; then echo 1; else echo 0; fi; du -sk "$1" 2>/dev/null | cut -f1';
  return Promise.all(
    plan.containers.map((c) =>
      Promise.all(
        c.mounts.map(async (m): Promise<MountRecord> => {
          const base: MountRecord = {
            service: c.service,
            kind: m.type,
            ...(m.source !== undefined ? { source: m.source } : {}),
            target: m.target,
            readOnly: m.readOnly,
          };
          const id = running.get(c.service);
          if (!id) return { ...base, note: 'container not running' };
          const result = await engine
            .exec(id, { cmd: ['sh', '-c', script, 'mount-check', m.target], timeoutMs: CHECK_TIMEOUT_MS })
            .catch((error): ExecResult => ({ stdout: '', stderr: messageOf(error), timedOut: false }));
          const [exists, writable, kib] = result.stdout.trim().split('\n');
          if (result.exitCode === undefined || (exists !== '0' && exists !== '1')) {
            return {
              ...base,
              note: `not checked: no shell in the container (${firstLine(result.stderr) || 'exec failed'})`,
            };
          }
          return {
            ...base,
            exists: exists === '1',
            writable: writable === '1',
            ...(kib && /^\d+$/.test(kib) ? { sizeBytes: Number(kib) * 1024 } : {}),
          };
        }),
      ),
    ),
  );
}

/** Resolution and TCP reachability of every name a dependent may use for each dependency, from the dependent's networks. */
async function checkEdges(
  plan: Plan,
  running: Map<string, string>,
  helpers: SandboxHelpers,
  engine: Engine,
): Promise<EdgeRecord[]> {
  const exposed = new Map<string, string[]>();
  await Promise.all(
    [...running].map(async ([service, id]) => {
      exposed.set(service, (await engine.inspectContainer(id).catch(() => undefined))?.exposedPorts ?? []);
    }),
  );
  // A one-shot that did its job and exited is not expected to answer; nothing to check on that edge.
  const completed = (to: string) => plan.containers.find((c) => c.service === to)?.oneShot && !running.has(to);
  const targets = edgeTargets(plan, exposed).filter((t) => !completed(t.to));
  const records = await Promise.all(
    targets.map(async (t): Promise<EdgeRecord> => {
      const base = { from: t.from, to: t.to, name: t.name, origin: t.origin };
      if (!running.has(t.to)) return { ...base, resolved: false, ports: [], reason: `${t.to} is not running` };
      let helper: string;
      try {
        helper = await helpers.on(t.networks);
      } catch (error) {
        return { ...base, resolved: false, ports: [], reason: `not checked: ${messageOf(error)}`, skipped: true };
      }
      const lookup = await engine.exec(helper, { cmd: ['nslookup', t.name], timeoutMs: CHECK_TIMEOUT_MS });
      if (lookup.exitCode !== 0) {
        return {
          ...base,
          resolved: false,
          ports: [],
          reason: `${t.from} cannot resolve ${t.name}${t.hint ? ` (${t.hint})` : ''}`,
        };
      }
      const ports = await Promise.all(
        t.ports.map(async (port) => {
          const nc = await engine.exec(helper, {
            cmd: ['sh', '-c', 'nc -w 3 "$1" "$2" </dev/null', 'edge', t.name, String(port)],
            timeoutMs: CHECK_TIMEOUT_MS,
          });
          return { port, open: nc.exitCode === 0 };
        }),
      );
      const closed = ports.filter((p) => !p.open).map((p) => p.port);
      return {
        ...base,
        resolved: true,
        ports,
        ...(closed.length > 0
          ? {
              reason: `${t.from} resolves ${t.name} but nothing answers on port ${closed.join(', ')} (listening elsewhere?)`,
            }
          : {}),
      };
    }),
  );
  return records;
}

function edgeFindings(edges: EdgeRecord[]): Finding[] {
  const skipped = edges.find((e) => e.skipped);
  return [
    ...edges
      .filter((e) => e.reason && !e.skipped)
      .map((e) => ({
        rule: 'network_edge',
        severity: 'warning' as const,
        service: e.from,
        message: `${e.from} → ${e.to} (${e.name}): ${e.reason}`,
      })),
    // One line for all edges Rehearsa could not check, rather than one per edge blaming the stack.
    ...(skipped
      ? [{ rule: 'network_checks_skipped', severity: 'info' as const, message: `network edges ${skipped.reason}` }]
      : []),
  ];
}

function probeFindings(probes: ProbeRecord[]): Finding[] {
  return probes
    .filter((p) => p.skipped)
    .map((p) => ({
      rule: 'probe_skipped',
      severity: 'warning' as const,
      service: p.service,
      message: `${p.type} probe ${p.target} ${p.reason}`,
    }));
}

function networksOf(c: PlannedContainer | undefined, plan: Plan): string[] {
  if (!c) return [];
  if (c.networkMode?.kind === 'service') {
    const owner = c.networkMode.service;
    return networksOf(
      plan.containers.find((x) => x.service === owner),
      plan,
    );
  }
  return c.networks.map((n) => n.name);
}

function envOf(c: PlannedContainer | undefined): Record<string, string> {
  return Object.fromEntries((c?.env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
