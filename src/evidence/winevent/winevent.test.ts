import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { sharedData, skipUnlessShared } from '../../core/test-data.js';
import { detectLogFormat } from '../detect.js';
import { collectingSink, readBuffer } from '../line-reader.js';
import { fuzzLines, splitLines } from '../testing/fuzz-lines.js';
import { jsonToWinEvent } from './json-event.js';
import { parseXmlEvent } from './xml-event.js';
import { WinEventJsonReader, WinEventXmlReader } from './winevent-reader.js';

const EXCERPT = readFileSync(fileURLToPath(new URL('./testdata/otrf-bitsadmin-excerpt.json', import.meta.url)));
const OTRF = 'logs/sysmon/otrf_cmd_bitsadmin_download_psh_script_2020-10-2302365189.json';

function readJson(buf: Buffer) {
  const reader = new WinEventJsonReader('events.json');
  const sink = collectingSink();
  readBuffer(reader, buf, sink);
  return { reader, ...sink };
}

function readXml(buf: Buffer) {
  const reader = new WinEventXmlReader('events.xml');
  const sink = collectingSink();
  readBuffer(reader, buf, sink);
  reader.end(sink);
  return { reader, ...sink };
}

const rows = (os: ReturnType<typeof readJson>['observations']) =>
  os.map((o) => [o.line, o.field, o.kind, o.value, o.ts, o.src, o.dst, o.record ?? null, o.process ? [o.process.image, o.process.pid, o.process.guid] : null]);

// Expected values read from the excerpt with jq (`jq -c '{EventID, Hashes, ProcessGuid, ProcessId, Image, …}'`);
// times are TimeCreated (`date -u -d 2020-10-23T02:36:43.542Z +%s%3N`).
const HOST = 'WORKSTATION5';
const BITS = 'C:\\Windows\\System32\\bitsadmin.exe';
const BITS_P = [BITS, 9260, '{39e4a257-79fb-5f92-7117-000000000700}'];
const SVC_P = ['C:\\windows\\System32\\svchost.exe', 4696, '{39e4a257-79fb-5f92-7217-000000000700}'];
const URL_T1197 = 'https://raw.githubusercontent.com/redcanaryco/atomic-red-team/master/atomics/T1197/T1197.md';

