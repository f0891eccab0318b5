/**
 * A progress bar on stderr, drawn only when stderr is a TTY: bytes done of
 * total, rate, ETA, and a count (sightings, indicators) so far.
 */

import type { ProgressListener } from '../index.js';

/** Redraw at most this often. */
const REDRAW_MS = 100;
const BAR_WIDTH = 24;

function human(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) { n /= 1000; i++; }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

function duration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '--:--';
  const m = Math.floor(s / 60);
  return `${String(m).padStart(2, '0')}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
}

export class Progress implements ProgressListener {
  private done = 0;
  private count = 0;
  private last = 0;
  private started = Date.now();
  private drawn = false;
  private total = 0;
  private countLabel = '';

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly enabled: boolean = Boolean(process.stderr.isTTY),
  ) {}

  start(totalBytes: number, countLabel: string): void {
    this.total = totalBytes;
    this.countLabel = countLabel;
    this.started = Date.now();
  }

  /** Adds bytes done and items counted; redraws when due. */
  advance(bytes: number, items = 0): void {
    this.done += bytes;
    this.count += items;
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < REDRAW_MS) return;
    this.last = now;
    this.draw(now);
  }

  /** Clears the bar before other output on the terminal; the next advance redraws it. */
  clear(): void {
    if (!this.drawn) return;
    this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }

  finish(): void {
    if (this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }

  private draw(now: number): void {
    const secs = (now - this.started) / 1000;
    const rate = secs > 0 ? this.done / secs : 0;
    const frac = this.total > 0 ? Math.min(1, this.done / this.total) : 0;
    const fill = Math.round(frac * BAR_WIDTH);
    const eta = rate > 0 ? (this.total - this.done) / rate : NaN;
    const text = `[${'#'.repeat(fill)}${'.'.repeat(BAR_WIDTH - fill)}] ${human(this.done)}/${human(this.total)} ` +
      `${human(rate)}/s ETA ${duration(eta)} ${this.count} ${this.countLabel}`;
    this.stream.write(`\r\x1b[2K${text}`);
    this.drawn = true;
  }
}
