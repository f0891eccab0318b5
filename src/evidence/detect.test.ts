import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sharedData, skipUnlessShared } from '../core/test-data.js';
import { LOG_FORMATS, createLineReader, detectLogFormat } from './index.js';
import { collectingSink, readBuffer } from './line-reader.js';

const head = (p: string) => readFileSync(p).subarray(0, 64 * 1024);

test('every real log is detected as its family, and none as another', { skip: skipUnlessShared('zeek') || skipUnlessShared('logs') }, () => {
  const expect: Record<string, string | null> = {
    'zeek/otrf-apt29-json': 'zeek-json',
    'zeek/wrccdc-zed-sample-excerpts': 'zeek',
    'zeek/zeek-btest-baselines': 'zeek',
    'logs/bind': 'bind',
    'logs/squid': 'squid',
    'logs/suricata': 'suricata-eve',
    'logs/sysmon': null, // Windows event JSON: not a text log family of ours
  };
  let files = 0;
  for (const [dir, fam] of Object.entries(expect)) {
    const d = sharedData(...dir.split('/'))!;
    for (const name of readdirSync(d).filter((n) => !n.startsWith('LICENSE'))) {
      const want = name === 'dns.json' ? 'zeek-json' : fam;
      assert.equal(detectLogFormat(head(join(d, name)), name), want, `${dir}/${name}`);
      files++;
    }
  }
  assert.equal(files, 34);
});

test('generated Windows DNS and web access heads are detected', () => {
  const win = 'DNS Server log file creation at 11/27/2026 2:14:00 PM\r\n\r\n11/27/2026 2:14:05 PM 0E84 PACKET  000000A1B2C3D4E0 UDP Rcv 10.0.0.1        0001   Q [0001   D   NOERROR] A      (3)www(7)example(3)com(0)\r\n';
  assert.equal(detectLogFormat(Buffer.from(win), 'dns.log'), 'windows-dns');
  const web = '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326 "-" "UA"\nwww.x.example:443 192.0.2.7 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 1 "-" "UA"\n';
  assert.equal(detectLogFormat(Buffer.from(web), 'access.log'), 'web-access');
});

test('PE, binary garbage, empty input and prose are no log', () => {
  const pe = Buffer.alloc(512);
  pe.write('MZ', 0, 'latin1');
  pe.writeUInt32LE(0x80, 0x3c);
  pe.write('PE\0\0', 0x80, 'latin1');
  assert.equal(detectLogFormat(pe, 'netmgr.exe'), null);
  assert.equal(detectLogFormat(Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x02, 0x03]), 'x.bin'), null);
  assert.equal(detectLogFormat(Buffer.alloc(0), 'empty.log'), null);
  assert.equal(detectLogFormat(Buffer.from('Dear diary,\nthe client said hello.\n'), 'notes.txt'), null);
  assert.equal(detectLogFormat(Buffer.from('{"a":1}\n{"b":2}\n'), 'x.json'), null);
});

test('createLineReader: every family, state passed to Zeek TSV, unknown family throws', () => {
  for (const fam of LOG_FORMATS) assert.equal(typeof createLineReader(fam, 'x.log').readLine, 'function');
  const first = createLineReader('zeek', 'dns.log');
  readBuffer(first, Buffer.from('#path\tdns\n#fields\tts\tid.orig_h\tid.resp_h\tquery\n'), collectingSink());
  const resumed = createLineReader('zeek', 'dns.log', first.snapshot());
  const sink = collectingSink();
  resumed.readLine(Buffer.from('1.0\t10.0.0.1\t10.0.0.53\tevil.example'), 100, sink);
  assert.deepEqual(sink.observations, [{ field: 'dns.query', kind: 'domain', value: 'evil.example', ts: 1000, src: '10.0.0.1', dst: '10.0.0.53', line: 100 }]);
  assert.equal(resumed.format, 'zeek-dns');
  assert.throws(() => createLineReader('evtx', 'x'), /unknown log format "evtx"; known formats are: zeek, zeek-json/);
});
