const STACK_NAME = /^[a-z0-9][a-z0-9_.-]*$/;
const MAX_LENGTH = 63;

/**
 * Returns why a stack name is unusable, or undefined when it is valid: lowercase letters, digits, `_`, `.`
 * and `-`, starting with a letter or digit, at most 63 characters (so it fits engine names and never
 * escapes a path).
 */
export function validateStackName(name: string): string | undefined {
  if (name.length === 0) return 'stack name is empty';
  if (name.length > MAX_LENGTH) return `stack name "${name}" is longer than ${MAX_LENGTH} characters`;
  if (!STACK_NAME.test(name)) {
    return `stack name ${JSON.stringify(name)} must start with a lowercase letter or digit and contain only a-z, 0-9, "_", "." and "-"`;
  }
  return undefined;
}
