// Compose YAML → plain JS tree, reading scalars, merge keys and tags the way compose-go (go-yaml) does.
// The `yaml` package only tokenises here (failsafe schema: every scalar stays a string); this module
// builds the tree itself so that scalar typing, `<<` merges, alias expansion limits, duplicate keys
// and the `!reset` / `!override` tags follow Compose rather than the YAML library's defaults.
import {
  type Alias,
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
  visit,
  type YAMLMap,
} from 'yaml';
import { oneLine } from '../errors.js';
import type { Issue } from '../model.js';

/** A `!reset` node: the wrapped value was parsed, but a later merge must drop the key instead of merging it. */
export class ResetTag {
  constructor(readonly value: unknown) {}
}

/** An `!override` node: a later merge must replace the key wholesale instead of merging it. */
export class OverrideTag {
  constructor(readonly value: unknown) {}
}

/** Nodes materialised through aliases before the file is declared an alias bomb; real files stay far below. */
const MAX_ALIAS_NODES = 100_000;

const YAML_CORE = 'tag:yaml.org,2002:';

/** Flow nesting real files never approach (they stay under ten levels). */
const MAX_FLOW_DEPTH = 1000;

// YAML allows only printable characters; U+FFFD is what a lenient UTF-8 decoder leaves for bad bytes.
const NOT_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u0084\u0086-\u009F\uFFFD\uFFFE\uFFFF]/;

interface Walk {
  file: string;
  lines: LineCounter;
  /** Anchored nodes by name, in document order (a name may be re-anchored later in the file). */
  anchors: Map<string, Node[]>;
  issues: Issue[];
  /** Nodes still allowed to be materialised through aliases. */
  aliasBudget: number;
  /** Depth of alias expansion: only nodes built inside an alias consume the budget. */
  inAlias: number;
  /** Anchored nodes being expanded, to stop self-referencing aliases. */
  expanding: Set<Node>;
  aborted: boolean;
}

/**
 * Parses one compose file into plain objects, arrays, strings, numbers, booleans, null and
 * ResetTag/OverrideTag wrappers; never throws: every problem is an error issue (`line L, column C: …`).
 */
export function parseYaml(text: string, file: string): { doc: unknown; issues: Issue[] } {
  try {
    return parseText(text, file);
  } catch (error) {
    // Pathological nesting can exhaust the stack in the parser or the walk; that is bad input, not a crash.
    if (!(error instanceof RangeError)) throw error;
    return {
      doc: null,
      issues: [{ file, message: 'the file is nested too deeply to parse', severity: 'error' }],
    };
  }
}

function parseText(text: string, file: string): { doc: unknown; issues: Issue[] } {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const lines = new LineCounter();
  const bad = NOT_TEXT.exec(source);
  if (bad) {
    const { line, col } = lineColumn(source, bad.index);
    const what = bad[0] === '\uFFFD' ? 'invalid UTF-8 (is this a binary file?)' : 'control characters are not allowed';
    return { doc: null, issues: [{ file, message: `line ${line}, column ${col}: ${what}`, severity: 'error' }] };
  }
  const deep = tooDeepAt(source);
  if (deep !== undefined) {
    const { line, col } = lineColumn(source, deep);
    const message = `line ${line}, column ${col}: brackets nested more than ${MAX_FLOW_DEPTH} levels deep`;
    return { doc: null, issues: [{ file, message, severity: 'error' }] };
  }

  const issues: Issue[] = [];
  const docs = parseAllDocuments(source, {
    schema: 'failsafe',
    merge: false,
    uniqueKeys: false,
    prettyErrors: false,
    lineCounter: lines,
  });
  // An empty stream is still an array (flagged `empty`), so this covers every outcome.
  const list = [...docs];
  // Only the first syntax error, as go-yaml reports it: the parser loses track there, and what follows (every
  // line of a file that is not YAML at all) would bury it.
  const syntax = list.flatMap((d) => d.errors)[0];
  if (syntax) {
    // The parser reports its own stack overflow on deep block nesting as a syntax error, in JavaScript's words.
    const message = /call stack/i.test(syntax.message)
      ? 'the file is nested too deeply to parse'
      : shortenQuotes(syntax.message);
    issues.push(issueAt(file, lines, syntax.pos[0], message));
  }
  const first = list[0];
  if (!first || issues.length > 0) return { doc: null, issues };

  const walk: Walk = {
    file,
    lines,
    anchors: collectAnchors(first),
    issues,
    aliasBudget: MAX_ALIAS_NODES,
    inAlias: 0,
    expanding: new Set(),
    aborted: false,
  };
  const doc = toValue(first.contents, '', walk);

  // compose-go merges further documents like override files; Rehearsa refuses rather than guess.
  const extra = list.slice(1).find((d) => !isEmptyNode(d.contents));
  if (extra?.contents) {
    issues.push(
      issueAt(
        file,
        lines,
        extra.contents.range?.[0] ?? 0,
        'multiple YAML documents in one compose file are not supported; split them into separate -f files',
      ),
    );
  }
  return { doc: walk.aborted ? null : doc, issues };
}

