/**
 * Sightline's concepts as types (docs/design.md, "The concepts"). Every layer
 * speaks these; nothing here does I/O.
 */

/**
 * The indicator types of docs/design.md. A `yara` indicator's value is the
 * rule's name. A `sinkhole` indicator stands for a campaign's sinkholed C2
 * (its value: the campaign's name, lower-cased): it is made by `hunt
 * --sinkhole`, never read from intel, and matched by no observation. An
 * `imphash` is a PE import hash (32 hex digits like an md5, but another
 * kind: matched only against import hashes, never against file digests).
 */
export const INDICATOR_TYPES = [
  'domain', 'ipv4', 'ipv6', 'cidr', 'url', 'md5', 'sha1', 'sha256', 'imphash', 'filename', 'email', 'yara', 'sinkhole',
] as const;
export type IndicatorType = (typeof INDICATOR_TYPES)[number];

export function isIndicatorType(s: string): s is IndicatorType {
  return (INDICATOR_TYPES as readonly string[]).includes(s);
}

/**
 * One normalised indicator as an intel reader produces it, before it is
 * merged into a case. `value` is already normalised (see core/normalize.ts).
 */
export interface IntelItem {
  type: IndicatorType;
  value: string;
  /** Campaign names the source attaches to this value (may be empty: the importer then uses the file's base name). */
  campaigns: string[];
  /** Free text from the source (a pulse title, an IOC list comment). */
  description?: string;
  /** For `yara`: the full source text of the file the rule came from, so a hunt can recompile it. */
  ruleSource?: string;
  /** Physical line (1-based) in the source file, when it has lines. */
  line?: number;
  /** When the source first saw the value: ISO 8601 UTC (`2024-01-02T03:04:05Z`, or a date `2024-01-02`). */
  firstSeen?: string;
  /** When the source last saw the value, as firstSeen. */
  lastSeen?: string;
  /** The source's confidence in the value, 0–100 (ThreatFox's `confidence_level`). */
  confidence?: number;
}

/** A campaign as named by a source, with its aliases. */
export interface CampaignInfo {
  name: string;
  aliases: string[];
}

/** An indicator as stored in a case (`intel list --json`). */
export interface Indicator {
  type: IndicatorType;
  value: string;
  campaigns: string[];
  sources: string[];
  /** Name of the MISP warninglist the value is on, or null. */
  warninglist: string | null;
  /** The earliest first-seen time any source gave (present only when one did). */
  firstSeen?: string;
  /** The latest last-seen time any source gave (present only when one did). */
  lastSeen?: string;
  /** The highest confidence any source gave, 0–100 (present only when one did). */
  confidence?: number;
}

/** A stored campaign with its indicator counts (`campaign list --json`). */
export interface Campaign {
  name: string;
  aliases: string[];
  indicators: number;
  byType: Partial<Record<IndicatorType, number>>;
}

/** What kind of value an observation carries; decides which index it is looked up in. */
export type ObservedKind = 'domain' | 'ip' | 'url' | 'hash' | 'imphash' | 'filename' | 'email';

/** The process an event names (Sysmon's `Image`, `ProcessId`, `ProcessGuid`; Security's process name and id): which program did it. */
export interface ProcessRef {
  /** Full path of the program's image, as the event wrote it; null when the event names none. */
  image: string | null;
  /** Process id (Security events write it in hex; it is given here in decimal); null when absent. */
  pid: number | null;
  /** Sysmon's ProcessGuid (`{…}`), unique per process start on a host; null when absent. */
  guid: string | null;
}

/**
 * One thing seen in evidence: one value in one field of one record.
 * A DNS record with a query and two answers is three observations.
 */
export interface Observation {
  /** Where in the record the value sat: `dns.query`, `dns.answer`, `http.host`, `http.url`, `conn.resp_h`, `tls.sni`, `file.sha256`, `file.name`, `x509.san`, `smtp.from`, `yara`, … */
  field: string;
  kind: ObservedKind;
  /** The value as seen (matching normalises it). */
  value: string;
  /** Epoch milliseconds, or null when the record has none. */
  ts: number | null;
  /** The host that asked, connected or received. */
  src: string | null;
  /** The other end. */
  dst: string | null;
  /** 1-based physical line, for text formats. */
  line?: number;
  /** 1-based packet number, for captures. */
  packet?: number;
  /** Archive member path, for files found inside archives. */
  inside?: string;
  /** The event's record number (Windows event logs: EventRecordID), when the record has one. */
  record?: number;
  /** The process the record names (Windows event logs), when it names one. */
  process?: ProcessRef;
}

/** Where a sighting was found (`evidence` in the sighting line). */
export interface SightingEvidence {
  path: string;
  format: string;
  line?: number;
  packet?: number;
  inside?: string;
  /** Windows event logs: the event's EventRecordID. */
  record?: number;
}

/** An indicator matched by an observation (docs/design.md, sighting line). */
export interface Sighting {
  indicator: { type: IndicatorType; value: string; campaigns: string[] };
  matched: string;
  field: string;
  /** ISO 8601 UTC, or null. */
  ts: string | null;
  src: string | null;
  dst: string | null;
  evidence: SightingEvidence;
  /** For `field: "yara"`: what the rule matched (absent otherwise). */
  yara?: YaraHit;
  /** The implant's own host identifier the record carried (a beacon's `hostid=…`), when it did. */
  hostId?: string;
  /** The process the event named (Windows event logs), when it named one: which program beaconed. */
  process?: ProcessRef;
}

/** A YARA rule's match in a scanned file: its namespace (the rule file), tags, metadata and matched strings. */
export interface YaraHit {
  namespace: string;
  tags: string[];
  meta: Record<string, string | number | boolean>;
  /** Each matched string identifier with its first offsets (capped) and how many matches there were. */
  strings: { identifier: string; offsets: number[]; count: number }[];
}

/** One input file read by a hunt. */
export interface EvidenceInfo {
  path: string;
  sha256: string;
  format: string;
  size: number;
  lines: number;
  records: number;
  skipped: number;
}
