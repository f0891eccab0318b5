import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import type { CampaignInfo, IntelItem } from '../../core/model.js';
import { formatDiagnostic, type Diagnostic } from '../../core/diagnostic.js';
import { detectIntelFormat } from '../detect.js';
import { readIntel, streamIntel } from '../read-intel.js';
import type { IntelFormat } from '../intel-sink.js';
import { FEED_FORMATS } from './feeds.js';
import { feedTime } from './feed-fields.js';
import { isFamilyTag } from './urlhaus.js';

const TESTDATA = join(dirname(fileURLToPath(import.meta.url)), 'testdata');
const fixture = (name: string): Buffer => readFileSync(join(TESTDATA, name));

interface Read { format: IntelFormat | null; items: IntelItem[]; campaigns: CampaignInfo[]; diagnostics: string[] }

/** Detects by content (under a name that says nothing) and reads the whole buffer. */
function read(data: Buffer, path = 'download'): Read {
  const out: Read = { format: detectIntelFormat(data, path), items: [], campaigns: [], diagnostics: [] };
  if (out.format === null) return out;
  readIntel(data, path, out.format, {
    item: (i) => out.items.push(i), campaign: (c) => out.campaigns.push(c), diagnostic: (d: Diagnostic) => out.diagnostics.push(formatDiagnostic(d)),
  });
  return out;
}

/** Reads pushed in pieces cut at `cuts`, as the importer streams a file. */
function readChunked(data: Buffer, format: IntelFormat, cuts: number[], path = 'download'): Omit<Read, 'format'> {
  const out = { items: [] as IntelItem[], campaigns: [] as CampaignInfo[], diagnostics: [] as string[] };
  const s = streamIntel(path, format, { item: (i) => out.items.push(i), campaign: (c) => out.campaigns.push(c), diagnostic: (d) => out.diagnostics.push(formatDiagnostic(d)) });
  assert.ok(s !== null);
  let at = 0;
  for (const c of [...new Set(cuts.map((x) => x % (data.length + 1)))].sort((a, b) => a - b)) { s.push(data.subarray(at, c)); at = c; }
  s.push(data.subarray(at));
  s.end();
  return out;
}

const crlf = (b: Buffer): Buffer => Buffer.from(b.toString('utf8').replace(/\n/g, '\r\n'));
const bom = (b: Buffer): Buffer => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]);

test('URLhaus CSV dump: header in a comment, every field quoted; family tags are campaigns, None is no time', () => {
  const r = read(fixture('urlhaus.csv'));
  assert.equal(r.format, 'urlhaus');
  assert.deepEqual(r.items, [
    { type: 'url', value: 'http://192.0.2.10:40123/i', campaigns: ['Mozi'], line: 10, description: 'malware_download, online', firstSeen: '2024-03-01T09:58:12Z', lastSeen: '2024-03-01T09:58:12Z' },
    { type: 'url', value: 'https://dl.example-bad.net/files/invoice.exe', campaigns: ['AgentTesla'], line: 11, description: 'malware_download, offline', firstSeen: '2024-03-01T09:40:05Z' },
    { type: 'url', value: 'http://files.example-bad.org/get?a=1,2', campaigns: [], line: 12, description: 'malware_download, offline', firstSeen: '2024-02-29T23:59:59Z' },
  ]);
  assert.deepEqual(r.campaigns, [{ name: 'Mozi', aliases: [] }, { name: 'AgentTesla', aliases: [] }]);
  assert.deepEqual(r.diagnostics, ["download:13: not an indicator: 'not a url at all'"]);
  // The same dump with CRLF line ends and a BOM reads the same.
  assert.deepEqual(read(bom(crlf(fixture('urlhaus.csv')))).items, r.items);
});

test('URLhaus plain URL list: known by its banner, one URL a line', () => {
  const r = read(fixture('urlhaus-text.txt'));
  assert.equal(r.format, 'urlhaus');
  assert.deepEqual(r.items, [
    { type: 'url', value: 'http://192.0.2.10:40123/i', campaigns: [], line: 9 },
    { type: 'url', value: 'https://dl.example-bad.net/files/invoice.exe', campaigns: [], line: 10 },
  ]);
  assert.deepEqual(r.diagnostics, []);
});

