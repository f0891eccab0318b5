import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { IntelItem, CampaignInfo } from '../core/model.js';
import type { Diagnostic } from '../core/diagnostic.js';
import { readIntel } from '../intel/index.js';
import { collectSightings } from './collect.js';
import { buildStixBundle, stixPattern, writeStixBundle, type StixBundle, type StixObject } from './stix.js';
import { CAMPAIGN, GENERATED_AT, XSS_DOMAIN, reportFixture } from './testing/fixture.js';

const SCHEMAS = fileURLToPath(new URL('./testdata/stix-schemas/', import.meta.url));
const SCHEMA_BASE = 'http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/';
const SCHEMA_OF: Record<string, string> = {
  'marking-definition': 'common/marking-definition.json', relationship: 'sros/relationship.json', sighting: 'sros/sighting.json',
  identity: 'sdos/identity.json', campaign: 'sdos/campaign.json', malware: 'sdos/malware.json', indicator: 'sdos/indicator.json',
  'observed-data': 'sdos/observed-data.json', report: 'sdos/report.json',
  'domain-name': 'observables/domain-name.json', 'ipv4-addr': 'observables/ipv4-addr.json', 'ipv6-addr': 'observables/ipv6-addr.json',
  url: 'observables/url.json', 'email-addr': 'observables/email-addr.json', file: 'observables/file.json',
};
/** The properties STIX 2.1 defines for the types the bundle uses; anything else must be a custom x_ property. */
const COMMON = ['type', 'spec_version', 'id', 'created_by_ref', 'created', 'modified', 'object_marking_refs', 'labels', 'external_references'];
const SPEC_PROPERTIES: Record<string, string[]> = {
  'marking-definition': ['type', 'spec_version', 'id', 'created', 'name', 'extensions'],
  identity: [...COMMON, 'name', 'identity_class', 'sectors', 'description'],
  campaign: [...COMMON, 'name', 'description', 'aliases', 'first_seen', 'last_seen'],
  malware: [...COMMON, 'name', 'is_family', 'aliases', 'sample_refs'],
  indicator: [...COMMON, 'name', 'indicator_types', 'pattern', 'pattern_type', 'pattern_version', 'valid_from'],
  relationship: [...COMMON, 'relationship_type', 'source_ref', 'target_ref'],
  'observed-data': [...COMMON, 'first_observed', 'last_observed', 'number_observed', 'object_refs'],
  sighting: [...COMMON, 'sighting_of_ref', 'count', 'first_seen', 'last_seen', 'where_sighted_refs', 'observed_data_refs', 'summary'],
  report: [...COMMON, 'name', 'description', 'report_types', 'published', 'object_refs'],
  'domain-name': ['type', 'spec_version', 'id', 'value', 'object_marking_refs'],
  'ipv4-addr': ['type', 'spec_version', 'id', 'value', 'object_marking_refs'],
  'ipv6-addr': ['type', 'spec_version', 'id', 'value', 'object_marking_refs'],
  url: ['type', 'spec_version', 'id', 'value', 'object_marking_refs'],
  'email-addr': ['type', 'spec_version', 'id', 'value', 'object_marking_refs'],
  file: ['type', 'spec_version', 'id', 'hashes', 'name', 'size', 'object_marking_refs'],
};
// CommonJS packages: under NodeNext their classes are the default export's `default`.
const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;
const UUID_V4_V5 = /^[a-z][a-z0-9-]*--[0-9a-f]{8}-[0-9a-f]{4}-[45][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const SCO_TYPES = new Set(['domain-name', 'ipv4-addr', 'ipv6-addr', 'url', 'email-addr', 'file']);

function loadAjv(): InstanceType<typeof Ajv2020> {
  const ajv = new Ajv2020({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  // ajv-formats has no idn-hostname; the values Sightline writes are ASCII (punycode), so hostname's rule applies.
  ajv.addFormat('idn-hostname', /^(?=.{1,253}\.?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[-0-9a-z]{0,61}[0-9a-z])?)*\.?$/i);
  for (const sub of readdirSync(SCHEMAS)) {
    if (sub === 'LICENSE') continue;
    for (const f of readdirSync(join(SCHEMAS, sub))) ajv.addSchema(JSON.parse(readFileSync(join(SCHEMAS, sub, f), 'utf8')));
  }
  return ajv;
}

async function fixtureBundle(): Promise<{ bundle: StixBundle; notes: string[] }> {
  const input = reportFixture();
  const dir = await mkdtemp(join(tmpdir(), 'sightline-stix-'));
  try {
    const sources = new Set(input.victims.map((v) => v.src));
    const digest = await collectSightings(input.sightings, join(dir, 's.csv'), input.stats.timeline.byMonth.length, (s) => sources.has(s));
    return buildStixBundle(input, digest, 'summary text');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

let bundle: StixBundle;
let notes: string[];
let byId: Map<string, StixObject>;
const ofType = (t: string) => bundle.objects.filter((o) => o.type === t);

before(async () => {
  ({ bundle, notes } = await fixtureBundle());
  byId = new Map(bundle.objects.map((o) => [o.id, o]));
});

test('the bundle and every object validate against the official STIX 2.1 schemas', () => {
  const ajv = loadAjv();
  const validateBundle = ajv.getSchema(`${SCHEMA_BASE}common/bundle.json`)!;
  assert.ok(validateBundle(bundle), JSON.stringify(validateBundle.errors?.slice(0, 5), null, 1));
  for (const o of bundle.objects) {
    const schema = SCHEMA_OF[o.type];
    assert.ok(schema, `a schema for ${o.type}`);
    const validate = ajv.getSchema(`${SCHEMA_BASE}${schema}`)!;
    assert.ok(validate(o), `${o.id}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
  }
});

test('the schemas have teeth: a broken object or bundle fails them', () => {
  const ajv = loadAjv();
  const validateBundle = ajv.getSchema(`${SCHEMA_BASE}common/bundle.json`)!;
  const sighting = structuredClone(ofType('sighting')[0]!);
  sighting['where_sighted_refs'] = [ofType('campaign')[0]!.id];
  assert.equal(ajv.getSchema(`${SCHEMA_BASE}sros/sighting.json`)!(sighting), false);
  const indicator = structuredClone(ofType('indicator')[0]!);
  delete indicator['pattern'];
  assert.equal(validateBundle({ ...bundle, objects: [indicator] }), false);
  const observed = structuredClone(ofType('observed-data')[0]!);
  observed['number_observed'] = 0;
  assert.equal(ajv.getSchema(`${SCHEMA_BASE}sdos/observed-data.json`)!(observed), false);
});

test('ids are unique UUIDv4/v5 STIX identifiers; custom properties start with x_', () => {
  assert.match(bundle.id, /^bundle--/);
  assert.match(bundle.id.replace(/^bundle/, 'x'), UUID_V4_V5);
  assert.equal(byId.size, bundle.objects.length, 'unique ids');
  for (const o of bundle.objects) {
    assert.match(o.id, UUID_V4_V5);
    assert.ok(o.id.startsWith(`${o.type}--`), o.id);
    const spec = new Set(SPEC_PROPERTIES[o.type]);
    for (const k of Object.keys(o)) assert.ok(spec.has(k) || k.startsWith('x_'), `${o.type}.${k}`);
  }
});

test('every reference resolves, to an object of the right kind', () => {
  const must = (ref: unknown, types: string[], where: string) => {
    assert.equal(typeof ref, 'string', where);
    const target = byId.get(ref as string);
    assert.ok(target, `${where} → ${String(ref)}`);
    assert.ok(types.includes(target.type), `${where} → ${target.type}`);
  };
  for (const o of bundle.objects) {
    if (o['created_by_ref'] !== undefined) must(o['created_by_ref'], ['identity'], `${o.id} created_by_ref`);
    for (const m of (o['object_marking_refs'] as string[] | undefined) ?? []) must(m, ['marking-definition'], `${o.id} marking`);
  }
  for (const s of ofType('sighting')) {
    must(s['sighting_of_ref'], ['indicator'], `${s.id} sighting_of_ref`);
    const where = s['where_sighted_refs'] as string[];
    assert.ok(where.length > 0);
    for (const w of where) must(w, ['identity', 'location'], `${s.id} where_sighted_refs`);
    for (const d of (s['observed_data_refs'] as string[] | undefined) ?? []) must(d, ['observed-data'], `${s.id} observed_data_refs`);
  }
  for (const d of ofType('observed-data')) {
    assert.equal(typeof d['first_observed'], 'string');
    assert.equal(typeof d['last_observed'], 'string');
    assert.ok((d['first_observed'] as string) <= (d['last_observed'] as string));
    for (const r of d['object_refs'] as string[]) must(r, [...SCO_TYPES], `${d.id} object_refs`);
  }
  for (const r of ofType('relationship')) {
    must(r['source_ref'], ['indicator', 'campaign'], `${r.id} source_ref`);
    must(r['target_ref'], ['campaign', 'malware'], `${r.id} target_ref`);
  }
  for (const r of (ofType('malware')[0]!['sample_refs'] as string[])) must(r, ['file'], 'malware sample_refs');
  const [report] = ofType('report');
  const refs = report!['object_refs'] as string[];
  for (const r of refs) assert.ok(byId.has(r), `report object_refs → ${r}`);
  assert.equal(refs.length, bundle.objects.length - 1, 'the report gathers every other object');
});

test('the objects say what the case says', () => {
  const [campaign] = ofType('campaign');
  assert.equal(campaign!['name'], CAMPAIGN);
  assert.deepEqual(campaign!['aliases'], ['TravNet', 'Netfile']);
  assert.equal(campaign!['created'], GENERATED_AT);
  assert.equal(ofType('malware')[0]!['name'], CAMPAIGN);
  assert.ok(ofType('relationship').some((r) => r['relationship_type'] === 'uses' && r['source_ref'] === campaign!.id));
  const team = ofType('identity').find((i) => i['name'] === 'Atlantis CERT')!;
  for (const o of bundle.objects) if (o.type !== 'marking-definition' && o.id !== team.id && !SCO_TYPES.has(o.type)) assert.equal(o['created_by_ref'], team.id, o.id);
  const tlp = ofType('marking-definition');
  assert.deepEqual(tlp.map((m) => m['name']), ['TLP:AMBER']);

  const indicators = ofType('indicator');
  assert.equal(indicators.length, 14, 'every indicator but the yara rule without source');
  assert.ok(notes.some((n) => n.includes('NT_Private_Helper')));
  const pattern = (name: string) => indicators.find((i) => i['name'] === name)!['pattern'];
  assert.equal(pattern(XSS_DOMAIN), "[domain-name:value = '<img src=x onerror=alert(1)>.example']");
  assert.equal(pattern('198.18.7.0/24'), "[ipv4-addr:value = '198.18.7.0/24']");
  assert.match(pattern('NetTraveler_Marker') as string, /^rule NetTraveler_Marker \{/);
  assert.equal(indicators.find((i) => i['name'] === 'NetTraveler_Marker')!['pattern_type'], 'yara');
  const indicates = ofType('relationship').filter((r) => r['relationship_type'] === 'indicates');
  assert.equal(indicates.length, indicators.length);

  const sightings = ofType('sighting');
  assert.equal(sightings.length, 10, 'one per sighted indicator (ramb1er.com is only sighted in URLs)');
  assert.equal(sightings.reduce((n, s) => n + (s['count'] as number), 0), 55);
  const ipv4 = sightings.find((s) => byId.get(s['sighting_of_ref'] as string)!['name'] === '198.18.7.7')!;
  const orgs = (ipv4['where_sighted_refs'] as string[]).map((r) => byId.get(r)!['name']);
  assert.ok(orgs.includes('Embassy of Atlantis in Ulaanbaatar'));
  assert.ok(orgs.includes('Unidentified hosts, Russia'));
  const yara = sightings.find((s) => byId.get(s['sighting_of_ref'] as string)!['name'] === 'NetTraveler_Marker')!;
  assert.deepEqual(yara['where_sighted_refs'], [team.id], 'a file scan was sighted by the team');
  const yaraFiles = (yara['observed_data_refs'] as string[]).flatMap((d) => byId.get(d)!['object_refs'] as string[]);
  assert.ok(yaraFiles.every((f) => (byId.get(f)!['hashes'] as Record<string, string>)['SHA-256']), 'YARA observations point at the samples');
  assert.ok(notes.some((n) => n.includes('not valid for their STIX observable type')), 'the XSS domain is no host name');
});

test('SCO ids follow STIX 2.1 §2.9', () => {
  const domain = ofType('domain-name').find((d) => d['value'] === 'viprainru.com');
  assert.ok(domain);
  const ipv4 = ofType('ipv4-addr').find((d) => d['value'] === '198.18.7.7')!;
  // uuid5(SCO namespace, '{"value":"198.18.7.7"}')
  assert.equal(ipv4.id, `ipv4-addr--${ipv4.id.slice(11)}`);
  assert.equal(stixPattern('sha1', 'ab'), "[file:hashes.'SHA-1' = 'ab']");
  assert.equal(stixPattern('url', "http://x/a'b\\c"), "[url:value = 'http://x/a\\'b\\\\c']");
});

test('Sightline reads its own bundle back: the same indicators, under the campaign', () => {
  const items: IntelItem[] = [];
  const campaigns: CampaignInfo[] = [];
  const diagnostics: Diagnostic[] = [];
  readIntel(Buffer.from(JSON.stringify(bundle)), 'bundle.stix.json', 'stix', {
    item: (i) => items.push(i), campaign: (c) => campaigns.push(c), diagnostic: (d) => diagnostics.push(d),
  });
  const values = new Set(items.map((i) => `${i.type}:${i.value}`));
  for (const v of ['domain:viprainru.com', 'ipv4:198.18.7.7', 'cidr:198.18.7.0/24', 'url:http://ramb1er.com/nt/travlerbackinfo.asp', 'filename:netmgr.exe']) {
    assert.ok(values.has(v), v);
  }
  assert.ok(items.filter((i) => i.type !== 'yara').every((i) => i.campaigns.includes(CAMPAIGN)));
  assert.ok(campaigns.some((c) => c.name === CAMPAIGN && c.aliases.includes('TravNet')));
});

test('the bundle file is the bundle: JSON with one object per line', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sightline-stix-file-'));
  try {
    const path = join(dir, 'bundle.stix.json');
    await writeStixBundle(path, bundle);
    const text = await readFile(path, 'utf8');
    assert.deepEqual(JSON.parse(text), bundle);
    assert.equal(text.split('\n').length, bundle.objects.length + 7, 'header, one line per object, footer');
    assert.ok(text.endsWith(']\n}\n'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
