// Compose's project-name precedence and normalisation rules.
import type { Issue } from '../model.js';

const VALID_NAME = /^[a-z0-9][a-z0-9_-]*$/;

/** Where the name candidates come from, highest precedence first. */
export interface NameSources {
  /** -p / --stack */
  option?: string;
  /** COMPOSE_PROJECT_NAME from the shell or an env file. */
  environment?: string;
  /** The env file COMPOSE_PROJECT_NAME came from, as shown in issues (undefined: the shell). */
  environmentFile?: string | undefined;
  /** Top-level `name:` of the last file declaring one, interpolated. */
  declared?: string;
  /** Absolute path of the file that declared it. */
  declaredIn?: string;
  /** Absolute project directory. */
  projectDir: string;
}

/** The project name Compose would use; explicit names that break the rule are issues, implicit ones are normalised. */
export function resolveProjectName(from: NameSources, issues: Issue[]): string {
  const explicit = from.option || from.environment;
  if (explicit) {
    if (!VALID_NAME.test(explicit)) {
      // An invalid name from an env file names that file, so the user knows where to fix it.
      const where =
        !from.option && from.environmentFile ? { file: from.environmentFile, path: 'COMPOSE_PROJECT_NAME' } : {};
      issues.push({
        ...where,
        message: `invalid project name ${JSON.stringify(explicit)}: must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number`,
        severity: 'error',
      });
    }
    return explicit;
  }
  const implicit = from.declared || basename(from.projectDir);
  const name = normaliseProjectName(implicit);
  if (!name) {
    const where = from.declared && from.declaredIn ? { file: from.declaredIn, path: 'name' } : {};
    issues.push({
      ...where,
      message: `project name ${JSON.stringify(implicit)} is empty once normalised`,
      severity: 'error',
    });
  }
  return name;
}

/** Lowercases, drops characters outside `[a-z0-9_-]`, trims leading `-` and `_`. */
export function normaliseProjectName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '')
    .replace(/^[-_]+/, '');
}

function basename(dir: string): string {
  return dir.split(/[\\/]/).filter(Boolean).pop() ?? '';
}
