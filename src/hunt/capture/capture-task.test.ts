import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writePcap } from '../../evidence/pcap/testing/capture-writer.js';
import { dnsMessage, ethernet, ipv4, udp } from '../../evidence/pcap/testing/packet-builder.js';
import { IndicatorIndex } from '../../matching/index.js';
import { RecordMatcher, type RawSighting } from '../match.js';
import { cancelCapture, huntCaptureTask, newCaptureCredit, takePart, type CapturePart } from './capture-task.js';
import { readCaptureFile } from './read-capture-file.js';

const dir = mkdtempSync(join(tmpdir(), 'sightline-capture-task-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/** n DNS queries for hostN.example.net, each from its own client, with a URL-less record per packet. */
function dnsCapture(n: number): string {
  const path = join(dir, `dns-${n}.pcap`);
  writeFileSync(path, writePcap(Array.from({ length: n }, (_, i) => ({
    ts: 1_700_000_000_000 + i,
    data: ethernet(ipv4({ src: `10.0.${i >> 8 & 255}.${i & 255}`, dst: '192.0.2.53', proto: 17, payload: udp(40000 + i % 1000, 53, dnsMessage({ name: `host${i}.example.net` })) }), 0x0800),
  }))));
  return path;
}

const index = IndicatorIndex.build([{ id: 1, type: 'domain', value: 'example.net' }, { id: 2, type: 'ipv4', value: '192.0.2.53' }]);

test('a capture hunted as a task gives, in its parts, the sightings of reading and matching it in this thread', async () => {
  const path = dnsCapture(6000);
  const expected: RawSighting[] = [];
  const matcher = new RecordMatcher(index, [], (s) => expected.push(s));
  const stats = await readCaptureFile(path, 'shown.pcap', (b) => { for (const o of b) matcher.observe(o); }, () => undefined);
  matcher.end();
  // One query per packet, every name under example.net, every flow's responder the resolver.
  assert.equal(expected.filter((s) => s.field === 'dns.query').length, 6000);
  assert.equal(expected.filter((s) => s.field === 'conn.resp_h').length, 6000);

  const credit = newCaptureCredit();
  const parts: CapturePart[] = [];
  const got = await huntCaptureTask({ path, displayPath: 'shown.pcap', hostIdParams: [], credit }, index, (p) => {
    parts.push(p);
    takePart(credit);
  });
  assert.deepEqual(got, stats);
  assert.ok(parts.length >= 2, 'more sightings than one part holds make several parts');
  assert.deepEqual(parts.flatMap((p) => p.sightings), expected);
  assert.equal(parts.at(-1)!.bytesRead, statSync(path).size);
  assert.deepEqual(parts.flatMap((p) => p.diagnostics), []);
});

test('a capture given up by the main thread stops at its next part', async () => {
  const path = dnsCapture(6000);
  const credit = newCaptureCredit();
  let parts = 0;
  await assert.rejects(huntCaptureTask({ path, displayPath: 'shown.pcap', hostIdParams: [], credit }, index, () => {
    parts++;
    cancelCapture(credit);
  }), /given up/);
  assert.equal(parts, 2, 'the part at which it was given up, and the last one');
});
