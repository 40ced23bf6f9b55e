/**
 * GitHub-flavoured markdown pieces for the review: tables (markdown-table) with cells escaped so
 * a `|`, a newline or a backtick in a name cannot break the table or the code span.
 */
import { markdownTable } from 'markdown-table';

/** A table cell: `|` escaped (GFM splits cells on it, even inside code spans), newlines as <br>. */
export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/** Inline code that survives any content: the fence is longer than any backtick run inside. */
export function code(text: string): string {
  if (text === '') return '';
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** Plain text outside code: markdown's inline syntax characters escaped. */
export function text(t: string): string {
  return t.replace(/([\\`*_[\]<>#|~])/g, '\\$1');
}

/**
 * A GFM table. Cells are markdown already (use `code`/`text`); they are escaped for the table here.
 * An empty body gives the header and one row of dashes' worth: `none`.
 */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>, align?: readonly string[]): string {
  const body = rows.length > 0 ? rows : [header.map((_, i) => (i === 0 ? '*none*' : ''))];
  return markdownTable([header.map(cell), ...body.map((r) => r.map(cell))], { align: align ? [...align] : undefined, alignDelimiters: false });
}

/** A fenced block whose fence is longer than any backtick run inside. */
export function fenced(lang: string, lines: readonly string[]): string {
  const body = lines.join('\n');
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${body}\n${fence}`;
}
