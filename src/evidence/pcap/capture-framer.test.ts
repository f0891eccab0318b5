import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDiagnostic } from '../../core/diagnostic.js';
import { CaptureFramer } from './capture-framer.js';
import { detectCaptureFormat } from './capture-format.js';
import { writePcap, writePcapng } from './testing/capture-writer.js';

interface Framed { number: number; ts: number | null; linktype: number; hex: string }

function frame(file: Buffer, chunk = file.length): { packets: Framed[]; diags: string[]; framer: CaptureFramer } {
  const packets: Framed[] = [];
  const diags: string[] = [];
  const framer = new CaptureFramer('cap', {
    packet: (p) => packets.push({ number: p.number, ts: p.ts, linktype: p.linktype, hex: p.buf.toString('hex', p.offset, p.offset + p.length) }),
    diagnostic: (d) => diags.push(formatDiagnostic(d)),
  });
  for (let i = 0; i < file.length; i += chunk) framer.push(file.subarray(i, i + chunk));
  framer.end();
  return { packets, diags, framer };
}

const A = Buffer.from('aabbcc', 'hex');
const B = Buffer.from('01020304050607', 'hex');

test('detects pcap (both byte orders, µs and ns) and pcapng', () => {
  assert.equal(detectCaptureFormat(writePcap([])), 'pcap');
  assert.equal(detectCaptureFormat(writePcap([], { bigEndian: true, nano: true })), 'pcap');
  assert.equal(detectCaptureFormat(writePcapng([{ interfaces: [], blocks: [] }])), 'pcapng');
  assert.equal(detectCaptureFormat(writePcapng([{ bigEndian: true, interfaces: [], blocks: [] }])), 'pcapng');
  assert.equal(detectCaptureFormat(Buffer.from('GET / HTTP/1.1\r\n')), null);
  assert.equal(detectCaptureFormat(Buffer.alloc(2)), null);
});

for (const bigEndian of [false, true]) {
  for (const nano of [false, true]) {
    test(`classic pcap, ${bigEndian ? 'big' : 'little'}-endian, ${nano ? 'ns' : 'µs'}: packets, numbers, ms timestamps, any chunking`, () => {
      const file = writePcap([{ ts: 1_370_000_000_123.456, data: A }, { ts: 1_370_000_001_000, data: B }], { bigEndian, nano, linktype: 113 });
      for (const chunk of [1, 5, 17, file.length]) {
        const r = frame(file, chunk);
        assert.deepEqual(r.packets, [
          { number: 1, ts: 1_370_000_000_123, linktype: 113, hex: 'aabbcc' },
          { number: 2, ts: 1_370_000_001_000, linktype: 113, hex: '01020304050607' },
        ]);
        assert.deepEqual(r.diags, []);
        assert.equal(r.framer.stats.bytes, file.length);
      }
    });
  }
}

test('pcapng: sections reset interfaces, byte order per section, if_tsresol 10^-n and 2^-n, EPB, SPB, obsolete PB, unknown blocks skipped', () => {
  const file = writePcapng([
    { interfaces: [{ linktype: 1 }, { linktype: 101, tsresol: 9 }], blocks: [
      { type: 'epb', iface: 0, ticks: 1_370_000_000_123_456n, data: A },
      { type: 'raw', blockType: 4, body: Buffer.alloc(8) }, // name resolution block: skipped
      { type: 'epb', iface: 1, ticks: 1_370_000_000_999_999_999n, data: B },
      { type: 'spb', data: B },
    ] },
    { bigEndian: true, interfaces: [{ linktype: 228, tsresol: 0x80 | 10 }], blocks: [
      { type: 'pb', iface: 0, ticks: 1024n * 1_370_000_002n + 512n, data: A },
      { type: 'epb', iface: 1, ticks: 0n, data: A },
    ] },
  ]);
  for (const chunk of [3, 64, file.length]) {
    const r = frame(file, chunk);
    assert.deepEqual(r.packets, [
      { number: 1, ts: 1_370_000_000_123, linktype: 1, hex: 'aabbcc' },
      { number: 2, ts: 1_370_000_000_999, linktype: 101, hex: '01020304050607' },
      { number: 3, ts: null, linktype: 1, hex: '01020304050607' },
      { number: 4, ts: 1_370_000_002_500, linktype: 228, hex: 'aabbcc' },
    ]);
    assert.deepEqual(r.diags, ['cap:packet 5: packet names interface 1, but the section describes 1: packet skipped']);
    assert.equal(r.framer.format, 'pcapng');
  }
});