test('URLhaus tags: families, not file types, platforms or countries', () => {
  assert.deepEqual(['Mozi', 'elf', '32-bit', 'mips', 'CHN', 'AgentTesla', 'opendir', 'exe', '443', 'Heodo'].filter(isFamilyTag), ['Mozi', 'AgentTesla', 'Heodo']);
});

const THREATFOX_CS = { name: 'Cobalt Strike', aliases: ['win.cobalt_strike', 'Agentemis', 'BEACON', 'CobaltStrike'] };
const THREATFOX_PLUGX = { name: 'PlugX', aliases: ['win.plugx', 'Korplug', 'Sogu'] };

test('ThreatFox CSV: ", " separators, ip:port keeps the address (port in the description), confidence and times kept, unknown family left to the file', () => {
  const r = read(fixture('threatfox.csv'));
  assert.equal(r.format, 'threatfox');
  const expected = [
    { type: 'ipv4', value: '198.51.100.23', campaigns: ['Cobalt Strike'], line: 10, description: 'botnet_cc, port 443', firstSeen: '2024-03-01T09:55:03Z', confidence: 100 },
    { type: 'domain', value: 'update.example-c2.com', campaigns: ['PlugX'], line: 11, description: 'botnet_cc', firstSeen: '2024-03-01T08:12:44Z', lastSeen: '2024-03-01T09:00:00Z', confidence: 75 },
    { type: 'url', value: 'http://203.0.113.7/gate.php', campaigns: [], line: 12, description: 'botnet_cc', firstSeen: '2024-02-29T22:01:09Z', confidence: 50 },
    { type: 'sha256', value: '99cfadddaeb6e1ba3dfd0ad810170e4b363f52c808023abb1c4203ecdf2f907b', campaigns: ['PlugX'], line: 13, description: 'payload', firstSeen: '2024-02-29T21:00:00Z', confidence: 25 },
  ];
  assert.deepEqual(r.items, expected);
  assert.deepEqual(r.campaigns, [THREATFOX_CS, THREATFOX_PLUGX]);
  assert.deepEqual(r.diagnostics, ['download: not imported (IOC types with no Sightline indicator type): 1 sha3_384_hash']);
  // CRLF, as some dumps are written.
  assert.deepEqual(read(crlf(fixture('threatfox.csv'))).items, expected);
});

test('ThreatFox JSON export and API response: the same records as the CSV', () => {
  const r = read(fixture('threatfox.json'));
  assert.equal(r.format, 'threatfox');
  assert.deepEqual(r.items, [
    { type: 'domain', value: 'update.example-c2.com', campaigns: ['PlugX'], description: 'botnet_cc', firstSeen: '2024-03-01T08:12:44Z', lastSeen: '2024-03-01T09:00:00Z', confidence: 75 },
    { type: 'ipv4', value: '198.51.100.23', campaigns: ['Cobalt Strike'], description: 'botnet_cc, port 443', firstSeen: '2024-03-01T09:55:03Z', confidence: 100 },
  ]);
  assert.deepEqual(r.diagnostics, []);
  const api = Buffer.from(JSON.stringify({ query_status: 'ok', data: [
    { id: '41', ioc: '[2001:db8::5]:8443', threat_type: 'botnet_cc', ioc_type: 'ip:port', malware: 'elf.mirai', malware_printable: 'Mirai', malware_alias: null, confidence_level: 90, first_seen: '2024-03-01 10:00:00 UTC', last_seen: null },
    { id: '42', ioc: 'bad..example', ioc_type: 'domain', malware_printable: 'Mirai', confidence_level: 'x' },
  ] }));
  const a = read(api);
  assert.equal(a.format, 'threatfox');
  assert.deepEqual(a.items, [{ type: 'ipv6', value: '2001:db8::5', campaigns: ['Mirai'], description: 'botnet_cc, port 8443', firstSeen: '2024-03-01T10:00:00Z', confidence: 90 }]);
  assert.deepEqual(a.diagnostics, ["download: IOC 42: not an indicator: 'bad..example'"]);
  assert.deepEqual(read(Buffer.from('{"query_status": "no_result", "data": "Your search did not yield any results"}')).diagnostics, []);
});

