/**
 * Text in the SVG: XML escaping, and a width estimate good enough to size boxes and shorten what
 * does not fit (DejaVu Sans averages ~0.58 em per character, DejaVu Sans Mono is 0.602 em).
 */

/** Escapes text for XML content and attribute values. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** Estimated rendered width in px. */
export function textWidth(text: string, size: number, mono: boolean, bold = false): number {
  return [...text].length * size * (mono ? 0.602 : bold ? 0.66 : 0.58);
}

/** The text, shortened with an ellipsis to fit `max` px. */
export function fit(text: string, max: number, size: number, mono: boolean, bold = false): string {
  if (textWidth(text, size, mono, bold) <= max) return text;
  const chars = [...text];
  const keep = Math.max(1, Math.floor(max / textWidth('x', size, mono, bold)) - 1);
  return `${chars.slice(0, keep).join('')}\u2026`;
}
