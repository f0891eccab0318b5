/**
 * Bench: the capture reader (readCaptureFile) and the whole `sightline hunt` against tshark
 * (and tcpdump) on a generated capture.
 *   node --import tsx bench/hunt-pcap/run.ts [--mb 500] [--tshark-mb 50] [--workers N] [--runs 2] [--tcpdump 1]
 * (`--workers` is passed to the hunt: 1 reads the capture in the main thread, and hashes it there too.)
 * Generates (seeded, reproducible) a pcap mixing DNS, HTTP, TLS and bulk TCP with
 * 200 planted domains (each as a DNS query, an HTTP Host and a TLS SNI) into bench/out/,
 * then times, `--runs` times and alternating, the reader in this process, the built CLI's
 * `hunt` (needs `npm run build`) against a case of the 200 planted names, 20,000 other
 * domains and 2,000 IPv4 addresses, and tshark; checks that ours and tshark see every planted name.
 */
import { closeSync, existsSync, mkdirSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../src/core/test-data.js';
import { prng, randomDomain, randomIPv4 } from '../prng.js';
import { readCaptureFile } from '../../src/hunt/capture/index.js';
import { clientHello, dnsMessage, ethernet, httpRequest, ipv4, TCP, tcp, tlsRecords, udp } from '../../src/evidence/pcap/testing/packet-builder.js';

const PLANTED = 200;
const SEGMENT = 1460;
const FLUSH_BYTES = 4 * 1024 * 1024;

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}


const plantedName = (i: number): string => `c2-${i}.planted-${(i * 7919) % 1000}.example`;

/** Writes a capture of at least `mb` MB; the same seed gives the same bytes, so a smaller size is a prefix. */
function generate(path: string, mb: number): void {
  const rnd = prng(20130604);
  const fd = openSync(path, 'w');
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0); header.writeUInt16LE(2, 4); header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262144, 16); header.writeUInt32LE(1, 20);
  let parts: Buffer[] = [header];
  let pending = 24;
  let written = 0;
  let ts = 1_370_000_000_000;
  const target = mb * 1024 * 1024;
  const put = (frame: Buffer): void => {
    const r = Buffer.alloc(16);
    ts += 0.25;
    r.writeUInt32LE(Math.floor(ts / 1000), 0); r.writeUInt32LE(Math.floor((ts % 1000) * 1000), 4);
    r.writeUInt32LE(frame.length, 8); r.writeUInt32LE(frame.length, 12);
    parts.push(r, frame);
    pending += 16 + frame.length;
    if (pending >= FLUSH_BYTES) { const b = Buffer.concat(parts); writeSync(fd, b); written += b.length; parts = []; pending = 0; }
  };
  const frame = (src: string, dst: string, proto: number, payload: Buffer): Buffer => ethernet(ipv4({ src, dst, proto, payload }), 0x0800);
  const host = (): string => `10.${1 + Math.floor(rnd() * 200)}.${Math.floor(rnd() * 256)}.${1 + Math.floor(rnd() * 250)}`;
  const server = (): string => `198.51.${Math.floor(rnd() * 256)}.${1 + Math.floor(rnd() * 250)}`;
  const randomName = (): string => `www.site${Math.floor(rnd() * 100000)}.test`;
  const stream = (c: string, s: string, cp: number, sp: number, request: Buffer, responseBytes: number): void => {
    let cseq = Math.floor(rnd() * 2 ** 32), sseq = Math.floor(rnd() * 2 ** 32);
    put(frame(c, s, 6, tcp({ sport: cp, dport: sp, seq: cseq, flags: TCP.SYN })));
    put(frame(s, c, 6, tcp({ sport: sp, dport: cp, seq: sseq, flags: TCP.SYN | TCP.ACK })));
    cseq++; sseq++;
    for (let i = 0; i < request.length; i += SEGMENT) {
      const seg = request.subarray(i, i + SEGMENT);
      put(frame(c, s, 6, tcp({ sport: cp, dport: sp, seq: cseq, flags: TCP.ACK | TCP.PSH, payload: seg })));
      cseq += seg.length;
    }
    const body = Buffer.alloc(SEGMENT, 0x5a);
    for (let left = responseBytes; left > 0; left -= SEGMENT) {
      const seg = left >= SEGMENT ? body : body.subarray(0, left);
      put(frame(s, c, 6, tcp({ sport: sp, dport: cp, seq: sseq, flags: TCP.ACK, payload: seg })));
      sseq += seg.length;
    }
    put(frame(c, s, 6, tcp({ sport: cp, dport: sp, seq: cseq, flags: TCP.FIN | TCP.ACK })));
  };
  let session = 0;
  while (written + pending < target) {
    // The first 3×200 odd sessions carry the planted names (DNS, then HTTP, then TLS); the rest is haystack.
    const plantIndex = session % 2 === 1 && session < PLANTED * 6 ? (session - 1) / 2 : -1;
    const kind = plantIndex >= 0 ? Math.floor(plantIndex / PLANTED) : Math.floor(rnd() * 4);
    const name = plantIndex >= 0 ? plantedName(plantIndex % PLANTED) : randomName();
    const c = host(), s = server(), cp = 1024 + Math.floor(rnd() * 60000);
    if (kind === 0) {
      const id = Math.floor(rnd() * 65536);
      put(frame(c, '192.0.2.53', 17, udp(cp, 53, dnsMessage({ id, name }))));
      put(frame('192.0.2.53', c, 17, udp(53, cp, dnsMessage({ id, name, response: true, answers: [{ type: 'A', value: s }] }))));
    } else if (kind === 1) {
      stream(c, s, cp, 80, httpRequest('GET', `/path/${session}`, [['Host', name], ['User-Agent', 'bench/1.0'], ['Accept', '*/*']]), Math.floor(rnd() * 40000));
    } else if (kind === 2) {
      stream(c, s, cp, 443, tlsRecords(clientHello(name, 200)), Math.floor(rnd() * 60000));
    } else {
      stream(c, s, cp, 445, Buffer.alloc(300, 1), Math.floor(rnd() * 80000));
    }
    session++;
  }
  if (parts.length) { const b = Buffer.concat(parts); writeSync(fd, b); written += b.length; }
  closeSync(fd);
}

