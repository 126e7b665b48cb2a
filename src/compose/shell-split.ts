// Splits a string `command` / `entrypoint` into argv the way compose-go does (go-shellwords with
// environment and backtick expansion off): quotes and backslashes are honoured, `$VAR` is not expanded.

const SPACE = new Set([' ', '\t', '\r', '\n']);
const OPERATORS = new Set([';', '&', '|', '<', '>']);

/**
 * Returns the argv of `command`. Like Compose, parsing stops silently at the first unquoted `;`, `&`,
 * `|`, `<` or `>` (a `2>` redirection drops its digits too), and `$(…)` / backticks stay literal text.
 * Throws on an unterminated quote, escape, `$(` or backtick, and on a stray `(` or `)`.
 */
export function shellSplit(command: string): string[] {
  const args: string[] = [];
  let buf = '';
  // A word exists once any character or a closing quote was seen, so `""` yields an empty argument.
  let inWord = false;
  let escaped = false;
  let single = false;
  let double = false;
  let backtick = false;
  let dollarParen = false;

  for (const ch of command) {
    if (escaped) {
      escaped = false;
      inWord = true;
      // Inside `…` and $(…) the text is kept verbatim for the shell that will run it.
      if (backtick || dollarParen) buf += `\\${ch}`;
      else buf += ch === 't' ? '\t' : ch === 'n' ? '\n' : ch;
      continue;
    }
    if (ch === '\\') {
      if (single) buf += ch;
      else escaped = true;
      continue;
    }
    if (SPACE.has(ch)) {
      if (single || double || backtick || dollarParen) buf += ch;
      else if (inWord) {
        args.push(buf);
        buf = '';
        inWord = false;
      }
      continue;
    }
    const quoted = single || double;
    if (ch === '`' && !quoted && !dollarParen) backtick = !backtick;
    else if (ch === '(' && !quoted && !backtick) {
      if (dollarParen || !buf.endsWith('$')) throw new Error('invalid command line: unexpected "("');
      dollarParen = true;
    } else if (ch === ')' && !quoted && !backtick) {
      if (!dollarParen) throw new Error('invalid command line: unexpected ")"');
      dollarParen = false;
    } else if (ch === '"' && !single && !dollarParen && !backtick) {
      double = !double;
      inWord = true;
      continue;
    } else if (ch === "'" && !double && !dollarParen && !backtick) {
      single = !single;
      inWord = true;
      continue;
    } else if (OPERATORS.has(ch) && !quoted && !backtick && !dollarParen) {
      if (ch === '>' && /^[0-9]+$/.test(buf)) inWord = false;
      break;
    }
    inWord = true;
    buf += ch;
  }

  if (single || double) throw new Error('unterminated quote');
  if (escaped) throw new Error('unterminated backslash escape');
  if (backtick) throw new Error('unterminated backtick');
  if (dollarParen) throw new Error('unterminated "$("');
  if (inWord) args.push(buf);
  return args;
}
