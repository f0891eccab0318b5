import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import type { IntelItem } from '../../core/model.js';
import { formatDiagnostic, type Diagnostic } from '../../core/diagnostic.js';
import { inferIndicator } from '../../core/normalize.js';
import { sharedData, skipUnlessShared } from '../../core/test-data.js';
import { readIocList, IocListReader } from './ioc-list-reader.js';
import { inferIndicatorFast } from './fast-infer.js';
import { readCsvRecord } from './csv-record.js';

function collect(text: string | Buffer, path = 'list.txt'): { items: IntelItem[]; diagnostics: Diagnostic[] } {
  const out = { items: [] as IntelItem[], diagnostics: [] as Diagnostic[] };
  readIocList(typeof text === 'string' ? Buffer.from(text) : text, path, {
    item: (i) => out.items.push(i), campaign: () => assert.fail('IOC lists name no campaign'), diagnostic: (d) => out.diagnostics.push(d),
  });
  return out;
}

test('plain lines: comments, blanks, descriptions after ; or , and CRLF', () => {
  const c = collect('\ufeff# header\r\n\r\nevil.example.com\r\n  10.1.2.3 ;C2 server, old\r\nhttp://a.example.net/x?y=1,second\r\n#done');
  assert.deepEqual(c.items, [
    { type: 'domain', value: 'evil.example.com', campaigns: [], line: 3 },
    { type: 'ipv4', value: '10.1.2.3', campaigns: [], line: 4, description: 'C2 server, old' },
    { type: 'url', value: 'http://a.example.net/x?y=1', campaigns: [], line: 5, description: 'second' },
  ]);
  assert.deepEqual(c.diagnostics, []);
});

test('inference: hashes, file names vs domains by the public suffix list, defanged, IDN, CIDR, e-mail', () => {
  const c = collect([
    'D41D8CD98F00B204E9800998ECF8427E', 'da39a3ee5e6b4b0d3255bfef95601890afd80709',
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'netmgr.exe', 'example.zip', 'hxxp://evil[.]example[.]com/a', 'bad[.]example(.)org', 'bücher.example.de',
    '192.168.0.0/16', '2001:DB8::1', 'Attacker@Example.COM', 'C:\\Windows\\Temp\\svc.dll', '235.22.123.90',
  ].join('\n'));
  assert.deepEqual(c.items.map((i) => `${i.type}:${i.value}`), [
    'md5:d41d8cd98f00b204e9800998ecf8427e', 'sha1:da39a3ee5e6b4b0d3255bfef95601890afd80709',
    'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'filename:netmgr.exe', 'domain:example.zip', 'url:http://evil.example.com/a', 'domain:bad.example.org', 'domain:xn--bcher-kva.example.de',
    'cidr:192.168.0.0/16', 'ipv6:2001:db8::1', 'email:attacker@example.com', 'filename:svc.dll', 'ipv4:235.22.123.90',
  ]);
  assert.deepEqual(c.diagnostics, []);
});

test('lines that are no indicator are diagnostics with their line, and reading goes on', () => {
  const c = collect('good.example.com\njust some words\n\\\\evil\\.exe;80\n999.1.1.1\n(?i)\\\\procdump(64)?\\.exe;50\nabc\nlast.example.com\n');
  assert.deepEqual(c.items.map((i) => [i.value, i.line]), [['good.example.com', 1], ['last.example.com', 7]]);
  assert.deepEqual(c.diagnostics.map(formatDiagnostic), [
    "list.txt:2: not an indicator: 'just some words'",
    "list.txt:3: not an indicator: '\\\\evil\\.exe'",
    "list.txt:4: not an indicator: '999.1.1.1'",
    "list.txt:5: not an indicator: '(?i)\\\\procdump(64)?\\.exe'",
    "list.txt:6: not an indicator: 'abc'",
  ]);
  assert.ok(c.diagnostics.every((d) => d.code === 'not-indicator' && d.severity === 'error'));
});

