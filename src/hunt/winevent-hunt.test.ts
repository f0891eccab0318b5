/**
 * Hunting Windows event logs through the library API: a Sysmon JSON export
 * (OTRF), events with record numbers (Winlogbeat, wevtutil XML), a binary
 * EVTX file through a stub reader (the seam the EVTX reader plugs into), and
 * imphash indicators against Sysmon's IMPHASH and a scanned PE's imports.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../store/index.js';
import type { Sighting } from '../core/model.js';
import { formatDiagnostic, type Diagnostic } from '../core/diagnostic.js';
import type { EvtxReaderFactory, WinEvent } from '../evidence/index.js';
import { writePe } from '../samples/pe/testing/pe-writer.js';
import { importIntel, loadWarninglists } from './intel-import.js';
import { hunt, type HuntOptions } from './hunt.js';
import { writeEvtx } from '../evidence/evtx/testing/evtx-writer.js';

const EXCERPT = fileURLToPath(new URL('../evidence/winevent/testdata/otrf-bitsadmin-excerpt.json', import.meta.url));

// Values picked from the OTRF excerpt with jq (`jq -r '.Hashes, .DestinationIp, .QueryName'`), as a CSV IOC list with a type column.
const PE_IMPORTS = [{ dll: 'KERNEL32.dll', functions: ['CreateFileA', 'WriteFile'] }];
// pefile's imphash: md5 of the lower-cased `dll.function` pairs, `.dll` dropped, joined by commas.
const PE_IMPHASH = createHash('md5').update('kernel32.createfilea,kernel32.writefile').digest('hex');
const INTEL = [
  'type,value',
  'imphash,B0A3CFF8CFDE112945189719F82F9EA9',
  'sha256,eaae8536d554d0e86d8540a8b34db2649bd884843f389495d0b6e91636c6cf54',
  'ip-dst,151.101.208.133',
  'domain,raw.githubusercontent.com',
  `imphash,${PE_IMPHASH}`,
  'md5,a23a7a6b6f8e1a5d913ea119f5f2ed1a',
].join('\n') + '\n';

async function withCase(fn: (dir: string, run: (paths: string[], o?: Partial<HuntOptions>) => Promise<{ sightings: Sighting[]; diags: string[] }>) => Promise<void>) {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-winevent-'));
  const store = await openStore(join(dir, 'case.db'));
  try {
    writeFileSync(join(dir, 'intel.csv'), INTEL);
    await importIntel(store, [join(dir, 'intel.csv')], { campaign: 'NT', onDiagnostic() {}, warninglists: loadWarninglists() });
    await fn(dir, async (paths, o = {}) => {
      const sightings: Sighting[] = [];
      const diags: Diagnostic[] = [];
      await hunt(store, paths, { onSighting: (s) => sightings.push(s), onDiagnostic: (d) => diags.push(d), includeWarninglisted: true, ...o });
      return { sightings, diags: diags.map(formatDiagnostic) };
    });
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The sighting as `hunt --json` prints it, less the indicator's campaigns and the path. */
const brief = (s: Sighting) => ({
  at: [s.evidence.format, s.evidence.line ?? null, s.evidence.record ?? null], field: s.field, matched: s.matched,
  indicator: `${s.indicator.type}:${s.indicator.value}`, src: s.src, dst: s.dst, process: s.process ?? null,
});

const BITS = { image: 'C:\\Windows\\System32\\bitsadmin.exe', pid: 9260, guid: '{39e4a257-79fb-5f92-7117-000000000700}' };
const SVC = { image: 'C:\\windows\\System32\\svchost.exe', pid: 4696, guid: '{39e4a257-79fb-5f92-7217-000000000700}' };
const WFP = { image: '\\device\\harddiskvolume2\\windows\\system32\\svchost.exe', pid: 4696, guid: null };

