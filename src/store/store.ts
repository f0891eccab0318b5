/**
 * The case store: one interface, one implementation per database (sqlite/
 * now, postgres/ later with the same files), one conformance suite
 * (store.test.ts) that every implementation passes. Only store/ holds SQL.
 */
import type {
  CampaignInfo, Campaign, Indicator, IndicatorType, EvidenceInfo, ProcessRef, Sighting, YaraHit,
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
  /** As IntelItem's: kept as the earliest first-seen, latest last-seen and highest confidence of every source. */
  firstSeen?: string;
  lastSeen?: string;
  confidence?: number;
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
  /** Only indicators whose value (a rule by its name) contains this text, case-insensitively. */
  search?: string;
  /** Only indicators sighted (true) or never sighted (false); crawlers and scanners of a sinkhole do not count. */
  sighted?: boolean;
  /** Only indicators with ids above this (a listing's cursor). */
  afterId?: number;
}

/** An indicator with its row id (a listing's cursor) and how often it was sighted. */
export interface IndicatorRow {
  id: number;
  indicator: Indicator;
  /** Sightings of it (crawlers and scanners of a sinkhole aside). */
  sightings: number;
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
  /** Only indicator references of import generations up to this one (default: all). */
  gen?: number;
}

/**
 * What one hunt selected: its campaign and warninglist choice and the import
 * generation it saw. An evidence file records the selections it was hunted
 * with, per format family; a later hunt matches only the indicators no
 * earlier selection covered (retro-hunting).
 */
export interface HuntSelection {
  campaign?: string;
  includeWarninglisted: boolean;
  gen: number;
}

/** Where a hunt may keep the index it builds for a selection, and what the index depends on. */
export interface IndexKey {
  /** A folder for the case's index files (created by whoever writes one). */
  dir: string;
  /**
   * Changes whenever the indicators the selection sees may have changed: the
   * selection, its generation, and the case's identity (a case file deleted
   * and created again at the same path is another case).
   */
  key: string;
}

/** How one evidence file was read in one hunt: a format family and what it counted. */
export interface EvidencePass {
  /** The family the hunt read the file as (`zeek`, `squid`, `text`, `files`, `pcap`…). */
  family: string;
  /** The format stored and shown (`zeek-dns`, `squid`…). */
  format: string;
  lines: number;
  records: number;
  skipped: number;
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
  /** The implant's own host identifier the record carried (a beacon's `hostid=…`). */
  hostId?: string;
  /** Windows event logs: the event's EventRecordID. */
  record?: number;
  /** Windows event logs: the process the event named. */
  process?: ProcessRef;
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
  /** Type-specific facts (PE) as JSON text, or null (serialised where they were made: a worker thread). */
  factsJson: string | null;
}

/** A sample as `samples --json` prints it (docs/design.md, sample line). */
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
  /** Only the sample with this md5, sha1 or sha256 (any case). */
  hash?: string;
  /** Only samples with row ids above this (a listing's cursor). */
  afterId?: number;
}

/** A sample with its row id (a listing's cursor). */
export interface SampleRow {
  id: number;
  sample: SampleRecord;
}

export interface SightingFilter {
  campaign?: string;
  /** Only sightings of this evidence with ids above `afterId` (what one commit stored). */
  evidenceId?: number;
  afterId?: number;
  /** Epoch ms bounds, inclusive. */
  since?: number;
  until?: number;
  src?: string;
  /**
   * Only sightings of this indicator: its value as stored (normalised; a
   * `yara` rule by its name or its stored `file:rule`), of this type when given.
   */
  indicator?: { type?: IndicatorType; value: string };
  /** At most this many sightings (the first ones in id order). */
  limit?: number;
}

/**
 * Where a page in time order resumes: after this sighting's time key
 * (SightingRow.timeKey of the last row of the page before).
 */
export interface SightingTimeKey {
  /** Epoch ms, or null for the sightings with no time (listed after every timed one). */
  ts: number | null;
  indicatorId: number;
  id: number;
}

/** What orders a page of sightings: ids (the default), or time (then indicator id, then id) resuming after `after`. */
export type SightingOrder = { by: 'id' } | { by: 'time'; after?: SightingTimeKey };

/** A sighting with its row id (ascending: a listing's cursor) and the id of its evidence. */
export interface SightingRow {
  id: number;
  evidenceId: number;
  sighting: Sighting;
  /** Its key in time order (a time-ordered page's cursor). */
  timeKey: SightingTimeKey;
}