/**
 * Offset where `[`/`{` nesting first exceeds MAX_FLOW_DEPTH, counted over the raw text (quotes ignored, which
 * only over-counts unbalanced brackets inside strings). The parser's time grows with depth long before its
 * stack runs out, so deep input is refused before parsing.
 */
function tooDeepAt(text: string): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_FLOW_DEPTH) return i;
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
  return undefined;
}

function toValue(node: Node | null | undefined, path: string, w: Walk): unknown {
  if (w.aborted || node == null) return null;
  if (w.inAlias > 0 && --w.aliasBudget < 0) {
    w.aborted = true;
    w.issues.push(
      issueAt(
        w.file,
        w.lines,
        node.range?.[0] ?? 0,
        `too many alias expansions (over ${MAX_ALIAS_NODES} nodes): refusing a possible alias bomb`,
        path,
      ),
    );
    return null;
  }
  if (isAlias(node)) return expandAlias(node, path, w);

  const tag = node.tag;
  if (tag === '!reset') return new ResetTag(untagged(node, path, w));
  if (tag === '!override') return new OverrideTag(untagged(node, path, w));
  return untagged(node, path, w);
}

function untagged(node: Node, path: string, w: Walk): unknown {
  if (isScalar(node)) return scalarValue(node.value, node.type === 'PLAIN', node.tag);
  if (isSeq(node))
    return node.items.map((item, i) => toValue(item as Node | null, path === '' ? String(i) : `${path}.${i}`, w));
  if (isMap(node)) return mappingValue(node, path, w);
  return null;
}

function collectAnchors(doc: Document.Parsed): Map<string, Node[]> {
  const anchors = new Map<string, Node[]>();
  visit(doc, (_key, node) => {
    // An empty key or value (`? x`, `a:`) is visited as null.
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (anchor) anchors.set(anchor, [...(anchors.get(anchor) ?? []), node as Node]);
  });
  return anchors;
}

/** The alias refers to the closest anchor of that name defined before it. */
function anchorFor(node: Alias, w: Walk): Node | undefined {
  const at = node.range?.[0] ?? 0;
  const candidates = w.anchors.get(node.source) ?? [];
  return candidates.findLast((candidate) => (candidate.range?.[0] ?? 0) < at);
}

function expandAlias(node: Alias, path: string, w: Walk): unknown {
  const target = anchorFor(node, w);
  if (!target) {
    w.issues.push(issueAt(w.file, w.lines, node.range?.[0] ?? 0, `unknown anchor "${node.source}"`, path));
    return null;
  }
  if (w.expanding.has(target)) {
    w.issues.push(issueAt(w.file, w.lines, node.range?.[0] ?? 0, `anchor "${node.source}" refers to itself`, path));
    return null;
  }
  w.expanding.add(target);
  w.inAlias++;
  const value = toValue(target, path, w);
  w.inAlias--;
  w.expanding.delete(target);
  return value;
}

function mappingValue(node: YAMLMap, path: string, w: Walk): Record<string, unknown> {
  const own = new Map<string, unknown>();
  const merged: unknown[] = [];
  const seenAt = new Map<string, number>();
  for (const pair of node.items) {
    if (w.aborted) break;
    const keyNode = pair.key as Node | null;
    const keyOffset = keyNode?.range?.[0] ?? node.range?.[0] ?? 0;
    const isMergeKey = isScalar(keyNode) && keyNode.type === 'PLAIN' && keyNode.value === '<<' && !keyNode.tag;
    const key = isMergeKey ? '<<' : mappingKey(keyNode, path, w, keyOffset);
    if (key === undefined) continue;
    const line = w.lines.linePos(keyOffset).line;
    const earlier = seenAt.get(key);
    if (earlier !== undefined) {
      // Compose ≥ 2.17 rejects a second `<<` too; the fix is `<<: [*a, *b]`.
      w.issues.push(
        issueAt(
          w.file,
          w.lines,
          keyOffset,
          `mapping key ${JSON.stringify(key)} already defined at line ${earlier}`,
          path,
        ),
      );
      continue;
    }
    seenAt.set(key, line);
    if (isMergeKey) {
      collectMergeSources(pair.value as Node | null, path, w, merged);
      continue;
    }
    own.set(key, toValue(pair.value as Node | null, joinKey(path, key), w));
  }

  const out: Record<string, unknown> = {};
  // Earlier merge sources win over later ones, and the mapping's own keys win over all of them.
  for (const source of merged) {
    for (const [k, v] of Object.entries(source as Record<string, unknown>)) {
      if (!Object.hasOwn(out, k)) setKey(out, k, v);
    }
  }
  for (const [k, v] of own) setKey(out, k, v);
  return out;
}

