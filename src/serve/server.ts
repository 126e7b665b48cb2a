import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InputError } from '../errors.js';
import { openHistory } from '../history/history-store.js';
import { renderMessagePage } from './pages.js';
import { json, type RouteResponse, route } from './routes.js';

export interface ServeOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** The history directory, opened anew for every request so that runs recorded meanwhile show up. */
  dataDir: string;
  /** Told about every request that failed on the server's side (an unreadable history, a bug). */
  onError?: (message: string) => void;
}

export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:8787/`. */
  url: string;
  port: number;
  /** Stops listening, drops idle keep-alive connections and resolves once the server is closed. */
  close(): Promise<void>;
}

// Pages are generated per request from a local database; nothing may be cached, framed, sniffed or sent on.
const COMMON_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function isLoopback(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || host.startsWith('127.');
}

/**
 * A dashboard bound to loopback must only answer requests addressed to loopback: otherwise any web page could
 * rebind its own domain to 127.0.0.1 and read the history through the visitor's browser.
 */
function hostAllowed(hostHeader: string | undefined, bindHost: string): boolean {
  if (!isLoopback(bindHost)) return true;
  if (!hostHeader) return false;
  const name = hostHeader.startsWith('[')
    ? hostHeader.slice(0, hostHeader.indexOf(']') + 1)
    : hostHeader.split(':')[0]!;
  return isLoopback(name.toLowerCase());
}

function send(
  req: IncomingMessage,
  res: ServerResponse,
  answer: RouteResponse,
  extra: Record<string, string> = {},
): void {
  res.writeHead(answer.status, {
    ...COMMON_HEADERS,
    ...extra,
    'Content-Type': answer.contentType,
    'Content-Length': Buffer.byteLength(answer.body),
  });
  res.end(req.method === 'HEAD' ? undefined : answer.body);
}

function page(status: number, title: string, message: string): RouteResponse {
  return { status, contentType: 'text/html; charset=utf-8', body: renderMessagePage(title, message) };
}

function handle(req: IncomingMessage, res: ServerResponse, options: ServeOptions): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(req, res, page(405, 'Method not allowed', 'The dashboard is read-only.'), { Allow: 'GET, HEAD' });
    return;
  }
  if (!hostAllowed(req.headers.host, options.host)) {
    send(req, res, page(403, 'Forbidden', 'This dashboard only answers requests addressed to localhost.'));
    return;
  }
  const { pathname } = new URL(req.url ?? '/', 'http://localhost');
  let history: ReturnType<typeof openHistory> | undefined;
  try {
    history = openHistory(options.dataDir);
    send(req, res, route(pathname, history));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    options.onError?.(`${req.method} ${pathname}: ${message}`);
    // API clients and scrapers get JSON (or plain text for /metrics) they can parse, not an HTML page.
    const answer: RouteResponse = pathname.startsWith('/api/')
      ? json({ error: message }, 500)
      : pathname === '/metrics'
        ? { status: 500, contentType: 'text/plain; charset=utf-8', body: `# history unavailable: ${message}\n` }
        : page(500, 'History unavailable', message);
    send(req, res, answer);
  } finally {
    history?.close();
  }
}

function formatUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
}

/**
 * Starts the read-only dashboard over node:http and resolves once it listens; a port already taken or an
 * address that cannot be bound rejects with a one-line InputError (`port 8787 on 127.0.0.1 is already in use`).
 */
export function startServer(options: ServeOptions): Promise<RunningServer> {
  const server = createServer((req, res) => handle(req, res, options));
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const where = `port ${options.port} on ${options.host}`;
      const reason =
        error.code === 'EADDRINUSE'
          ? `${where} is already in use`
          : error.code === 'EACCES'
            ? `permission denied to listen on ${where}`
            : `cannot listen on ${where}: ${error.message}`;
      reject(new InputError(reason, { cause: error }));
    });
    server.listen(options.port, options.host, () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: formatUrl(options.host, port),
        port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          }),
      });
    });
  });
}