test('OTRF excerpt (Security 4688, 5156; Sysmon 1, 22, 3): hashes and imphash, both ends, DNS answers, the process of each', () => {
  assert.equal(detectLogFormat(EXCERPT, 'x.json'), 'winevent-json');
  const r = readJson(EXCERPT);
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(rows(r.observations), [
    // 4688: NewProcessId 0x242c is 9260; the command line read as text.
    [1, 'file.name', 'filename', BITS, 1603420603542, HOST, null, null, [BITS, 9260, null]],
    [1, 'text.url', 'url', URL_T1197, 1603420603542, HOST, null, null, [BITS, 9260, null]],
    [1, 'text.domain', 'domain', 'raw.githubusercontent.com', 1603420603542, HOST, null, null, [BITS, 9260, null]],
    [1, 'text.domain', 'domain', 'T1197.md', 1603420603542, HOST, null, null, [BITS, 9260, null]],
    // 5156 outbound (%%14593): the local end is the source.
    [2, 'conn.orig_h', 'ip', '192.168.2.5', 1603420604333, HOST, '151.101.208.133', null, ['\\device\\harddiskvolume2\\windows\\system32\\svchost.exe', 4696, null]],
    [2, 'conn.resp_h', 'ip', '151.101.208.133', 1603420604333, HOST, '151.101.208.133', null, ['\\device\\harddiskvolume2\\windows\\system32\\svchost.exe', 4696, null]],
    [3, 'file.sha1', 'hash', '282DA9EE622F01CC63352E53FDC3D4A75CEEB6FD', 1603420603547, HOST, null, null, BITS_P],
    [3, 'file.md5', 'hash', 'A23A7A6B6F8E1A5D913EA119F5F2ED1A', 1603420603547, HOST, null, null, BITS_P],
    [3, 'file.sha256', 'hash', 'EAAE8536D554D0E86D8540A8B34DB2649BD884843F389495D0B6E91636C6CF54', 1603420603547, HOST, null, null, BITS_P],
    [3, 'file.imphash', 'imphash', 'B0A3CFF8CFDE112945189719F82F9EA9', 1603420603547, HOST, null, null, BITS_P],
    [3, 'file.name', 'filename', BITS, 1603420603547, HOST, null, null, BITS_P],
    [3, 'file.name', 'filename', 'bitsadmin.exe', 1603420603547, HOST, null, null, BITS_P],
    [3, 'text.url', 'url', URL_T1197, 1603420603547, HOST, null, null, BITS_P],
    [3, 'text.domain', 'domain', 'raw.githubusercontent.com', 1603420603547, HOST, null, null, BITS_P],
    [3, 'text.domain', 'domain', 'T1197.md', 1603420603547, HOST, null, null, BITS_P],
    // 22: QueryResults "type:  5 github.map.fastly.net;::ffff:151.101.208.133;"
    [4, 'dns.query', 'domain', 'raw.githubusercontent.com', 1603420605970, HOST, null, null, SVC_P],
    [4, 'dns.answer', 'domain', 'github.map.fastly.net', 1603420605970, HOST, null, null, SVC_P],
    [4, 'dns.answer', 'ip', '::ffff:151.101.208.133', 1603420605970, HOST, null, null, SVC_P],
    [5, 'conn.orig_h', 'ip', '192.168.2.5', 1603420606838, HOST, '151.101.208.133', null, SVC_P],
    [5, 'conn.resp_h', 'ip', '151.101.208.133', 1603420606838, HOST, '151.101.208.133', null, SVC_P],
  ]);
  assert.deepEqual(r.reader.stats, { byKind: { 'security-4688': 1, 'security-5156': 1, 'sysmon-1': 1, 'sysmon-22': 1, 'sysmon-3': 1 }, unmapped: 0 });
});

test('a whole OTRF dataset: every event read, mapped ones counted by kind as jq counts them, the rest counted unmapped', { skip: skipUnlessShared(OTRF) }, () => {
  const r = readJson(readFileSync(sharedData(OTRF)!));
  assert.deepEqual(r.diagnostics, []);
  // jq -r '[.SourceName,.EventID]|@tsv' | sort | uniq -c
  assert.deepEqual([r.reader.records, r.reader.skipped], [424, 0]);
  assert.deepEqual(r.reader.stats, {
    byKind: { 'security-4688': 2, 'security-5156': 12, 'sysmon-1': 2, 'sysmon-3': 8, 'sysmon-7': 141, 'sysmon-11': 6, 'sysmon-22': 3, 'sysmon-23': 2 },
    unmapped: 424 - (2 + 12 + 2 + 8 + 141 + 6 + 3 + 2),
  });
  // jq -r 'select(.Hashes) | .Hashes' | grep -c IMPHASH= less the all-zero ones (jq … | grep -c 'IMPHASH=0\{32\}'): 145 − 6.
  assert.equal(r.observations.filter((o) => o.field === 'file.imphash').length, 139);
});

