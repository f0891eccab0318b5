/**
 * Micro-benchmark (not a test): generates 1,000,000 realistic Zeek dns.log
 * lines in memory (fixed seed) and reports readLine throughput with a no-op
 * sink. Run: `node --import tsx bench/zeek-reader/run.ts [lines]`.
 * Target: ≥ 2,000,000 lines/s on one core.
 */
import { ZeekTsvReader } from '../../src/evidence/zeek/zeek-tsv-reader.js';
import type { ObservationSink } from '../../src/evidence/line-reader.js';
import { prng as makeRandom } from '../prng.js';

const DEFAULT_LINES = 1_000_000;
const ROUNDS = 3;

const HEADER = [
  '#separator \\x09',
  '#set_separator\t,',
  '#empty_field\t(empty)',
  '#unset_field\t-',
  '#path\tdns',
  '#open\t2024-04-12-19-29-12',
  '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\ttrans_id\trtt\tquery\tqclass\tqclass_name\tqtype\tqtype_name\trcode\trcode_name\tAA\tTC\tRD\tRA\tZ\tanswers\tTTLs\trejected',
  '#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tcount\tinterval\tstring\tcount\tstring\tcount\tstring\tcount\tstring\tbool\tbool\tbool\tbool\tcount\tvector[string]\tvector[interval]\tbool',
];

/** Generates `n` dns.log records as Buffers (one per line, no terminator). */
export function generateDnsLines(n: number, seed = 42): Buffer[] {
  const rnd = makeRandom(seed);
  const names = ['www.example.com', 'mail.example.org', 'ise.wrccdc.org', 'update.microsoft.com', 'a1859.g.akamai.net',
    'time.windows.com', 'login.live.com', 'cdn.jsdelivr.net', 'wpad.corp.local', 'api.github.com'];
  const clients = Array.from({ length: 50 }, (_v, i) => `10.1.${i >> 4}.${(i * 7) % 250 + 2}`);
  const out: Buffer[] = [];
  let ts = 1521911720.865716;
  for (let i = 0; i < n; i++) {
    ts += rnd() * 0.01;
    const q = names[Math.floor(rnd() * names.length)]!;
    const c = clients[Math.floor(rnd() * clients.length)]!;
    const answered = rnd() < 0.7;
    const answers = answered ? `cdn-${i % 97}.edge.example.net,93.184.${i % 256}.${(i >> 8) % 256}` : '-';
    const ttls = answered ? '2230.000000,41830.000000' : '-';
    const line = `${ts.toFixed(6)}\tC${(i * 2654435761 >>> 0).toString(36)}x9Yd\t${c}\t${40000 + (i % 20000)}\t10.0.0.100\t53\tudp\t${i % 65536}\t0.000870\t${q}\t1\tC_INTERNET\t1\tA\t0\tNOERROR\tF\tF\tT\tT\t0\t${answers}\t${ttls}\tF`;
    out.push(Buffer.from(line, 'utf8'));
  }
  return out;
}

/** Runs the benchmark and prints lines/s per round. */
function runBench(): void {
  const n = Number(process.argv[2] ?? DEFAULT_LINES);
  const lines = generateDnsLines(n);
  let observed = 0;
  const sink: ObservationSink = { observe() { observed++; }, diagnostic() { /* none expected */ } };
  for (let round = 1; round <= ROUNDS; round++) {
    const reader = new ZeekTsvReader('bench/dns.log');
    HEADER.forEach((h, i) => reader.readLine(Buffer.from(h), i + 1, sink));
    observed = 0;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < lines.length; i++) reader.readLine(lines[i]!, i + 1 + HEADER.length, sink);
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(`round ${round}: ${n} lines in ${secs.toFixed(3)} s = ${Math.round(n / secs).toLocaleString('en')} lines/s (${observed} observations, ${reader.skipped} skipped)`);
  }
}

runBench();
