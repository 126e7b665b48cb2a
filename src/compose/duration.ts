// Compose durations (`healthcheck.interval`, `stop_grace_period`…) as compose-go reads them: Go
// `time.ParseDuration` syntax extended with days and weeks (go-str2duration).

const NANOS_PER_UNIT: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['µs', 1_000n], // U+00B5 micro sign
  ['μs', 1_000n], // U+03BC Greek mu
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
  ['d', 86_400_000_000_000n],
  ['w', 604_800_000_000_000n],
]);

const MAX_NANOS = 2n ** 63n - 1n;
const SEGMENT = /^([0-9]*)(?:\.([0-9]*))?([^0-9.]+)/;

/**
 * Parses a duration into milliseconds (fractional below 1 ms), or undefined when Compose would reject it.
 * A number is formatted and parsed like a string, as compose-go does, so only `0` is accepted: a bare
 * `30` has no unit.
 */
export function parseDuration(value: string | number): number | undefined {
  const nanos = parseNanos(String(value));
  return nanos === undefined ? undefined : Number(nanos) / 1e6;
}

function parseNanos(text: string): bigint | undefined {
  let rest = text;
  let negative = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest[0] === '-';
    rest = rest.slice(1);
  }
  if (rest === '0') return 0n;
  if (rest === '') return undefined;
  let total = 0n;
  while (rest !== '') {
    const m = SEGMENT.exec(rest);
    if (!m) return undefined;
    const [all, whole = '', fraction, unitName = ''] = m;
    if (whole === '' && !fraction) return undefined;
    const unit = NANOS_PER_UNIT.get(unitName);
    if (unit === undefined) return undefined;
    let segment = BigInt(whole || '0') * unit;
    if (fraction) {
      // Go truncates the fractional part to whole nanoseconds.
      segment += (BigInt(fraction) * unit) / 10n ** BigInt(fraction.length);
    }
    total += segment;
    if (total > MAX_NANOS) return undefined;
    rest = rest.slice(all.length);
  }
  return negative ? -total : total;
}

/** Formats milliseconds the way Go prints a time.Duration (`1m30s`, `1h0m0s`, `500ms`, `0s`). */
export function formatDuration(ms: number): string {
  let nanos = BigInt(Math.round(ms * 1e6));
  if (nanos === 0n) return '0s';
  const sign = nanos < 0n ? '-' : '';
  if (nanos < 0n) nanos = -nanos;
  if (nanos < 1_000n) return `${sign}${nanos}ns`;
  if (nanos < 1_000_000n) return `${sign}${decimal(nanos, 3)}µs`;
  if (nanos < 1_000_000_000n) return `${sign}${decimal(nanos, 6)}ms`;
  const hours = nanos / 3_600_000_000_000n;
  const minutes = (nanos / 60_000_000_000n) % 60n;
  const seconds = `${decimal(nanos % 60_000_000_000n, 9)}s`;
  if (hours > 0n) return `${sign}${hours}h${minutes}m${seconds}`;
  if (minutes > 0n) return `${sign}${minutes}m${seconds}`;
  return `${sign}${seconds}`;
}

/** An age or a limit for people: Go's duration format at whole seconds (`40s`, `26h0m0s`), milliseconds below 1 s. */
export function formatAge(ms: number): string {
  return formatDuration(ms < 1000 ? Math.round(ms) : Math.round(ms / 1000) * 1000);
}

/** `value / 10^digits` written without trailing zeros (`1500, 3` → `1.5`). */
function decimal(value: bigint, digits: number): string {
  const scale = 10n ** BigInt(digits);
  const fraction = (value % scale).toString().padStart(digits, '0').replace(/0+$/, '');
  return fraction ? `${value / scale}.${fraction}` : `${value / scale}`;
}
