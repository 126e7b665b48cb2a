// Byte sizes and file modes as compose-go decodes them (go-units RAMInBytes, strconv base 8).

const BINARY_PREFIX: Readonly<Record<string, number>> = {
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
  p: 1024 ** 5,
};
const SIZE = /^(\d+(?:\.\d+)*) ?([kmgtp])?i?b?$/i;

/**
 * Parses `shm_size`-style sizes into bytes: a plain integer, or a number with a binary unit
 * (`128mb`, `1g`, `512k`, `2GiB`; case-insensitive, `b`/`i` optional), truncated like go-units.
 * Undefined when Compose would reject the value.
 */
export function parseBytes(value: string | number): number | undefined {
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return value;
    return Number.isFinite(value) ? parseBytes(String(value)) : undefined;
  }
  if (/^[-+]?[0-9]+$/.test(value)) return Number(value);
  const m = SIZE.exec(value);
  if (!m) return undefined;
  const size = Number(m[1]);
  // `1.2.3` passes the pattern but not Go's ParseFloat.
  if (Number.isNaN(size)) return undefined;
  const unit = m[2] ? BINARY_PREFIX[m[2].toLowerCase()]! : 1;
  return Math.trunc(size * unit);
}

/**
 * Parses a file mode: numbers are taken as they are (YAML already read `0440` as octal), strings are
 * octal digits (`"0440"` and `"440"` both give 288). Undefined for anything else, negatives included.
 */
export function parseOctalMode(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined;
  if (!/^\+?[0-7]+$/.test(value)) return undefined;
  return Number.parseInt(value.replace('+', ''), 8);
}
