/**
 * The STIX 2.1 bundle of a campaign report (docs/report.md, STIX): the
 * reporting team's identity, the campaign and the malware it uses, the
 * campaign's indicators, one summary sighting per sighted indicator with the
 * victims' organisations (identity objects) as where_sighted_refs and one
 * observed-data object
 * per evidence file × indicator, all gathered in a report object.
 *
 * Ids are UUIDv5, so the same case gives the same bundle: SDOs and SROs
 * under a namespace made from SIGHTLINE_STIX_NAMESPACE and the team's name
 * (two teams reporting the same campaign make different objects); SCOs as
 * STIX 2.1 §2.9 says, under the SCO namespace from the canonical JSON of
 * their id-contributing properties.
 */
import { basename } from 'node:path';
import type { IndicatorType } from '../core/model.js';
import type { SampleRecord, StoredEvidence } from '../store/store.js';
import type { Victim } from '../analytics/types.js';
import { indicatorKey, type SightingsDigest } from './collect.js';
import type { ReportIndicator, ReportInput, Tlp } from './types.js';
import { ChunkedWriter } from './chunked-writer.js';
import { uuidV5 } from './uuid.js';

/** Sightline's namespace for report object ids (a random UUID chosen once; never change it). */
export const SIGHTLINE_STIX_NAMESPACE = 'a2a1e3d4-0655-4048-89de-af2d11a1cbf0';
/** STIX 2.1 §2.9: the namespace of deterministic SCO ids. */
export const STIX_SCO_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';
/** STIX caps counts (sighting count, number_observed) at this. */
const MAX_STIX_COUNT = 999_999_999;

/** The TLP 2.0 marking definitions OASIS publishes (cti-stix-common-objects, extension-definition-specifications/tlp-2.0). */
const TLP_EXTENSION = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';
const TLP_MARKINGS: Record<Tlp, string> = {
  clear: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  green: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  amber: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  red: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};

export type StixObject = { type: string; id: string } & Record<string, unknown>;

export interface StixBundle {
  type: 'bundle';
  id: string;
  objects: StixObject[];
}

/** The same regular expressions the STIX schemas' formats are checked with (ajv-formats, full mode). */
const HOSTNAME = /^(?=.{1,253}\.?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[-0-9a-z]{0,61}[0-9a-z])?)*\.?$/i;
const EMAIL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\/(?:3[0-2]|[12]?\d))?$/;
const IPV6 = /^[0-9a-f:.]+(?:\/(?:12[0-8]|1[01]\d|[1-9]?\d))?$/i;
const HASH_LENGTHS: Record<string, string> = { md5: 'MD5', sha1: 'SHA-1', sha256: 'SHA-256' };