test('MISP CSV export: type column, composite types, comment column', () => {
  const csv = [
    'uuid,event_id,category,type,value,comment,to_ids,date',
    '1,7,Network activity,domain,Evil.Example.com,"C2, primary",1,20170101',
    '2,7,Network activity,ip-dst|port,10.0.0.1|443,,1,20170101',
    '3,7,Payload delivery,filename|md5,dropper.exe|d41d8cd98f00b204e9800998ecf8427e,"said ""hi""",1,20170101',
    '4,7,Network activity,domain|ip,x.example.org|2001:db8::2,,1,20170101',
    '5,7,Network activity,hostname,not_a host,,1,20170101',
    '6,7,Other,text,netmgr.exe,,0,20170101',
    '7,7,Network activity,ip-src,"10.9.8.0/24",,1,20170101',
  ].join('\n');
  const c = collect(csv, 'misp.csv');
  assert.deepEqual(c.items, [
    { type: 'domain', value: 'evil.example.com', campaigns: [], line: 2, description: 'C2, primary' },
    { type: 'ipv4', value: '10.0.0.1', campaigns: [], line: 3 },
    { type: 'filename', value: 'dropper.exe', campaigns: [], line: 4, description: 'said "hi"' },
    { type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e', campaigns: [], line: 4, description: 'said "hi"' },
    { type: 'domain', value: 'x.example.org', campaigns: [], line: 5 },
    { type: 'ipv6', value: '2001:db8::2', campaigns: [], line: 5 },
    { type: 'filename', value: 'netmgr.exe', campaigns: [], line: 7 },
    { type: 'cidr', value: '10.9.8.0/24', campaigns: [], line: 8 },
  ]);
  assert.deepEqual(c.diagnostics.map(formatDiagnostic), ["misp.csv:6: not an indicator: 'not_a host'"]);
});

test('OTX CSV export, and a quoted field spanning lines keeps line numbers right', () => {
  const csv = 'Indicator type,Indicator,Description\nFileHash-SHA256,E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855,"two\nlines"\nIPv4,198.51.100.7,\nCIDR,198.51.100.0/24,\nURL,hxxp://bad[.]example/p,\nFileHash-MD5,nothex,\n';
  const c = collect(csv, 'otx.csv');
  assert.deepEqual(c.items.map((i) => `${i.line}:${i.type}:${i.value}`), [
    '2:sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    '4:ipv4:198.51.100.7', '5:cidr:198.51.100.0/24', '6:url:http://bad.example/p',
  ]);
  assert.equal(c.items[0]?.description, 'two\nlines');
  assert.deepEqual(c.diagnostics.map(formatDiagnostic), ["otx.csv:7: not an indicator: 'nothex'"]);
});

test('CSV record splitting per RFC 4180', () => {
  const r = (s: string): unknown => { const x = readCsvRecord(Buffer.from(s), 0); return [x.fields, x.next, x.newlines, x.unterminated]; };
  assert.deepEqual(r('a,"b,c","d""e",\r\nnext'), [['a', 'b,c', 'd"e', ''], 17, 0, false]);
  assert.deepEqual(r('"multi\nline",x\ny'), [['multi\nline', 'x'], 15, 1, false]);
  assert.deepEqual(r('"open,never closed'), [['open,never closed'], 18, 0, true]);
  assert.deepEqual(r('"q"tail,z'), [['qtail', 'z'], 9, 0, false]);
});

test('fast inference gives exactly inferIndicator\'s result', () => {
  const samples = ['a.com', 'A.COM', 'x.exe', 'x.zip', '1.2.3.4', '01.2.3.4', '1.2.3.256', '1.2.3', '1.2.3.4.5', 'a..b', '-a.com', 'a-.com', 'a.b-c.d',
    'abc', 'deadbeef', 'x.y', 'a.ck', 'www.ck', 'foo.co.uk', 'emenike.no-ip-biz', '.a.com', 'a.com.', '0.0.0.0', '255.255.255.255', 'a'.repeat(64) + '.com'];
  for (const s of samples) assert.deepEqual(inferIndicatorFast(s), inferIndicator(s), s);
  const chars = fc.constantFrom(...'abcdefxyz0123456789.-ABF'.split(''));
  fc.assert(fc.property(fc.array(chars, { minLength: 1, maxLength: 70 }).map((a) => a.join('')), (s) => {
    assert.deepEqual(inferIndicatorFast(s), inferIndicator(s));
  }), { seed: 99, numRuns: 20000 });
  const tlds = fc.constantFrom('com', 'exe', 'zip', 'dll', 'ru', 'cn', 'local', 'onion', 'bit', 'uk', 'jp', 'tmp', 'php', 'xn--p1ai');
  fc.assert(fc.property(fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?(\.[a-z0-9]{1,5}){0,2}$/), tlds, (head, tld) => {
    const s = `${head}.${tld}`;
    assert.deepEqual(inferIndicatorFast(s), inferIndicator(s));
  }), { seed: 100, numRuns: 5000 });
});

