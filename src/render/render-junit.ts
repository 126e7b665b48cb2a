import type { RunResult, ServiceOutcome, Violation } from '../model.js';
import { escapeAttribute, escapeMarkup } from './escape-markup.js';
import { compareText, describePolicy } from './format.js';
import { stateLabel } from './service-labels.js';

/** The failure body never carries more log than the terminal report shows. */
const MAX_LOG_LINES = 20;

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

/**
 * Seconds from the service's start to the moment its fate was known: readiness for a service that got there
 * and stayed, the exit for one that stopped; 0 when either end was never observed.
 */
function serviceMs(o: ServiceOutcome): number {
  const { startedMs, readyMs, exitedMs } = o.timings;
  const ended = o.state === 'exited' || o.state === 'failed' || o.state === 'completed';
  const end = ended ? (exitedMs ?? readyMs) : (readyMs ?? exitedMs);
  return startedMs === undefined || end === undefined ? 0 : end - startedMs;
}

function failureBody(o: ServiceOutcome): string {
  const lines = [`${o.service}: ${o.reason ?? stateLabel(o)} (score ${o.score})`];
  if (o.exitCode !== undefined) lines.push(`exit code: ${o.exitCode}${o.oomKilled ? ' (OOM killed)' : ''}`);
  if (o.restartCount > 0) lines.push(`restarts: ${o.restartCount}`);
  for (const probe of o.healthLog) lines.push(`health: ${probe.trimEnd()}`);
  const log = o.logTail.slice(-MAX_LOG_LINES);
  if (log.length > 0) lines.push('log:', ...log.map((line) => `  ${line.trimEnd()}`));
  return escapeMarkup(lines.join('\n'));
}

function serviceCase(stack: string, o: ServiceOutcome): string {
  const head = `    <testcase classname="${escapeAttribute(stack)}" name="${escapeAttribute(o.service)}" time="${seconds(serviceMs(o))}"`;
  if (o.score >= 100) return `${head}/>`;
  const message = escapeAttribute(o.reason ?? stateLabel(o));
  const type = escapeAttribute(o.reasonClass ?? o.state);
  return `${head}>\n      <failure message="${message}" type="${type}">${failureBody(o)}</failure>\n    </testcase>`;
}

function policyCase(stack: string, v: Violation): string {
  const message = escapeAttribute(v.message);
  return [
    `    <testcase classname="${escapeAttribute(`${stack}.policy`)}" name="${escapeAttribute(v.rule)}" time="0.000">`,
    `      <failure message="${message}" type="${escapeAttribute(v.rule)}">${escapeMarkup(v.message)}</failure>`,
    '    </testcase>',
  ].join('\n');
}

function property(name: string, value: string | number | boolean): string {
  return `      <property name="${escapeAttribute(name)}" value="${escapeAttribute(String(value))}"/>`;
}

/**
 * Renders a run as JUnit XML that CI systems read: one testsuite named after the stack, one testcase per service
 * (sorted by name; a `failure` for every score under 100, with reason, health output and log tail) and one
 * failing testcase per violated policy rule; counts always match the cases, and every value is escaped.
 */
export function renderJunit(result: RunResult): string {
  const services = [...result.services].sort((a, b) => compareText(a.service, b.service));
  const cases = [
    ...services.map((o) => serviceCase(result.stack, o)),
    ...result.verdict.violations.map((v) => policyCase(result.stack, v)),
  ];
  const failures = services.filter((o) => o.score < 100).length + result.verdict.violations.length;
  const time = seconds(result.summary.durationMs);
  const counts = `tests="${cases.length}" failures="${failures}" errors="0" skipped="0" time="${time}"`;
  const { summary, verdict } = result;
  const properties = [
    property('rehearsa.run', result.runId),
    property('rehearsa.confidence', summary.confidence),
    property('rehearsa.risk', summary.risk),
    property('rehearsa.stability', summary.stability),
    property('rehearsa.verdict', verdict.passed ? 'pass' : 'fail'),
    property('rehearsa.policy', describePolicy(verdict.policy)),
    property('rehearsa.interrupted', result.interrupted),
  ];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="rehearsa" ${counts}>`,
    `  <testsuite name="${escapeAttribute(result.stack)}" ${counts} timestamp="${escapeAttribute(result.startedAt)}" hostname="rehearsa">`,
    '    <properties>',
    ...properties,
    '    </properties>',
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