/** Evidence with the sightings the case holds in it. */
export interface EvidenceRow extends StoredEvidence {
  sightings: number;
}

export interface EvidenceFilter {
  /** Only this evidence. */
  id?: number;
  /** Only the evidence with this content (hex sha256). */
  sha256?: string;
  /** Only evidence with ids above this (a listing's cursor). */
  afterId?: number;
}

/**
 * Marks of what the case holds, read cheaply: anything computed from the case
 * (a campaign's statistics) is stale once they differ from when it was computed.
 */
export interface CaseRevision {
  /** Changes whenever sightings, evidence, samples, indicators or campaigns change (asset changes included). */
  data: string;
  /** Changes whenever the asset directory changes. */
  assets: number;
}

/** The API's roles: a reader reads, an analyst also uploads intel, evidence and assets. */
export type ApiRole = 'reader' | 'analyst';

/** A bearer token of the API, as the case keeps it: the SHA-256 of the token, never the token. */
export interface ApiToken {
  id: number;
  /** Hex SHA-256 of the token's text. */
  sha256: string;
  role: ApiRole;
  name: string | null;
  /** ISO 8601 UTC. */
  createdAt: string;
}

/** Evidence already in the case. */
export interface StoredEvidence extends EvidenceInfo {
  id: number;
  huntedAt: string;
  mtimeMs: number;
  /** The format families it has been hunted in (`*`: any, for evidence hunted before retro-hunting existed). */
  families: string[];
}

export interface EvidenceCommit {
  path: string;
  sha256: string;
  size: number;
  mtimeMs: number;
  /** How the file was read (one pass per family: a text file is read as text and scanned as a file). */
  passes: readonly EvidencePass[];
}

/** What a commit stored. */
export interface CommitOutcome {
  /** The evidence the sightings belong to. */
  evidenceId: number;
  /** 'new': evidence new to the case; 'known': the same content (sha256) was already in the case. */
  status: 'new' | 'known';
  /** The path the case knows the content by (differs from the commit's path for a copy). */
  path: string;
  /** The committed file's sha256, and the format it was first read as. */
  sha256: string;
  format: string;
  /** Sightings stored: those the evidence's earlier hunts had not already found. */
  sightings: number;
  /** Sightings staged but already in the case (met by an earlier hunt of the same content). */
  alreadyKnown: number;
  /** Samples new to the case. */
  samples: number;
  /** The stored sightings are this evidence's sightings with ids above this (list them with SightingFilter evidenceId and afterId). */
  afterId: number;
}

/**
 * Stages evidence files' sightings and samples outside the case's write lock
 * (memory, then a temporary file), and writes them in one short transaction
 * at commit(): nothing is visible before, and a process killed before it
 * leaves no trace. Several small files can be staged one after the other
 * (end() closes each) and stored together: a hunt of ten thousand small
 * files does not pay a transaction for each. Calls are awaited; a slow
 * store holds the reader back.
 */
export interface EvidenceWriter {
  addSightings(pass: { family: string; format: string }, rows: readonly SightingInput[]): Promise<void>;
  /** Records samples (merging paths into samples the case already has). */
  addSamples(rows: readonly SampleInput[]): Promise<void>;
  /** Closes the file being staged: it is stored at commit(), after the files ended before it. */
  end(info: EvidenceCommit): void;
  /** Drops what was staged for the file being staged (it turned out to be unreadable, or changed). */
  discard(): void;
  /** Files ended and waiting for commit(). */
  readonly files: number;
  /**
   * Stores every ended file, in order, in one transaction. For a file whose
   * content (sha256) the case already holds, the sightings its earlier hunts
   * covered are dropped and the rest join that evidence.
   */
  commit(): Promise<CommitOutcome[]>;
  rollback(): Promise<void>;
}

/**
 * Stages one imported file's indicators and campaigns outside the case's
 * write lock (a temporary table, spilling to a temporary file), and merges
 * them in one short transaction at commit(): one import generation for the
 * whole file, nothing visible before, nothing left behind by a process
 * killed before it. Several writers (connections, processes) may stage at
 * once; their commits take turns. One open writer per connection.
 */
