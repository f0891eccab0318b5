import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { formatDiagnostic, type Diagnostic } from '../../core/diagnostic.js';
import type { Observation } from '../../core/model.js';
import { sharedData, skipUnlessShared } from '../../core/test-data.js';
import { writePcap } from '../../evidence/pcap/testing/capture-writer.js';
import { clientHello, dnsMessage, ethernet, httpRequest, ipv4, TCP, tcp, tlsRecords, udp } from '../../evidence/pcap/testing/packet-builder.js';
import { readCaptureFile, type CaptureHuntOptions } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'sightline-capture-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

async function readAll(path: string, opts: CaptureHuntOptions = {}): Promise<{ obs: Observation[]; batches: number; diags: string[]; stats: unknown }> {
  const obs: Observation[] = [];
  const diags: string[] = [];
  let batches = 0;
  const stats = await readCaptureFile(path, 'shown.pcap', (b) => {
    batches++;
    for (let i = 1; i < b.length; i++) assert.ok(b[i - 1]!.packet! <= b[i]!.packet!, 'a batch is in packet order');
    obs.push(...b);
  }, (d: Diagnostic) => diags.push(formatDiagnostic(d)), opts);
  return { obs, batches, diags, stats };
}

/** A capture of n DNS queries, each from its own client (so flows spread over workers). */
function dnsCapture(n: number): Buffer {
  return writePcap(Array.from({ length: n }, (_, i) => ({
    ts: 1_700_000_000_000 + i,
    data: ethernet(ipv4({ src: `10.0.${i >> 8 & 255}.${i & 255}`, dst: '192.0.2.53', proto: 17, payload: udp(40000 + i % 1000, 53, dnsMessage({ name: `host${i}.example.net` })) }), 0x0800),
  })));
}

/** n proxy clients seen from their side only: each sends CONNECT, then a TLS ClientHello, and no reply is captured. */
function connectCapture(n: number): Buffer {
  const frames: Array<{ ts: number; data: Buffer }> = [];
  for (let i = 0; i < n; i++) {
    const src = `10.1.${i >> 8 & 255}.${i & 255}`;
    const seg = (seq: number, payload?: Buffer): Buffer => ethernet(ipv4({ src, dst: '192.0.2.8', proto: 6, payload: tcp({ sport: 50000, dport: 3128, seq, flags: payload ? TCP.ACK : TCP.SYN, payload }) }), 0x0800);
    const connect = httpRequest('CONNECT', `t${i}.made-up.example:443`, [['Host', `t${i}.made-up.example:443`]]);
    frames.push({ ts: 1_700_000_000_000 + 3 * i, data: seg(99) }, { ts: 1_700_000_000_001 + 3 * i, data: seg(100, connect) },
      { ts: 1_700_000_000_002 + 3 * i, data: seg(100 + connect.length, tlsRecords(clientHello(`s${i}.made-up.example`))) });
  }
  return writePcap(frames);
}

test('tunnels seen from the client side only are read at the end of the capture, reported at the packets where they began', async () => {
  const p = join(dir, 'connect.pcap');
  writeFileSync(p, connectCapture(300));
  const serial = await readAll(p);
  const sni = serial.obs.filter((o) => o.field === 'tls.sni');
  assert.equal(sni.length, 300);
  assert.deepEqual([sni[0]!.packet, sni[0]!.value, sni[299]!.packet, sni[299]!.value], [3, 's0.made-up.example', 900, 's299.made-up.example']);
  assert.deepEqual(serial.diags, []);
});

/** n sessions over many clients: DNS over UDP, HTTP requests and TLS ClientHellos on TCP, a CONNECT with no reply. */
function mixedCapture(n: number): Buffer {
  const frames: Array<{ ts: number; data: Buffer }> = [];
  const put = (src: string, dst: string, proto: number, payload: Buffer): void => {
    frames.push({ ts: 1_700_000_000_000 + frames.length, data: ethernet(ipv4({ src, dst, proto, payload }), 0x0800) });
  };
  for (let i = 0; i < n; i++) {
    const c = `10.2.${i >> 8 & 255}.${i & 255}`, s = `198.51.100.${i % 200}`, cp = 20000 + i % 30000;
    const kind = i % 4;
    if (kind === 0) put(c, '192.0.2.53', 17, udp(cp, 53, dnsMessage({ name: `q${i}.made-up.example` })));
    else {
      const dport = kind === 1 ? 80 : kind === 2 ? 443 : 3128;
      const data = kind === 1 ? httpRequest('GET', `/p${i}`, [['Host', `h${i}.made-up.example`]])
        : kind === 2 ? tlsRecords(clientHello(`s${i}.made-up.example`))
          : Buffer.concat([httpRequest('CONNECT', `t${i}.made-up.example:443`, []), tlsRecords(clientHello(`ts${i}.made-up.example`))]);
      put(c, s, 6, tcp({ sport: cp, dport, seq: 10, flags: TCP.SYN }));
      put(s, c, 6, tcp({ sport: dport, dport: cp, seq: 90, flags: TCP.SYN | TCP.ACK }));
      // Split in two segments, interleaved with the next session's first packet by order of arrival.
      put(c, s, 6, tcp({ sport: cp, dport, seq: 11, flags: TCP.ACK, payload: data.subarray(0, 20) }));
      put(c, s, 6, tcp({ sport: cp, dport, seq: 31, flags: TCP.ACK, payload: data.subarray(20) }));
    }
  }
  return writePcap(frames);
}

