/**
 * Splits a byte stream into physical lines without copying them: each line
 * is handed over as a subarray of the chunk (or of a small carry buffer when
 * it straddles two chunks). A line over MAX_LINE_BYTES is not buffered: its
 * bytes are dropped as they come and the caller is told its length once the
 * line ends.
 */
import { MAX_LINE_BYTES } from '../core/limits.js';

const NL = 0x0a;

export interface LineHandler {
  /** A complete line, terminator removed (`\r` is left for the reader). `lineNo` is 1-based. */
  line(buf: Buffer, lineNo: number): void;
  /** A line longer than the limit, dropped. */
  overlong(lineNo: number, bytes: number): void;
  /**
   * Optional fast path: passes over whole lines of `buf[pos, end)` (`end` just
   * after a newline) that need no `line` call, and says where it stopped and
   * how many it passed (LineReader.skipLines). Lines over `maxLine` must not be passed.
   */
  skip?(buf: Buffer, pos: number, end: number, maxLine: number): { pos: number; lines: number };
}

export class LineSplitter {
  private carry: Buffer[] = [];
  private carryBytes = 0;
  private dropping = false;
  private lineNo = 0;

  constructor(private readonly handler: LineHandler, private readonly maxLine = MAX_LINE_BYTES) {}

  /** Lines completed so far. */
  get lines(): number {
    return this.lineNo;
  }

  push(chunk: Buffer): void {
    let pos = 0;
    const len = chunk.length;
    const skip = this.handler.skip;
    // Just after the chunk's last newline: the lines before it are whole (found when first needed).
    let whole = -1;
    while (pos < len) {
      if (skip !== undefined && this.carryBytes === 0 && !this.dropping) {
        if (whole < 0) whole = chunk.lastIndexOf(NL) + 1;
        if (pos < whole) {
          const r = skip(chunk, pos, whole, this.maxLine);
          this.lineNo += r.lines;
          pos = r.pos;
          if (pos >= len) return;
        }
      }
      const nl = chunk.indexOf(NL, pos);
      if (nl < 0) {
        this.keep(chunk.subarray(pos));
        return;
      }
      this.lineNo++;
      if (this.dropping) {
        this.handler.overlong(this.lineNo, this.carryBytes + (nl - pos));
        this.dropping = false;
        this.carry = [];
        this.carryBytes = 0;
      } else if (this.carryBytes > 0) {
        const total = this.carryBytes + (nl - pos);
        if (total > this.maxLine) this.handler.overlong(this.lineNo, total);
        else {
          this.carry.push(chunk.subarray(pos, nl));
          this.handler.line(Buffer.concat(this.carry, total), this.lineNo);
        }
        this.carry = [];
        this.carryBytes = 0;
      } else if (nl - pos > this.maxLine) {
        this.handler.overlong(this.lineNo, nl - pos);
      } else {
        this.handler.line(chunk.subarray(pos, nl), this.lineNo);
      }
      pos = nl + 1;
    }
  }

  /** Flushes a last line that has no terminator. */
  end(): void {
    if (this.carryBytes === 0 && !this.dropping) return;
    this.lineNo++;
    if (this.dropping || this.carryBytes > this.maxLine) this.handler.overlong(this.lineNo, this.carryBytes);
    else this.handler.line(Buffer.concat(this.carry, this.carryBytes), this.lineNo);
    this.carry = [];
    this.carryBytes = 0;
    this.dropping = false;
  }

  private keep(part: Buffer): void {
    if (this.dropping) {
      this.carryBytes += part.length;
      return;
    }
    this.carryBytes += part.length;
    if (this.carryBytes > this.maxLine) {
      this.dropping = true;
      this.carry = [];
      return;
    }
    // Copy: the caller may reuse the chunk's memory.
    this.carry.push(Buffer.from(part));
  }
}
