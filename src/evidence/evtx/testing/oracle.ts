/**
 * Test helpers: read the XML that Debian's `evtxexport -f xml` (libevtx) prints
 * and flatten a record's XML (theirs or ours) into comparable lines. A small
 * XML tokenizer, enough for event XML; used by tests only.
 */
import { spawnSync } from 'node:child_process';

/** An element of a parsed record. */
export interface OracleElement {
  name: string;
  attrs: [string, string][];
  children: OracleElement[];
  text: string;
}

const ENTITY: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (m, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return ENTITY[e] ?? m;
  });
}

/** Parses XML text into its top-level elements (processing instructions and comments dropped). */
export function parseXml(xml: string): OracleElement[] {
  const root: OracleElement = { name: '', attrs: [], children: [], text: '' };
  const stack = [root];
  const re = /<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<\/([^\s>]+)\s*>|<([^\s>/]+)((?:\s+[^\s=]+="[^"]*")*)\s*(\/?)>|([^<]+)/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    const top = stack[stack.length - 1]!;
    if (m[1] !== undefined) top.text += m[1];
    else if (m[2] !== undefined) {
      if (stack.length > 1) stack.pop();
    } else if (m[3] !== undefined) {
      const attrs: [string, string][] = [];
      for (const a of (m[4] ?? '').matchAll(/([^\s=]+)="([^"]*)"/g)) attrs.push([a[1]!, decode(a[2]!)]);
      const el: OracleElement = { name: m[3], attrs, children: [], text: '' };
      top.children.push(el);
      if (m[5] !== '/') stack.push(el);
    } else if (m[6] !== undefined) top.text += decode(m[6]);
  }
  return root.children;
}

/**
 * One line per attribute (`path@name=value`) and per leaf element or element
 * with text (`path=text`, whitespace-only text between elements ignored), in document
 * order. `norm` rewrites values (see the oracle test for why).
 */
export function flatten(el: OracleElement, norm: (path: string, value: string) => string = (_p, v) => v, path = ''): string[] {
  const p = path ? `${path}/${el.name}` : el.name;
  const out: string[] = [];
  for (const [k, v] of el.attrs) if (k !== 'xmlns' && v !== '') out.push(`${p}@${k}=${norm(`${p}@${k}`, v)}`);
  // A leaf element always gives its line (empty elements count); an element with children only when it has text too.
  if (el.children.length === 0 || el.text.trim() !== '') out.push(`${p}=${norm(p, el.text)}`);
  for (const c of el.children) out.push(...flatten(c, norm, p));
  return out;
}

/** `evtxexport -f xml` of a file, or null when the program is absent. */
export function runEvtxexport(path: string): string | null {
  const r = spawnSync('evtxexport', ['-f', 'xml', path], { encoding: 'utf8', maxBuffer: 1 << 30 });
  return r.error ? null : r.stdout;
}

/** The `<Event>` records of evtxexport's XML output, in file order. */
export function oracleRecords(xml: string): OracleElement[] {
  return parseXml(xml).filter((e) => e.name === 'Event');
}