test('hostile pcap: caplen over the packet length, over the snaplen, and over 256 KiB (stops)', () => {
  const file = writePcap([
    { ts: 0, data: A, origLength: 2 },
    { ts: 0, data: B },
    { ts: 0, data: A, caplen: 300_000 },
    { ts: 0, data: A },
  ], { snaplen: 4 });
  const r = frame(file);
  assert.deepEqual(r.packets.map((p) => p.number), [1, 2]);
  assert.deepEqual(r.diags, [
    'cap:packet 1: captured length 3 is over the packet length 2',
    'cap:packet 2: captured length 7 is over the snapshot length 4',
    'cap:packet 3: record claims 300000 captured bytes (over 262144): corrupt capture, reading stops',
  ]);
  assert.equal(r.framer.stats.badRecords, 1);
});

test('hostile pcap: cut off mid-packet, garbage after the last record, a short header, an empty file, not a capture', () => {
  const whole = writePcap([{ ts: 0, data: A }, { ts: 0, data: B }]);
  assert.deepEqual(frame(whole.subarray(0, whole.length - 3)).diags, ['cap:packet 2: capture cut off mid-packet: 20 bytes of an incomplete record at the end']);
  assert.deepEqual(frame(Buffer.concat([whole, Buffer.from('junk')])).diags, ['cap:packet 3: capture cut off mid-packet: 4 bytes of an incomplete record at the end']);
  assert.deepEqual(frame(whole.subarray(0, 20)).diags, ['cap:packet 1: file of 20 bytes is too short for a capture header']);
  assert.deepEqual(frame(Buffer.alloc(0)).diags, ['cap:packet 1: empty file: not a pcap or pcapng capture']);
  assert.deepEqual(frame(Buffer.from('this is a text file, not a capture')).diags, ['cap:packet 1: not a pcap or pcapng capture (unknown magic number)']);
});

test('hostile pcapng: a lying block length resyncs to the next section; zero and 4 GB claims; EPB caplen over its block', () => {
  const good = writePcapng([{ interfaces: [{ linktype: 1 }], blocks: [{ type: 'epb', iface: 0, ticks: 0n, data: A }] }]);
  const lying = writePcapng([{ interfaces: [{ linktype: 1 }], blocks: [
    { type: 'raw', blockType: 6, body: Buffer.alloc(24), length: 36, trailer: 40 },
  ] }]);
  const r = frame(Buffer.concat([lying, good]), 7);
  assert.deepEqual(r.packets.map((p) => p.number), [1]);
  assert.deepEqual(r.diags, ['cap:packet 1: block length 36 does not match its trailing copy 40: skipping to the next section']);
  for (const [len, shown] of [[0, 0], [0xfffffffc, 4294967292]] as const) {
    const bad = writePcapng([{ interfaces: [{ linktype: 1 }], blocks: [{ type: 'raw', blockType: 6, body: Buffer.alloc(4), length: len }] }]);
    const x = frame(Buffer.concat([bad, good]));
    assert.deepEqual(x.diags, [`cap:packet 1: block claims a length of ${shown} bytes (must be a multiple of 4 from 12 to 16777216): skipping to the next section`]);
    assert.deepEqual(x.packets.map((p) => p.hex), ['aabbcc']);
  }
  const epb = Buffer.alloc(20); epb.writeUInt32LE(100, 12); // caplen 100 in a 32-byte block
  const y = frame(writePcapng([{ interfaces: [{ linktype: 1 }], blocks: [{ type: 'raw', blockType: 6, body: epb }] }]));
  assert.deepEqual(y.diags, ['cap:packet 1: captured length 100 is over the 0 bytes its block holds: packet skipped']);
  const cut = frame(good.subarray(0, good.length - 5));
  assert.deepEqual(cut.diags, ['cap:packet 1: capture cut off inside a block: 31 bytes of an incomplete block at the end']);
});
