/**
 * Bench: the EVTX reader against Debian's `evtxexport` (libevtx, C) on the same files, in this run.
 *   node --import tsx bench/evtx/run.ts [--mb 300] [--real-mb 100]
 * Generates (seeded, reproducible) into bench/out/:
 * - sysmon.evtx: `--mb` MB of Sysmon-like events (1 process created, 3 network connection,
 *   22 DNS query, 11 file created) written by src/evidence/evtx/testing/evtx-writer.ts, with 200
 *   planted C2 names among the DNS queries;
 * - real.evtx: `--real-mb` MB of the real chunks of testdata/security.evtx and system.evtx repeated
 *   (chunks copied whole, so their CRCs stay valid; the header counts the chunks).
 * Then times, on each file: our reader to WinEvents; our reader plus a look-up of every event
 * data value in a set of 10,000 indicators (what matching adds, roughly); the whole
 * `sightline hunt` of the file against a case holding those indicators (the built CLI,
 * dist/cli/main.js, when `npm run build` has made it, else the sources through tsx: hashing,
 * mapping to observations, matching and storing the sightings); `evtxexport -f xml`.
 */
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { repoRoot } from '../../src/core/test-data.js';
import { prng, randomDomain, randomHex, randomIPv4 } from '../prng.js';
import { EvtxReader, type EvtxStats } from '../../src/evidence/index.js';
import type { WinEvent } from '../../src/evidence/winevent/event.js';
import { EvtxWriter, type EvtxWriteEvent } from '../../src/evidence/evtx/testing/evtx-writer.js';

const PLANTED = 200;
const FLUSH_BYTES = 4 * 1024 * 1024;

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

const plantedName = (i: number): string => `c2-${i}.planted-${(i * 7919) % 1000}.example`;

