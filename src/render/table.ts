import { stripVTControlCharacters } from 'node:util';

export type Align = 'left' | 'right';

/** Visible width of a cell: ANSI styles take no room, and astral characters count once. */
function visibleWidth(text: string): number {
  return [...stripVTControlCharacters(text)].length;
}

/**
 * Lays out a borderless, docker-ps style table: columns as wide as their widest visible cell, two spaces apart,
 * no trailing spaces, lines joined by `\n` without a final newline. With no headers, only the rows are printed.
 */
export function renderTable(headers: string[], rows: string[][], opts?: { align?: Align[] }): string {
  const lines = headers.length > 0 ? [headers, ...rows] : rows;
  const columns = Math.max(0, ...lines.map((line) => line.length));
  const widths = Array.from({ length: columns }, (_, i) => Math.max(0, ...lines.map((l) => visibleWidth(l[i] ?? ''))));
  return lines
    .map((line) => {
      const cells = widths.map((width, i) => {
        const cell = line[i] ?? '';
        const pad = ' '.repeat(width - visibleWidth(cell));
        return opts?.align?.[i] === 'right' ? pad + cell : cell + pad;
      });
      // Padding is plain spaces appended after any styling, so trimming them never cuts an escape sequence.
      return cells.join('  ').replace(/ +$/, '');
    })
    .join('\n');
}