test('real: NetTraveler lists', { skip: skipUnlessShared('iocs/nettraveler/nettraveler-c2-iocs.txt') }, () => {
  const c2 = collect(readFileSync(sharedData('iocs/nettraveler/nettraveler-c2-iocs.txt')!), 'nt-c2.txt');
  const uniq = (items: IntelItem[], t: string): number => new Set(items.filter((i) => i.type === t).map((i) => i.value)).size;
  assert.deepEqual([c2.items.length, uniq(c2.items, 'domain'), uniq(c2.items, 'ipv4')], [68, 47, 20]);
  assert.deepEqual(c2.diagnostics, []);
  assert.deepEqual(c2.items[0], {
    type: 'ipv4', value: '98.126.38.107', campaigns: [], line: 1,
    description: 'NetTraveler APT Targets Russian, European Interests https://www.proofpoint.com/us/threat-insight/post/nettraveler-apt-targets-russia',
  });
  assert.ok(c2.items.some((i) => i.type === 'ipv4' && i.value === '235.22.123.90'));
  const h = collect(readFileSync(sharedData('iocs/nettraveler/nettraveler-hash-iocs.txt')!));
  assert.deepEqual([h.items.length, uniq(h.items, 'sha256'), h.diagnostics.length], [18, 18, 0]);
});

test('real: signature-base lists', { skip: skipUnlessShared('iocs/signature-base/c2-iocs.txt') }, () => {
  const read = (f: string): ReturnType<typeof collect> => collect(readFileSync(sharedData('iocs', f)!), f);
  const byType = (items: IntelItem[]): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const i of items) out[i.type] = (out[i.type] ?? 0) + 1;
    return out;
  };
  const c2 = read('signature-base/c2-iocs.txt');
  assert.deepEqual(byType(c2.items), { domain: 1709, ipv4: 135 });
  assert.deepEqual(c2.diagnostics, []);
  const hashes = read('signature-base/hash-iocs.txt');
  assert.deepEqual(byType(hashes.items), { sha256: 1259, md5: 1039, sha1: 926 });
  const names = read('signature-base/filename-iocs.txt');
  assert.deepEqual([names.items.length, names.diagnostics.length], [12, 3816]);
  assert.deepEqual(names.items.slice(0, 2).map((i) => [i.line, i.value]), [[3098, 'installd.sh'], [3099, 'com.adobe.update.plist']]);
  const otxNames = read('signature-base-2016-otx/otx-filename-iocs.txt');
  assert.deepEqual([otxNames.items.length, otxNames.diagnostics.length], [0, 55]);
  const otxC2 = read('signature-base-2016-otx/otx-c2-iocs.txt');
  assert.deepEqual(byType(otxC2.items), { domain: 7527, ipv4: 1861, cidr: 1, filename: 2 });
});

test('fuzz: mutated real lists never throw, and every line is accounted for', { skip: skipUnlessShared('iocs/nettraveler/nettraveler-c2-iocs.txt') }, () => {
  const base = Buffer.concat([
    readFileSync(sharedData('iocs/nettraveler/nettraveler-c2-iocs.txt')!).subarray(0, 1500),
    Buffer.from('\nuuid,type,value,comment\n1,domain,"a.com",x\n'),
  ]);
  fc.assert(fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }), (edits) => {
    const b = Buffer.from(base);
    for (const [at, v] of edits) b[at % b.length] = v;
    const c = collect(b);
    for (const i of c.items) assert.ok(i.line !== undefined && i.line >= 1 && i.value.length > 0);
    for (const d of c.diagnostics) assert.ok(d.line !== undefined && d.line >= 1);
  }), { seed: 1234, numRuns: 2000 });
});

/** Reads `data` pushed in pieces cut at `cuts` (offsets, any order). */
function collectChunked(data: Buffer, cuts: number[], path = 'list.txt'): { items: IntelItem[]; diagnostics: Diagnostic[] } {
  const out = { items: [] as IntelItem[], diagnostics: [] as Diagnostic[] };
  const r = new IocListReader(path, { item: (i) => out.items.push(i), campaign: () => assert.fail('IOC lists name no campaign'), diagnostic: (d) => out.diagnostics.push(d) });
  let at = 0;
  for (const c of [...new Set(cuts.map((x) => x % (data.length + 1)))].sort((a, b) => a - b)) {
    r.push(data.subarray(at, c));
    at = c;
  }
  r.push(data.subarray(at));
  r.end();
  return out;
}