test('Winlogbeat (ECS and 6.x) and NXLog lines: record number, host, provider, channel, data', () => {
  // Shapes as Elastic's Winlogbeat reference (exported fields `winlog.*`) and NXLog's im_msvistalog to_json() document them.
  const ecs = { '@timestamp': '2019-03-03T10:15:12.345Z', host: { name: 'pc01.example.org' }, winlog: {
    event_id: '22', record_id: 81234, computer_name: 'PC01', channel: 'Microsoft-Windows-Sysmon/Operational', provider_name: 'Microsoft-Windows-Sysmon',
    event_data: { QueryName: 'www.example.net', QueryResults: '192.0.2.80;', Image: 'C:\\Temp\\netmgr.exe', ProcessId: '4242', ProcessGuid: '{aaaa}' },
    process: { pid: 3000 } } };
  assert.deepEqual(jsonToWinEvent(ecs), {
    recordId: 81234, eventId: 22, provider: 'Microsoft-Windows-Sysmon', channel: 'Microsoft-Windows-Sysmon/Operational', computer: 'PC01',
    ts: Date.UTC(2019, 2, 3, 10, 15, 12, 345),
    data: { QueryName: 'www.example.net', QueryResults: '192.0.2.80;', Image: 'C:\\Temp\\netmgr.exe', ProcessId: '4242', ProcessGuid: '{aaaa}' },
  });
  const wlb6 = { '@timestamp': '2019-03-03T10:15:12.000Z', event_id: 4688, record_number: '991', computer_name: 'PC02', log_name: 'Security',
    source_name: 'Microsoft-Windows-Security-Auditing', event_data: { NewProcessName: 'C:\\Temp\\netmgr.exe', NewProcessId: '0x10' } };
  assert.deepEqual(jsonToWinEvent(wlb6), {
    recordId: 991, eventId: 4688, provider: 'Microsoft-Windows-Security-Auditing', channel: 'Security', computer: 'PC02',
    ts: Date.UTC(2019, 2, 3, 10, 15, 12), data: { NewProcessName: 'C:\\Temp\\netmgr.exe', NewProcessId: '0x10' },
  });
  const nxlog = { EventTime: '2019-03-03 10:15:12', Hostname: 'PC03', Keywords: -9223372036854775808, EventType: 'INFO', SeverityValue: 2,
    Severity: 'INFO', EventID: 3, SourceName: 'Microsoft-Windows-Sysmon', ProviderGuid: '{5770385F-C22A-43E0-BF4C-06F5698FFBD9}', Version: 5,
    Task: 3, OpcodeValue: 0, RecordNumber: 1234, ProcessID: 1880, ThreadID: 2660, Channel: 'Microsoft-Windows-Sysmon/Operational',
    Domain: 'NT AUTHORITY', AccountName: 'SYSTEM', UserID: 'S-1-5-18', AccountType: 'User', Message: 'Network connection detected…',
    Category: 'Network connection detected (rule: NetworkConnect)', Opcode: 'Info', UtcTime: '2019-03-03 10:15:11.900',
    ProcessGuid: '{bbbb}', ProcessId: '4242', Image: 'C:\\Temp\\netmgr.exe', Initiated: 'true', SourceIp: '10.0.0.5', DestinationIp: '192.0.2.80',
    DestinationHostname: 'www.example.net', EventReceivedTime: '2019-03-03 10:15:13', SourceModuleName: 'eventlog', SourceModuleType: 'im_msvistalog' };
  const ev = jsonToWinEvent(nxlog)!;
  assert.deepEqual([ev.recordId, ev.eventId, ev.provider, ev.computer, ev.ts], [1234, 3, 'Microsoft-Windows-Sysmon', 'PC03', Date.UTC(2019, 2, 3, 10, 15, 12)]);
  // NXLog's own ProcessID/ThreadID (System/Execution) are not data; Sysmon's ProcessId is.
  assert.deepEqual(ev.data, { UtcTime: '2019-03-03 10:15:11.900', ProcessGuid: '{bbbb}', ProcessId: '4242', Image: 'C:\\Temp\\netmgr.exe',
    Initiated: 'true', SourceIp: '10.0.0.5', DestinationIp: '192.0.2.80', DestinationHostname: 'www.example.net' });
  const r = readJson(Buffer.from([ecs, nxlog, { hello: 1 }].map((o) => JSON.stringify(o)).join('\n') + '\n{broken'));
  assert.deepEqual(rows(r.observations), [
    [1, 'dns.query', 'domain', 'www.example.net', Date.UTC(2019, 2, 3, 10, 15, 12, 345), 'PC01', null, 81234, ['C:\\Temp\\netmgr.exe', 4242, '{aaaa}']],
    [1, 'dns.answer', 'ip', '192.0.2.80', Date.UTC(2019, 2, 3, 10, 15, 12, 345), 'PC01', null, 81234, ['C:\\Temp\\netmgr.exe', 4242, '{aaaa}']],
    [2, 'conn.orig_h', 'ip', '10.0.0.5', Date.UTC(2019, 2, 3, 10, 15, 12), 'PC03', '192.0.2.80', 1234, ['C:\\Temp\\netmgr.exe', 4242, '{bbbb}']],
    [2, 'conn.resp_h', 'ip', '192.0.2.80', Date.UTC(2019, 2, 3, 10, 15, 12), 'PC03', '192.0.2.80', 1234, ['C:\\Temp\\netmgr.exe', 4242, '{bbbb}']],
    [2, 'conn.resp_name', 'domain', 'www.example.net', Date.UTC(2019, 2, 3, 10, 15, 12), 'PC03', '192.0.2.80', 1234, ['C:\\Temp\\netmgr.exe', 4242, '{bbbb}']],
  ]);
  assert.deepEqual(r.diagnostics.map((d) => [d.code, d.line]), [['bad-record', 3], ['bad-record', 4]]);
});

