// .dockerignore patterns as the docker CLI reads them: one per line, `#` comments, `!` exceptions, the last
// matching pattern wins, `*` and `?` stay inside one path segment, `**` spans any number of segments, and a
// pattern that matches a directory excludes everything below it.

/** Returns whether a context-relative, `/`-separated path is excluded by the given .dockerignore text. */
export function dockerignoreMatcher(text: string): (path: string) => boolean {
  const rules = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const negated = line.startsWith('!');
      const pattern = clean(negated ? line.slice(1).trim() : line);
      return { negated, regex: toRegex(pattern) };
    })
    .filter((rule) => rule.regex !== undefined);
  if (rules.length === 0) return () => false;
  return (path) => {
    const parts = path.split('/');
    // The path itself or any of its parent directories may be what a pattern names.
    const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let excluded = false;
    for (const rule of rules) {
      if (candidates.some((c) => rule.regex!.test(c))) excluded = !rule.negated;
    }
    return excluded;
  };
}

function clean(pattern: string): string {
  return pattern
    .replace(/^\/+/, '')
    .replace(/\/+$/, '')
    .split('/')
    .filter((part) => part !== '.' && part !== '')
    .join('/');
}

function toRegex(pattern: string): RegExp | undefined {
  if (pattern === '') return undefined;
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*' && pattern[i + 1] === '*') {
      // `**/` matches zero or more whole directories; a trailing `**` matches everything below.
      if (pattern[i + 2] === '/') {
        source += '(?:.*/)?';
        i += 2;
      } else {
        source += '.*';
        i += 1;
      }
    } else if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else if (ch === '\\' && i + 1 < pattern.length) source += escapeChar(pattern[++i]!);
    else source += escapeChar(ch);
  }
  return new RegExp(`^${source}$`);
}

function escapeChar(ch: string): string {
  return /[.+^${}()|[\]\\]/.test(ch) ? `\\${ch}` : ch;
}