test('a Sysmon JSON export (OTRF): which program on which host, by line; imphash and hash indicators', async () => {
  await withCase(async (dir, run) => {
    const log = join(dir, 'sysmon.json');
    copyFileSync(EXCERPT, log);
    const r = await run([log]);
    assert.deepEqual(r.diags, []);
    const J = 'winevent-json';
    assert.deepEqual(r.sightings.map(brief), [
      { at: [J, 1, null], field: 'text.domain', matched: 'raw.githubusercontent.com', indicator: 'domain:raw.githubusercontent.com', src: 'WORKSTATION5', dst: null,
        process: { image: BITS.image, pid: 9260, guid: null } },
      { at: [J, 2, null], field: 'conn.resp_h', matched: '151.101.208.133', indicator: 'ipv4:151.101.208.133', src: 'WORKSTATION5', dst: '151.101.208.133', process: WFP },
      { at: [J, 3, null], field: 'file.md5', matched: 'a23a7a6b6f8e1a5d913ea119f5f2ed1a', indicator: 'md5:a23a7a6b6f8e1a5d913ea119f5f2ed1a', src: 'WORKSTATION5', dst: null, process: BITS },
      { at: [J, 3, null], field: 'file.sha256', matched: 'eaae8536d554d0e86d8540a8b34db2649bd884843f389495d0b6e91636c6cf54',
        indicator: 'sha256:eaae8536d554d0e86d8540a8b34db2649bd884843f389495d0b6e91636c6cf54', src: 'WORKSTATION5', dst: null, process: BITS },
      { at: [J, 3, null], field: 'file.imphash', matched: 'b0a3cff8cfde112945189719f82f9ea9', indicator: 'imphash:b0a3cff8cfde112945189719f82f9ea9', src: 'WORKSTATION5', dst: null, process: BITS },
      { at: [J, 3, null], field: 'text.domain', matched: 'raw.githubusercontent.com', indicator: 'domain:raw.githubusercontent.com', src: 'WORKSTATION5', dst: null, process: BITS },
      { at: [J, 4, null], field: 'dns.query', matched: 'raw.githubusercontent.com', indicator: 'domain:raw.githubusercontent.com', src: 'WORKSTATION5', dst: null, process: SVC },
      { at: [J, 4, null], field: 'dns.answer', matched: '::ffff:151.101.208.133', indicator: 'ipv4:151.101.208.133', src: 'WORKSTATION5', dst: null, process: SVC },
      { at: [J, 5, null], field: 'conn.resp_h', matched: '151.101.208.133', indicator: 'ipv4:151.101.208.133', src: 'WORKSTATION5', dst: '151.101.208.133', process: SVC },
    ]);
  });
});

test('record numbers: Winlogbeat and wevtutil XML keep the line and add the record; a stub EVTX reader gives the record alone', async () => {
  await withCase(async (dir, run) => {
    const wlb = join(dir, 'winlogbeat.ndjson');
    writeFileSync(wlb, JSON.stringify({ '@timestamp': '2013-05-02T03:04:05.000Z', winlog: {
      event_id: 22, record_id: 81234, computer_name: 'PC01', channel: 'Microsoft-Windows-Sysmon/Operational', provider_name: 'Microsoft-Windows-Sysmon',
      event_data: { QueryName: 'raw.githubusercontent.com', Image: 'C:\\Temp\\netmgr.exe', ProcessId: '4242', ProcessGuid: '{aaaa}' } } }) + '\n');
    const xml = join(dir, 'security.xml');
    writeFileSync(xml, "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Security-Auditing'/>" +
      "<EventID>5156</EventID><TimeCreated SystemTime='2013-05-02T03:04:06.0000000Z'/><EventRecordID>991</EventRecordID><Channel>Security</Channel>" +
      "<Computer>PC02</Computer></System><EventData><Data Name='ProcessID'>4242</Data><Data Name='Application'>\\device\\harddiskvolume2\\temp\\netmgr.exe</Data>" +
      "<Data Name='Direction'>%%14593</Data><Data Name='SourceAddress'>10.0.0.5</Data><Data Name='DestAddress'>151.101.208.133</Data></EventData></Event>\r\n");
    const evtx = join(dir, 'Sysmon.evtx');
    writeFileSync(evtx, Buffer.concat([Buffer.from('ElfFile\0'), Buffer.alloc(4088)]));
    const events: WinEvent[] = [{
      recordId: 7, eventId: 1, provider: 'Microsoft-Windows-Sysmon', channel: 'Microsoft-Windows-Sysmon/Operational', computer: 'PC03', ts: Date.UTC(2013, 4, 2, 3, 4, 7),
      data: { Image: 'C:\\Temp\\netmgr.exe', ProcessId: '77', ProcessGuid: '{bbbb}', Hashes: 'MD5=A23A7A6B6F8E1A5D913EA119F5F2ED1A' },
    }];
    const bytes: number[] = [];
    const stub: EvtxReaderFactory = {
      detect: (head) => Buffer.from(head.subarray(0, 8)).toString('latin1') === 'ElfFile\0',
      create: (_path, onEvent) => ({
        push: (b) => { bytes.push(b.length); },
        end: () => { for (const e of events) onEvent(e); return { records: events.length, skipped: 0 }; },
      }),
    };
    const r = await run([wlb, xml, evtx], { evtxReader: stub });
    assert.deepEqual(r.diags, []);
    assert.equal(bytes.reduce((a, b) => a + b, 0), 4096);
    assert.deepEqual(r.sightings.map(brief), [
      { at: ['winevent-json', 1, 81234], field: 'dns.query', matched: 'raw.githubusercontent.com', indicator: 'domain:raw.githubusercontent.com', src: 'PC01', dst: null,
        process: { image: 'C:\\Temp\\netmgr.exe', pid: 4242, guid: '{aaaa}' } },
      { at: ['winevent-xml', 1, 991], field: 'conn.resp_h', matched: '151.101.208.133', indicator: 'ipv4:151.101.208.133', src: 'PC02', dst: '151.101.208.133',
        process: { image: '\\device\\harddiskvolume2\\temp\\netmgr.exe', pid: 4242, guid: null } },
      { at: ['evtx', null, 7], field: 'file.md5', matched: 'a23a7a6b6f8e1a5d913ea119f5f2ed1a', indicator: 'md5:a23a7a6b6f8e1a5d913ea119f5f2ed1a', src: 'PC03', dst: null,
        process: { image: 'C:\\Temp\\netmgr.exe', pid: 77, guid: '{bbbb}' } },
    ]);
    assert.equal(r.sightings[2]!.ts, '2013-05-02T03:04:07.000Z');
    // Without a reader, an EVTX file is no event log: it is scanned as a file.
    const plain = await run([evtx], { evtxReader: null });
    assert.deepEqual(plain.sightings, []);
  });
});

