import assert from 'node:assert/strict';
import { test } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { makeOutcome, makeRun, mixedServices } from '../../test/support/run-results.js';
import { renderJunit } from './render-junit.js';

interface Case {
  '@_classname': string;
  '@_name': string;
  '@_time': string;
  failure?: { '#text'?: string; '@_message': string; '@_type': string };
}

function parse(xml: string) {
  assert.equal(XMLValidator.validate(xml), true, 'the document is well-formed XML');
  const parser = new XMLParser({
    ignoreAttributes: false,
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: false,
    processEntities: true,
    htmlEntities: true,
    isArray: (name) => name === 'testcase' || name === 'property',
  });
  const doc = parser.parse(xml);
  return doc.testsuites.testsuite as {
    '@_name': string;
    '@_tests': string;
    '@_failures': string;
    '@_time': string;
    properties: { property: { '@_name': string; '@_value': string }[] };
    testcase: Case[];
  };
}

test('one testcase per service sorted by name, failures for every score under 100, counts that match', () => {
  const xml = renderJunit(makeRun({ services: mixedServices() }));
  assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n'));
  const suite = parse(xml);
  assert.equal(suite['@_name'], 'shop');
  assert.deepEqual(
    suite.testcase.map((c) => [c['@_classname'], c['@_name'], c.failure?.['@_type'] ?? null]),
    [
      ['shop', 'cache', 'running'],
      ['shop', 'db', null],
      ['shop', 'search', 'unhealthy'],
      ['shop', 'web', 'exit'],
      ['shop.policy', 'min_confidence', 'min_confidence'],
    ],
  );
  assert.equal(suite['@_tests'], '5');
  assert.equal(suite['@_failures'], '4');
  assert.equal(suite['@_time'], '4.200');
});

test('time is seconds from start to ready, or to the exit for a service that stopped', () => {
  const suite = parse(renderJunit(makeRun({ services: mixedServices() })));
  const time = Object.fromEntries(suite.testcase.map((c) => [c['@_name'], c['@_time']]));
  assert.equal(time.db, '1.900');
  assert.equal(time.web, '0.200', 'exit, not the momentary readiness');
  assert.equal(time.search, '0.000', 'never ready, never exited');
});

test('a failure carries the reason as message and the health output and log tail as text', () => {
  const suite = parse(renderJunit(makeRun({ services: mixedServices() })));
  const web = suite.testcase.find((c) => c['@_name'] === 'web')!;
  assert.equal(web.failure?.['@_message'], 'exited with code 1');
  const text = web.failure?.['#text'] ?? '';
  assert.match(text, /exit code: 1/);
  assert.match(text, /<script>alert\("x"\)<\/script> & red bell/, 'markup survives as text, controls are gone');
  const search = suite.testcase.find((c) => c['@_name'] === 'search')!;
  assert.match(search.failure?.['#text'] ?? '', /health: curl: \(7\)/);
  const cache = suite.testcase.find((c) => c['@_name'] === 'cache')!;
  assert.equal(cache.failure?.['@_message'], 'running (no healthcheck)');
});

test('forbidden XML characters are removed and line breaks in attributes survive', () => {
  const xml = renderJunit(
    makeRun({
      services: [
        makeOutcome({
          service: 'api',
          state: 'failed',
          score: 0,
          reasonClass: 'create',
          reason: 'create failed:\n"bad" <mount> \x00\x1b[1m\ud800',
          logTail: ['\x0b\x0c\x7f\uffff'],
        }),
      ],
    }),
  );
  assert.doesNotMatch(xml, /[\x00-\x08\x0b\x0c\x0e-\x1f]/);
  const failure = parse(xml).testcase[0]!.failure!;
  assert.equal(failure['@_message'], 'create failed:\n"bad" <mount> ');
  assert.equal(failure['@_type'], 'create');
});

test('a passing run has no failures and its properties tell the verdict', () => {
  const suite = parse(renderJunit(makeRun()));
  assert.equal(suite['@_tests'], '1');
  assert.equal(suite['@_failures'], '0');
  assert.equal(suite.testcase[0]!.failure, undefined);
  const props = Object.fromEntries(suite.properties.property.map((p) => [p['@_name'], p['@_value']]));
  assert.equal(props['rehearsa.verdict'], 'pass');
  assert.equal(props['rehearsa.confidence'], '100');
  assert.equal(props['rehearsa.run'], 'r1');
});

test('the output is deterministic whatever order the services come in', () => {
  const services = mixedServices();
  assert.equal(renderJunit(makeRun({ services })), renderJunit(makeRun({ services: [...services].reverse() })));
});