function mbOf(path: string): number {
  return statSync(path).size / (1024 * 1024);
}

const CLI = join(repoRoot(), 'dist', 'cli', 'main.js');

/** The tshark run over `prefix`: seconds, and the planted names it printed (`column:name`). */
async function runTshark(prefix: string, planted: ReadonlySet<string>): Promise<{ secs: number; cpu: number; seen: Set<string> }> {
  const t = performance.now();
  const seen = new Set<string>();
  let cpu = NaN;
  await new Promise<void>((resolve, reject) => {
    const p = spawn(TIME, ['-f', '%U %S', 'tshark', '-n', '-r', prefix, '-T', 'fields', '-e', 'dns.qry.name', '-e', 'http.host', '-e', 'tls.handshake.extensions_server_name'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    p.stderr.setEncoding('utf8');
    p.stderr.on('data', (s: string) => { err += s; });
    p.on('close', () => { cpu = cpuOf(err); });
    let rest = '';
    p.stdout.setEncoding('utf8');
    p.stdout.on('data', (s: string) => {
      const lines = (rest + s).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) for (const [col, v] of line.split('\t').entries()) if (planted.has(v)) seen.add(`${col}:${v}`);
    });
    p.on('error', reject);
    p.on('close', () => resolve());
  });
  return { secs: (performance.now() - t) / 1000, cpu, seen };
}

/** /usr/bin/time, which says a child's CPU seconds (user and system, every thread). */
const TIME = '/usr/bin/time';

/** The CPU seconds in the last line of /usr/bin/time -f '%U %S' output. */
function cpuOf(stderr: string): number {
  const [u, sys] = (stderr.trim().split('\n').pop() ?? '').split(' ').map(Number);
  return (u ?? NaN) + (sys ?? NaN);
}

/** A case holding the planted names among 20,000 other domains and 2,000 IPv4 addresses (made once, by the CLI). */
function makeCase(out: string, planted: readonly string[]): string {
  const db = join(out, 'hunt-pcap-case.db');
  if (existsSync(db)) return db;
  const rnd = prng(7);
  const lines = [...planted];
  for (let i = 0; i < 20000; i++) lines.push(randomDomain(rnd, i));
  for (let i = 0; i < 2000; i++) lines.push(randomIPv4(rnd));
  const intel = join(out, 'hunt-pcap-intel.txt');
  writeFileSync(intel, `${lines.join('\n')}\n`);
  const r = spawnSync(process.execPath, [CLI, '--db', db, 'intel', 'import', '--campaign', 'Bench', intel], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`intel import failed: ${r.stderr}`);
  return db;
}

/** Times one `sightline hunt --json` of `capture` on a fresh copy of the case (its kept index warmed by a tiny hunt first, untimed). */
function timeHunt(db: string, capture: string, planted: ReadonlySet<string>, workers: number | undefined): { secs: number; cpu: number; planted: number; sightings: number } {
  const run = `${db}.run`;
  for (const x of ['', '-wal', '-shm']) rmSync(`${run}${x}`, { force: true });
  rmSync(`${run}-index`, { recursive: true, force: true });
  spawnSync('cp', [db, run]);
  const warm = join(repoRoot(), 'bench', 'out', 'hunt-pcap-warm.log');
  writeFileSync(warm, `#separator \\x09\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\tanswers\n1370044800.0\tW${Date.now()}\t10.0.0.1\t1\t10.0.0.2\t53\tudp\twarm.example\t-\n`);
  spawnSync(process.execPath, [CLI, '--db', run, 'hunt', warm]);
  const t = performance.now();
  const r = spawnSync(TIME, ['-f', '%U %S', process.execPath, CLI, '--db', run, 'hunt', '--json', ...(workers !== undefined ? ['--workers', String(workers)] : []), capture], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const secs = (performance.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`hunt failed: ${r.stderr}`);
  const seen = new Set<string>();
  let sightings = 0;
  for (const line of r.stdout.split('\n')) {
    if (!line) continue;
    sightings++;
    const o = JSON.parse(line) as { field: string; matched: string };
    if (planted.has(o.matched)) seen.add(`${o.field}:${o.matched}`);
  }
  return { secs, cpu: cpuOf(r.stderr), planted: seen.size, sightings };
}

const span = (xs: number[], digits = 2): string => `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;

async function main(): Promise<void> {
  const mb = arg('mb', 500);
  const tsharkMb = arg('tshark-mb', 50);
  const runs = arg('runs', 2);
  const withTcpdump = arg('tcpdump', 1) !== 0;
  const workersArg = process.argv.includes('--workers') ? arg('workers', 2) : undefined;
  const out = join(repoRoot(), 'bench', 'out');
  mkdirSync(out, { recursive: true });
  const full = join(out, `hunt-pcap-${mb}mb.pcap`);
  const prefix = join(out, `hunt-pcap-${tsharkMb}mb.pcap`);
  let t = performance.now();
  if (!existsSync(full)) generate(full, mb);
  if (!existsSync(prefix)) generate(prefix, tsharkMb);
  console.log(`capture: ${full} (${mbOf(full).toFixed(0)} MB), tshark prefix: ${prefix} (${mbOf(prefix).toFixed(0)} MB); ready in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const plantedList = Array.from({ length: PLANTED }, (_, i) => plantedName(i));
  const planted = new Set(plantedList);
  const haveCli = existsSync(CLI);
  if (!haveCli) console.log('dist/cli/main.js is missing (`npm run build`): the whole hunt is not timed');
  const db = haveCli ? makeCase(out, plantedList) : '';

  const readerRates: number[] = [], huntRates: number[] = [], tsharkRates: number[] = [];
  const readerRatios: number[] = [], huntRatios: number[] = [];
  // CPU seconds per MB, ours against tshark's: less at the mercy of other work on a shared machine than wall time.
  const readerCpuRatios: number[] = [], huntCpuRatios: number[] = [];
  let allSeen = true;
  let tsharkAll = true;
  for (let run = 0; run < runs; run++) {
    // The reader alone, in this process.
    const seen = new Map<string, Set<string>>([['dns.query', new Set()], ['http.host', new Set()], ['tls.sni', new Set()]]);
    let observations = 0;
    t = performance.now();
    const cpu0 = process.cpuUsage();
    const stats = await readCaptureFile(full, full, (batch) => {
      observations += batch.length;
      for (const o of batch) if (planted.has(o.value)) seen.get(o.field)?.add(o.value);
    }, (d) => console.error(d.reason));
    const oursS = (performance.now() - t) / 1000;
    const cpuUsed = process.cpuUsage(cpu0);
    const oursCpu = (cpuUsed.user + cpuUsed.system) / 1e6;
    const oursRate = mbOf(full) / oursS;
    const rssMb = process.resourceUsage().maxRSS / 1024;
    const oursAll = [...seen.values()].every((x) => x.size === PLANTED);
    allSeen &&= oursAll;
    console.log(`[${run + 1}] reader: ${oursS.toFixed(2)} s (CPU ${oursCpu.toFixed(2)} s), ${oursRate.toFixed(0)} MB/s, ${stats.packets} packets, ${observations} observations, peak RSS ${rssMb.toFixed(0)} MB; planted names seen: dns ${seen.get('dns.query')!.size}/200, http ${seen.get('http.host')!.size}/200, sni ${seen.get('tls.sni')!.size}/200`);

    // tshark over the prefix only (it reads a few MB/s), between our two.
    const ts = await runTshark(prefix, planted);
    const tsharkRate = mbOf(prefix) / ts.secs;
    tsharkAll &&= ts.seen.size === 600;
    console.log(`[${run + 1}] tshark -T fields (prefix ${mbOf(prefix).toFixed(0)} MB, same generator, smaller size, as the whole would take too long): ${ts.secs.toFixed(2)} s (CPU ${ts.cpu.toFixed(2)} s), ${tsharkRate.toFixed(1)} MB/s; planted names seen: ${ts.seen.size}/600`);
    const tsharkCpuPerMb = ts.cpu / mbOf(prefix);
    readerCpuRatios.push(tsharkCpuPerMb / (oursCpu / mbOf(full)));

    // The whole hunt: start-up, the case's index, reading, matching, storing, hashing the file.
    if (haveCli) {
      const h = timeHunt(db, full, planted, workersArg);
      allSeen &&= h.planted === 600;
      const huntRate = mbOf(full) / h.secs;
      huntRates.push(huntRate);
      huntRatios.push(huntRate / tsharkRate);
      huntCpuRatios.push(tsharkCpuPerMb / (h.cpu / mbOf(full)));
      console.log(`[${run + 1}] sightline hunt (built CLI, whole command): ${h.secs.toFixed(2)} s (CPU ${h.cpu.toFixed(2)} s), ${huntRate.toFixed(0)} MB/s, ${h.sightings} sightings, planted ${h.planted}/600`);
    }
    readerRates.push(oursRate);
    tsharkRates.push(tsharkRate);
    readerRatios.push(oursRate / tsharkRate);
  }

  if (withTcpdump) {
    // tcpdump over the whole capture, once.
    t = performance.now();
    const td = spawnSync('sh', ['-c', `tcpdump -n -r '${full}' > /dev/null 2>&1`]);
    const tcpdumpS = (performance.now() - t) / 1000;
    const tcpdumpRate = mbOf(full) / tcpdumpS;
    console.log(`tcpdump -n -r (whole ${mbOf(full).toFixed(0)} MB): ${tcpdumpS.toFixed(2)} s, ${tcpdumpRate.toFixed(0)} MB/s${td.status === 0 ? '' : ` (exit ${td.status})`}; reader/tcpdump ${(Math.max(...readerRates) / tcpdumpRate).toFixed(1)}x`);
  }
  console.log(`over ${runs} run(s): reader ${span(readerRates, 0)} MB/s, tshark ${span(tsharkRates, 1)} MB/s${huntRates.length ? `, hunt ${span(huntRates, 0)} MB/s` : ''}`);
  console.log(`ratio (each run against its own tshark): reader/tshark ${span(readerRatios, 1)}x${huntRatios.length ? `, hunt/tshark ${span(huntRatios, 1)}x` : ''} (goal >= 50x)`);
  console.log(`CPU per MB, tshark's over ours: reader ${span(readerCpuRatios, 1)}x${huntCpuRatios.length ? `, hunt ${span(huntCpuRatios, 1)}x` : ''}`);
  console.log(`every planted name seen: sightline ${allSeen ? 'yes' : 'NO'}, tshark ${tsharkAll ? 'yes' : 'NO'}`);
  if (!allSeen || !tsharkAll) process.exitCode = 1;
}

await main();