// One event as `wevtutil qe Microsoft-Windows-Sysmon/Operational /f:xml` prints it (one line, single-quoted attributes, seven fraction digits).
const WEVTUTIL = "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon' Guid='{5770385f-c22a-43e0-bf4c-06f5698ffbd9}'/><EventID>1</EventID><Version>5</Version><Level>4</Level><Task>1</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime='2013-05-02T03:04:05.1234567Z'/><EventRecordID>4711</EventRecordID><Correlation/><Execution ProcessID='1880' ThreadID='2660'/><Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>pc01.example.org</Computer><Security UserID='S-1-5-18'/></System><EventData><Data Name='RuleName'>-</Data><Data Name='ProcessGuid'>{cccc}</Data><Data Name='ProcessId'>4242</Data><Data Name='Image'>C:\\Users\\a\\netmgr.exe</Data><Data Name='Hashes'>MD5=0123456789ABCDEF0123456789ABCDEF,IMPHASH=F34D5F2D4577ED6D9CEEC516C1F5A744</Data><Data Name='CommandLine'>netmgr.exe -u &quot;http://www.example.net/a&amp;b&quot; &#x41;</Data></EventData></Event>";

test('XML: wevtutil\'s one-line events, several per line; entities; the record number and process', () => {
  assert.equal(detectLogFormat(Buffer.from(WEVTUTIL + '\r\n'), 'sysmon.xml'), 'winevent-xml');
  const e = parseXmlEvent(WEVTUTIL);
  assert.ok(e.ok);
  assert.deepEqual(e.event, {
    recordId: 4711, eventId: 1, provider: 'Microsoft-Windows-Sysmon', channel: 'Microsoft-Windows-Sysmon/Operational', computer: 'pc01.example.org',
    ts: Date.UTC(2013, 4, 2, 3, 4, 5, 123),
    data: { RuleName: '-', ProcessGuid: '{cccc}', ProcessId: '4242', Image: 'C:\\Users\\a\\netmgr.exe',
      Hashes: 'MD5=0123456789ABCDEF0123456789ABCDEF,IMPHASH=F34D5F2D4577ED6D9CEEC516C1F5A744', CommandLine: 'netmgr.exe -u "http://www.example.net/a&b" A' },
  });
  const r = readXml(Buffer.from(`${WEVTUTIL}${WEVTUTIL.replace('4711', '4712')}\r\n${WEVTUTIL.replace('4711', '4713')}\r\n`));
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual([r.reader.records, r.reader.skipped], [3, 0]);
  const p = ['C:\\Users\\a\\netmgr.exe', 4242, '{cccc}'];
  const t = Date.UTC(2013, 4, 2, 3, 4, 5, 123);
  assert.deepEqual(rows(r.observations).filter((o) => o[7] === 4713), [
    [2, 'file.md5', 'hash', '0123456789ABCDEF0123456789ABCDEF', t, 'pc01.example.org', null, 4713, p],
    [2, 'file.imphash', 'imphash', 'F34D5F2D4577ED6D9CEEC516C1F5A744', t, 'pc01.example.org', null, 4713, p],
    [2, 'file.name', 'filename', 'C:\\Users\\a\\netmgr.exe', t, 'pc01.example.org', null, 4713, p],
    [2, 'text.url', 'url', 'http://www.example.net/a&b', t, 'pc01.example.org', null, 4713, p],
    [2, 'text.domain', 'domain', 'www.example.net', t, 'pc01.example.org', null, 4713, p],
  ]);
});