export interface IndicatorWriter {
  /** Stages indicators (in memory, then a temporary file; the case is not touched). */
  add(batch: readonly IndicatorInput[]): Promise<void>;
  /** Stages campaigns with aliases; they are created first at commit, so indicators naming an alias land on its campaign. */
  addCampaigns(campaigns: readonly CampaignInfo[]): Promise<void>;
  /**
   * Merges what was staged in one transaction. Every reference it adds gets
   * one new import generation, above every existing one; references the case
   * already had keep theirs. Counts are of distinct (type, value) keys.
   */
  commit(): Promise<ImportCounts>;
  /** Drops what was staged. */
  rollback(): Promise<void>;
}

/** An entry of the asset directory (`assets import`): an address, CIDR or host name and who owns it. */
export interface AssetRecord {
  address: string;
  kind: 'ip' | 'cidr' | 'host';
  organisation: string | null;
  /** Lower-case, as written otherwise; null when the directory does not say. */
  sector: string | null;
  /** ISO 3166-1 alpha-2, upper-case, or null. */
  country: string | null;
}

/** One source host's activity behind a campaign's sightings, from the roll-ups. */
export interface SourceActivity {
  /** The source host ('' for sightings without one, such as a scanned file's). */
  src: string;
  /** '' for a victim; 'crawler' or 'scanner' for a sinkhole's clients counted apart. */
  kind: string;
  firstTs: number | null;
  lastTs: number | null;
  sightings: number;
  /** The campaign's indicators it hit (ids, ascending). */
  indicatorIds: number[];
}

/** A campaign's indicator with how often it was sighted. */
export interface IndicatorActivity {
  id: number;
  type: IndicatorType;
  value: string;
  sightings: number;
  /** Distinct victims (source hosts of kind '') it was sighted from. */
  victims: number;
}

/** What a campaign's statistics are computed from (docs/design.md, campaign analytics): the roll-ups, summed. */
export interface CampaignActivity {
  campaign: string;
  aliases: string[];
  /**
   * The victims (distinct source hosts of kind ''), as two columns: each
   * one's address and first sighting time (epoch ms or null). Columns, not
   * objects: a sinkhole's campaign has a hundred thousand.
   */
  victims: { src: string[]; firstTs: (number | null)[] };
  /** Distinct clients counted apart (a sinkhole's crawlers and scanners). */
  excluded: { crawlers: number; scanners: number };
  /** The first and last time of the victims' sightings. */
  firstTs: number | null;
  lastTs: number | null;
  /** All sightings of the campaign, victims', excluded clients' and those without a source host alike. */
  sightings: number;
  /** Sightings per UTC day (days since 1970-01-01), ascending; sightings without a time, and of clients counted apart, are not in it. */
  days: { day: number; sightings: number }[];
  /** How many indicators the campaign holds, by type (sighted or not). */
  indicatorsByType: Partial<Record<IndicatorType, number>>;
  /** The campaign's indicators sighted (clients counted apart aside), in id order. */
  indicators: IndicatorActivity[];
  /** Distinct implant host identifiers of the campaign's sightings. */
  hostIds: number;
}

/** Another campaign sharing victims or indicators with one campaign. */
export interface CampaignOverlap {
  campaign: string;
  /** Victim addresses (kind '') both campaigns' sightings came from, sorted. */
  sharedVictims: string[];
  /** Indicators both campaigns hold, as `type:value` (a rule by its name), sorted. */
  sharedIndicators: string[];
}

