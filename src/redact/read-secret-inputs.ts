// The I/O half of secret collection: reads what collectSecrets needs but may not read itself.
import { readFileSync } from 'node:fs';
import { parseDotenv } from '../compose/dotenv.js';
import type { ComposeProject } from '../model.js';
import type { SecretInputs } from './collect-secrets.js';

function readOrSkip(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    // A missing or unreadable secret file is a preflight finding, not a reason to stop; it cannot leak either.
    return undefined;
  }
}

/**
 * Reads the file of every non-external top-level secret and the env files the project was interpolated with
 * (later files win, shell variables resolve references as they did while loading); never throws for a missing file.
 */
export function readSecretInputs(project: ComposeProject, env: Record<string, string | undefined>): SecretInputs {
  const secretFileContents = Object.values(project.secrets).flatMap((s) => {
    const text = s.file !== undefined && !s.external ? readOrSkip(s.file) : undefined;
    return text === undefined ? [] : [text];
  });
  const dotenv: Record<string, string> = {};
  for (const file of project.envFiles) {
    const text = readOrSkip(file);
    if (text !== undefined) Object.assign(dotenv, parseDotenv(text, file, (name) => env[name] ?? dotenv[name]).values);
  }
  return { secretFileContents, dotenv, environment: env };
}
