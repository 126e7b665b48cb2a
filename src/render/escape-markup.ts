import { stripVTControlCharacters } from 'node:util';

// Characters XML 1.0 forbids outright (C0 controls except tab, newline and carriage return; the two
// non-characters U+FFFE/U+FFFF; unpaired surrogates). A parser rejects the whole file over one of them, and a
// container log is exactly where they turn up.
const FORBIDDEN =
  /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Makes any text safe as XML or HTML element content or a quoted attribute value: terminal escape sequences and
 * characters XML forbids are removed, and `& < > " '` become entities, so the result never opens markup.
 */
export function escapeMarkup(text: string): string {
  return stripVTControlCharacters(text)
    .replace(FORBIDDEN, '')
    .replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * Like escapeMarkup, for attribute values that must survive on one line: tabs and line breaks become character
 * references, because XML parsers otherwise normalise them to spaces.
 */
export function escapeAttribute(text: string): string {
  return escapeMarkup(text).replace(/[\t\n\r]/g, (c) => `&#${c.charCodeAt(0)};`);
}