export interface Store {
  /** Where the case lives (file path or URL without password). */
  readonly location: string;
  /** Creates campaigns, merging aliases into existing ones (names compare case-insensitively). */
  addCampaigns(campaigns: readonly CampaignInfo[]): Promise<void>;
  /** Merges a batch of indicators in one transaction (one import generation): beginImport, add, commit. */
  addIndicators(batch: readonly IndicatorInput[]): Promise<ImportCounts>;
  /** Starts staging one imported file's indicators. */
  beginImport(): Promise<IndicatorWriter>;
  /** The canonical name of a campaign given its name or an alias (case-insensitive), or null. */
  resolveCampaign(nameOrAlias: string): Promise<string | null>;
  listIndicators(filter: IndicatorFilter): AsyncIterable<Indicator>;
  listCampaigns(): Promise<Campaign[]>;
  /** The indicators a hunt looks for, in id order, a page (thousands) at a time. */
  huntIndicators(filter: HuntFilter): AsyncIterable<HuntIndicator[]>;
  /** The distinct rule-file sources of the `yara` indicators selected by the filter. */
  yaraSources(filter: HuntFilter): Promise<{ name: string; source: string }[]>;
  /** The newest import generation (0 for a case without indicators). */
  currentGeneration(): Promise<number>;
  /** Where the index of a selection may be kept, and its key; null when the case has no folder for it (an in-memory case). */
  indexKey(selection: HuntSelection): Promise<IndexKey | null>;
  /** Whether the case holds any indicator the filter selects. */
  hasIndicators(filter: HuntFilter): Promise<boolean>;
  evidenceByFile(path: string, size: number, mtimeMs: number): Promise<StoredEvidence | null>;
  /** Every evidence file of the case, in id order. */
  listEvidence(): AsyncIterable<StoredEvidence>;
  /**
   * Whether evidence `evidenceId`, read as `family`, has already met every
   * indicator the selection holds (then hunting it again adds nothing).
   */
  isCovered(evidenceId: number, family: string, selection: HuntSelection): Promise<boolean>;
  /**
   * Claims an evidence file for this process before it is read; null when
   * the claim is taken, else who holds it (another live process). Claims of
   * processes that are gone (this host) or older than a day are taken over.
   */
  claimFiles(files: readonly { path: string; size: number; mtimeMs: number }[]): Promise<({ host: string; pid: number } | null)[]>;
  /** Gives a claim of this process back (a commit gives back the claim of the file it commits). */
  releaseFile(file: { path: string; size: number; mtimeMs: number }): Promise<void>;
  /** Starts staging evidence files hunted with `selection` (one writer at a time per store). */
  beginEvidence(selection: HuntSelection): Promise<EvidenceWriter>;
  listSightings(filter: SightingFilter): AsyncIterable<Sighting>;
  /**
   * One page of sightings with their ids: in id order (above
   * `filter.afterId`), or in time order (time, then indicator id, then id;
   * sightings without a time last) after `order.after` — a time window's
   * page read from the (ts, indicator_id) index without sorting the window.
   */
  pageSightings(filter: SightingFilter, limit: number, order?: SightingOrder): Promise<SightingRow[]>;
  listSamples(filter: SampleFilter): AsyncIterable<SampleRecord>;
  /** One page of samples in row order (above `filter.afterId`), with their ids. */
  pageSamples(filter: SampleFilter, limit: number): Promise<SampleRow[]>;
  /** One page of indicators in id order (above `filter.afterId`), with their ids and sighting counts. */
  pageIndicators(filter: IndicatorFilter, limit: number): Promise<IndicatorRow[]>;
  /** One page of evidence in id order (above `filter.afterId`), with the sightings each holds. */
  pageEvidence(filter: EvidenceFilter, limit: number): Promise<EvidenceRow[]>;
  /** Cheap marks that change whenever what the case holds changes. */
  revision(): Promise<CaseRevision>;
  /** The roll-ups of one campaign (name or alias), or null when the case has no such campaign. */
  campaignActivity(campaign: string): Promise<CampaignActivity | null>;
  /** One row per (source host, kind) of a campaign's sightings, in no particular order (what `victims` lists). */
  campaignSources(campaign: string): Promise<SourceActivity[]>;
  /** Distinct (implant host identifier, source host) pairs of a campaign's sightings, by host id. */
  campaignHostIds(campaign: string): Promise<{ hostId: string; src: string }[]>;
  /** Every other campaign sharing victims or indicators with `campaign`, by name. */
  campaignOverlap(campaign: string): Promise<CampaignOverlap[]>;
  /** Sets the URL parameters naming a campaign's implant host identifier (beside `hostid`, always recognised). */
  setHostIdParams(campaign: string, params: readonly string[]): Promise<void>;
  /** Every campaign's host-identifier parameters, `hostid` first, lower-cased, distinct. */
  hostIdParams(): Promise<string[]>;
  /** Adds asset directory entries (an entry for an address already listed replaces it), in one transaction. */
  addAssets(rows: readonly AssetRecord[]): Promise<{ added: number; replaced: number }>;
  listAssets(): Promise<AssetRecord[]>;
  /** Stores an API token by its hash (the token itself is never stored). */
  addApiToken(token: { sha256: string; role: ApiRole; name: string | null }): Promise<ApiToken>;
  /** Every API token of the case, in id order. */
  listApiTokens(): Promise<ApiToken[]>;
  /** Removes an API token; false when there was none with this id. */
  revokeApiToken(id: number): Promise<boolean>;
  /** Where a pull stopped, by the puller's name for it (`taxii <api root> <collection>`), or null. */
  syncState(name: string): Promise<string | null>;
  /** Records where a pull stopped. */
  setSyncState(name: string, value: string): Promise<void>;
  close(): Promise<void>;
}