function collectMergeSources(value: Node | null, path: string, w: Walk, into: unknown[]): void {
  const sources = isSeq(value) ? (value.items as (Node | null)[]) : [value];
  for (const source of sources) {
    const resolved = toValue(source, path, w);
    if (isPlainObject(resolved)) {
      into.push(resolved);
    } else {
      const at = source?.range?.[0] ?? value?.range?.[0] ?? 0;
      w.issues.push(issueAt(w.file, w.lines, at, 'map merge requires map or sequence of maps as the value', path));
    }
  }
}

function mappingKey(keyNode: Node | null, path: string, w: Walk, offset: number): string | undefined {
  const key = keyNode ? toValue(keyNode, path, w) : null;
  if (typeof key === 'string') return key;
  // go-yaml yields a non-string Go key here, which compose-go rejects.
  const shown = key === null || typeof key !== 'object' ? String(key) : 'a collection';
  const where = path === '' ? 'at top level' : `in ${path}`;
  w.issues.push(issueAt(w.file, w.lines, offset, `non-string key ${where}: ${shown}`, path || undefined));
  return undefined;
}

/** Assigns own properties even for `__proto__`, which plain assignment would turn into a prototype change. */
function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  // defineProperty is several times slower than assignment, so it is kept for the one key that needs it.
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.getPrototypeOf(value) === Object.prototype
  );
}

function isEmptyNode(node: Node | null): boolean {
  return node == null || (isScalar(node) && node.type === 'PLAIN' && node.value === '' && !node.tag);
}

/** Types a scalar as go-yaml does when decoding into `interface{}`: only plain scalars are resolved. */
function scalarValue(raw: unknown, plain: boolean, tag: string | undefined): unknown {
  const text = typeof raw === 'string' ? raw : String(raw ?? '');
  if (tag === `${YAML_CORE}str`) return text;
  if (tag?.startsWith(YAML_CORE)) return resolvePlainScalar(text);
  // Quoted, block and custom-tagged scalars stay strings, like go-yaml with an unknown tag.
  if (!plain || tag) return text;
  return resolvePlainScalar(text);
}

const FIXED_SCALARS: ReadonlyMap<string, unknown> = new Map<string, unknown>([
  ...['true', 'True', 'TRUE'].map((s) => [s, true] as const),
  ...['false', 'False', 'FALSE'].map((s) => [s, false] as const),
  ...['', '~', 'null', 'Null', 'NULL'].map((s) => [s, null] as const),
  ...['.nan', '.NaN', '.NAN'].map((s) => [s, Number.NaN] as const),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((s) => [s, Number.POSITIVE_INFINITY] as const),
  ...['-.inf', '-.Inf', '-.INF'].map((s) => [s, Number.NEGATIVE_INFINITY] as const),
  ['-0', -0],
  ['-0.0', -0],
]);

const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/**
 * go-yaml's implicit typing: YAML 1.2 booleans and nulls only (`yes`/`on` stay strings), Go integer
 * literals with underscores ignored (`0644` and `0o644` are octal, `0x1F` hex, `0b101` binary), then floats.
 * Dates stay strings (go-yaml would build a time.Time that compose cannot use anyway).
 */
export function resolvePlainScalar(text: string): unknown {
  if (FIXED_SCALARS.has(text)) return FIXED_SCALARS.get(text);
  const first = text[0] ?? '';
  if (first === '.') return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text) ? Number(text) : text;
  if (!/[-+0-9]/.test(first)) return text;
  const plain = text.replaceAll('_', '');
  const int = parseGoInt(plain);
  if (int !== undefined) return int;
  if (YAML_FLOAT.test(plain)) return Number(plain);
  return text;
}

/** Go `strconv.ParseInt(s, 0, 64)`-style literal (sign, then 0x / 0o / 0b / leading-0 octal / decimal). */
function parseGoInt(s: string): number | undefined {
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const body = m[2]!;
  let n: bigint;
  if (/^0[0-7]+$/.test(body)) n = BigInt(`0o${body.slice(1)}`);
  else n = BigInt(body.replace(/^0[XOB]/, (p) => p.toLowerCase()));
  if (m[1] === '-') n = -n;
  // Beyond uint64 go-yaml falls through to float parsing; mirror that.
  if (n > 18446744073709551615n || n < -9223372036854775808n) return undefined;
  return Number(n);
}

function joinKey(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function lineColumn(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, col: offset - before.lastIndexOf('\n') };
}

/** The parser quotes the text it choked on, which can be whole paragraphs: keep the start of each quote. */
function shortenQuotes(message: string): string {
  return message.replace(/"(?:[^"\\]|\\.)*"/g, (quote) => (quote.length > 42 ? `${quote.slice(0, 40)}…"` : quote));
}

function issueAt(file: string, lines: LineCounter, offset: number, message: string, path?: string): Issue {
  const { line, col } = lines.linePos(offset);
  const issue: Issue = { file, message: oneLine(`line ${line}, column ${col}: ${message}`), severity: 'error' };
  if (path) issue.path = oneLine(path);
  return issue;
}
