/**
 * What an intel reader finds, in pages a worker thread posts to the main
 * thread (intel-read-thread.ts): flat arrays of strings and numbers, which
 * cross a thread boundary far faster than one object per indicator. A page
 * keeps the reader's order exactly: items, and the campaigns and
 * diagnostics said between them.
 */
import { INDICATOR_TYPES, type CampaignInfo, type IndicatorType, type IntelItem } from '../core/model.js';
import type { Diagnostic } from '../core/diagnostic.js';
import type { IntelSink } from '../intel/index.js';
import type { WarninglistIndex } from '../matching/index.js';

/** A sink told, with each item, the first warninglist its value is on when the reader has checked (undefined: not checked). */
export interface CheckedIntelSink extends IntelSink {
  item(i: IntelItem, warninglist?: string | null): void;
}

/** A campaign or diagnostic said before the item at `at` (the page's item count when it was said). */
type PageEvent = { at: number; campaign: CampaignInfo } | { at: number; diagnostic: Diagnostic };

export interface IntelPage {
  /** Bytes of the file this page covers (for progress). */
  bytes: number;
  /** Per item: its type's position in INDICATOR_TYPES. */
  types: number[];
  values: string[];
  /** Per item: its line, or -1 for none. */
  lines: number[];
  /** Per item: its description, or null. */
  descriptions: (string | null)[];
  /** Per item: the first warninglist its value is on, or null; null for the page when the reader did not check. */
  warninglists: (string | null)[] | null;
  /** Items with more than type, value, line and description (campaigns, dates, confidence, a rule's text), whole, by position. */
  whole: [number, IntelItem][];
  events: PageEvent[];
}

const TYPE_NUMBERS: ReadonlyMap<string, number> = new Map(INDICATOR_TYPES.map((t, k) => [t, k]));

/** Gathers what a reader finds into pages (the worker's sink), checking each value against the warninglists when given. */
export class IntelPageBuilder implements IntelSink {
  private page: IntelPage;

  constructor(private readonly lists: WarninglistIndex | null) {
    this.page = emptyPage(lists !== null);
  }

  item(i: IntelItem): void {
    const p = this.page;
    const k = p.values.length;
    p.types.push(TYPE_NUMBERS.get(i.type) ?? 0);
    p.values.push(i.value);
    p.lines.push(i.line ?? -1);
    p.descriptions.push(i.description ?? null);
    if (this.lists !== null) p.warninglists!.push(this.lists.check(i.type, i.value));
    if (i.campaigns.length > 0 || i.ruleSource !== undefined || i.firstSeen !== undefined || i.lastSeen !== undefined
      || i.confidence !== undefined || !TYPE_NUMBERS.has(i.type)) p.whole.push([k, i]);
  }

  campaign(c: CampaignInfo): void {
    this.page.events.push({ at: this.page.values.length, campaign: c });
  }

  diagnostic(d: Diagnostic): void {
    this.page.events.push({ at: this.page.values.length, diagnostic: d });
  }

  /** The page so far (covering `bytes` more of the file), and a new one begun. */
  take(bytes: number): IntelPage {
    const p = this.page;
    p.bytes = bytes;
    this.page = emptyPage(this.lists !== null);
    return p;
  }
}

function emptyPage(checked: boolean): IntelPage {
  return { bytes: 0, types: [], values: [], lines: [], descriptions: [], warninglists: checked ? [] : null, whole: [], events: [] };
}

/** Hands a page's items, campaigns and diagnostics to the sink in the reader's order. */
export function replayPage(p: IntelPage, sink: CheckedIntelSink): void {
  const { types, values, lines, descriptions, warninglists, whole, events } = p;
  let e = 0;
  let w = 0;
  for (let k = 0; k < values.length; k++) {
    for (; e < events.length && events[e]!.at <= k; e++) replayEvent(events[e]!, sink);
    if (w < whole.length && whole[w]![0] === k) {
      sink.item(whole[w]![1], warninglists !== null ? warninglists[k] : undefined);
      w++;
      continue;
    }
    const item: IntelItem = { type: INDICATOR_TYPES[types[k]!] as IndicatorType, value: values[k]!, campaigns: [] };
    const line = lines[k]!;
    if (line >= 0) item.line = line;
    const d = descriptions[k];
    if (d !== null && d !== undefined) item.description = d;
    sink.item(item, warninglists !== null ? warninglists[k] : undefined);
  }
  for (; e < events.length; e++) replayEvent(events[e]!, sink);
}

function replayEvent(e: PageEvent, sink: IntelSink): void {
  if ('campaign' in e) sink.campaign(e.campaign);
  else sink.diagnostic(e.diagnostic);
}
