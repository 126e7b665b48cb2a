// Registry credentials for pulls, read from the docker CLI's config file. Only inline `auths` entries are used:
// credential helpers (`credsStore`, `credHelpers`) would mean running docker-credential-* binaries, which Rehearsa
// does not do yet; such registries are pulled anonymously and fail as `unauthorized` when they need credentials.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { dockerHub } from './image-ref.js';

interface ConfigAuth {
  auth?: string;
  identitytoken?: string;
}

const hubAliases = new Set([dockerHub, 'index.docker.io', 'registry-1.docker.io']);

/** The `X-Registry-Auth` header value for `registry`, or undefined when the config holds no usable entry. */
export async function registryAuthHeader(
  registry: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  const auths = await readAuths(env);
  const wanted = registryKey(registry);
  const entry = Object.entries(auths).find(([key]) => registryKey(key) === wanted)?.[1];
  const credentials = entry && credentialsOf(entry, registry === dockerHub ? 'https://index.docker.io/v1/' : registry);
  return credentials && encodeAuth(credentials);
}

/** The `X-Registry-Config` header of a build (credentials for every registry its FROM lines may pull), or undefined. */
export async function registryConfigHeader(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const config: Record<string, Record<string, string>> = {};
  for (const [key, entry] of Object.entries(await readAuths(env))) {
    const credentials = credentialsOf(entry, key);
    if (credentials) config[key] = credentials;
  }
  return Object.keys(config).length > 0 ? encodeAuth(config) : undefined;
}

async function readAuths(env: NodeJS.ProcessEnv): Promise<Record<string, ConfigAuth>> {
  const dir = env.DOCKER_CONFIG || join(homedir(), '.docker');
  try {
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as {
      auths?: Record<string, ConfigAuth>;
    };
    return config.auths ?? {};
  } catch {
    // No config (or an unreadable one) means anonymous pulls, as with the docker CLI.
    return {};
  }
}

function credentialsOf(entry: ConfigAuth, serveraddress: string): Record<string, string> | undefined {
  if (entry.identitytoken) return { identitytoken: entry.identitytoken, serveraddress };
  if (!entry.auth) return undefined;
  const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), serveraddress };
}

/** A config key or registry host reduced to a comparable host (`https://127.0.0.1:5001/v2/` → `127.0.0.1:5001`). */
export function registryKey(keyOrHost: string): string {
  const host = keyOrHost
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/.*$/, '')
    .toLowerCase();
  return hubAliases.has(host) ? dockerHub : host;
}

function encodeAuth(value: object): string {
  // URL-safe alphabet with padding: the 20.10 engine decodes with Go's padded base64.URLEncoding.
  return Buffer.from(JSON.stringify(value)).toString('base64').replaceAll('+', '-').replaceAll('/', '_');
}