test('streamed in chunks cut anywhere, a list reads as it does whole: CSV header, quoted line breaks, BOM, CRLF, no final newline', () => {
  const inputs = [
    '\ufeff# c\r\nevil.example.com\r\n  10.1.2.3 ;C2 server, old\r\nhttp://a.example.net/x?y=1,second\r\n#done',
    'Indicator type,Indicator,Description\nFileHash-SHA256,E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855,"two\nlines"\nIPv4,198.51.100.7,\n"CIDR",198.51.100.0/24,"a ""q"""\nURL,hxxp://bad[.]example/p,\nFileHash-MD5,nothex,',
    'uuid,type,value,comment\n1,domain,"a.com",x\n2,domain,"open never closed\n3,ip-dst,10.0.0.1,\n',
  ].map((s) => Buffer.from(s));
  for (const data of inputs) {
    const whole = collect(data);
    // Every single cut, then random sets of cuts.
    for (let c = 0; c <= data.length; c++) assert.deepEqual(collectChunked(data, [c]), whole, `cut at ${c}`);
    fc.assert(fc.property(fc.array(fc.nat(), { maxLength: 20 }), (cuts) => {
      assert.deepEqual(collectChunked(data, cuts), whole);
    }), { seed: 7, numRuns: 500 });
  }
});

test('streamed: a line longer than the limit is reported once with its number, and the next line reads', () => {
  const long = 'a'.repeat(3 * 1024 * 1024);
  const data = Buffer.from(`first.example.com\n${long}\nnext.example.com\n`);
  const c = collectChunked(data, Array.from({ length: 60 }, (_, i) => i * 64 * 1024 + 5));
  assert.deepEqual(c.items.map((i) => [i.line, i.value]), [[1, 'first.example.com'], [3, 'next.example.com']]);
  assert.deepEqual(c.diagnostics.map(formatDiagnostic), ['list.txt:2: line longer than 1048576 bytes']);
  assert.deepEqual(collect(data).diagnostics.map(formatDiagnostic), c.diagnostics.map(formatDiagnostic));
});

test('real: signature-base lists streamed in 4 KiB chunks read as they do whole', { skip: skipUnlessShared('iocs/signature-base/c2-iocs.txt') }, () => {
  for (const f of ['signature-base/c2-iocs.txt', 'signature-base/hash-iocs.txt', 'signature-base/filename-iocs.txt']) {
    const data = readFileSync(sharedData('iocs', f)!);
    const cuts = Array.from({ length: Math.ceil(data.length / 4096) }, (_, i) => i * 4096 + 4093);
    assert.deepEqual(collectChunked(data, cuts, f), collect(data, f), f);
  }
});

test('CSV in general: a header in a # comment, quoted fields, ", " separators, CRLF and a BOM', () => {
  const text = '\ufeff# exported list\r\n#\r\n# "indicator", "type", "description"\r\n'
    + '"evil.example.com", "domain", "C2, first wave"\r\n"198.51.100.7", "IPv4", "None"\r\n"", "domain", ""\r\n"not a domain", "domain", ""\r\n';
  const c = collect(text);
  assert.deepEqual(c.items, [
    { type: 'domain', value: 'evil.example.com', campaigns: [], line: 4, description: 'C2, first wave' },
    { type: 'ipv4', value: '198.51.100.7', campaigns: [], line: 5, description: 'None' },
  ]);
  assert.deepEqual(c.diagnostics.map(formatDiagnostic), ["list.txt:7: not an indicator: 'not a domain'"]);
  // A comment naming no known column stays a comment, and the list is read line by line.
  assert.deepEqual(collect('# seen, reported, blocked\nevil.example.com\n').items.map((i) => i.value), ['evil.example.com']);
  // Once a record has been read, a later commented header is a comment.
  assert.deepEqual(collect('evil.example.com\n# value,type\n10.0.0.1\n').items.map((i) => i.type), ['domain', 'ipv4']);
});

test('CSV records: blanks before an opening quote are padding, blanks in an unquoted field are kept', () => {
  assert.deepEqual(readCsvRecord(Buffer.from('"a", "b",\t"c" , d\r\n'), 0).fields, ['a', 'b', 'c ', ' d']);
});
