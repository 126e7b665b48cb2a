import type { Finding, MountRecord } from '../model.js';

/** Findings about mounts as the services saw them: read-only ones (info), missing ones, and writable-looking ones the user cannot write. */
export function mountFindings(mounts: MountRecord[]): Finding[] {
  const findings: Finding[] = [];
  for (const m of mounts) {
    const where = `${m.target}${m.source ? ` (${m.kind} ${m.source})` : ` (${m.kind})`}`;
    if (m.readOnly) {
      findings.push({
        rule: 'mount_read_only',
        severity: 'info',
        service: m.service,
        message: `${where} is mounted read-only`,
      });
    }
    if (m.exists === false) {
      findings.push({
        rule: 'mount_missing',
        severity: 'warning',
        service: m.service,
        message: `${where} does not exist inside the container`,
      });
    } else if (!m.readOnly && m.writable === false) {
      findings.push({
        rule: 'mount_not_writable',
        severity: 'warning',
        service: m.service,
        message: `${where} is not writable by the container's user (owner or mode of the data does not match it)`,
      });
    }
  }
  return findings;
}
