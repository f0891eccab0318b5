/**
 * The text of an HTML page, line by line, as a reader sees it: parsed by
 * parse5 (the WHATWG algorithm, so broken markup reads as a browser reads
 * it), `<script>`, `<style>`, `<template>` and `<noscript>` left out, block
 * elements and `<br>` ending lines, table cells kept apart by a tab, inline
 * elements joined (`evil<b>[.]</b>com` is one word). Each line carries the
 * source line its text starts on.
 *
 * Link targets are not text: `href`s only tell who published the page (its
 * canonical URL, `og:url`, the host most linked to), whose own domains are
 * then no indicators.
 */
import type { ReportLine, ReportText } from './report-types.js';

/** Elements whose content is no text a reader sees. */
const SKIPPED = new Set(['script', 'style', 'template', 'noscript', 'head', 'svg', 'math', 'iframe', 'object']);
/** Elements that start and end a line. */
const BLOCKS = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'caption', 'dd', 'details', 'div', 'dl', 'dt', 'fieldset', 'figcaption', 'figure',
  'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main', 'nav', 'ol', 'option', 'p', 'pre', 'section',
  'summary', 'table', 'tbody', 'tfoot', 'thead', 'tr', 'ul', 'textarea', 'body', 'html',
]);
/** Table cells: kept apart on their row's line. */
const CELLS = new Set(['td', 'th']);
/** Most links counted to find the most linked host. */
const MAX_LINKS = 100_000;

interface Node {
  nodeName: string;
  tagName?: string;
  attrs?: Array<{ name: string; value: string }>;
  childNodes?: Node[];
  content?: Node;
  value?: string;
  sourceCodeLocation?: { startLine: number } | null;
}

/** Reads an HTML page's text. parse5 is loaded here, on first use, so other formats do not pay for it. */
export async function htmlText(html: string): Promise<ReportText> {
  const { parse } = await import('parse5');
  const doc = parse(html, { sourceCodeLocationInfo: true }) as unknown as Node;
  const lines: ReportLine[] = [];
  let parts: string[] = [];
  let lineNo = 0;
  let hasText = false; // the line's number is that of its first text that is not white space
  const flush = () => {
    if (hasText) lines.push({ text: parts.join(''), line: lineNo });
    parts = [];
    hasText = false;
  };
  const canonical: string[] = [];
  const linkHosts = new Map<string, number>();
  let links = 0;

  // An explicit stack: a page nested a hundred thousand deep must not overflow the call stack.
  const stack: Array<Node | 'end-block'> = [doc];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n === 'end-block') { flush(); continue; }
    const tag = n.tagName;
    if (n.nodeName === '#text') {
      const pieces = (n.value ?? '').split(/\r\n|\r|\n/);
      const start = n.sourceCodeLocation?.startLine ?? 0;
      pieces.forEach((p, k) => {
        if (k > 0) flush();
        if (!hasText && p.trim() !== '') { lineNo = start + k; hasText = true; }
        parts.push(p);
      });
      continue;
    }
    if (tag !== undefined) {
      const attr = (name: string) => n.attrs?.find((a) => a.name === name)?.value;
      if (tag === 'link' && /(?:^|\s)canonical(?:\s|$)/i.test(attr('rel') ?? '')) pushHost(canonical, attr('href'));
      else if (tag === 'meta' && /^og:url$/i.test(attr('property') ?? '')) pushHost(canonical, attr('content'));
      else if (tag === 'base') pushHost(canonical, attr('href'));
      else if (tag === 'a' && links < MAX_LINKS) {
        const h = hostOf(attr('href'));
        if (h !== null) { links++; linkHosts.set(h, (linkHosts.get(h) ?? 0) + 1); }
      }
      if (tag === 'head') {
        // Only its link and meta elements matter; its text (the title) is not the report's.
        for (const c of n.childNodes ?? []) if (c.tagName === 'link' || c.tagName === 'meta' || c.tagName === 'base') stack.push(c);
        continue;
      }
      if (SKIPPED.has(tag)) continue;
      if (CELLS.has(tag)) parts.push('\t');
      if (BLOCKS.has(tag)) { flush(); stack.push('end-block'); }
    }
    const children = n.content?.childNodes ?? n.childNodes ?? [];
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  flush();

  let best: string | null = null, bestCount = 1;
  for (const [h, c] of linkHosts) if (c > bestCount) { best = h; bestCount = c; }
  const publisherHosts = [...canonical];
  if (best !== null) publisherHosts.push(best);
  return { kind: 'html', lines, publisherHosts };
}

function pushHost(to: string[], url: string | undefined): void {
  const h = hostOf(url);
  if (h !== null) to.push(h);
}

/** The host of an absolute http(s) URL, lower case, or null. */
function hostOf(url: string | undefined): string | null {
  if (url === undefined) return null;
  const m = /^\s*https?:\/\/(?:[^/?#@]*@)?([^/?#:\s]+)/i.exec(url);
  return m ? m[1]!.toLowerCase().replace(/\.$/, '') : null;
}
