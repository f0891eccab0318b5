/**
 * A report's input read from a case: the campaign's statistics and victims
 * (analytics), its sightings streamed from the store, its samples, the
 * case's evidence, the campaign's indicators (a YARA rule with its rule
 * file's source, which a STIX pattern needs) and the data credits.
 */
import { campaignStats, openCaseEnricher, type EnrichOptions } from '../analytics/index.js';
import { ASN_CREDITS, GEO_CREDITS } from '../enrich/index.js';
import type { Store, StoredEvidence } from '../store/index.js';
import type { PublishedFigures, ReportIndicator, ReportInput, Tlp } from './types.js';

export interface CaseReportOptions extends EnrichOptions {
  tlp?: Tlp;
  /** ISO 8601; default: now. */
  generatedAt?: string;
  published?: PublishedFigures;
  team?: { name: string };
}

/** The report input for one campaign (name or alias), or null when the case has no such campaign. */
export async function reportInputFromCase(store: Store, campaign: string, opts: CaseReportOptions = {}): Promise<ReportInput | null> {
  const enricher = await openCaseEnricher(store, opts);
  const generatedAt = opts.generatedAt ?? new Date().toISOString();
  const r = await campaignStats(store, campaign, { enricher, now: Date.parse(generatedAt), victims: true });
  if (r === null) return null;
  const name = r.stats.campaign;
  const indicators: ReportIndicator[] = [];
  const intelSources = new Set<string>();
  const rules = await store.yaraSources({ campaign: name, includeWarninglisted: true });
  for await (const i of store.listIndicators({ campaign: name })) {
    for (const s of i.sources) intelSources.add(s);
    if (i.type === 'yara') {
      const rule = new RegExp(`\\brule\\s+${i.value.replace(/[^A-Za-z0-9_]/g, '')}\\b`);
      const source = rules.find((f) => rule.test(f.source));
      indicators.push(source ? { ...i, ruleSource: source.source } : i);
    } else indicators.push(i);
  }
  const evidence: StoredEvidence[] = [];
  for await (const e of store.listEvidence()) evidence.push(e);
  return {
    stats: r.stats,
    aliases: r.activity.aliases,
    victims: r.victims,
    sightings: store.listSightings({ campaign: name }),
    sightingsTotal: r.activity.sightings,
    samples: r.samples,
    evidence,
    indicators,
    intelSources: [...intelSources].sort(),
    tlp: opts.tlp ?? 'clear',
    generatedAt,
    ...(opts.published ? { published: opts.published } : {}),
    credits: [GEO_CREDITS, ASN_CREDITS],
    ...(opts.team ? { team: opts.team } : {}),
  };
}