test('XML: evtx_dump.py\'s pretty events over many lines (the line is the event\'s first), UserData leaves, unnamed Data, a cut-short event', () => {
  const xml = [
    '<?xml version="1.1" encoding="utf-8" standalone="yes" ?>',
    '',
    '<Events>',
    '<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="Microsoft-Windows-DNS-Client" Guid="{1c95126e-7eea-49a9-a3fe-a378b03ddb4d}"></Provider>',
    '<EventID Qualifiers="">3008</EventID>',
    '<TimeCreated SystemTime="2013-05-02 03:04:05.681640"></TimeCreated>',
    '<EventRecordID>77</EventRecordID>',
    '<Channel>Microsoft-Windows-DNS-Client/Operational</Channel>',
    '<Computer>PC01</Computer>',
    '</System>',
    '<EventData><Data Name="QueryName">www.example.net</Data>',
    '<Data Name="QueryType">1</Data>',
    '<Data Name="QueryResults">192.0.2.80;</Data>',
    '</EventData>',
    '</Event>',
    '',
    '<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="Microsoft-Windows-Eventlog"></Provider>',
    '<EventID>1102</EventID><EventRecordID>78</EventRecordID><Computer>PC01</Computer></System>',
    '<UserData><LogFileCleared xmlns="http://manifests.microsoft.com/win/2004/08/windows/eventlog"><SubjectUserName>a</SubjectUserName><!-- x --><SubjectDomainName><![CDATA[B<C]]></SubjectDomainName></LogFileCleared></UserData></Event>',
    '<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><EventID>7</EventID></System><EventData><Data>one</Data><Data>two</Data></EventData></Event>',
    'stray text',
    '<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><EventID>9</EventID>',
  ].join('\n');
  assert.equal(detectLogFormat(Buffer.from(xml), 'dump.xml'), 'winevent-xml');
  const r = readXml(Buffer.from(xml));
  assert.deepEqual(rows(r.observations), [
    [4, 'dns.query', 'domain', 'www.example.net', Date.UTC(2013, 4, 2, 3, 4, 5, 681), 'PC01', null, 77, null],
    [4, 'dns.answer', 'ip', '192.0.2.80', Date.UTC(2013, 4, 2, 3, 4, 5, 681), 'PC01', null, 77, null],
  ]);
  assert.deepEqual(r.diagnostics.map((d) => [d.code, d.line, d.reason]), [
    ['no-timestamp', 17, 'no timestamp on this line; sightings from this file carry no time (further lines not reported)'],
    ['bad-record', 21, 'text outside an event: "stray text"'],
    ['bad-record', 22, 'event cut short at the end of the file (no </Event>)'],
  ]);
  assert.deepEqual([r.reader.records, r.reader.skipped, r.reader.stats.unmapped], [3, 2, 2]);
  const cleared = parseXmlEvent(xml.split('\n').slice(16, 19).join('\n'));
  assert.ok(cleared.ok);
  assert.deepEqual(cleared.event.data, { SubjectUserName: 'a', SubjectDomainName: 'B<C' });
  const unnamed = parseXmlEvent(xml.split('\n')[19]!);
  assert.ok(unnamed.ok);
  assert.deepEqual(unnamed.event.data, { Data1: 'one', Data2: 'two' });
});

