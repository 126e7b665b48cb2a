// Where the Docker engine listens, resolved the way the docker CLI resolves DOCKER_HOST (contexts and ssh are not
// handled yet: an ssh:// host is refused with a clear message rather than half-supported).
import { homedir } from 'node:os';
import { join } from 'node:path';
import { EngineError } from '../errors.js';

/** A resolved engine endpoint: either a unix socket or a TCP host, with TLS material locations when enabled. */
export interface DockerEndpoint {
  /** The endpoint as a user would write it, for messages (`unix:///var/run/docker.sock`). */
  display: string;
  socketPath?: string;
  hostname?: string;
  port?: number;
  /** Present for TLS connections; `verify` = check the server certificate against `ca.pem`. */
  tls?: { certDir: string; verify: boolean };
}

const defaultSocket = '/var/run/docker.sock';

/** Resolves `host` (or `DOCKER_HOST`, else the default socket) to an endpoint; throws EngineError on a host it cannot use. */
export function resolveDockerHost(host?: string, env: NodeJS.ProcessEnv = process.env): DockerEndpoint {
  const raw = host ?? env.DOCKER_HOST ?? '';
  if (raw === '') return { display: `unix://${defaultSocket}`, socketPath: defaultSocket };

  const scheme = /^([a-z]+):\/\//.exec(raw)?.[1];
  if (scheme === 'unix') {
    const socketPath = raw.slice('unix://'.length) || defaultSocket;
    return { display: `unix://${socketPath}`, socketPath };
  }
  if (scheme === 'tcp' || scheme === 'http' || scheme === 'https') {
    // Same switches as the docker CLI: DOCKER_TLS_VERIFY turns on verified TLS, DOCKER_CERT_PATH says where the PEMs are.
    const verify = (env.DOCKER_TLS_VERIFY ?? '') !== '';
    const useTls = verify || scheme === 'https';
    const url = parseHostUrl(raw.replace(/^[a-z]+:/, 'http:'), raw);
    const port = url.port === '' ? (useTls ? 2376 : 2375) : Number(url.port);
    const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const certDir = env.DOCKER_CERT_PATH || env.DOCKER_CONFIG || join(homedir(), '.docker');
    return {
      display: `tcp://${url.hostname}:${port}`,
      hostname,
      port,
      ...(useTls ? { tls: { certDir, verify } } : {}),
    };
  }
  if (scheme === 'ssh') {
    throw new EngineError(`DOCKER_HOST ${raw}: ssh:// engines are not supported yet (use a unix:// or tcp:// host)`);
  }
  throw new EngineError(`DOCKER_HOST ${raw}: expected unix:///path/to/socket or tcp://host:port`);
}

function parseHostUrl(normalised: string, raw: string): URL {
  try {
    const url = new URL(normalised);
    if (url.hostname === '') throw new Error('no host');
    return url;
  } catch {
    throw new EngineError(`DOCKER_HOST ${raw}: not a valid host address`);
  }
}
