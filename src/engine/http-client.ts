// HTTP over a unix socket or TCP(/TLS) to the Docker engine, with every failure turned into an EngineError
// carrying one readable line. Plain requests are bounded by a timeout; streams only by their connect timeout
// and their AbortSignal, because an event stream is supposed to stay open.
import { readFileSync } from 'node:fs';
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { EngineError } from '../errors.js';
import type { DockerEndpoint } from './docker-host.js';

/** One request: `path` already carries the API prefix; `query` values that are undefined are left out. */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Serialised as JSON. */
  body?: unknown;
  /** A raw body sent chunked instead of `body` (a build context); its Content-Type goes in `headers`. */
  upload?: AsyncIterable<Buffer> | Iterable<Buffer>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** A fully read response. */
export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The transport the Docker adapter talks through. */
export interface HttpClient {
  readonly endpoint: DockerEndpoint;
  /** Sends a request and reads the whole body; rejects with EngineError on transport failure or timeout, never on an HTTP status. */
  send(req: HttpRequest): Promise<HttpResponse>;
  /** Opens a streaming response; the caller consumes it and the request ends when `req.signal` aborts. */
  open(req: HttpRequest): Promise<IncomingMessage>;
}

/** What a user can do about a connection failure, by its cause. */
function engineHint(code: string | undefined): string {
  if (code === 'EACCES' || code === 'EPERM')
    return '(permission denied: run as root or as a member of the docker group)';
  return '(is the Docker engine running? set DOCKER_HOST if it listens elsewhere)';
}

interface Started {
  res: IncomingMessage;
  timedOut: () => boolean;
}

/** Builds a client for `endpoint` whose plain requests give up after `timeoutMs`. */
export function createHttpClient(endpoint: DockerEndpoint, timeoutMs: number): HttpClient {
  const agent = createAgent(endpoint);
  const transport = endpoint.tls ? https : http;

  function start(req: HttpRequest, timeoutKind: 'whole' | 'connect'): Promise<Started> {
    const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
    const headers: Record<string, string | number> = { ...req.headers };
    if (payload) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = payload.length;
    }
    const path = req.path + queryString(req.query);
    const what = `${req.method} ${req.path}`;
    return new Promise((resolve, reject) => {
      const request = transport.request({
        agent,
        method: req.method,
        path,
        headers,
        ...(endpoint.socketPath
          ? { socketPath: endpoint.socketPath }
          : { host: endpoint.hostname, port: endpoint.port }),
        ...(req.signal ? { signal: req.signal } : {}),
      });
      let timedOut = false;
      let uploadFailed = false;
      const timer = setTimeout(() => {
        timedOut = true;
        request.destroy();
      }, timeoutMs);
      request.on('socket', (socket) => {
        // Connect-only timeouts stop counting once the socket is up (a reused keep-alive socket already is).
        if (timeoutKind !== 'connect') return;
        if (!socket.connecting) clearTimeout(timer);
        else socket.once('connect', () => clearTimeout(timer));
      });
      request.on('response', (res) => {
        if (timeoutKind === 'connect') clearTimeout(timer);
        else res.once('close', () => clearTimeout(timer));
        resolve({ res, timedOut: () => timedOut });
      });
      request.on('error', (err) => {
        clearTimeout(timer);
        if (req.signal?.aborted) reject(req.signal.reason ?? err);
        else if (uploadFailed) reject(err);
        else if (timedOut) {
          reject(new EngineError(`Docker engine at ${endpoint.display} did not answer ${what} within ${timeoutMs} ms`));
        } else reject(transportError(endpoint, err));
      });
      if (req.upload) {
        const upload = Readable.from(req.upload);
        // A context that cannot be read (file vanished, permission) fails the request with that reason.
        upload.on('error', (err) => {
          uploadFailed = true;
          request.destroy(err);
        });
        upload.pipe(request);
      } else request.end(payload);
    });
  }

  return {
    endpoint,
    async send(req) {
      const { res, timedOut } = await start(req, 'whole');
      const chunks: Buffer[] = [];
      try {
        for await (const chunk of res) chunks.push(chunk as Buffer);
      } catch (err) {
        // A timeout or abort while the body is still arriving surfaces as the same errors as before the headers.
        if (req.signal?.aborted) throw req.signal.reason ?? err;
        const why = timedOut() ? `did not finish within ${timeoutMs} ms` : 'broke off the response';
        throw new EngineError(`Docker engine at ${endpoint.display} ${why} (${req.method} ${req.path})`, undefined, {
          cause: err,
        });
      }
      return { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) };
    },
    async open(req) {
      return (await start(req, 'connect')).res;
    },
  };
}

/** The engine's own error text from an error response body (`{"message": …}`), else the status line. */
export function engineMessage(res: HttpResponse): string {
  const text = res.body.toString('utf8').trim();
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string' && parsed.message !== '') return parsed.message;
  } catch {
    // Not JSON: some proxies and old engines answer errors in plain text.
  }
  return text !== '' ? text : `HTTP ${res.status}`;
}

/** Yields each JSON value of a newline-delimited JSON stream; ends when the stream ends. */
export async function* readNdjson(stream: AsyncIterable<Buffer | string>): AsyncGenerator<unknown> {
  let pending = '';
  for await (const chunk of stream) {
    pending += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line !== '') yield JSON.parse(line);
      newline = pending.indexOf('\n');
    }
  }
  const rest = pending.trim();
  if (rest !== '') yield JSON.parse(rest);
}

function queryString(query: HttpRequest['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.set(key, String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

function createAgent(endpoint: DockerEndpoint): http.Agent {
  if (!endpoint.tls) return new http.Agent({ keepAlive: true });
  const { certDir, verify } = endpoint.tls;
  const read = (name: string): Buffer | undefined => {
    try {
      return readFileSync(join(certDir, name));
    } catch (err) {
      // Without verification every file is optional: the engine may not ask for a client certificate.
      if (!verify) return undefined;
      throw new EngineError(
        `Docker TLS material ${join(certDir, name)} is unreadable (set DOCKER_CERT_PATH)`,
        undefined,
        {
          cause: err,
        },
      );
    }
  };
  const [ca, cert, key] = [read('ca.pem'), read('cert.pem'), read('key.pem')];
  return new https.Agent({
    keepAlive: true,
    rejectUnauthorized: verify,
    ...(ca ? { ca } : {}),
    ...(cert && key ? { cert, key } : {}),
  });
}

function transportError(endpoint: DockerEndpoint, err: Error): EngineError {
  const { code, syscall } = err as NodeJS.ErrnoException;
  const reason = code && syscall ? `${syscall} ${code}` : err.message;
  return new EngineError(
    `Docker engine not reachable at ${endpoint.display}: ${reason} ${engineHint(code)}`,
    undefined,
    {
      cause: err,
    },
  );
}
