/**
 * What every feed reader needs: empty markers (`None`, `n/a`), times and
 * confidences as the feeds write them, `ip:port` values, and counts of what
 * is reported once per file rather than once per row.
 */
import { diag } from '../../core/diagnostic.js';
import type { IndicatorType, IntelItem } from '../../core/model.js';
import type { IntelSink } from '../intel-sink.js';
import { quoteValue } from '../quote-value.js';
import { normalizeTypedValue, type ValueKind } from '../typed-value.js';

/** Longest campaign name taken from a feed (a family name, a pulse's title). */
export const MAX_FEED_NAME_CHARS = 200;

/** What the feeds write for "no value" (abuse.ch's `None`, MalwareBazaar's `n/a`, JSON null stringified). */
const EMPTY_MARKERS: ReadonlySet<string> = new Set(['', 'none', 'null', 'n/a', 'nan', '-', 'unknown']);

/** A field's text, trimmed; '' when absent or one of the feeds' empty markers. */
export function fieldText(v: unknown): string {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return '';
  const t = v.trim();
  return EMPTY_MARKERS.has(t.toLowerCase()) ? '' : t;
}

/** One row as a look-up by (lower-case) column name. */
export function rowLookup(header: readonly string[], fields: readonly string[]): (name: string) => string {
  return (name) => {
    const i = header.indexOf(name);
    return i < 0 ? '' : fieldText(fields[i]);
  };
}

const TIME_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|UTC|[+-]\d{2}:?\d{2})?$/i;

/**
 * A feed's time as ISO 8601 UTC (`2024-01-02T03:04:05Z`), or a date
 * (`2024-01-02`) when the feed gives only a date; undefined when empty or
 * not a time. Times without a zone are UTC: abuse.ch's and OTX's are.
 */
export function feedTime(raw: unknown): string | undefined {
  const t = fieldText(raw);
  if (t === '') return undefined;
  const m = TIME_RE.exec(t);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, zone] = m;
  if (h === undefined) {
    const day = new Date(`${y}-${mo}-${d}T00:00:00Z`);
    return Number.isNaN(day.getTime()) || day.getUTCDate() !== Number(d) ? undefined : `${y}-${mo}-${d}`;
  }
  let offset = 'Z';
  if (zone !== undefined && zone.toUpperCase() !== 'Z' && zone.toUpperCase() !== 'UTC') {
    offset = zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  }
  const at = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s ?? '00'}${offset}`);
  if (Number.isNaN(at.getTime())) return undefined;
  // Date rolls 2024-02-30 over to March: such a day is no time.
  if (offset === 'Z' && at.getUTCDate() !== Number(d)) return undefined;
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A confidence 0–100 (an integer as text or number), else undefined. */
export function feedConfidence(raw: unknown): number | undefined {
  const t = fieldText(raw);
  if (!/^\d{1,3}$/.test(t)) return undefined;
  const n = Number(t);
  return n <= 100 ? n : undefined;
}

/** `1.2.3.4:443` or `[2001:db8::1]:443` split; null when there is no port. */
export function splitHostPort(raw: string): { host: string; port: string } | null {
  const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(raw) ?? /^([^:]+):(\d{1,5})$/.exec(raw);
  return m ? { host: m[1]!, port: m[2]! } : null;
}

/** A campaign name from a feed's text: trimmed, bounded. */
export function feedName(raw: unknown): string {
  const t = fieldText(raw);
  return t.length > MAX_FEED_NAME_CHARS ? t.slice(0, MAX_FEED_NAME_CHARS) : t;
}

/** What an item carries beside its value. */
export interface FeedItemFacts {
  campaigns: string[];
  description?: string;
  firstSeen?: string | undefined;
  lastSeen?: string | undefined;
  confidence?: number | undefined;
  line?: number | undefined;
}

/**
 * Normalises one value of a known kind and gives it to the sink with its
 * facts; a value that does not normalise is a `not-indicator` diagnostic
 * (`where` says which record, for formats without lines).
 */
export function emitFeedValue(sink: IntelSink, path: string, kind: ValueKind, raw: string, facts: FeedItemFacts, where = ''): void {
  for (const part of normalizeTypedValue([kind], raw)) {
    if (!part.ok) {
      sink.diagnostic(diag('not-indicator', path, `${where}not an indicator: ${quoteValue(part.raw)}`, facts.line !== undefined ? { line: facts.line } : {}));
      continue;
    }
    sink.item(feedItem(part.type, part.value, facts));
  }
}

/** An IntelItem with the facts that are present. */
export function feedItem(type: IndicatorType, value: string, facts: FeedItemFacts): IntelItem {
  const item: IntelItem = { type, value, campaigns: [...facts.campaigns] };
  if (facts.line !== undefined) item.line = facts.line;
  if (facts.description !== undefined && facts.description !== '') item.description = facts.description;
  if (facts.firstSeen !== undefined) item.firstSeen = facts.firstSeen;
  if (facts.lastSeen !== undefined) item.lastSeen = facts.lastSeen;
  if (facts.confidence !== undefined) item.confidence = facts.confidence;
  return item;
}

/** Values of kinds Sightline has no indicator for, counted by kind and reported once per file. */
export class SkippedKinds {
  private readonly counts = new Map<string, number>();

  add(kind: string): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
  }

  /** One `unsupported` diagnostic naming each kind and its count (nothing when none was skipped). */
  report(sink: IntelSink, path: string, what = 'no Sightline indicator type'): void {
    if (this.counts.size === 0) return;
    const list = [...this.counts].map(([k, n]) => `${n} ${k}`).join(', ');
    sink.diagnostic(diag('unsupported', path, `not imported (${what}): ${list}`));
  }
}

/**
 * Campaigns named in a file, each told to the sink once (with its aliases
 * the first time it is seen).
 */
export class FeedCampaigns {
  private readonly seen = new Set<string>();

  constructor(private readonly sink: IntelSink) {}

  /** The campaign list for an item: [name] when there is a name, else [] (the importer then names it after the file). */
  name(name: string, aliases: readonly string[] = []): string[] {
    if (name === '') return [];
    const key = name.toLowerCase();
    if (!this.seen.has(key)) {
      this.seen.add(key);
      const a = [...new Set(aliases.map((x) => x.trim()).filter((x) => x !== '' && x.toLowerCase() !== key && x.length <= MAX_FEED_NAME_CHARS))];
      this.sink.campaign({ name, aliases: a });
    }
    return [name];
  }
}
