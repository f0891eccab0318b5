/**
 * A visitor that renders a record as XML text, for oracle tests and for
 * users who want to see a record whole: elements, attributes (an attribute
 * whose value is empty is left out, as evtxexport and Windows do), text
 * escaped, processing instructions. Not on the hunt's path.
 */
import type { XmlVisitor } from './binxml.js';
import { renderScalar } from './values.js';

function escapeXml(s: string, attr: boolean): string {
  let out = s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  if (attr) out = out.replace(/"/g, '&quot;');
  return out;
}

export class XmlWriter implements XmlVisitor {
  private out = '';
  /** A start tag waits for '>' or '/>'. */
  private open_ = false;
  private readonly stack: string[] = [];
  private attrName: string | null = null;
  private attrText = '';

  /** The XML rendered since the last take(), and a fresh start. */
  take(): string {
    const s = this.out;
    this.out = '';
    this.open_ = false;
    this.stack.length = 0;
    return s;
  }

  private flushStart(): void {
    if (this.open_) { this.out += '>'; this.open_ = false; }
  }

  open(name: string): void {
    this.flushStart();
    this.out += `<${name}`;
    this.open_ = true;
    this.stack.push(name);
  }

  attr(name: string): void {
    this.attrName = name;
    this.attrText = '';
  }

  attrEnd(): void {
    if (this.attrName !== null && this.attrText !== '') this.out += ` ${this.attrName}="${escapeXml(this.attrText, true)}"`;
    this.attrName = null;
  }

  text(s: string): void {
    if (this.attrName !== null) { this.attrText += s; return; }
    if (s === '') return;
    this.flushStart();
    this.out += escapeXml(s, false);
  }

  value(b: Buffer, type: number, off: number, size: number): void {
    this.text(renderScalar(b, type, off, size));
  }

  close(): void {
    const name = this.stack.pop() ?? '';
    if (this.open_) { this.out += '/>'; this.open_ = false; } else this.out += `</${name}>`;
  }

  pi(target: string, data: string): void {
    this.flushStart();
    this.out += `<?${target} ${data}?>`;
  }
}
