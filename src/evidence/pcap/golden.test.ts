/**
 * Every real capture in ../shared/data/pcap, read whole (in odd-sized chunks),
 * must name per packet exactly what tshark 4.0.17 named (testdata/golden), up
 * to the documented differences below. So must our own loopback recordings in
 * testdata/recorded (made, with their goldens, by testdata/recorded/record.sh).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatDiagnostic } from '../../core/diagnostic.js';
import type { Observation } from '../../core/model.js';
import { sharedData, skipUnlessShared } from '../../core/test-data.js';
import { CaptureReader } from './capture-reader.js';
import { namesFromGolden, namesFromObservations, type GoldenCapture, type NamesByPacket } from './testing/golden-names.js';

const GOLDEN_DIR = join(fileURLToPath(new URL('.', import.meta.url)), 'testdata', 'golden');
const RECORDED_DIR = join(fileURLToPath(new URL('.', import.meta.url)), 'testdata', 'recorded');

/**
 * Where we knowingly differ from tshark. `ours: null`: we report nothing there;
 * otherwise tshark's names at frame `tshark` are ours at frame `ours` (only `fields`, when given).
 */
interface KnownDifference { capture: string; tshark: number; ours: number | null; fields?: string[]; why: string }

const PDU_END = 'tshark reports an HTTP request at the packet that completes its body; we report it where its head completes';
const IP_REASSEMBLY = 'tshark reassembles IP fragments and reports at the last fragment; we read the first fragment only';
const ICMP_QUOTE = 'tshark decodes the DNS message quoted inside an ICMP port-unreachable error; we do not read ICMP payloads';

const KNOWN_DIFFERENCES: KnownDifference[] = [
  { capture: 'suricata-verify_detect-pcre-02.pcap', tshark: 6, ours: 4, why: PDU_END },
  { capture: 'zeek_tunnels_Teredo.pcap', tshark: 14, ours: 13, why: PDU_END },
  { capture: 'zeek_dns-edns-ecs.pcap', tshark: 54, ours: 53, why: IP_REASSEMBLY },
  { capture: 'zeek_dns-edns-ecs.pcap', tshark: 59, ours: 58, why: IP_REASSEMBLY },
  { capture: 'zeek_dns-edns-ecs.pcap', tshark: 63, ours: 62, why: IP_REASSEMBLY },
  { capture: 'zeek_dns-edns-ecs.pcap', tshark: 85, ours: 84, why: IP_REASSEMBLY },
  // The answer (in the additional section) of this 3 kB TXT response lies beyond the first fragment.
  { capture: 'zeek_ipv6-fragmented-dns.pcap', tshark: 8, ours: 6, fields: ['dns.query'], why: IP_REASSEMBLY },
  ...[123, 137, 152, 163, 176, 192, 207, 227, 234, 240, 246, 261, 271, 288, 294].map((f) => (
    { capture: 'evtx-attack-samples_dns-txt-c2.pcap', tshark: f, ours: null, why: ICMP_QUOTE })),
];

/** Diagnostics expected per capture (all others must read cleanly). */
const EXPECTED_DIAGNOSTICS: Record<string, string[]> = {
  'tcpdump_dns-zlip-1.pcap': ['pcap/tcpdump_dns-zlip-1.pcap:packet 1: DNS message: compression pointer at byte 12 to byte 12 does not point backwards (a loop)'],
};

function applyDifferences(capture: string, names: NamesByPacket): NamesByPacket {
  const out: NamesByPacket = structuredClone(names);
  for (const d of KNOWN_DIFFERENCES.filter((k) => k.capture === capture)) {
    const rec = out[String(d.tshark)];
    assert.ok(rec, `${capture}: known difference at frame ${d.tshark}, but tshark reported nothing there`);
    delete out[String(d.tshark)];
    if (d.ours === null) continue;
    const moved = Object.fromEntries(Object.entries(rec).filter(([k]) => !d.fields || d.fields.includes(k)));
    const into = (out[String(d.ours)] ??= {});
    for (const [k, v] of Object.entries(moved)) into[k] = [...(into[k] ?? []), ...v].sort();
  }
  return out;
}

/** A fixed, uneven chunking so records straddle chunk boundaries. */
function pushInChunks(reader: CaptureReader, data: Buffer): void {
  const sizes = [1, 7, 100, 4096, 13, 65536];
  for (let at = 0, i = 0; at < data.length; i++) {
    const n = sizes[i % sizes.length]!;
    reader.push(data.subarray(at, at + n));
    at += n;
  }
  reader.end();
}

const goldens = readdirSync(GOLDEN_DIR).filter((f) => f.endsWith('.json')).sort();

test('there is one golden file per real capture', { skip: skipUnlessShared('pcap') }, () => {
  const captures = readdirSync(sharedData('pcap')!).filter((f) => /\.pcap(ng)?$/.test(f)).sort();
  assert.deepEqual(goldens.map((g) => (JSON.parse(readFileSync(join(GOLDEN_DIR, g), 'utf8')) as GoldenCapture).capture.slice(5)).sort(), captures);
  assert.equal(captures.length, 39);
});

/** Reads a capture as the hunt does and compares it, packet by packet, with its golden file. */
function assertMatchesTshark(golden: GoldenCapture, name: string, data: Buffer): void {
  const obs: Observation[] = [];
  const diags: string[] = [];
  const reader = new CaptureReader(golden.capture, { observe: (o) => obs.push(o), diagnostic: (d) => diags.push(formatDiagnostic(d)) });
  pushInChunks(reader, data);
  assert.equal(reader.stats.packets, golden.packets);
  assert.deepEqual(namesFromObservations(obs), applyDifferences(name, namesFromGolden(golden)));
  assert.deepEqual(diags, EXPECTED_DIAGNOSTICS[name] ?? []);
  // Observations come in packet order, each with its packet's time.
  for (let i = 1; i < obs.length; i++) assert.ok(obs[i]!.packet! >= obs[i - 1]!.packet!);
}

for (const g of goldens) {
  const golden = JSON.parse(readFileSync(join(GOLDEN_DIR, g), 'utf8')) as GoldenCapture;
  const name = golden.capture.slice('pcap/'.length);
  test(`${name}: names per packet match tshark`, { skip: skipUnlessShared('pcap', name) }, () => {
    assertMatchesTshark(golden, name, readFileSync(sharedData('pcap', name)!));
  });
}

const recorded = readdirSync(RECORDED_DIR).filter((f) => f.endsWith('.json')).sort();

test('every recording has its golden file', () => {
  assert.deepEqual(recorded.map((g) => (JSON.parse(readFileSync(join(RECORDED_DIR, g), 'utf8')) as GoldenCapture).capture),
    readdirSync(RECORDED_DIR).filter((f) => f.endsWith('.pcap')).sort().map((f) => `recorded/${f}`));
  assert.equal(recorded.length, 4);
});

for (const g of recorded) {
  const golden = JSON.parse(readFileSync(join(RECORDED_DIR, g), 'utf8')) as GoldenCapture;
  const name = golden.capture.slice('recorded/'.length);
  test(`recorded ${name}: names per packet match tshark (told the odd DNS and TLS ports)`, () => {
    assertMatchesTshark(golden, name, readFileSync(join(RECORDED_DIR, name)));
  });
}
