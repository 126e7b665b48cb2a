import type { HistoryStore } from '../history/history-store.js';
import { DEFAULT_POLICY } from '../policy/evaluate-policy.js';
import { renderRunJson } from '../render/render-json.js';
import { METRICS_CONTENT_TYPE, renderMetrics } from './metrics.js';
import { renderMessagePage, renderRunPage, renderStackPage, renderStatusPage } from './pages.js';

/** What a route answers; the server adds the headers every response shares. */
export interface RouteResponse {
  status: number;
  contentType: string;
  body: string;
}

const HTML = 'text/html; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

const html = (body: string, status = 200): RouteResponse => ({ status, contentType: HTML, body });
/** A JSON answer, as every /api/ route gives one. */
export const json = (value: unknown, status = 200): RouteResponse => ({
  status,
  contentType: JSON_TYPE,
  body: `${JSON.stringify(value, null, 2)}\n`,
});
const notFoundPage = (message: string) => html(renderMessagePage('Not found', message), 404);

type Handler = (history: HistoryStore, param: string) => RouteResponse;

function statusPage(history: HistoryStore): RouteResponse {
  return html(renderStatusPage(history.stackStatuses()));
}

function stackPage(history: HistoryStore, stack: string): RouteResponse {
  if (!history.knownStacks().includes(stack)) return notFoundPage(`No stack named "${stack}" has been rehearsed.`);
  const policy = { ...DEFAULT_POLICY, ...history.getPolicy(stack) };
  return html(
    renderStackPage({
      stack,
      status: history.stackStatuses().find((s) => s.stack === stack),
      runs: history.listRuns(stack),
      ...(policy.minConfidence !== undefined && { policyMinConfidence: policy.minConfidence }),
    }),
  );
}

function runPage(history: HistoryStore, runId: string): RouteResponse {
  const result = history.getRun(runId);
  if (!result) return notFoundPage(`No run with id "${runId}" is recorded.`);
  return html(renderRunPage(result, history.listRuns(result.stack)));
}

function apiStacks(history: HistoryStore, stack: string): RouteResponse {
  if (!history.knownStacks().includes(stack)) return json({ error: `unknown stack "${stack}"` }, 404);
  return json(history.listRuns(stack));
}

function apiRun(history: HistoryStore, runId: string): RouteResponse {
  const result = history.getRun(runId);
  if (!result) return json({ error: `unknown run "${runId}"` }, 404);
  return { status: 200, contentType: JSON_TYPE, body: renderRunJson(result) };
}

function metrics(history: HistoryStore): RouteResponse {
  const stacks = history.stackStatuses().map((status) => {
    const latest = history.listRuns(status.stack, 1)[0];
    const last = latest ? history.getRun(latest.runId) : undefined;
    return last ? { status, last } : { status };
  });
  return { status: 200, contentType: METRICS_CONTENT_TYPE, body: renderMetrics(stacks) };
}

// One segment at most is captured, and it is the only thing a handler gets from the URL.
const ROUTES: readonly [RegExp, Handler][] = [
  [/^\/$/, statusPage],
  [/^\/stacks\/([^/]+)$/, stackPage],
  [/^\/runs\/([^/]+)$/, runPage],
  [/^\/api\/status$/, (history) => json(history.stackStatuses())],
  [/^\/api\/stacks\/([^/]+)\/runs$/, apiStacks],
  [/^\/api\/runs\/([^/]+)$/, apiRun],
  [/^\/metrics$/, metrics],
];

/**
 * Answers a GET for `pathname` from the history: every page, JSON document and the metrics exposition the
 * dashboard serves; 404 (a page, or JSON under /api/) for unknown paths, stacks and runs. Reads only.
 */
export function route(pathname: string, history: HistoryStore): RouteResponse {
  const isApi = pathname.startsWith('/api/');
  for (const [pattern, handler] of ROUTES) {
    const match = pattern.exec(pathname);
    if (!match) continue;
    let param: string;
    try {
      param = decodeURIComponent(match[1] ?? '');
    } catch {
      break;
    }
    return handler(history, param);
  }
  return isApi ? json({ error: `no such endpoint ${pathname}` }, 404) : notFoundPage(`Nothing lives at ${pathname}.`);
}
