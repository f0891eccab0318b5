/**
 * One hundred harmless PE stubs standing for NetTraveler's builds: a .text of
 * NOPs ending in RET (no code), an .rdata of the strings public YARA rules
 * quote from NetTraveler plus this case's marker, Chinese (Simplified)
 * resources, and the compile stamps, import tables, Rich headers and PDB
 * paths of four build variants. Written by the project's PE writer; data
 * only, never made executable.
 */
import { createHash } from 'node:crypto';
import { writePe, type PeSpec } from '../../../src/samples/pe/testing/pe-writer.js';
import {
  ANOMALOUS_BUILDS, BUILD_LANG, BUILD_UTC_OFFSET, BUILDS_2010_SPLIT, BUILDS_AT_RANDOM_HOURS, BUILDS_PER_YEAR, FIRST_BUILD_LOCAL,
  LAST_BUILD_LOCAL, ORGANISATION, WORK_HOUR_WEIGHTS,
} from './plan.js';
import type { Rng } from './prng.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The marker every stub carries (and case/intel/nettraveler.yar looks for). */
export const STUB_MARKER = 'SIGHTLINE-EXAMPLE-STUB';

/** Strings public YARA rules quote from NetTraveler (Citizen Lab's NetTravStrings, 2014; the name from its "is Running!" debug string). */
const PUBLIC_STRINGS = [
  'NetTraveler Is Running!', '\\Temp\\travlerbackinfo', '?action=getcmd&hostid=', '%s?action=gotcmd&hostid=%s&hostname=%s',
  '%s?hostid=%s&hostname=%s&hostip=%s&filename=%s&filestart=%u&filetext=',
];

export type Variant = 'A' | 'B' | 'C' | 'D';

/** What each variant's linker left: imports, Rich header entries (product id, build, count), DLL characteristics, PDB path. Made up, plausibly. */
const VARIANTS: Readonly<Record<Variant, { imports: NonNullable<PeSpec['imports']>; rich: Array<[number, number, number]>; dllCharacteristics: number; pdb: string | null }>> = (() => {
  const base = [
    { dll: 'KERNEL32.dll', functions: ['GetTickCount', 'Sleep', 'CreateFileA', 'WriteFile', 'CloseHandle', 'GetTempPathA'] },
    { dll: 'WININET.dll', functions: ['InternetOpenA', 'InternetOpenUrlA', 'InternetReadFile', 'InternetCloseHandle'] },
    { dll: 'ADVAPI32.dll', functions: ['RegOpenKeyExA', 'RegSetValueExA', 'RegCloseKey'] },
  ];
  const later = [
    { dll: 'KERNEL32.dll', functions: [...base[0]!.functions, 'FindFirstFileA', 'FindNextFileA', 'GetVersionExA'] },
    base[1]!, base[2]!,
    { dll: 'USER32.dll', functions: ['GetForegroundWindow', 'GetWindowTextA'] },
  ];
  const latest = [...later, { dll: 'WS2_32.dll', functions: [52, 9] }];
  const vs2010: Array<[number, number, number]> = [[0x0001, 0, 71], [0x00aa, 40219, 14], [0x00ab, 40219, 5], [0x009e, 40219, 1], [0x009d, 40219, 1]];
  return {
    A: { imports: base, rich: [[0x0001, 0, 45], [0x000a, 8804, 12], [0x000b, 8804, 3], [0x0004, 8804, 1]], dllCharacteristics: 0, pdb: null },
    B: { imports: later, rich: [[0x0001, 0, 58], [0x0083, 30729, 9], [0x0084, 30729, 4], [0x0094, 30729, 1], [0x0091, 30729, 1]], dllCharacteristics: 0x0140, pdb: null },
    C: { imports: latest, rich: vs2010, dllCharacteristics: 0x8140, pdb: null },
    D: { imports: latest, rich: vs2010, dllCharacteristics: 0x8140, pdb: 'E:\\nt\\Release\\netmgr.pdb' },
  };
})();

/** One build: its compile stamp (raw TimeDateStamp), variant and where its stub is written. */
export interface Build {
  seq: number;
  timestamp: number;
  variant: Variant;
  /** Compiled at any hour rather than in office hours (or an anomalous stamp). */
  randomHour: boolean;
  anomaly: 'zero' | 'delphi' | null;
  path: string;
  sha256: string;
}

function variantFor(r: Rng, year: number): Variant {
  if (year <= 2008) return 'A';
  if (year <= 2010) return 'B';
  if (year === 2011) return r.next() < 0.4 ? 'B' : 'C';
  if (year === 2012) return r.next() < 0.5 ? 'C' : 'D';
  return r.next() < 0.8 ? 'D' : 'C';
}

/** A local office-hours moment on a weekday within [from, to) (UTC+8 wall clock, as epoch ms). */
function officeMoment(r: Rng, from: number, to: number): number {
  const hours = Object.entries(WORK_HOUR_WEIGHTS).map(([h, w]) => [Number(h), w] as const);
  const total = hours.reduce((n, [, w]) => n + w, 0);
  for (;;) {
    const day = from - (from % DAY) + r.int(Math.floor((to - from) / DAY)) * DAY;
    const dow = new Date(day).getUTCDay();
    if (dow === 0 || dow === 6) continue;
    let x = r.next() * total;
    let hour = 17;
    for (const [h, w] of hours) { if (x < w) { hour = h; break; } x -= w; }
    const t = day + hour * HOUR + r.int(HOUR);
    if (t >= from && t < to) return t;
  }
}