test('a generated mixed capture gives each session\'s observations', async () => {
  const p = join(dir, 'mixed.pcap');
  writeFileSync(p, mixedCapture(8000));
  const serial = await readAll(p);
  const fields = new Map<string, number>();
  for (const o of serial.obs) fields.set(o.field, (fields.get(o.field) ?? 0) + 1);
  assert.deepEqual(Object.fromEntries(fields), {
    'conn.orig_h': 8000, 'conn.resp_h': 8000, 'dns.query': 2000, 'http.host': 4000, 'http.url': 2000, 'tls.sni': 4000,
  });
  assert.deepEqual(serial.diags, []);
});

test('reads a plain capture in this thread, in packet order, with stats', async () => {
  const p = join(dir, 'small.pcap');
  writeFileSync(p, dnsCapture(3));
  const r = await readAll(p);
  assert.deepEqual(r.stats, { format: 'pcap', packets: 3, bytes: readFileSync(p).length, skipped: 0, skippedFragments: 0 });
  assert.deepEqual(r.obs.map((o) => `${o.packet} ${o.field} ${o.value}`), [
    '1 conn.orig_h 10.0.0.0', '1 conn.resp_h 192.0.2.53', '1 dns.query host0.example.net',
    '2 conn.orig_h 10.0.0.1', '2 conn.resp_h 192.0.2.53', '2 dns.query host1.example.net',
    '3 conn.orig_h 10.0.0.2', '3 conn.resp_h 192.0.2.53', '3 dns.query host2.example.net',
  ]);
  assert.equal(r.obs[2]!.ts, 1_700_000_000_000);
  assert.deepEqual(r.diags, []);
});

test('reads a gzipped capture the same as the plain one', async () => {
  const raw = dnsCapture(50);
  writeFileSync(join(dir, 'a.pcap'), raw);
  writeFileSync(join(dir, 'a.pcap.gz'), gzipSync(raw));
  const plain = await readAll(join(dir, 'a.pcap'));
  const gz = await readAll(join(dir, 'a.pcap.gz'));
  assert.deepEqual(gz.obs, plain.obs);
  assert.deepEqual(gz.stats, plain.stats);
});

test('many observations come in batches, in packet order', async () => {
  const p = join(dir, 'many.pcap');
  writeFileSync(p, dnsCapture(20000));
  const r = await readAll(p);
  assert.equal(r.obs.length, 60000);
  for (let i = 1; i < r.obs.length; i++) assert.ok(r.obs[i - 1]!.packet! <= r.obs[i]!.packet!);
  assert.equal(r.batches, Math.ceil(60000 / 4096));
  assert.deepEqual(r.diags, []);
});

test('a real capture gives its 40 server names', { skip: skipUnlessShared('pcap', 'suricata-verify_tls-subjectaltname.pcap') }, async () => {
  const p = sharedData('pcap', 'suricata-verify_tls-subjectaltname.pcap')!;
  const r = await readAll(p);
  assert.equal(r.obs.filter((o) => o.field === 'tls.sni').length, 40);
});

test('reports a missing file, an unknown format and a cut-off capture as diagnostics', async () => {
  assert.deepEqual((await readAll(join(dir, 'missing.pcap'))).diags.map((d) => d.replace(/: cannot read: .*/, ': cannot read')), ['shown.pcap: cannot read']);
  writeFileSync(join(dir, 'text.pcap'), 'hello, this is not a capture\n');
  assert.deepEqual((await readAll(join(dir, 'text.pcap'))).diags, ['shown.pcap:packet 1: not a pcap or pcapng capture (unknown magic number)']);
  const cut = dnsCapture(2);
  writeFileSync(join(dir, 'cut.pcap'), cut.subarray(0, cut.length - 10));
  const r = await readAll(join(dir, 'cut.pcap'));
  assert.deepEqual(r.diags, ['shown.pcap:packet 2: capture cut off mid-packet: 83 bytes of an incomplete record at the end']);
  assert.equal(r.obs.length, 3);
});

test('an aborted read rejects', async () => {
  const p = join(dir, 'abort.pcap');
  writeFileSync(p, dnsCapture(100));
  const ac = new AbortController();
  ac.abort(new Error('stop'));
  await assert.rejects(readAll(p, { signal: ac.signal }), /stop/);
});

test('onProgress reports the file bytes read', async () => {
  const p = join(dir, 'progress.pcap');
  writeFileSync(p, dnsCapture(10));
  const seen: number[] = [];
  await readAll(p, { onProgress: (n) => seen.push(n) });
  assert.equal(seen.at(-1), readFileSync(p).length);
});
