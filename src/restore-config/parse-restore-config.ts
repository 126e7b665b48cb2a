import { isAbsolute, resolve } from 'node:path';
import { parseDuration } from '../compose/duration.js';
import { isValidImageReference } from '../compose/image-reference.js';
import { parseBytes } from '../compose/units.js';
import type { Issue } from '../model.js';
import type {
  BindMode,
  ProbeSpec,
  RestoreConfig,
  RestoreSourceKind,
  RestoreSpec,
  SqlDialect,
} from './restore-config.js';

/** The fields one declaration sets; layers are merged by mergeRestoreConfig. */
export type RestoreConfigLayer = Partial<RestoreConfig>;

/** Where a declaration came from: the file for messages, the path prefix inside it, the directory paths are relative to. */
export interface DeclarationSource {
  file: string;
  /** `x-rehearsa` inside a compose file, empty in rehearsa.yml. */
  prefix: string;
  baseDir: string;
}

const KINDS: readonly RestoreSourceKind[] = ['archive', 'directory', 'restic', 'borg', 'live'];
const BIND_MODES: readonly BindMode[] = ['copy', 'readonly', 'empty'];
const DIALECTS: readonly SqlDialect[] = ['postgres', 'mysql', 'mariadb'];
const TOP_KEYS = new Set(['restore', 'binds', 'bind_size_cap', 'probes', 'helper_image']);

// Which keys each source kind accepts, besides `from`; a key of another kind is a mistake worth naming.
const RESTORE_KEYS: Record<RestoreSourceKind, readonly string[]> = {
  archive: ['path', 'subpath'],
  directory: ['path', 'subpath'],
  restic: ['repository', 'snapshot', 'subpath', 'password_env', 'password_file', 'max_age'],
  borg: ['repository', 'snapshot', 'subpath', 'password_env', 'password_file', 'max_age'],
  live: [],
};

const PROBE_COMMON = ['service', 'type', 'timeout', 'retries', 'interval'];
const PROBE_KEYS: Record<ProbeSpec['type'], readonly string[]> = {
  http: ['url', 'status', 'body'],
  tcp: ['address'],
  exec: ['command', 'exit_code', 'output'],
  sql: ['query', 'engine', 'database', 'user', 'expect', 'min_rows'],
};

const DEFAULT_PROBE_TIMEOUT_MS = 10_000;
const DEFAULT_PROBE_INTERVAL_MS = 1_000;

/**
 * Validates one declaration (an `x-rehearsa` block or a rehearsa.yml document) into the fields it sets;
 * every problem becomes one `file › path: message` issue and the faulty entry is left out.
 */
export function parseRestoreConfig(
  raw: unknown,
  source: DeclarationSource,
): { layer: RestoreConfigLayer; issues: Issue[] } {
  const issues: Issue[] = [];
  const at = (path: string) => (source.prefix ? (path ? `${source.prefix}.${path}` : source.prefix) : path);
  const fail = (path: string, message: string) => {
    issues.push({ file: source.file, ...(at(path) ? { path: at(path) } : {}), message, severity: 'error' });
  };
  const layer: RestoreConfigLayer = {};
  if (raw === undefined || raw === null) return { layer, issues };
  if (!isMapping(raw)) {
    fail('', 'must be a mapping (restore, binds, bind_size_cap, probes, helper_image)');
    return { layer, issues };
  }
  for (const key of Object.keys(raw).sort()) {
    if (!TOP_KEYS.has(key)) fail(key, `unknown key (expected one of ${[...TOP_KEYS].join(', ')})`);
  }
  if (raw.restore !== undefined) {
    if (!isMapping(raw.restore)) fail('restore', 'must be a mapping of volume name or bind target to a source');
    else {
      layer.restores = Object.entries(raw.restore)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, entry]) =>
          parseRestoreEntry(name, entry, `restore.${name}`, `${source.file} › ${at(`restore.${name}`)}`, source, fail),
        )
        .filter((r): r is RestoreSpec => r !== undefined);
    }
  }
  if (raw.binds !== undefined) {
    if (typeof raw.binds === 'string' && (BIND_MODES as readonly string[]).includes(raw.binds)) {
      layer.binds = raw.binds as BindMode;
    } else fail('binds', `${show(raw.binds)} must be one of ${BIND_MODES.join(', ')}`);
  }
  if (raw.bind_size_cap !== undefined) {
    const bytes =
      typeof raw.bind_size_cap === 'string' || typeof raw.bind_size_cap === 'number'
        ? parseBytes(raw.bind_size_cap)
        : undefined;
    if (bytes === undefined || bytes < 0) fail('bind_size_cap', `${show(raw.bind_size_cap)} is not a size (use 512MB)`);
    else layer.bindSizeCapBytes = bytes;
  }
  if (raw.helper_image !== undefined) {
    if (typeof raw.helper_image === 'string' && isValidImageReference(raw.helper_image))
      layer.helperImage = raw.helper_image;
    else fail('helper_image', `${show(raw.helper_image)} is not a valid image reference`);
  }
  if (raw.probes !== undefined) {
    if (!Array.isArray(raw.probes)) fail('probes', 'must be a list of probes');
    else {
      layer.probes = raw.probes
        .map((entry, i) => parseProbe(entry, `probes[${i}]`, `${source.file} › ${at(`probes[${i}]`)}`, fail))
        .filter((p): p is ProbeSpec => p !== undefined);
    }
  }
  return { layer, issues };
}

