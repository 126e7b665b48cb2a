// Compose's project-name precedence and normalisation rules.
import type { Issue } from '../model.js';

const VALID_NAME = /^[a-z0-9][a-z0-9_-]*$/;

/** Where the name candidates come from, highest precedence first. */
export interface NameSources {
  /** -p / --stack */
  option?: string;
  /** COMPOSE_PROJECT_NAME from the shell or an env file. */
  environment?: string;
  /** Top-level `name:` of the last file declaring one, interpolated. */
  declared?: string;
  /** Absolute project directory. */
  projectDir: string;
}

/** The project name Compose would use; explicit names that break the rule are issues, implicit ones are normalised. */
export function resolveProjectName(from: NameSources, issues: Issue[]): string {
  const explicit = from.option || from.environment;
  if (explicit) {
    if (!VALID_NAME.test(explicit)) {
      issues.push({
        message: `invalid project name ${JSON.stringify(explicit)}: must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number`,
        severity: 'error',
      });
    }
    return explicit;
  }
  const implicit = from.declared || basename(from.projectDir);
  const name = normaliseProjectName(implicit);
  if (!name) {
    issues.push({ message: `project name ${JSON.stringify(implicit)} is empty once normalised`, severity: 'error' });
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