/** Sysmon-like events until the file reaches `mb` MB. */
function generateSysmon(path: string, mb: number): void {
  const rnd = prng(20130604);
  const fd = openSync(path, 'w');
  writeSync(fd, Buffer.alloc(4096)); // the header, written last
  let parts: Buffer[] = [];
  let pending = 0;
  const w = new EvtxWriter((c) => {
    parts.push(Buffer.from(c));
    pending += c.length;
    if (pending >= FLUSH_BYTES) { writeSync(fd, Buffer.concat(parts)); parts = []; pending = 0; }
  });
  const target = mb * 1024 * 1024;
  const base = { provider: 'Microsoft-Windows-Sysmon', channel: 'Microsoft-Windows-Sysmon/Operational', recordId: null };
  const hosts = Array.from({ length: 50 }, (_, i) => `WS${String(i).padStart(3, '0')}.corp.example`);
  const images = ['C:\\Windows\\System32\\svchost.exe', 'C:\\Program Files\\Mozilla Firefox\\firefox.exe', 'C:\\Windows\\explorer.exe', 'C:\\Users\\a\\AppData\\Local\\Temp\\netmgr.exe', 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe'];
  const guid = (): string => `{${randomHex(rnd, 8)}-${randomHex(rnd, 4)}-${randomHex(rnd, 4)}-${randomHex(rnd, 4)}-${randomHex(rnd, 12)}}`;
  let ts = 1_370_000_000_000, n = 0, planted = 0;
  const types = { ProcessGuid: 'guid', ProcessId: 'uint32' } as const;
  for (let written = 4096; written < target; written = 4096 + (statSync(path).size - 4096) + pending) {
    for (let k = 0; k < 2000; k++) {
      ts += 37;
      n++;
      const common = { ...base, computer: hosts[Math.floor(rnd() * hosts.length)]!, ts };
      const image = images[Math.floor(rnd() * images.length)]!;
      const utc = new Date(ts).toISOString().replace('T', ' ').slice(0, 23);
      const kind = rnd();
      let e: EvtxWriteEvent;
      if (kind < 0.4) {
        const name = planted < PLANTED && n % 97 === 0 ? plantedName(planted++) : randomDomain(rnd, n);
        e = { ...common, eventId: 22, data: { RuleName: '-', UtcTime: utc, ProcessGuid: guid(), ProcessId: String(1000 + Math.floor(rnd() * 9000)), QueryName: name, QueryStatus: '0', QueryResults: `::ffff:${randomIPv4(rnd)};`, Image: image, User: 'CORP\\user' }, types };
      } else if (kind < 0.7) {
        e = { ...common, eventId: 3, data: { RuleName: '-', UtcTime: utc, ProcessGuid: guid(), ProcessId: String(1000 + Math.floor(rnd() * 9000)), Image: image, User: 'CORP\\user', Protocol: 'tcp', Initiated: 'true', SourceIsIpv6: 'false', SourceIp: `10.1.${Math.floor(rnd() * 255)}.${Math.floor(rnd() * 255)}`, SourceHostname: '-', SourcePort: String(49152 + Math.floor(rnd() * 16000)), SourcePortName: '-', DestinationIsIpv6: 'false', DestinationIp: randomIPv4(rnd), DestinationHostname: randomDomain(rnd, n), DestinationPort: '443', DestinationPortName: 'https' }, types: { ...types, SourcePort: 'uint16', DestinationPort: 'uint16', Initiated: 'bool', SourceIsIpv6: 'bool', DestinationIsIpv6: 'bool' } };
      } else if (kind < 0.85) {
        e = { ...common, eventId: 1, data: { RuleName: '-', UtcTime: utc, ProcessGuid: guid(), ProcessId: String(1000 + Math.floor(rnd() * 9000)), Image: image, FileVersion: '10.0.19041.1', Description: 'Host Process', Product: 'Microsoft Windows', Company: 'Microsoft Corporation', OriginalFileName: 'svchost.exe', CommandLine: `${image} -k netsvcs -p -s ${randomHex(rnd, 6)}`, CurrentDirectory: 'C:\\Windows\\system32\\', User: 'NT AUTHORITY\\SYSTEM', LogonGuid: guid(), LogonId: '0x3e7', TerminalSessionId: '0', IntegrityLevel: 'System', Hashes: `MD5=${randomHex(rnd, 32).toUpperCase()},SHA256=${randomHex(rnd, 64).toUpperCase()},IMPHASH=${randomHex(rnd, 32).toUpperCase()}`, ParentProcessGuid: guid(), ParentProcessId: '716', ParentImage: 'C:\\Windows\\System32\\services.exe', ParentCommandLine: 'C:\\Windows\\system32\\services.exe' }, types: { ...types, LogonGuid: 'guid', ParentProcessGuid: 'guid', LogonId: 'hex64', TerminalSessionId: 'uint32', ParentProcessId: 'uint32' } };
      } else {
        e = { ...common, eventId: 11, data: { RuleName: '-', UtcTime: utc, ProcessGuid: guid(), ProcessId: String(1000 + Math.floor(rnd() * 9000)), Image: image, TargetFilename: `C:\\Users\\a\\AppData\\Local\\Temp\\${randomHex(rnd, 8)}.tmp`, CreationUtcTime: utc, User: 'CORP\\user' }, types };
      }
      w.add(e);
    }
  }
  if (parts.length) writeSync(fd, Buffer.concat(parts));
  const header = w.finish();
  writeSync(fd, header, 0, header.length, 0);
  closeSync(fd);
}

/** The real non-empty chunks of two sample files, repeated up to `mb` MB. */
function generateReal(path: string, mb: number): void {
  const dir = join(repoRoot(), 'src', 'evidence', 'evtx', 'testdata');
  const chunks: Buffer[] = [];
  for (const f of ['security.evtx', 'system.evtx']) {
    const b = readFileSync(join(dir, f));
    for (let at = 4096; at + 65536 <= b.length; at += 65536) if (b.toString('latin1', at, at + 8) === 'ElfChnk\0') chunks.push(b.subarray(at, at + 65536));
  }
  const count = Math.min(0xffff, Math.floor((mb * 1024 * 1024) / 65536));
  const header = Buffer.from(readFileSync(join(dir, 'security.evtx')).subarray(0, 4096));
  header.writeBigUInt64LE(0n, 8);
  header.writeBigUInt64LE(BigInt(count - 1), 16);
  header.writeUInt16LE(count, 42);
  header.writeUInt32LE(0, 120); // not dirty
  header.writeUInt32LE(crc32(header.subarray(0, 120)), 124);
  const fd = openSync(path, 'w');
  writeSync(fd, header);
  for (let i = 0; i < count; i += 64) writeSync(fd, Buffer.concat(Array.from({ length: Math.min(64, count - i) }, (_, k) => chunks[(i + k) % chunks.length]!)));
  closeSync(fd);
}

async function readOurs(path: string, onEvent: (e: WinEvent) => void): Promise<{ seconds: number; stats: EvtxStats; diagnostics: number }> {
  const t = performance.now();
  let diagnostics = 0;
  const r = new EvtxReader(path, onEvent, () => { diagnostics++; });
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) r.push(chunk as Buffer);
  const stats = r.end();
  return { seconds: (performance.now() - t) / 1000, stats, diagnostics };
}

function runEvtxexport(path: string): Promise<{ seconds: number; records: number; ok: boolean }> {
  return new Promise((resolve) => {
    const t = performance.now();
    const p = spawn('evtxexport', ['-f', 'xml', path], { stdio: ['ignore', 'pipe', 'ignore'] });
    let records = 0, tail = '';
    p.stdout.setEncoding('utf8');
    p.stdout.on('data', (s: string) => {
      const text = tail + s;
      for (let i = text.indexOf('</Event>'); i >= 0; i = text.indexOf('</Event>', i + 8)) records++;
      tail = text.slice(-7); // a tag cut across two reads is counted once
    });
    p.on('error', () => resolve({ seconds: NaN, records: 0, ok: false }));
    p.on('close', (code) => resolve({ seconds: (performance.now() - t) / 1000, records, ok: code === 0 }));
  });
}