type Fail = (path: string, message: string) => void;

function parseRestoreEntry(
  name: string,
  entry: unknown,
  path: string,
  origin: string,
  source: DeclarationSource,
  fail: Fail,
): RestoreSpec | undefined {
  if (!isMapping(entry)) {
    fail(path, 'must be a mapping with at least `from`');
    return undefined;
  }
  const from = entry.from;
  if (typeof from !== 'string' || !(KINDS as readonly string[]).includes(from)) {
    fail(`${path}.from`, `${show(from)} must be one of ${KINDS.join(', ')}`);
    return undefined;
  }
  const kind = from as RestoreSourceKind;
  let ok = true;
  const bad = (key: string, message: string) => {
    ok = false;
    fail(`${path}.${key}`, message);
  };
  for (const key of Object.keys(entry).sort()) {
    if (key !== 'from' && !RESTORE_KEYS[kind].includes(key)) bad(key, `does not apply to from: ${kind}`);
  }
  const text = (key: string): string | undefined => {
    const value = entry[key];
    if (value === undefined) return undefined;
    if (typeof value === 'string' && value.trim() !== '') return value;
    if (typeof value === 'number') return String(value);
    bad(key, 'must be a non-empty string');
    return undefined;
  };
  const spec: RestoreSpec = { name, from: kind, snapshot: 'latest', origin };
  if (kind === 'archive' || kind === 'directory') {
    const p = text('path');
    if (p === undefined && entry.path === undefined) bad('path', `is required for from: ${kind}`);
    else if (p !== undefined) spec.path = resolve(source.baseDir, p);
  }
  if (kind === 'restic' || kind === 'borg') {
    const repo = text('repository');
    if (repo === undefined && entry.repository === undefined) bad('repository', `is required for from: ${kind}`);
    else if (repo !== undefined) spec.repository = looksLocal(repo) ? resolve(source.baseDir, repo) : repo;
    const snapshot = text('snapshot');
    if (snapshot !== undefined) spec.snapshot = snapshot;
    const env = text('password_env');
    if (env !== undefined) {
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(env)) spec.passwordEnv = env;
      else bad('password_env', `${show(env)} is not an environment variable name`);
    }
    const file = text('password_file');
    if (file !== undefined) spec.passwordFile = resolve(source.baseDir, file);
    if (spec.passwordEnv && spec.passwordFile) bad('password_file', 'give password_env or password_file, not both');
    if (entry.max_age !== undefined) {
      const ms =
        typeof entry.max_age === 'string' || typeof entry.max_age === 'number'
          ? parseDuration(entry.max_age)
          : undefined;
      if (ms === undefined || ms <= 0) bad('max_age', `${show(entry.max_age)} is not a duration (use 26h)`);
      else spec.maxAgeMs = ms;
    }
  }
  const subpath = text('subpath');
  if (subpath !== undefined) {
    const clean = subpath.replace(/^\/+|\/+$/g, '');
    if (clean.split('/').includes('..')) bad('subpath', `${show(subpath)} must stay inside the source (no ..)`);
    else if (clean !== '' && clean !== '.') spec.subpath = clean;
  }
  return ok ? spec : undefined;
}

