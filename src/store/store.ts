/**
 * The case store: one interface, one implementation per database (sqlite/
 * now, postgres/ later with the same files), one conformance suite
 * (store.test.ts) that every implementation passes. Only store/ holds SQL.
 */
import type {
  CampaignInfo, Campaign, Indicator, IndicatorType, EvidenceInfo, Sighting, YaraHit,
} from '../core/model.js';

/** One indicator to merge into the case, with the campaign and source that name it. */
export interface IndicatorInput {
  type: IndicatorType;
  value: string;
  campaign: string;
  source: string;
  warninglist: string | null;
  description?: string;
  /** For `yara`: the source text of the file the rule came from. */
  ruleSource?: string;
}

export interface ImportCounts {
  /** Indicators new to the case. */
  added: number;
  /** Indicators the case had already (their campaigns and sources merged). */
  merged: number;
}

export interface IndicatorFilter {
  campaign?: string;
  type?: IndicatorType;
}

/** An indicator as a hunt needs it: its row id for sightings. */
export interface HuntIndicator {
  id: number;
  type: IndicatorType;
  value: string;
  campaigns: string[];
}

export interface HuntFilter {
  campaign?: string;
  includeWarninglisted: boolean;
}

/** A sighting as a hunt records it. */
export interface SightingInput {
  indicatorId: number;
  matched: string;
  field: string;
  /** Epoch ms or null. */
  ts: number | null;
  src: string | null;
  dst: string | null;
  line?: number;
  packet?: number;
  inside?: string;
  /** sha256 of the sample (scanned file or archive member) the sighting was made in. */
  sample?: string;
  /** For YARA sightings: what the rule matched. */
  yara?: YaraHit;
}

/** A scanned file's facts, as a hunt records them. */
export interface SampleInput {
  sha256: string;
  md5: string;
  sha1: string;
  size: number;
  type: string;
  /** Where it was found: a path, or `archive.zip!member`. */
  path: string;
  /** Type-specific facts (PE) as a JSON-serialisable object, or null. */
  facts: unknown;
}

/** A sample as `samples --json` prints it (DESIGN.md, sample line). */
export interface SampleRecord {
  sha256: string;
  md5: string;
  sha1: string;
  size: number;
  type: string;
  paths: string[];
  campaigns: string[];
  yara: string[];
  pe: unknown;
}

export interface SampleFilter {
  campaign?: string;
}

export interface SightingFilter {
  campaign?: string;
  /** Epoch ms bounds, inclusive. */
  since?: number;
  until?: number;
  src?: string;
}

/** Evidence already in the case. */
export interface StoredEvidence extends EvidenceInfo {
  id: number;
  huntedAt: string;
}

export interface EvidenceCommit extends EvidenceInfo {
  mtimeMs: number;
}

/**
 * Writes one evidence file's sightings in one transaction: nothing is
 * visible until commit(), and a process killed before it leaves no trace.
 */
export interface EvidenceWriter {
  addSightings(rows: readonly SightingInput[]): Promise<void>;
  /** Records samples (merging paths into samples the case already has). */
  addSamples(rows: readonly SampleInput[]): Promise<void>;
  /**
   * 'duplicate' when evidence with the same sha256 is already in the case:
   * nothing is written but the new paths of samples the case already has.
   */
  commit(info: EvidenceCommit): Promise<'committed' | 'duplicate'>;
  rollback(): Promise<void>;
}

export interface Store {
  /** Where the case lives (file path or URL without password). */
  readonly location: string;
  /** Creates campaigns, merging aliases into existing ones (names compare case-insensitively). */
  addCampaigns(campaigns: readonly CampaignInfo[]): Promise<void>;
  /** Merges a batch of indicators in one transaction. */
  addIndicators(batch: readonly IndicatorInput[]): Promise<ImportCounts>;
  /** The canonical name of a campaign given its name or an alias (case-insensitive), or null. */
  resolveCampaign(nameOrAlias: string): Promise<string | null>;
  listIndicators(filter: IndicatorFilter): AsyncIterable<Indicator>;
  listCampaigns(): Promise<Campaign[]>;
  /** The indicators a hunt looks for, in id order, a page (thousands) at a time. */
  huntIndicators(filter: HuntFilter): AsyncIterable<HuntIndicator[]>;
  /** The distinct rule-file sources of the `yara` indicators selected by the filter. */
  yaraSources(filter: HuntFilter): Promise<{ name: string; source: string }[]>;
  evidenceByFile(path: string, size: number, mtimeMs: number): Promise<StoredEvidence | null>;
  beginEvidence(): Promise<EvidenceWriter>;
  listSightings(filter: SightingFilter): AsyncIterable<Sighting>;
  listSamples(filter: SampleFilter): AsyncIterable<SampleRecord>;
  close(): Promise<void>;
}