test('MalwareBazaar CSV: three hashes a sample, signature the campaign, n/a no campaign, a bad hash reported', () => {
  const r = read(fixture('malwarebazaar.csv'));
  assert.equal(r.format, 'malwarebazaar');
  const s = (line: number) => r.items.filter((i) => i.line === line).map((i) => `${i.type}:${i.value}:${i.campaigns.join('+')}`);
  assert.deepEqual(s(10), ['sha256:99cfadddaeb6e1ba3dfd0ad810170e4b363f52c808023abb1c4203ecdf2f907b:AgentTesla',
    'md5:a86c593a01ce8824a54a66e7e47a552f:AgentTesla', 'sha1:a33f8ad4bc1711b9be8ae5f49f5b8583e8911276:AgentTesla']);
  assert.deepEqual(s(11), ['sha256:c65600a1d4e3d5c4227696a6e7925f183661c9b9a45ee5792802c4f2bd81b346:',
    'md5:7b1b024663eaed922c6679d54ce8d59b:', 'sha1:94d42bc45ae574e89511ef86706c51cda63c32ac:']);
  assert.deepEqual(s(12).length, 3);
  assert.deepEqual(s(13), ['sha256:b1b7423ed9386a250297af3c7519214d6444fb6999d3f2347e0671705f4357ac:Mirai', 'sha1:c94822c92e5c38abdbb2d23bdd56a42106a78d39:Mirai']);
  assert.equal(r.items.length, 11);
  assert.deepEqual(r.items[0], { type: 'sha256', value: '99cfadddaeb6e1ba3dfd0ad810170e4b363f52c808023abb1c4203ecdf2f907b', campaigns: ['AgentTesla'], line: 10, description: 'invoice.exe (exe)', firstSeen: '2024-03-01T09:59:01Z' });
  assert.equal(r.items[3]!.description, 'payload, final.dll (dll)');
  assert.deepEqual(r.campaigns.map((c) => c.name), ['AgentTesla', 'Mirai']);
  assert.deepEqual(r.diagnostics, ["download:13: not an indicator: '447d36321935a631a9162030cd862ef'"]);
});

test('Feodo Tracker: IP list, CSV with its header uncommented, the old commented header, and an empty dump', () => {
  const list = read(fixture('feodo-ipblocklist.txt'));
  assert.equal(list.format, 'feodo');
  assert.deepEqual(list.items, [{ type: 'ipv4', value: '192.0.2.44', campaigns: [], line: 10 }, { type: 'ipv4', value: '198.51.100.45', campaigns: [], line: 11 }]);
  assert.deepEqual(list.diagnostics, []);
  const csv = read(fixture('feodo.csv'));
  assert.equal(csv.format, 'feodo');
  assert.deepEqual(csv.items, [
    { type: 'ipv4', value: '192.0.2.44', campaigns: ['QakBot'], line: 10, description: 'port 443, online', firstSeen: '2023-11-02T14:07:21Z', lastSeen: '2024-03-01' },
    { type: 'ipv4', value: '198.51.100.45', campaigns: ['Emotet'], line: 11, description: 'port 8080, offline', firstSeen: '2023-12-24T03:33:00Z', lastSeen: '2024-02-11' },
  ]);
  assert.deepEqual(csv.diagnostics, []);
  const old = read(Buffer.from('# Feodo Tracker\n# Firstseen,DstIP,DstPort,LastOnline,Malware\n2019-05-01 10:00:00,192.0.2.50,447,2019-05-02,TrickBot\n'));
  assert.equal(old.format, 'feodo');
  assert.deepEqual(old.items, [{ type: 'ipv4', value: '192.0.2.50', campaigns: ['TrickBot'], line: 3, description: 'port 447', firstSeen: '2019-05-01T10:00:00Z', lastSeen: '2019-05-02' }]);
  const empty = read(fixture('feodo-empty.csv'));
  assert.deepEqual([empty.format, empty.items, empty.diagnostics], ['feodo', [], []]);
});

