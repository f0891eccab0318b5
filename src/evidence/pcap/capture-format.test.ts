/**
 * Every format editcap writes our own recording in (testdata/formats, made by its
 * make-formats.sh) is either read with exactly the observations of the original pcap,
 * or recognised as a named capture format Sightline does not read: never taken for
 * a plain file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatDiagnostic } from '../../core/diagnostic.js';
import type { Observation } from '../../core/model.js';
import { detectCaptureFormat, detectUnsupportedCapture } from './capture-format.js';
import { CaptureReader } from './capture-reader.js';
import { writePcap } from './testing/capture-writer.js';

const FORMATS_DIR = join(fileURLToPath(new URL('.', import.meta.url)), 'testdata', 'formats');
const ORIGINAL = join(FORMATS_DIR, '..', 'recorded', 'absolute-form-host.pcap');

/** editcap's -F name → what we must make of it: 'read' (same observations) or the unsupported format's name. */
const EXPECTED: Record<string, string> = {
  pcap: 'read', nsecpcap: 'read', pcapng: 'read',
  modpcap: 'read', suse6_3pcap: 'read', rh6_1pcap: 'read', nokiapcap: 'read',
  '5views': 'InfoVista 5View',
  btsnoop: 'btsnoop',
  'commview-ncf': 'TamoSoft CommView NCF',
  'commview-ncfx': 'TamoSoft CommView NCFX',
  eyesdn: 'EyeSDN',
  k12text: 'K12 text',
  lanalyzer: 'Novell LANalyzer',
  netmon1: 'Microsoft Network Monitor 1.x',
  netmon2: 'Microsoft Network Monitor 2.x',
  nettl: 'HP-UX nettl',
  ngsniffer: 'Sniffer (DOS)',
  ngwsniffer_1_1: 'NetXray / Sniffer (Windows)',
  ngwsniffer_2_0: 'NetXray / Sniffer (Windows)',
  observer: 'Viavi Observer',
  snoop: 'snoop',
  visual: 'Visual Networks traffic capture',
};

function read(file: Buffer, chunk: number): { obs: Observation[]; diags: string[]; packets: number } {
  const obs: Observation[] = [];
  const diags: string[] = [];
  const r = new CaptureReader('cap', { observe: (o) => obs.push(o), diagnostic: (d) => diags.push(formatDiagnostic(d)) });
  for (let i = 0; i < file.length; i += chunk) r.push(file.subarray(i, i + chunk));
  r.end();
  return { obs, diags, packets: r.stats.packets };
}

test('every file editcap wrote is read like the original or named as an unsupported capture', () => {
  const original = read(readFileSync(ORIGINAL), 1 << 20);
  assert.equal(original.packets, 12); // capinfos: 12 packets
  assert.ok(original.obs.some((o) => o.field === 'http.host' && o.value === 'other.made-up-name.example'));
  const files = readdirSync(FORMATS_DIR).filter((f) => f.startsWith('absolute-form-host.'));
  assert.deepEqual(files.map((f) => f.slice('absolute-form-host.'.length)).sort(), Object.keys(EXPECTED).sort());
  for (const f of files) {
    const format = f.slice('absolute-form-host.'.length);
    const bytes = readFileSync(join(FORMATS_DIR, f));
    const head = bytes.subarray(0, 64 * 1024);
    if (EXPECTED[format] === 'read') {
      assert.notEqual(detectCaptureFormat(head), null, format);
      assert.equal(detectUnsupportedCapture(head), null, format);
      for (const chunk of [7, 100, bytes.length]) {
        const r = read(bytes, chunk);
        assert.deepEqual(r.diags, [], `${format} in chunks of ${chunk}`);
        assert.equal(r.packets, 12, `${format} in chunks of ${chunk}`);
        assert.deepEqual(r.obs, original.obs, `${format} in chunks of ${chunk}`);
      }
    } else {
      assert.equal(detectCaptureFormat(head), null, format);
      assert.equal(detectUnsupportedCapture(head), EXPECTED[format], format);
    }
  }
});

test('a header-only modified pcap and a one-packet Red Hat pcap are framed at the end of the file', () => {
  const rh = readFileSync(join(FORMATS_DIR, 'absolute-form-host.rh6_1pcap'));
  const one = Buffer.concat([rh.subarray(0, 24), rh.subarray(24, 24 + 24 + rh.readUInt32LE(24 + 8))]);
  const r = read(one, 1 << 20);
  assert.equal(r.packets, 1);
  assert.deepEqual(r.diags, []);
  const mod = readFileSync(join(FORMATS_DIR, 'absolute-form-host.modpcap')).subarray(0, 24);
  assert.deepEqual(read(mod, 1 << 20), { obs: [], diags: [], packets: 0 });
});

test('files that are not captures are not named as captures', () => {
  const notCaptures = [
    Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00', 'latin1'), // a PE file's start
    Buffer.from('PK\x03\x04\x14\x00\x00\x00\x08\x00', 'latin1'),
    Buffer.from('GET / HTTP/1.1\r\nHost: example.net\r\n\r\n'),
    Buffer.from('#separator \\x09\n#set_separator\t,\n'),
    Buffer.alloc(64),
    Buffer.alloc(64, 0xff),
    Buffer.alloc(0),
    writePcap([]),
  ];
  for (const b of notCaptures) assert.equal(detectUnsupportedCapture(b), null, b.toString('latin1'));
});