/** The CLI as a user runs it: the build when there is one, else the sources through tsx. */
function cli(): string[] {
  const built = join(repoRoot(), 'dist', 'cli', 'main.js');
  return existsSync(built) ? [built] : ['--import', 'tsx', join(repoRoot(), 'src', 'cli', 'main.ts')];
}

/** `sightline hunt FILE` into a fresh copy of a case holding the indicators; its time and the sightings it stored. */
function huntOurs(path: string, intelCase: string): { seconds: number; sightings: number; ok: boolean } {
  const db = `${intelCase}.hunt`;
  for (const x of ['', '-wal', '-shm']) rmSync(db + x, { force: true });
  writeFileSync(db, readFileSync(intelCase));
  const t = performance.now();
  const r = spawnSync(process.execPath, [...cli(), '--db', db, 'hunt', '--json', path], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = (performance.now() - t) / 1000;
  const sightings = r.stdout.split('\n').filter((l) => l.startsWith('{')).length;
  for (const x of ['', '-wal', '-shm']) rmSync(db + x, { force: true });
  return { seconds, sightings, ok: r.status === 0 || r.status === 1 };
}

async function main(): Promise<void> {
  const out = join(repoRoot(), 'bench', 'out');
  mkdirSync(out, { recursive: true });
  const mb = arg('mb', 300), realMb = arg('real-mb', 100);
  const files = [
    { name: `sysmon-${mb}.evtx`, make: (p: string) => generateSysmon(p, mb) },
    { name: `real-${realMb}.evtx`, make: (p: string) => generateReal(p, realMb) },
  ];
  // 10,000 indicators; the planted names among them.
  const rnd = prng(7);
  const indicators = new Set<string>(Array.from({ length: 10_000 - PLANTED }, (_, i) => randomDomain(rnd, i + 1_000_000)));
  for (let i = 0; i < PLANTED; i++) indicators.add(plantedName(i));
  console.log('machine: shared, 2 cores, noisy: figures vary run to run');
  // A case holding the indicators (imported once), copied for each hunt.
  const intelCase = join(out, 'evtx-intel.db');
  const intelList = join(out, 'evtx-intel.txt');
  writeFileSync(intelList, [...indicators].join('\n') + '\n');
  for (const x of ['', '-wal', '-shm']) rmSync(intelCase + x, { force: true });
  const imp = spawnSync(process.execPath, [...cli(), '--db', intelCase, 'intel', 'import', '--campaign', 'bench', intelList], { encoding: 'utf8' });
  if (imp.status !== 0) throw new Error(`intel import failed: ${imp.stderr}`);
  spawnSync('sqlite3', [intelCase, 'PRAGMA wal_checkpoint(TRUNCATE)']);
  for (const f of files) {
    const path = join(out, f.name);
    if (!existsSync(path)) {
      const t = performance.now();
      f.make(path);
      console.log(`generated ${path} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    }
    const size = statSync(path).size / (1024 * 1024);
    let events = 0;
    const read = await readOurs(path, () => { events++; });
    let hits = 0;
    const matched = await readOurs(path, (e) => {
      for (const k in e.data) if (indicators.has(e.data[k]!)) hits++;
      if (indicators.has(e.computer)) hits++;
    });
    const hunted = huntOurs(path, intelCase);
    const theirs = await runEvtxexport(path);
    const rate = (s: number): string => `${(size / s).toFixed(0)} MB/s`;
    console.log(`${f.name} (${size.toFixed(0)} MB, ${read.stats.chunks} chunks, ${read.stats.records} records, ${read.diagnostics} diagnostics):`);
    console.log(`  sightline read to WinEvents:        ${read.seconds.toFixed(2)} s, ${rate(read.seconds)}, ${events} events`);
    console.log(`  sightline read + look up all values: ${matched.seconds.toFixed(2)} s, ${rate(matched.seconds)}, ${hits} hits`);
    console.log(`  sightline hunt (match and store):    ${hunted.seconds.toFixed(2)} s, ${rate(hunted.seconds)}, ${hunted.sightings} sightings${hunted.ok ? '' : ' (failed)'}`);
    if (!theirs.ok && Number.isNaN(theirs.seconds)) { console.log('  evtxexport: not installed (apt-get install libevtx-utils)'); continue; }
    console.log(`  evtxexport -f xml:                   ${theirs.seconds.toFixed(2)} s, ${rate(theirs.seconds)}, ${theirs.records} records${theirs.ok ? '' : ' (exit status not 0)'}`);
    console.log(`  ratio: read ${(theirs.seconds / read.seconds).toFixed(1)}x, read + look-up ${(theirs.seconds / matched.seconds).toFixed(1)}x, ` +
      `hunt ${(theirs.seconds / hunted.seconds).toFixed(1)}x evtxexport (goal >= 2x while matching and storing)`);
  }
}

await main();