test('an imphash indicator matches a scanned PE\'s import hash, and not its md5 (kinds do not cross)', async () => {
  await withCase(async (dir, run) => {
    const pe = join(dir, 'netmgr.exe');
    writeFileSync(pe, writePe({ imports: PE_IMPORTS }).data);
    const r = await run([pe]);
    assert.deepEqual(r.sightings.map((s) => [s.field, s.matched, `${s.indicator.type}:${s.indicator.value}`, s.evidence.format]), [
      ['file.imphash', PE_IMPHASH, `imphash:${PE_IMPHASH}`, 'files'],
    ]);
  });
});

test('a Sysmon EVTX file through the build\'s EVTX reader: the record and the process, and a damaged chunk said', async () => {
  await withCase(async (dir, run) => {
    const sysmon = { provider: 'Microsoft-Windows-Sysmon', channel: 'Microsoft-Windows-Sysmon/Operational', computer: 'PC07' };
    const events: WinEvent[] = [
      { ...sysmon, recordId: 41, eventId: 22, ts: Date.UTC(2013, 4, 2, 3, 4, 5),
        data: { QueryName: 'raw.githubusercontent.com', QueryResults: '::ffff:151.101.208.133;', Image: 'C:\\Temp\\netmgr.exe', ProcessId: '77', ProcessGuid: '{cccc}' } },
      { ...sysmon, recordId: 42, eventId: 5, ts: Date.UTC(2013, 4, 2, 3, 4, 6), data: { Image: 'C:\\Temp\\netmgr.exe', ProcessId: '77' } },
      { ...sysmon, recordId: 43, eventId: 1, ts: Date.UTC(2013, 4, 2, 3, 4, 7),
        data: { Image: 'C:\\Temp\\netmgr.exe', ProcessId: '78', ProcessGuid: '{dddd}', Hashes: 'MD5=A23A7A6B6F8E1A5D913EA119F5F2ED1A,IMPHASH=B0A3CFF8CFDE112945189719F82F9EA9' } },
    ];
    const good = join(dir, 'Sysmon.evtx');
    writeFileSync(good, writeEvtx(events));
    const r = await run([good]);
    assert.deepEqual(r.diags, []);
    const P = (pid: number, guid: string) => ({ image: 'C:\\Temp\\netmgr.exe', pid, guid });
    assert.deepEqual(r.sightings.map(brief), [
      { at: ['evtx', null, 41], field: 'dns.query', matched: 'raw.githubusercontent.com', indicator: 'domain:raw.githubusercontent.com', src: 'PC07', dst: null, process: P(77, '{cccc}') },
      { at: ['evtx', null, 41], field: 'dns.answer', matched: '::ffff:151.101.208.133', indicator: 'ipv4:151.101.208.133', src: 'PC07', dst: null, process: P(77, '{cccc}') },
      { at: ['evtx', null, 43], field: 'file.md5', matched: 'a23a7a6b6f8e1a5d913ea119f5f2ed1a', indicator: 'md5:a23a7a6b6f8e1a5d913ea119f5f2ed1a', src: 'PC07', dst: null, process: P(78, '{dddd}') },
      { at: ['evtx', null, 43], field: 'file.imphash', matched: 'b0a3cff8cfde112945189719f82f9ea9', indicator: 'imphash:b0a3cff8cfde112945189719f82f9ea9', src: 'PC07', dst: null,
        process: P(78, '{dddd}') },
    ]);
    // The same events twice, the first chunk's signature broken: that chunk is said and skipped, the second still read.
    const two = writeEvtx([...events, ...Array.from({ length: 400 }, (_, i) => ({ ...events[1]!, recordId: 100 + i })), { ...events[2]!, recordId: 999 }]);
    assert.ok(two.length > 4096 + 65536, 'two chunks');
    two.write('XXXXXXXX', 4096, 'latin1');
    const bad = join(dir, 'damaged.evtx');
    writeFileSync(bad, two);
    const d = await run([bad]);
    assert.equal(d.diags.length, 1);
    assert.match(d.diags[0]!, /damaged\.evtx: chunk 0 at offset 4096: /);
    assert.deepEqual(d.sightings.map((s) => s.evidence.record), [999, 999]);
  });
});