/** JSON with object keys sorted (RFC 8785 for the strings and flat objects SCO ids are made of). */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** A STIX pattern string literal: backslash and quote escaped. */
function quote(v: string): string {
  return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The STIX pattern of an indicator (a YARA rule's pattern is its source, pattern_type yara). */
export function stixPattern(type: Exclude<IndicatorType, 'yara'>, value: string): string {
  switch (type) {
    case 'domain': return `[domain-name:value = ${quote(value)}]`;
    case 'ipv4': return `[ipv4-addr:value = ${quote(value)}]`;
    case 'ipv6': return `[ipv6-addr:value = ${quote(value)}]`;
    case 'cidr': return `[${value.includes(':') ? 'ipv6-addr' : 'ipv4-addr'}:value = ${quote(value)}]`;
    case 'url': return `[url:value = ${quote(value)}]`;
    case 'md5': return `[file:hashes.MD5 = ${quote(value)}]`;
    case 'sha1': return `[file:hashes.'SHA-1' = ${quote(value)}]`;
    case 'sha256': return `[file:hashes.'SHA-256' = ${quote(value)}]`;
    // STIX 2.1 §6.7.2 (the windows-pebinary-ext extension's imphash property).
    case 'imphash': return `[file:extensions.'windows-pebinary-ext'.imphash = ${quote(value)}]`;
    case 'filename': return `[file:name = ${quote(value)}]`;
    case 'email': return `[email-addr:value = ${quote(value)}]`;
    // A sinkholed C2's beacons (hunt --sinkhole): no observable names them, so a custom object type
    // (STIX 2.1 §9.4 allows `x-` types in patterns) says what was matched: every request to the sinkhole.
    case 'sinkhole': return `[x-sightline-sinkhole:campaign = ${quote(value)}]`;
  }
}

/** Hashes as a file SCO carries them, and the one its id is made from (MD5, else SHA-1, else SHA-256, as the stix2 library picks). */
function oneHash(hashes: Record<string, string>): Record<string, string> {
  for (const k of ['MD5', 'SHA-1', 'SHA-256']) if (hashes[k] !== undefined) return { [k]: hashes[k]! };
  return hashes;
}

const STIX_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** An ISO time as STIX writes it (UTC, milliseconds), or null. */
function toStixTime(iso: string | null | undefined): string | null {
  if (iso === null || iso === undefined) return null;
  if (STIX_TIME.test(iso)) return iso;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/**
 * Writes a bundle as JSON with one object per line (grep- and diff-friendly,
 * and never one giant string), ending in a newline.
 */
export async function writeStixBundle(path: string, bundle: StixBundle): Promise<void> {
  const out = new ChunkedWriter(path);
  out.push(`{\n  "type": "bundle",\n  "id": ${JSON.stringify(bundle.id)},\n  "objects": [\n`);
  for (const [i, o] of bundle.objects.entries()) {
    if (out.push(`    ${JSON.stringify(o)}${i + 1 < bundle.objects.length ? ',' : ''}\n`)) await out.flush();
  }
  out.push('  ]\n}\n');
  await out.close();
}

export interface StixResult {
  bundle: StixBundle;
  /** What was left out, and why. */
  notes: string[];
}

export function buildStixBundle(input: ReportInput, digest: SightingsDigest, summary: string): StixResult {
  const notes: string[] = [];
  const campaignName = input.stats.campaign;
  const teamName = input.team?.name ?? 'Sightline user';
  const ns = uuidV5(SIGHTLINE_STIX_NAMESPACE, `team:${teamName}`);
  const sdoId = (type: string, name: string) => `${type}--${uuidV5(ns, `${type}:${name}`)}`;
  const scoId = (type: string, contributing: Record<string, unknown>) => `${type}--${uuidV5(STIX_SCO_NAMESPACE, canonicalJson(contributing))}`;
  const time = toStixTime(input.generatedAt);
  if (time === null) throw new Error(`generatedAt is not a time: ${JSON.stringify(input.generatedAt)}`);
  const marking = TLP_MARKINGS[input.tlp];
  const teamId = sdoId('identity', teamName);
  const common = (type: string, id: string): StixObject => ({
    type, spec_version: '2.1', id, created_by_ref: teamId, created: time, modified: time, object_marking_refs: [marking],
  });
  const relationship = (kind: string, source: string, target: string): StixObject => ({
    ...common('relationship', sdoId('relationship', `${kind}:${source}:${target}`)),
    relationship_type: kind, source_ref: source, target_ref: target,
  });

  const objects: StixObject[] = [];
  objects.push({
    type: 'marking-definition', spec_version: '2.1', id: marking, created: '2022-10-01T00:00:00.000Z',
    name: `TLP:${input.tlp.toUpperCase()}`,
    extensions: { [TLP_EXTENSION]: { extension_type: 'property-extension', tlp_2_0: input.tlp } },
  });
  objects.push({
    type: 'identity', spec_version: '2.1', id: teamId, created: time, modified: time, object_marking_refs: [marking],
    name: teamName, identity_class: 'organization',
  });

  const stats = input.stats;
  const campaignId = sdoId('campaign', campaignName);
  const firstSeen = toStixTime(stats.timeline.firstSeen);
  const lastSeen = toStixTime(stats.timeline.lastSeen);
  objects.push({
    ...common('campaign', campaignId),
    name: campaignName,
    ...(summary ? { description: summary } : {}),
    ...(input.aliases.length > 0 ? { aliases: [...input.aliases] } : {}),
    ...(firstSeen ? { first_seen: firstSeen } : {}),
    ...(lastSeen ? { last_seen: lastSeen } : {}),
    x_sightline_victims: stats.victims.count,
    x_sightline_countries: stats.victims.countries,
  });

  // Samples as file SCOs: the malware's sample_refs, and what YARA sightings point at.
  const sampleByPath = new Map<string, SampleRecord>();
  const fileScos = new Map<string, StixObject>();
  const sampleFile = (s: SampleRecord): string => {
    const hashes: Record<string, string> = {};
    if (/^[0-9a-f]{32}$/i.test(s.md5)) hashes['MD5'] = s.md5;
    if (/^[0-9a-f]{40}$/i.test(s.sha1)) hashes['SHA-1'] = s.sha1;
    if (/^[0-9a-f]{64}$/i.test(s.sha256)) hashes['SHA-256'] = s.sha256;
    const name = s.paths.length > 0 ? basename(s.paths[0]!.split('!').pop()!) : undefined;
    const contributing: Record<string, unknown> = { hashes: oneHash(hashes), ...(name ? { name } : {}) };
    const id = scoId('file', contributing);
    if (!fileScos.has(id)) {
      fileScos.set(id, {
        type: 'file', spec_version: '2.1', id, hashes, ...(name ? { name } : {}), size: s.size, object_marking_refs: [marking],
      });
    }
    return id;
  };
  const sampleRefs: string[] = [];
  for (const s of input.samples) {
    for (const p of s.paths) sampleByPath.set(p, s);
    sampleRefs.push(sampleFile(s));
  }
  const malwareId = sdoId('malware', campaignName);
  objects.push({
    ...common('malware', malwareId),
    name: campaignName, is_family: true,
    ...(input.aliases.length > 0 ? { aliases: [...input.aliases] } : {}),
    ...(sampleRefs.length > 0 ? { sample_refs: [...new Set(sampleRefs)] } : {}),
  });
  objects.push(relationship('uses', campaignId, malwareId));

  // Indicators, each indicating the campaign.
  const indicatorIds = new Map<string, string>();
  const indicators = [...input.indicators].sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  const indicatorObjects: StixObject[] = [];
  for (const ind of indicators) {
    const key = indicatorKey(ind.type, ind.value);
    if (indicatorIds.has(key)) continue;
    const made = indicatorObject(ind);
    if (made === null) {
      notes.push(`STIX: yara rule ${JSON.stringify(ind.value)} left out: the case gave no rule source`);
      continue;
    }
    const id = sdoId('indicator', key);
    indicatorIds.set(key, id);
    indicatorObjects.push({
      ...common('indicator', id),
      name: ind.value,
      indicator_types: ['malicious-activity'],
      ...made,
      valid_from: time,
      ...(ind.sources.length > 0 ? { x_sightline_sources: [...ind.sources] } : {}),
      ...(ind.warninglist !== null ? { x_sightline_warninglist: ind.warninglist } : {}),
    });
  }
  objects.push(...indicatorObjects);
  for (const id of indicatorIds.values()) objects.push(relationship('indicates', id, campaignId));

  // Where it was sighted: one identity per victim organisation (or per country for hosts of no known
  // organisation). Countries are a custom property, not location objects: the official bundle schema
  // does not list location, and a location in a bundle then fails it (docs/report.md).
  const orgs = new Map<string, { object: StixObject; countries: Set<string>; victims: number }>();
  const orgIds = new Map<string, string>();
  const orgOfVictim = (v: Victim): string => {
    const known = v.organisation !== null && v.organisation.trim() !== '';
    const key = known ? `organisation:${v.organisation!}` : `unidentified:${v.country ?? ''}`;
    let id = orgIds.get(key);
    if (id === undefined) orgIds.set(key, (id = sdoId('identity', key)));
    let org = orgs.get(id);
    if (org === undefined) {
      const name = known ? v.organisation! : `Unidentified hosts, ${v.countryName ?? v.country ?? 'country unknown'}`;
      org = {
        object: {
          ...common('identity', id), name, identity_class: known ? 'organization' : 'unknown',
          ...(known && v.sector !== 'unknown' ? { sectors: [v.sector] } : {}),
          ...(known && v.asn !== null ? { x_sightline_asn: v.asn } : {}),
        },
        countries: new Set(), victims: 0,
      };
      orgs.set(id, org);
    }
    org.victims++;
    if (v.country !== null) org.countries.add(v.country);
    return id;
  };
  const whereByIndicator = new Map<string, { orgs: Set<string>; victims: number }>();
  for (const v of input.victims) {
    const org = orgOfVictim(v);
    for (const key of v.indicators) {
      let where = whereByIndicator.get(key);
      if (where === undefined) whereByIndicator.set(key, (where = { orgs: new Set(), victims: 0 }));
      where.orgs.add(org);
      where.victims++;
    }
  }
  for (const o of [...orgs.values()].sort((a, b) => (a.object.id < b.object.id ? -1 : 1))) {
    objects.push({
      ...o.object,
      ...(o.countries.size > 0 ? { x_sightline_countries: [...o.countries].sort() } : {}),
      x_sightline_victims: o.victims,
    });
  }

  // Observed data: one per evidence file × indicator, referring to what was seen as SCOs.
  const evidenceByPath = new Map<string, StoredEvidence>(input.evidence.map((e) => [e.path, e]));
  const observedScos = new Map<string, StixObject>();
  const scoByValue = new Map<string, StixObject | null>();
  const observedByIndicator = new Map<string, string[]>();
  const observedData: StixObject[] = [];
  let unrepresentable = 0;
  // By evidence path, then indicator: the digest's keys are `path NUL indicator`.
  const observations = [...digest.perObservation.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (const [, o] of observations) {
    if (!indicatorIds.has(o.indicator)) continue;
    const refs = new Set<string>();
    for (const value of o.values) {
      let sco: StixObject | null = null;
      if (o.type !== 'yara') {
        const key = `${o.type}:${value}`;
        const cached = scoByValue.get(key);
        if (cached !== undefined) sco = cached;
        else scoByValue.set(key, (sco = observedSco(o.type, value, scoId, marking)));
      }
      if (o.type === 'yara') {
        const sample = sampleByPath.get(value);
        if (sample) refs.add(sampleFile(sample));
        else {
          const name = basename(value.split('!').pop()!);
          const id = scoId('file', { name });
          if (!observedScos.has(id)) observedScos.set(id, { type: 'file', spec_version: '2.1', id, name, object_marking_refs: [marking] });
          refs.add(id);
        }
      } else if (sco !== null) {
        if (!observedScos.has(sco.id)) observedScos.set(sco.id, sco);
        refs.add(sco.id);
      } else {
        unrepresentable++;
      }
    }
    if (refs.size === 0) continue;
    const ev = evidenceByPath.get(o.path);
    const fallback = toStixTime(ev?.huntedAt) ?? time;
    const id = sdoId('observed-data', `${campaignName}:${o.path}:${o.indicator}`);
    observedData.push({
      ...common('observed-data', id),
      first_observed: toStixTime(o.first) ?? fallback,
      last_observed: toStixTime(o.last) ?? fallback,
      number_observed: Math.max(1, Math.min(o.count, MAX_STIX_COUNT)),
      object_refs: [...refs].sort(),
      x_sightline_evidence_path: o.path,
      ...(ev ? { x_sightline_evidence_sha256: ev.sha256, x_sightline_evidence_format: ev.format } : {}),
      ...(o.valuesOmitted > 0 ? { x_sightline_sightings_not_listed: o.valuesOmitted } : {}),
    });
    let list = observedByIndicator.get(o.indicator);
    if (list === undefined) observedByIndicator.set(o.indicator, (list = []));
    list.push(id);
  }
  if (unrepresentable > 0) notes.push(`STIX: ${unrepresentable} observed values are not valid for their STIX observable type (a domain that is no host name…) and are not listed as observables`);
  objects.push(...[...fileScos.values(), ...observedScos.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
  objects.push(...observedData);

  // One summary sighting per sighted indicator.
  let unsighted = 0;
  for (const [key, id] of indicatorIds) {
    const tally = digest.perIndicator.get(key);
    if (tally === undefined) continue;
    const sightedBy = whereByIndicator.get(key);
    const where = new Set(sightedBy?.orgs ?? []);
    if (tally.withoutVictim || where.size === 0) where.add(teamId);
    const first = toStixTime(tally.first);
    const last = toStixTime(tally.last);
    const observed = observedByIndicator.get(key) ?? [];
    objects.push({
      ...common('sighting', sdoId('sighting', `${campaignName}:${key}`)),
      sighting_of_ref: id,
      count: Math.min(tally.count, MAX_STIX_COUNT),
      ...(first ? { first_seen: first } : {}),
      ...(last ? { last_seen: last } : {}),
      where_sighted_refs: [...where].sort(),
      ...(observed.length > 0 ? { observed_data_refs: observed } : {}),
      summary: true,
      x_sightline_victims: sightedBy?.victims ?? 0,
    });
  }
  for (const key of digest.perIndicator.keys()) if (!indicatorIds.has(key)) unsighted++;
  if (unsighted > 0) notes.push(`STIX: sightings of ${unsighted} indicators with no indicator object (a yara rule without source, or not among the campaign's indicators) are not in the bundle`);

  const reportId = sdoId('report', campaignName);
  objects.push({
    ...common('report', reportId),
    name: `${campaignName}: campaign report`,
    ...(summary ? { description: summary } : {}),
    report_types: ['campaign'],
    published: time,
    object_refs: objects.map((o) => o.id),
  });

  return { bundle: { type: 'bundle', id: `bundle--${uuidV5(ns, `bundle:${campaignName}`)}`, objects }, notes };
}

function indicatorObject(ind: ReportIndicator): Record<string, string> | null {
  if (ind.type === 'yara') {
    if (ind.ruleSource === undefined || ind.ruleSource.trim() === '') return null;
    return { pattern: ind.ruleSource, pattern_type: 'yara' };
  }
  return { pattern: stixPattern(ind.type, ind.value), pattern_type: 'stix', pattern_version: '2.1' };
}

/** The SCO for one observed value of an indicator type, or null when the value is not valid for it. */
function observedSco(
  type: Exclude<IndicatorType, 'yara'>,
  value: string,
  scoId: (type: string, contributing: Record<string, unknown>) => string,
  marking: string,
): StixObject | null {
  const make = (scoType: string, props: Record<string, unknown>, contributing: Record<string, unknown> = props): StixObject =>
    ({ type: scoType, spec_version: '2.1', id: scoId(scoType, contributing), ...props, object_marking_refs: [marking] });
  switch (type) {
    case 'domain': return HOSTNAME.test(value) ? make('domain-name', { value }) : null;
    case 'ipv4': return IPV4.test(value) ? make('ipv4-addr', { value }) : null;
    case 'ipv6': return IPV6.test(value) && value.includes(':') ? make('ipv6-addr', { value }) : null;
    case 'cidr':
      if (IPV4.test(value)) return make('ipv4-addr', { value });
      return IPV6.test(value) && value.includes(':') ? make('ipv6-addr', { value }) : null;
    case 'url': case 'sinkhole': return URL.canParse(value) && !/\s/.test(value) ? make('url', { value }) : null;
    case 'email': return EMAIL.test(value) ? make('email-addr', { value }) : null;
    case 'filename': return value !== '' ? make('file', { name: value }) : null;
    // A file SCO with only an import hash would need the PE extension's required pe_type, which a sighting does not know.
    case 'imphash': return null;
    case 'md5': case 'sha1': case 'sha256': {
      const algorithm = HASH_LENGTHS[type]!;
      const want = type === 'md5' ? 32 : type === 'sha1' ? 40 : 64;
      if (!new RegExp(`^[0-9a-f]{${want}}$`, 'i').test(value)) return null;
      return make('file', { hashes: { [algorithm]: value } });
    }
  }
}