function anyMoment(r: Rng, from: number, to: number): number {
  return from + r.int(Math.floor((to - from) / 1000)) * 1000;
}

/** The usable stamps, year by year, as local (UTC+8) wall-clock times with their randomness flag. */
function schedule(r: Rng): Array<{ local: number; randomHour: boolean }> {
  const ranges: Array<[number, number]> = [];
  for (const [y, n] of Object.entries(BUILDS_PER_YEAR).map(([y, n]) => [Number(y), n] as const)) {
    let from = Date.UTC(y, 0, 1);
    let to = Date.UTC(y + 1, 0, 1);
    let count = n;
    if (y === 2005) { from = FIRST_BUILD_LOCAL + DAY; count--; }
    if (y === 2013) { to = LAST_BUILD_LOCAL - DAY; count--; }
    if (y === 2010) {
      for (let k = 0; k < BUILDS_2010_SPLIT.before; k++) ranges.push([from, BUILDS_2010_SPLIT.beforeEnd]);
      from = BUILDS_2010_SPLIT.afterStart;
      count -= BUILDS_2010_SPLIT.before;
    }
    for (let k = 0; k < count; k++) ranges.push([from, to]);
  }
  const random = new Set(r.shuffled([...ranges.keys()]).slice(0, BUILDS_AT_RANDOM_HOURS));
  const out = ranges.map(([from, to], i) => random.has(i)
    ? { local: anyMoment(r, from, to), randomHour: true }
    : { local: officeMoment(r, from, to), randomHour: false });
  return [{ local: FIRST_BUILD_LOCAL, randomHour: false }, ...out, { local: LAST_BUILD_LOCAL, randomHour: false }];
}

/** An RT_STRING block: sixteen counted UTF-16 strings, the first one set. */
function stringTable(text: string): Buffer {
  const first = Buffer.from(text, 'utf16le');
  const len = Buffer.alloc(2);
  len.writeUInt16LE(text.length);
  return Buffer.concat([len, first, Buffer.alloc(2 * 15)]);
}

const MANIFEST = Buffer.from('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
  + '<assembly xmlns="urn:schemas-microsoft-com:asm.v1" manifestVersion="1.0"></assembly>\r\n', 'utf8');

function stub(r: Rng, b: { seq: number; timestamp: number; variant: Variant }): Buffer {
  const v = VARIANTS[b.variant];
  const strings = [...PUBLIC_STRINGS, `${STUB_MARKER} build ${String(b.seq).padStart(3, '0')}: harmless test data for Sightline, not malware`];
  const spec: PeSpec = {
    machine: 0x14c,
    timestamp: b.timestamp,
    dllCharacteristics: v.dllCharacteristics,
    checksum: 0,
    sections: [
      { name: '.text', data: Buffer.concat([Buffer.alloc(64, 0x90), Buffer.from([0xc3])]) },
      { name: '.rdata', data: Buffer.from(strings.join('\0') + '\0', 'latin1'), characteristics: 0x40000040 },
    ],
    imports: v.imports,
    rich: { entries: v.rich.map(([productId, build, count]) => ({ productId, build, count })) },
    resources: [
      { type: 6, name: 1, lang: BUILD_LANG, data: stringTable('示例文件，无害') },
      { type: 24, name: 1, lang: BUILD_LANG, data: MANIFEST },
    ],
  };
  if (v.pdb !== null) spec.debug = [{ type: 'rsds', timestamp: b.timestamp, path: v.pdb, guid: Buffer.from(r.hex(32), 'hex'), age: 1 }];
  return writePe(spec).data;
}

/** The builds and their files: most under samples/repository/<sha256>.bin, four as recovered from the organisation's infected hosts. */
export function writeBuilds(r: Rng): { builds: Build[]; files: Array<{ path: string; data: Buffer }> } {
  const planned: Array<Omit<Build, 'path' | 'sha256' | 'seq'>> = schedule(r).map(({ local, randomHour }) => ({
    timestamp: Math.round((local - BUILD_UTC_OFFSET * HOUR) / 1000),
    variant: variantFor(r, new Date(local).getUTCFullYear()),
    randomHour,
    anomaly: null,
  }));
  planned.push({ timestamp: ANOMALOUS_BUILDS.zero, variant: 'B', randomHour: true, anomaly: 'zero' });
  planned.push({ timestamp: ANOMALOUS_BUILDS.delphi, variant: 'A', randomHour: true, anomaly: 'delphi' });
  // Recovered from the hosts: the last four variant-D builds compiled before the logged week.
  const onHosts = planned
    .map((b, i) => ({ b, i }))
    .filter(({ b }) => b.anomaly === null && b.variant === 'D' && b.timestamp * 1000 < ORGANISATION.weekOf)
    .sort((x, y) => y.b.timestamp - x.b.timestamp)
    .slice(0, ORGANISATION.hosts.length)
    .map(({ i }) => i);
  const builds: Build[] = [];
  const files: Array<{ path: string; data: Buffer }> = [];
  planned.forEach((p, seq) => {
    const data = stub(r, { seq, timestamp: p.timestamp, variant: p.variant });
    const sha256 = createHash('sha256').update(data).digest('hex');
    const host = onHosts.indexOf(seq);
    const path = host >= 0 ? `samples/hosts/${ORGANISATION.hosts[host]!.hostname}/netmgr.exe` : `samples/repository/${sha256}.bin`;
    builds.push({ ...p, seq, path, sha256 });
    files.push({ path, data });
  });
  return { builds, files };
}
