import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import type { CampaignInfo, IntelItem } from '../../core/model.js';
import { formatDiagnostic, type Diagnostic } from '../../core/diagnostic.js';
import { sharedData, skipUnlessShared } from '../../core/test-data.js';
import { readMisp } from './misp-reader.js';

interface Collected { items: IntelItem[]; campaigns: CampaignInfo[]; diagnostics: Diagnostic[] }

function collect(data: Buffer | string, path = 'e.json'): Collected {
  const out: Collected = { items: [], campaigns: [], diagnostics: [] };
  readMisp(typeof data === 'string' ? Buffer.from(data) : data, path, {
    item: (i) => out.items.push(i), campaign: (c) => out.campaigns.push(c), diagnostic: (d) => out.diagnostics.push(d),
  });
  return out;
}

const attr = (type: string, value: unknown, extra: object = {}): object => ({ uuid: `u-${type}`, type, value, ...extra });
const event = {
  uuid: 'ev-1', info: 'OSINT report',
  Attribute: [
    attr('domain', 'Evil.Example.com', { comment: 'C2' }),
    attr('ip-dst|port', '10.0.0.1|8080'),
    attr('domain|ip', 'b.example.org|2001:DB8::5'),
    attr('filename|sha256', 'Drop.EXE|E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855'),
    attr('email-src', 'Bad@Example.com'),
    attr('link', 'https://blog.example.com/report'),
    attr('regkey', 'HKLM\\Software\\x'),
    attr('hostname', 'deleted.example.com', { deleted: true }),
    attr('url', 'www.no-scheme.example'),
    attr('md5', 42),
  ],
  Object: [{ name: 'ip-port', Attribute: [attr('ip-dst', '198.51.100.0/24'), attr('port', '443')] }],
  Galaxy: [
    { type: 'mitre-malware', GalaxyCluster: [{ value: 'CHOPSTICK', meta: { synonyms: ['CHOPSTICK', 'X-Agent'] } }] },
    { type: 'threat-actor', GalaxyCluster: [{ value: 'Sofacy', meta: { synonyms: ['APT28', 'Sednit', 'APT28'] } }] },
  ],
};

test('an event: attribute and object types, composites split, other types ignored, actor as campaign', () => {
  const c = collect(JSON.stringify({ Event: event }));
  const camp = ['Sofacy'];
  assert.deepEqual(c.items, [
    { type: 'domain', value: 'evil.example.com', campaigns: camp, description: 'C2' },
    { type: 'ipv4', value: '10.0.0.1', campaigns: camp, description: 'OSINT report' },
    { type: 'domain', value: 'b.example.org', campaigns: camp, description: 'OSINT report' },
    { type: 'ipv6', value: '2001:db8::5', campaigns: camp, description: 'OSINT report' },
    { type: 'filename', value: 'drop.exe', campaigns: camp, description: 'OSINT report' },
    { type: 'sha256', value: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', campaigns: camp, description: 'OSINT report' },
    { type: 'email', value: 'bad@example.com', campaigns: camp, description: 'OSINT report' },
    { type: 'cidr', value: '198.51.100.0/24', campaigns: camp, description: 'OSINT report' },
  ]);
  assert.deepEqual(c.campaigns, [{ name: 'Sofacy', aliases: ['APT28', 'Sednit'] }]);
  assert.deepEqual(c.diagnostics.map(formatDiagnostic), [
    "e.json: event ev-1 attribute u-url: not an indicator: 'www.no-scheme.example'",
    'e.json: event ev-1 attribute u-md5: md5 value is not a string',
  ]);
});

test('malware galaxy when there is no actor; info when there is no galaxy', () => {
  const noActor = { ...event, Galaxy: [event.Galaxy[0]], Attribute: [attr('domain', 'a.example.com')], Object: [] };
  assert.deepEqual(collect(JSON.stringify(noActor)).campaigns, [{ name: 'CHOPSTICK', aliases: ['X-Agent'] }]);
  const none = { info: 'Just an event', uuid: 'x', Attribute: [attr('sha1', 'da39a3ee5e6b4b0d3255bfef95601890afd80709')] };
  const c = collect(JSON.stringify(none));
  assert.deepEqual(c.campaigns, [{ name: 'Just an event', aliases: [] }]);
  assert.deepEqual(c.items, [{ type: 'sha1', value: 'da39a3ee5e6b4b0d3255bfef95601890afd80709', campaigns: ['Just an event'], description: 'Just an event' }]);
});

test('a list of events and a restSearch response', () => {
  const e1 = { Event: { uuid: 'a', info: 'A', Attribute: [attr('domain', 'a.example.com')] } };
  const e2 = { Event: { uuid: 'b', info: 'B', Attribute: [attr('domain', 'b.example.com')] } };
  const pairs = (c: Collected): string[] => c.items.map((i) => `${i.campaigns[0]}:${i.value}`);
  assert.deepEqual(pairs(collect(JSON.stringify([e1, e2]))), ['A:a.example.com', 'B:b.example.com']);
  assert.deepEqual(pairs(collect(JSON.stringify({ response: [e1, e2] }))), ['A:a.example.com', 'B:b.example.com']);
  assert.deepEqual(collect('{"hello": 1}').diagnostics.map(formatDiagnostic), ['e.json: no MISP event in this JSON']);
  assert.deepEqual(collect('[1]').diagnostics.map(formatDiagnostic), ['e.json: event 1 is not an object']);
  assert.deepEqual(collect('{"Event": {"info": "x", "Attri').diagnostics.map((d) => d.code), ['truncated']);
});

const EVENTS = 'misp/events';
const count = (c: Collected): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const i of c.items) out[i.type] = (out[i.type] ?? 0) + 1;
  return out;
};
const uniq = (c: Collected): Record<string, number> => {
  const sets: Record<string, Set<string>> = {};
  for (const i of c.items) (sets[i.type] ??= new Set()).add(i.value);
  return Object.fromEntries(Object.entries(sets).map(([k, v]) => [k, v.size]));
};
const real = (f: string): Collected => collect(readFileSync(sharedData(EVENTS, f)!), f);