test('XML: hostile events are errors, not exceptions: DTDs, deep nesting, mismatched and unterminated tags, no EventID', () => {
  const ns = '<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">';
  const bad: [string, string][] = [
    [`<!DOCTYPE x [<!ENTITY a "aaaa">]>${ns}</Event>`, 'a DTD or declaration inside an event (not read)'],
    [`${ns}${'<a>'.repeat(40)}${'</a>'.repeat(40)}</Event>`, 'nested deeper than 32 elements'],
    [`${ns}<System><EventID>1</Channel></System></Event>`, 'end tag </Channel> does not close <EventID>'],
    [`${ns}<System><EventID>1</EventID>`, 'unterminated <System>'],
    [`${ns}<System></System></Event>`, 'no EventID'],
    [`<Other/>`, '<Other> where <Event> was expected'],
    [`${ns}<System a="1></System></Event>`, 'unterminated attribute a'],
  ];
  for (const [x, why] of bad) assert.deepEqual(parseXmlEvent(x), { ok: false, reason: why }, x);
});

test('XML and the EVTX oracle: evtx_dump.py\'s XML of a real EVTX file read event by event as evtxexport reads the file', {
  skip: skipUnlessShared('evtx', 'new-user-security.evtx') || (!existsSync('/usr/bin/evtx_dump.py') || !existsSync('/usr/bin/evtxexport')
    ? 'evtx_dump.py (python3-evtx) and evtxexport (libevtx-utils) are not installed' : false),
}, () => {
  const file = sharedData('evtx', 'new-user-security.evtx')!;
  const xml = execFileSync('/usr/bin/evtx_dump.py', [file], { maxBuffer: 64 << 20 });
  const oracle = execFileSync('/usr/bin/evtxexport', [file], { maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] }).toString('utf8');
  // evtxexport: per record, "Computer name : …", "Source name : …", "Event identifier : 0x… (N)", "String: k : value".
  const want = oracle.split(/\n(?=Event number\t)/).filter((b) => b.startsWith('Event number')).map((b) => ({
    computer: /Computer name\t+: (.*)/.exec(b)?.[1], provider: /Source name\t+: (.*)/.exec(b)?.[1],
    eventId: Number(/Event identifier\t+: 0x[0-9a-f]+ \((\d+)\)/.exec(b)?.[1]),
    strings: [...b.matchAll(/String: \d+\t+: (.*)/g)].map((m) => m[1]),
  }));
  // evtxexport prints a multi-line string as it is: its first line is what a line-based reading of its output holds.
  const firstLine = (v: string) => v.split(/\r?\n/)[0]!;
  const got: { computer: string; provider: string; eventId: number; strings: string[] }[] = [];
  const reader = new WinEventXmlReader('dump.xml');
  const sink = collectingSink();
  readBuffer(reader, xml, sink);
  for (const block of xml.toString('utf8').split(/(?=<Event xmlns)/).slice(1)) {
    const r = parseXmlEvent(block);
    assert.ok(r.ok);
    got.push({ computer: r.event.computer, provider: r.event.provider, eventId: r.event.eventId, strings: Object.values(r.event.data).map(firstLine) });
  }
  assert.ok(want.length > 0);
  assert.equal(reader.records, want.length);
  assert.deepEqual(got, want);
});

test('fuzz: mutated JSON and XML event lines never throw; diagnostics name input lines', () => {
  fuzzLines(splitLines(EXCERPT), () => new WinEventJsonReader('e.json'), { seed: 2015, numRuns: 200, maxOffset: 3000 });
  fuzzLines(splitLines(Buffer.from(`${WEVTUTIL}\n${WEVTUTIL}\n`)), () => new WinEventXmlReader('e.xml'), { seed: 2016, numRuns: 300, maxOffset: 1500 });
  fc.assert(fc.property(fc.string({ maxLength: 400 }), (s) => {
    const r = parseXmlEvent(`<Event>${s}`);
    assert.ok(typeof r.ok === 'boolean');
  }), { seed: 2017, numRuns: 500 });
});
