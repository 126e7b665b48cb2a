import assert from 'node:assert/strict';
import { test } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { makeOutcome, makeRun, mixedServices } from '../../test/support/run-results.js';
import type { HistoryEntry } from '../model.js';
import { renderHtml } from './render-html.js';

const result = makeRun({
  runId: 'r3',
  services: mixedServices(),
  findings: [
    { rule: 'bind-source-missing', severity: 'critical', service: 'db', message: '/srv/<db> does not exist' },
    { rule: 'image-absent', severity: 'info', message: 'image app:1 is not present locally' },
  ],
});

function entry(runId: string, confidence: number, startedAt: string): HistoryEntry {
  return {
    runId,
    stack: 'shop',
    startedAt,
    confidence,
    risk: 'LOW',
    durationMs: 4000,
    exitCode: 0,
    interrupted: false,
  };
}

const history: HistoryEntry[] = [
  entry('r4', 100, '2025-01-03T00:00:00.000Z'),
  entry('r3', 56, '2025-01-02T03:04:05.000Z'),
  entry('r2', 100, '2025-01-01T00:00:00.000Z'),
  entry('r1', 85, '2024-12-31T00:00:00.000Z'),
];

const html = renderHtml({
  result,
  history,
  edges: [
    ['web', 'db'],
    ['web', 'cache'],
    ['ghost', 'db'],
  ],
});

test('the report is one well-formed, self-contained document that works on a phone', () => {
  assert.ok(html.startsWith('<!DOCTYPE html>\n'));
  const body = html.slice(html.indexOf('<html'));
  assert.equal(XMLValidator.validate(body), true, 'every element is closed and every attribute quoted');
  assert.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1" \/>/);
  assert.match(html, /<style>/);
  assert.doesNotMatch(html, /<script|<link|\bsrc=|@import|url\(http/i, 'no script and nothing fetched');
  assert.doesNotMatch(html, /http-equiv="refresh"/, 'a saved report does not reload itself');
});

test('log lines, reasons and findings are escaped, terminal control sequences removed', () => {
  assert.ok(!html.includes('<script>alert'), 'the log line cannot open a script element');
  assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; red bell'));
  assert.ok(html.includes('/srv/&lt;db&gt; does not exist'));
  assert.doesNotMatch(html, /[\x00-\x08\x0b\x0c\x0e-\x1f]/);
});

test('verdict, confidence, every service with its score and the violated rule are shown', () => {
  assert.match(html, /data-verdict="fail">FAIL</);
  assert.match(html, /class="big HIGH">56%</);
  for (const service of ['cache', 'db', 'search', 'web']) assert.ok(html.includes(`id="svc-${service}"`), service);
  assert.match(html, /<td class="num s40">40<\/td>/);
  assert.ok(html.includes('confidence 56% is below the minimum 70%'));
  assert.ok(html.includes('healthcheck failed 3 times: connection refused'));
  assert.ok(html.includes('curl: (7) Failed to connect'));
});

test('the boot timeline and the history chart are inline SVG', () => {
  const parser = new XMLParser({ ignoreAttributes: false });
  const svgs = [...html.matchAll(/<svg[\s\S]*?<\/svg>/g)].map((m) => m[0]);
  assert.equal(svgs.length, 2);
  for (const svg of svgs) {
    assert.equal(XMLValidator.validate(svg), true);
    const root = parser.parse(svg).svg;
    assert.ok(Number(root['@_width']) > 0 && Number(root['@_height']) > 0);
  }
  const [timeline, chart] = svgs as [string, string];
  assert.equal((timeline.match(/class="row"/g) ?? []).length, 4, 'one row per service');
  assert.equal((timeline.match(/class="edge"/g) ?? []).length, 2, 'edges to unknown services are dropped');
  assert.ok(timeline.includes('web waits for db'));
  assert.equal((chart.match(/class="point /g) ?? []).length, 3, 'runs newer than this one are left out');
  assert.match(chart, /class="threshold"/);
  assert.match(chart, /class="current"/);
  assert.doesNotMatch(chart, /<a /, 'a saved report has nowhere to link runs to');
});

test('without edges no arrows are drawn; a run missing from the history is added to the chart', () => {
  const alone = renderHtml({ result: makeRun({ runId: 'new' }), history: [entry('old', 80, '2024-01-01T00:00:00Z')] });
  assert.doesNotMatch(alone, /class="edge"/);
  assert.equal((alone.match(/class="point /g) ?? []).length, 2);
});

test('sections without data leave no trace; findings say when there are none', () => {
  const bare = renderHtml({
    result: makeRun({ services: [makeOutcome({ service: 'db', state: 'not_started', score: 0, timings: {} })] }),
    history: [],
  });
  assert.doesNotMatch(bare, /id="timeline"/, 'no timings, no timeline');
  assert.match(bare, /No findings\./);
});

test('the same input renders the same bytes', () => {
  assert.equal(
    renderHtml({ result, history, edges: [['web', 'db']] }),
    renderHtml({ result, history, edges: [['web', 'db']] }),
  );
});

test('restores, probes and mounts get their sections when the run has them; recorded edges feed the timeline', () => {
  const withData = renderHtml({
    result: makeRun({
      services: mixedServices(),
      restores: [{ name: 'db-data', volume: 'v1', source: 'archive /backups/<db>.tar', bytes: 2048, ms: 1500 }],
      probes: [
        {
          service: 'web',
          type: 'http',
          target: 'http://web/health',
          passed: false,
          attempts: 3,
          ms: 900,
          reason: '503',
        },
      ],
      mounts: [{ service: 'db', kind: 'volume', source: 'v1', target: '/var/lib/db', readOnly: false, writable: true }],
      edges: [
        { from: 'web', to: 'db', name: 'db', origin: 'depends_on', resolved: true, ports: [] },
        { from: 'web', to: 'db', name: 'database', origin: 'alias', resolved: true, ports: [] },
      ],
    }),
    history: [],
  });
  assert.equal(XMLValidator.validate(withData.slice(withData.indexOf('<html'))), true);
  assert.ok(withData.includes('archive /backups/&lt;db&gt;.tar'));
  assert.match(withData, /id="probes"[\s\S]*class="fail">failed<[\s\S]*503/);
  assert.match(withData, /id="mounts"[\s\S]*\/var\/lib\/db/);
  assert.equal((withData.match(/class="edge"/g) ?? []).length, 1, 'one arrow per depends_on edge');
  assert.doesNotMatch(html, /id="(restores|probes|mounts)"/, 'absent data, absent sections');
});
