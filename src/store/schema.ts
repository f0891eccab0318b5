/** Table types for Kysely, shared by every store implementation. */
import type { Generated } from 'kysely';

export interface CampaignTable { id: Generated<number>; name: string; host_id_params: string | null }
export interface CampaignAliasTable { campaign_id: number; alias: string }
export interface SourceTable { id: Generated<number>; name: string }
export interface RuleSourceTable { id: Generated<number>; sha256: string; name: string; text: string }
export interface IndicatorTable {
  id: Generated<number>;
  type: string;
  value: string;
  warninglist: string | null;
  description: string | null;
  rule_source_id: number | null;
  /** Migration 0009: the earliest first-seen, latest last-seen and highest confidence the sources gave. */
  first_seen: string | null;
  last_seen: string | null;
  confidence: number | null;
}
export interface IndicatorRefTable { indicator_id: number; campaign_id: number; source_id: number; gen: number }
export interface EvidenceTable {
  id: Generated<number>;
  path: string;
  sha256: string;
  format: string;
  size: number;
  mtime_ms: number;
  lines: number;
  records: number;
  skipped: number;
  hunted_at: string;
}
export interface SightingTable {
  id: Generated<number>;
  evidence_id: number;
  indicator_id: number;
  matched: string;
  field: string;
  ts: number | null;
  src: string | null;
  dst: string | null;
  line: number | null;
  packet: number | null;
  inside: string | null;
  sample_sha256: string | null;
  detail: string | null;
  format: string | null;
  host_id: string | null;
}

export interface EvidenceHuntTable {
  id: Generated<number>;
  evidence_id: number;
  family: string;
  format: string;
  max_gen: number;
  campaign_id: number | null;
  include_warninglisted: number;
  lines: number;
  records: number;
  skipped: number;
  hunted_at: string;
}

export interface HuntClaimTable {
  path: string;
  size: number;
  mtime_ms: number;
  host: string;
  pid: number;
  claimed_at: number;
}

export interface SampleTable {
  sha256: string;
  md5: string;
  sha1: string;
  size: number;
  type: string;
  facts: string | null;
  first_seen: string;
}
export interface SamplePathTable { sha256: string; path: string }

/** Roll-ups kept by every evidence commit (migration 0007). */
export interface RollupSrcTable { indicator_id: number; src: string; kind: string; first_ts: number | null; last_ts: number | null; sightings: number }
export interface RollupDayTable { indicator_id: number; day: number; sightings: number }
export interface RollupHostTable { indicator_id: number; host_id: string; src: string; sightings: number }
export interface AssetTable {
  id: Generated<number>;
  address: string;
  kind: string;
  organisation: string | null;
  sector: string | null;
  country: string | null;
}

/** The API's bearer tokens (migration 0008): the SHA-256 of each, never the token. */
export interface ApiTokenTable { id: Generated<number>; sha256: string; role: string; name: string | null; created_at: string }
/** Counters of writes that change statistics without adding sightings (migration 0008). */
export interface CaseRevisionTable { name: string; value: number }
/** Where each pull stopped (migration 0009), by the puller's name for it. */
export interface SyncStateTable { name: string; value: string; updated_at: string }

export interface Database {
  sample: SampleTable;
  sample_path: SamplePathTable;
  campaign: CampaignTable;
  campaign_alias: CampaignAliasTable;
  source: SourceTable;
  rule_source: RuleSourceTable;
  indicator: IndicatorTable;
  indicator_ref: IndicatorRefTable;
  evidence: EvidenceTable;
  evidence_hunt: EvidenceHuntTable;
  hunt_claim: HuntClaimTable;
  sighting: SightingTable;
  rollup_src: RollupSrcTable;
  rollup_day: RollupDayTable;
  rollup_host: RollupHostTable;
  asset: AssetTable;
  api_token: ApiTokenTable;
  case_revision: CaseRevisionTable;
  sync_state: SyncStateTable;
}