test('SSLBL: certificate SHA1 fingerprints as sha1 (the family of the listing reason), JA3 counted once', () => {
  const r = read(fixture('sslbl.csv'));
  assert.equal(r.format, 'sslbl');
  assert.deepEqual(r.items, [
    { type: 'sha1', value: 'e178ee02a972cf76a5b14b07bc95e3e6a230d2c5', campaigns: ['Dridex'], line: 10, description: 'SSL certificate SHA1: Dridex C&C', firstSeen: '2024-02-28T11:12:13Z' },
    { type: 'sha1', value: '9b4911cd6c22fd9c6d2be545e1768860a968d309', campaigns: [], line: 11, description: 'SSL certificate SHA1: Malware C&C', firstSeen: '2024-02-27T01:02:03Z' },
  ]);
  const ja3 = read(fixture('sslbl-ja3.csv'));
  assert.deepEqual([ja3.format, ja3.items], ['sslbl', []]);
  assert.deepEqual(ja3.diagnostics, ['download: not imported (Sightline has no JA3 indicator type): 2 JA3 fingerprints']);
  const ips = read(Buffer.from('# abuse.ch SSLBL Botnet C2 IP Blacklist (CSV)\n# Firstseen,DstIP,DstPort\n2024-01-01 00:00:00,203.0.113.60,4443\n'));
  assert.deepEqual(ips.items, [{ type: 'ipv4', value: '203.0.113.60', campaigns: [], line: 3, description: 'port 4443', firstSeen: '2024-01-01T00:00:00Z' }]);
});

test('OTX pulse: every type that maps to ours (YARA compiled), the family the campaign, the rest counted once', () => {
  const r = read(fixture('otx-pulse.json'));
  assert.equal(r.format, 'otx');
  const pulse = 'Espionage campaign against ministries';
  const at = { campaigns: ['PlugX'], firstSeen: '2024-03-01T08:00:00Z' };
  assert.deepEqual(r.items, [
    { type: 'ipv4', value: '192.0.2.81', ...at, description: 'C2' },
    { type: 'ipv6', value: '2001:db8::81', ...at, description: pulse },
    { type: 'cidr', value: '198.51.100.0/24', ...at, description: pulse },
    { type: 'domain', value: 'mail-gov.example-bad.net', ...at, description: pulse },
    { type: 'domain', value: 'upd.mail-gov.example-bad.net', ...at, description: pulse },
    { type: 'url', value: 'http://upd.mail-gov.example-bad.net/dl/a.zip', ...at, description: pulse },
    { type: 'url', value: 'https://203.0.113.9/submit.php?id=1', ...at, description: pulse },
    { type: 'md5', value: 'a86c593a01ce8824a54a66e7e47a552f', ...at, description: pulse },
    { type: 'sha1', value: 'a33f8ad4bc1711b9be8ae5f49f5b8583e8911276', ...at, description: pulse },
    { type: 'sha256', value: '99cfadddaeb6e1ba3dfd0ad810170e4b363f52c808023abb1c4203ecdf2f907b', ...at, description: pulse },
    { type: 'email', value: 'hr@example-bad.net', ...at, description: 'sender' },
    { type: 'yara', value: 'download:PlugX_Loader', campaigns: ['PlugX'], description: pulse,
      ruleSource: 'rule PlugX_Loader : loader\n{\n    strings:\n        $a = "sightline-test-marker"\n    condition:\n        $a\n}' },
  ]);
  assert.deepEqual(r.campaigns, [{ name: 'PlugX', aliases: [] }]);
  assert.deepEqual(r.diagnostics, ['download: not imported (OTX indicator types with no Sightline indicator type): 1 URI without a host, 2 CVE, 1 Mutex, 1 FileHash-IMPHASH']);
});

