/**
 * Text from evidence and intel is attacker controlled (docs/design.md,
 * Habits): every string that reaches the page goes through these.
 */

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
};

/** Escapes text for HTML and SVG element content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!).replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, '\uFFFD');
}

/**
 * A fragment id made only of [a-z0-9-] from any text, so an anchor can
 * never break out of its attribute; `taken` keeps ids unique (a second
 * "Gov." and "gov" become `gov` and `gov-2`).
 */
export function slugFor(text: string, taken: Map<string, number>): string {
  const base = text.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'x';
  const n = (taken.get(base) ?? 0) + 1;
  taken.set(base, n);
  return n === 1 ? base : `${base}-${n}`;
}
