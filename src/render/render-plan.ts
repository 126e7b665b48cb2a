import type { Finding, Plan, PlannedVolume } from '../model.js';
import type { RestoreSpec } from '../restore-config/restore-config.js';
import type { Palette } from './colors.js';
import { renderFindings } from './render-findings.js';
import { renderTable } from './table.js';

/** The sandbox plan as text: waves, containers with their images and mounts, networks, volumes, rewrites, findings. */
export function renderPlan(plan: Plan, findings: Finding[], palette: Palette, restores: RestoreSpec[] = []): string {
  const lines: string[] = [`sandbox ${plan.sandbox} (stack ${plan.stack}); nothing has been created`, ''];
  lines.push(palette.bold('boot order'));
  for (const wave of plan.waves) lines.push(`  wave ${wave.index + 1}: ${wave.services.join(', ')}`);
  if (plan.skipped.length > 0) lines.push(`  not started (scaled to 0): ${plan.skipped.join(', ')}`);
  lines.push('', palette.bold('containers'));
  const rows = plan.containers.map((c) => [
    c.service,
    c.name,
    c.image,
    c.pullPolicy,
    [
      ...Object.entries(c.dependsOn)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([d, dep]) => `${d} (${dep.condition.replace('service_', '')})`),
    ].join(', ') || '-',
  ]);
  lines.push(indent(renderTable(['SERVICE', 'CONTAINER', 'IMAGE', 'PULL', 'WAITS FOR'], rows)));
  lines.push('', palette.bold('networks'));
  if (plan.networks.length === 0) lines.push('  none');
  for (const n of plan.networks) lines.push(`  ${n.key} → ${n.name}${n.internal ? ' (internal, no route out)' : ''}`);
  lines.push('', palette.bold('volumes'));
  if (plan.volumes.length === 0) lines.push('  none');
  for (const v of plan.volumes) lines.push(`  ${v.key} → ${v.name} (${volumeSeed(v, restores)})`);
  const binds = plan.containers.flatMap((c) =>
    c.mounts.filter((m) => m.type === 'bind').map((m) => `  ${c.service}: ${m.source} → ${m.target} (read-only)`),
  );
  if (binds.length > 0) lines.push('', palette.bold('host binds'), ...binds);
  if (plan.rewrites.length > 0) lines.push('', palette.bold('rewrites'), ...plan.rewrites.map((r) => `  ${r}`));
  const findingText = renderFindings(findings, palette);
  if (findingText) lines.push('', palette.bold('preflight'), findingText.trimEnd());
  return `${lines.join('\n')}\n`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

/** Where a scratch volume's data will come from, in words. */
function volumeSeed(volume: PlannedVolume, restores: RestoreSpec[]): string {
  const restore = restores.find((r) => r.name === volume.key || r.name === volume.bind?.target);
  if (restore) {
    const from = restore.path ?? restore.repository ?? '';
    return `restored from ${restore.from}${from ? ` ${from}` : ''}${restore.snapshot && restore.from !== 'archive' && restore.from !== 'directory' && restore.from !== 'live' ? ` (${restore.snapshot})` : ''}`;
  }
  if (volume.seed === 'bind' && volume.bind) return `copy of ${volume.bind.source}, read-only access to the host`;
  if (volume.bind) return `empty, stands in for ${volume.bind.source}`;
  return 'empty scratch volume';
}