test('OTX subscribed pulses ({"results": […]}) and a list of pulses: families, else the pulse name', () => {
  const r = read(fixture('otx-subscribed.json'));
  assert.equal(r.format, 'otx');
  assert.deepEqual(r.items, [
    { type: 'ipv4', value: '192.0.2.91', campaigns: ['QakBot', 'Cobalt Strike'], description: 'QakBot distribution, March', firstSeen: '2024-03-01T08:00:00Z' },
    { type: 'domain', value: 'login.example-bad.org', campaigns: ['Phishing kit hosts'], description: 'Phishing kit hosts', firstSeen: '2024-02-28T10:00:00Z' },
  ]);
  assert.deepEqual(r.campaigns.map((c) => c.name), ['QakBot', 'Cobalt Strike', 'Phishing kit hosts']);
  assert.deepEqual(r.diagnostics, ["download: pulse 65e1a0b2c3d4e5f60718295c indicator 3900202: not an indicator: 'login..example-bad.org'"]);
  const list = JSON.parse(fixture('otx-subscribed.json').toString()) as { results: unknown[] };
  assert.deepEqual(read(Buffer.from(JSON.stringify(list.results))).items, r.items);
  // An empty page of subscribed pulses is no error.
  const empty = read(Buffer.from('{"count": 0, "next": null, "previous": null, "results": []}'));
  assert.deepEqual([empty.format, empty.items, empty.diagnostics], ['otx', [], []]);
});

test('detection is by content: the same bytes under any name, generic lists stay ioc', () => {
  for (const [f, fmt] of [['urlhaus.csv', 'urlhaus'], ['threatfox.csv', 'threatfox'], ['malwarebazaar.csv', 'malwarebazaar'], ['feodo.csv', 'feodo'], ['sslbl.csv', 'sslbl'], ['otx-pulse.json', 'otx'], ['threatfox.json', 'threatfox']] as const) {
    assert.equal(detectIntelFormat(fixture(f), 'notes.txt'), fmt, f);
  }
  assert.equal(detectIntelFormat(Buffer.from('# my list\nevil.example.com\n'), 'urlhaus.csv'), 'ioc');
  assert.equal(detectIntelFormat(Buffer.from('value,type\nevil.example.com,domain\n'), 'threatfox.csv'), 'ioc');
});

test('feed times: abuse.ch, OTX and ISO forms; None and nonsense are no time', () => {
  assert.deepEqual(['2024-03-01 09:55:03', '2024-03-01 09:55:03 UTC', '2024-03-01T09:55:03.123456', '2024-03-01T11:55:03+02:00', '2024-03-01', 'None', '', '2024-02-30 00:00:00', 'yesterday'].map(feedTime),
    ['2024-03-01T09:55:03Z', '2024-03-01T09:55:03Z', '2024-03-01T09:55:03Z', '2024-03-01T09:55:03Z', '2024-03-01', undefined, undefined, undefined, undefined]);
});

test('streamed in chunks cut anywhere, every feed reads as it does whole', () => {
  for (const f of ['urlhaus.csv', 'threatfox.csv', 'malwarebazaar.csv', 'feodo.csv', 'sslbl-ja3.csv', 'otx-subscribed.json', 'threatfox.json']) {
    const data = f.endsWith('.csv') ? crlf(fixture(f)) : fixture(f);
    const whole = read(data);
    fc.assert(fc.property(fc.array(fc.nat(), { maxLength: 12 }), (cuts) => {
      assert.deepEqual(readChunked(data, whole.format!, cuts), { items: whole.items, campaigns: whole.campaigns, diagnostics: whole.diagnostics });
    }), { seed: 11, numRuns: 150 });
  }
});

test('fuzz: garbled and truncated feeds never throw, every item is a value, every diagnostic has a reason', () => {
  const bases = ['urlhaus.csv', 'threatfox.csv', 'threatfox.json', 'malwarebazaar.csv', 'feodo.csv', 'sslbl.csv', 'otx-pulse.json', 'otx-subscribed.json'].map(fixture);
  fc.assert(fc.property(fc.nat(bases.length - 1), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(), fc.constantFrom(...FEED_FORMATS),
    (which, edits, cut, format) => {
      const b = Buffer.from(bases[which]!);
      for (const [at, v] of edits) b[at % b.length] = v;
      const data = b.subarray(0, cut % (b.length + 1));
      for (const f of [format, detectIntelFormat(data, 'x')]) {
        if (f === null) continue;
        readIntel(data, 'x', f, {
          item: (i) => assert.ok(i.value.length > 0 && (i.confidence === undefined || (i.confidence >= 0 && i.confidence <= 100))),
          campaign: (c) => assert.ok(c.name.length > 0),
          diagnostic: (d) => assert.ok(d.reason.length > 0 && !d.reason.startsWith('could not read')),
        });
      }
    }), { seed: 4321, numRuns: 1500 });
});