test('real: Sednit update (bare event, objects, threat-actor galaxy)', { skip: skipUnlessShared(EVENTS) }, () => {
  const c = real('circl-2017-12-21-sednit-update.json');
  assert.deepEqual(count(c), { domain: 19, filename: 15, sha1: 37, ipv4: 12 });
  assert.deepEqual(uniq(c), { domain: 18, filename: 15, sha1: 37, ipv4: 11 });
  assert.equal(c.campaigns.length, 1);
  assert.equal(c.campaigns[0]?.name, 'Sofacy');
  assert.deepEqual(c.campaigns[0]?.aliases.slice(0, 5), ['APT 28', 'APT28', 'Pawn Storm', 'Fancy Bear', 'Sednit']);
  assert.deepEqual(c.diagnostics, []);
  assert.ok(c.items.every((i) => i.campaigns.length === 1 && i.campaigns[0] === 'Sofacy'));
});

test('real: Four-Element Sword (composites, hostnames, mislabelled URLs)', { skip: skipUnlessShared(EVENTS) }, () => {
  const c = real('circl-2016-04-18-asert-four-element-sword.json');
  // One `imphash` attribute (jq '.. | select(.type? == "imphash")': fea5902afa6e504a798c73a09b83df5e).
  assert.deepEqual(count(c), { md5: 77, sha256: 87, domain: 24, filename: 110, imphash: 1, email: 2, ipv4: 9, sha1: 58, url: 3 });
  assert.deepEqual(uniq(c), { md5: 75, sha256: 75, domain: 24, filename: 61, imphash: 1, email: 2, ipv4: 9, sha1: 58, url: 3 });
  assert.ok(c.items.some((i) => i.type === 'imphash' && i.value === 'fea5902afa6e504a798c73a09b83df5e'));
  assert.equal(c.diagnostics.length, 11);
  assert.ok(c.diagnostics.every((d) => d.code === 'not-indicator'));
  assert.deepEqual(c.campaigns, [{ name: 'OSINT - ASERT Threat Intelligence Report 2016-03 The Four-Element Sword Engagement', aliases: [] }]);
});

test('real: the other events', { skip: skipUnlessShared(EVENTS) }, () => {
  assert.deepEqual(count(real('circl-2017-11-10-sunorcal.json')), { filename: 4, domain: 4, ipv4: 2, sha256: 16, sha1: 14, md5: 14 });
  assert.deepEqual(count(real('circl-2017-11-06-qakbot-emotet.json')), { sha256: 5, filename: 4, ipv4: 43, sha1: 5, md5: 5 });
  assert.deepEqual(count(real('circl-2016-08-29-xorist-ransomware.json')), { filename: 1, md5: 1, sha1: 1, sha256: 1 });
  const ursnif = real('2018-08-01-ursnif-with-sightings.json');
  assert.deepEqual(count(ursnif), { domain: 4, url: 1 });
  assert.deepEqual(ursnif.campaigns, [{ name: 'Gozi', aliases: ['Ursnif', 'CRM', 'Snifula', 'Papras'] }]);
});

test('fuzz: mutated real events never throw', { skip: skipUnlessShared(EVENTS) }, () => {
  const base = readFileSync(sharedData(EVENTS, 'circl-2016-08-29-xorist-ransomware.json')!);
  fc.assert(fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(), (edits, cut) => {
    const b = Buffer.from(base.subarray(0, base.length - (cut % 64)));
    for (const [at, v] of edits) b[at % b.length] = v;
    const c = collect(b);
    for (const d of c.diagnostics) assert.equal(typeof formatDiagnostic(d), 'string');
  }), { seed: 5, numRuns: 2000 });
});
