import { statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { ComposeProject, Issue } from '../model.js';

/** Remote contexts (git URLs, tarball URLs) are fetched by the engine, not read here. */
const REMOTE_CONTEXT = /^(?:[a-z][a-z0-9+.-]*:\/\/|git@|github\.com\/)/i;

/**
 * Every enabled `build:` service whose local context is not a directory, or whose Dockerfile is not a file,
 * as `file › services.x.build.context` issues; checked before the engine is touched so nothing is created.
 */
export function checkBuildContexts(project: ComposeProject, file = project.files[0]): Issue[] {
  const issues: Issue[] = [];
  for (const service of Object.values(project.services).sort((a, b) => a.name.localeCompare(b.name))) {
    const build = service.build;
    if (!build || service.replicas === 0 || REMOTE_CONTEXT.test(build.context)) continue;
    const path = `services.${service.name}.build`;
    if (kind(build.context) !== 'dir') {
      issues.push({ file, path: `${path}.context`, message: `${build.context} is not a directory`, severity: 'error' });
      continue;
    }
    const dockerfile = isAbsolute(build.dockerfile) ? build.dockerfile : join(build.context, build.dockerfile);
    if (kind(dockerfile) !== 'file') {
      issues.push({ file, path: `${path}.dockerfile`, message: `${dockerfile} does not exist`, severity: 'error' });
    }
  }
  return issues;
}

function kind(path: string): 'dir' | 'file' | undefined {
  try {
    const stats = statSync(path);
    return stats.isDirectory() ? 'dir' : stats.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}