function parseProbe(entry: unknown, path: string, origin: string, fail: Fail): ProbeSpec | undefined {
  if (!isMapping(entry)) {
    fail(path, 'must be a mapping with service and type');
    return undefined;
  }
  const type = entry.type;
  if (typeof type !== 'string' || !Object.hasOwn(PROBE_KEYS, type)) {
    fail(`${path}.type`, `${show(type)} must be one of ${Object.keys(PROBE_KEYS).join(', ')}`);
    return undefined;
  }
  const probeType = type as ProbeSpec['type'];
  let ok = true;
  const bad = (key: string, message: string) => {
    ok = false;
    fail(`${path}.${key}`, message);
  };
  for (const key of Object.keys(entry).sort()) {
    if (!PROBE_COMMON.includes(key) && !PROBE_KEYS[probeType].includes(key)) {
      bad(key, `does not apply to type: ${probeType}`);
    }
  }
  const text = (key: string, required: boolean): string | undefined => {
    const value = entry[key];
    if (value === undefined) {
      if (required) bad(key, `is required for type: ${probeType}`);
      return undefined;
    }
    if (typeof value === 'string' && value !== '') return value;
    if (typeof value === 'number') return String(value);
    bad(key, 'must be a non-empty string');
    return undefined;
  };
  const integer = (key: string, min: number, max: number, fallback: number): number => {
    const value = entry[key];
    if (value === undefined) return fallback;
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
    bad(key, `${show(value)} must be an integer from ${min} to ${max}`);
    return fallback;
  };
  const duration = (key: string, fallback: number): number => {
    const value = entry[key];
    if (value === undefined) return fallback;
    const ms = typeof value === 'string' || typeof value === 'number' ? parseDuration(value) : undefined;
    if (ms === undefined || ms <= 0) {
      bad(key, `${show(value)} is not a duration (use 10s)`);
      return fallback;
    }
    return ms;
  };
  const service = typeof entry.service === 'string' && entry.service !== '' ? entry.service : '';
  if (service === '') bad('service', entry.service === undefined ? 'is required' : 'must be a service name');
  const base = {
    service,
    timeoutMs: duration('timeout', DEFAULT_PROBE_TIMEOUT_MS),
    retries: integer('retries', 0, 100, 0),
    intervalMs: duration('interval', DEFAULT_PROBE_INTERVAL_MS),
    origin,
  };
  const probe = buildProbe(probeType, base, { entry, text, integer, bad });
  return ok && probe ? probe : undefined;
}

interface ProbeFields {
  entry: Record<string, unknown>;
  text: (key: string, required: boolean) => string | undefined;
  integer: (key: string, min: number, max: number, fallback: number) => number;
  bad: (key: string, message: string) => void;
}

type ProbeBase = Pick<ProbeSpec, 'service' | 'timeoutMs' | 'retries' | 'intervalMs' | 'origin'>;

function buildProbe(type: ProbeSpec['type'], base: ProbeBase, f: ProbeFields): ProbeSpec | undefined {
  switch (type) {
    case 'http': {
      const url = f.text('url', true);
      if (url !== undefined && !/^https?:\/\/[^/\s]+/.test(url))
        f.bad('url', `${show(url)} must be an http:// or https:// URL`);
      const body = f.text('body', false);
      return url === undefined
        ? undefined
        : { ...base, type, url, status: f.integer('status', 100, 599, 200), ...(body !== undefined ? { body } : {}) };
    }
    case 'tcp': {
      const address = f.text('address', true);
      if (address === undefined) return undefined;
      const m = /^(.+):(\d{1,5})$/.exec(address);
      const port = m ? Number(m[2]) : 0;
      if (!m || port < 1 || port > 65535) {
        f.bad('address', `${show(address)} must be host:port`);
        return undefined;
      }
      return { ...base, type, host: m[1]!, port };
    }
    case 'exec': {
      const raw = f.entry.command;
      let command: string[] | undefined;
      if (typeof raw === 'string' && raw.trim() !== '') command = ['sh', '-c', raw];
      else if (Array.isArray(raw) && raw.length > 0 && raw.every((a) => typeof a === 'string')) command = raw;
      else f.bad('command', raw === undefined ? 'is required for type: exec' : 'must be a string or a list of strings');
      const output = f.text('output', false);
      return command
        ? {
            ...base,
            type,
            command,
            exitCode: f.integer('exit_code', 0, 255, 0),
            ...(output !== undefined ? { output } : {}),
          }
        : undefined;
    }
    case 'sql': {
      const query = f.text('query', true);
      const dialect = f.text('engine', false);
      if (dialect !== undefined && !(DIALECTS as readonly string[]).includes(dialect)) {
        f.bad('engine', `${show(dialect)} must be one of ${DIALECTS.join(', ')}`);
      }
      const database = f.text('database', false);
      const user = f.text('user', false);
      const expect = f.text('expect', false);
      const minRows = f.entry.min_rows === undefined ? undefined : f.integer('min_rows', 0, 1_000_000_000, 0);
      if (query === undefined) return undefined;
      return {
        ...base,
        type,
        query,
        ...(dialect !== undefined ? { dialect: dialect as SqlDialect } : {}),
        ...(database !== undefined ? { database } : {}),
        ...(user !== undefined ? { user } : {}),
        ...(expect !== undefined ? { expect } : {}),
        ...(minRows !== undefined ? { minRows } : {}),
      };
    }
  }
}

/** A repository given as a plain path (not `sftp:`, `s3:`, `ssh://`, `user@host:`) is resolved against the file's directory. */
function looksLocal(repo: string): boolean {
  return isAbsolute(repo) || repo.startsWith('.') || !/^[a-z0-9+]+:|@[^/]*:/i.test(repo);
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  return value === undefined ? 'missing value' : JSON.stringify(value);
}
