import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { sharedData, skipUnlessShared } from '../core/test-data.js';
import { LOG_FORMATS, TEXT_FORMAT, createLineReader, detectLogFormat } from './index.js';
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
    'logs/sysmon': 'winevent-json', // OTRF's Windows events, one JSON object per line
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

test('PE, binary garbage and empty input are no log; prose and unknown JSON are text', () => {
  const pe = Buffer.alloc(512);
  pe.write('MZ', 0, 'latin1');
  pe.writeUInt32LE(0x80, 0x3c);
  pe.write('PE\0\0', 0x80, 'latin1');
  assert.equal(detectLogFormat(pe, 'netmgr.exe'), null);
  assert.equal(detectLogFormat(Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x02, 0x03]), 'x.bin'), null);
  assert.equal(detectLogFormat(Buffer.alloc(0), 'empty.log'), null);
  assert.equal(detectLogFormat(Buffer.from('Dear diary,\nthe client said hello.\n'), 'notes.txt'), 'text');
  assert.equal(detectLogFormat(Buffer.from('{"a":1}\n{"b":2}\n'), 'x.json'), 'text');
});

test('createLineReader: every family, state passed to Zeek TSV, unknown family throws', () => {
  for (const fam of LOG_FORMATS) assert.equal(typeof createLineReader(fam, 'x.log').readLine, 'function');
  assert.equal(createLineReader(TEXT_FORMAT, 'notes.txt').format, 'text');
  assert.equal(LOG_FORMATS[LOG_FORMATS.length - 1], TEXT_FORMAT);
  assert.equal(TEXT_FORMAT, 'text');
  const first = createLineReader('zeek', 'dns.log');
  readBuffer(first, Buffer.from('#path\tdns\n#fields\tts\tid.orig_h\tid.resp_h\tquery\n'), collectingSink());
  const resumed = createLineReader('zeek', 'dns.log', first.snapshot());
  const sink = collectingSink();
  resumed.readLine(Buffer.from('1.0\t10.0.0.1\t10.0.0.53\tevil.example'), 100, sink);
  assert.deepEqual(sink.observations, [{ field: 'dns.query', kind: 'domain', value: 'evil.example', ts: 1000, src: '10.0.0.1', dst: '10.0.0.53', line: 100 }]);
  assert.equal(resumed.format, 'zeek-dns');
  assert.throws(() => createLineReader('evtx', 'x'), /unknown log format "evtx"; known formats are: zeek, zeek-json/);
});

// ---- Damaged logs: detection judges a log by the lines that do parse ----

/** The first `n` lines of a real file (without their terminators). */
function realLines(n: number, ...parts: string[]): string[] {
  return readFileSync(sharedData(...parts)!, 'latin1').split('\n').filter((l) => l !== '').slice(0, n);
}

/** Lines joined with LF, as latin1 bytes (every char one byte, so a \0 stays a NUL byte). */
function joinLines(lines: readonly string[]): Buffer {
  return Buffer.from(lines.join('\n') + '\n', 'latin1');
}

/** `line` with `bytes` inserted in its middle (a crash's NULs, an attacker's control bytes). */
function damage(line: string, bytes: string): string {
  const mid = Math.floor(line.length / 2);
  return line.slice(0, mid) + bytes + line.slice(mid);
}

/** Garbage a line could have become: printable noise and control bytes, no log shape. */
function garbage(i: number): string {
  return `\u0001\u0002~~${'#$%&'.repeat(i % 5 + 1)}\u0000\u007f garbled ${i} \u0003`;
}

/** Reads `head` with the reader of `family`: the lines of its diagnostics and its record count. */
function readWith(family: string, head: Buffer): { badLines: number[]; records: number; reasons: string[] } {
  const r = createLineReader(family, 'x.log');
  const sink = collectingSink();
  readBuffer(r, head, sink);
  // Skipped records only: a warning (a line without a timestamp, said once) skips nothing.
  const bad = sink.diagnostics.filter((d) => d.severity === 'error');
  return { badLines: bad.map((d) => d.line!), records: r.records, reasons: bad.map((d) => d.reason) };
}

/** Built web access lines (combined format), `n` of them. */
function webLines(n: number): string[] {
  return Array.from({ length: n }, (_, i) =>
    `192.0.2.${i + 1} - - [10/Oct/2000:13:55:${String(i % 60).padStart(2, '0')} -0700] "GET /p${i}?q=1 HTTP/1.1" 200 ${100 + i} "-" "Mozilla/5.0 (X11)"`);
}

test('a real squid log with a NUL-damaged line in its first 4 KiB is squid; the reader skips just that line', { skip: skipUnlessShared('logs', 'squid') }, () => {
  const lines = realLines(20, 'logs', 'squid', 'squidview-example.access.log');
  lines[2] = damage(lines[2]!, '\0');
  const head = joinLines(lines);
  assert.ok(head.indexOf(0) < 4096);
  assert.equal(detectLogFormat(head, 'access.log'), 'squid');
  assert.deepEqual(readWith('squid', head), { badLines: [3], records: 19, reasons: ['not a squid record'] });
});

test('a real Zeek TSV log with a NUL-damaged record is zeek; the reader skips just that line', { skip: skipUnlessShared('zeek', 'zeek-btest-baselines') }, () => {
  const lines = realLines(14, 'zeek', 'zeek-btest-baselines', 'opt.basic__dns.log');
  const firstData = lines.findIndex((l) => !l.startsWith('#'));
  lines[firstData + 1] = damage(lines[firstData + 1]!, '\0\0\u0007');
  const head = joinLines(lines);
  assert.equal(detectLogFormat(head, 'dns.log'), 'zeek');
  const r = readWith('zeek', head);
  assert.deepEqual(r.badLines, [firstData + 2]);
  assert.equal(r.records, lines.length - firstData - 1);
});

test('a real BIND log with a NUL-damaged line is bind; the reader skips just that line', { skip: skipUnlessShared('logs', 'bind') }, () => {
  const lines = realLines(13, 'logs', 'bind', 'crowdsec-hub_bind9-logs.log');
  lines[0] = damage(lines[0]!, '\0');
  const head = joinLines(lines);
  assert.equal(detectLogFormat(head, 'named.log'), 'bind');
  const r = readWith('bind', head);
  assert.deepEqual(r.badLines, [1]);
  assert.equal(r.records, 12);
});

test('a real Suricata EVE log and a real Zeek JSON log with a damaged line keep their family', { skip: skipUnlessShared('logs', 'suricata') || skipUnlessShared('zeek', 'otrf-apt29-json') }, () => {
  const eve = realLines(7, 'logs', 'suricata', 'crowdsec-hub_suricata-logs-evelog.eve.json');
  eve[1] = damage(eve[1]!, '\0\u0001');
  assert.equal(detectLogFormat(joinLines(eve), 'eve.json'), 'suricata-eve');
  assert.deepEqual(readWith('suricata-eve', joinLines(eve)).badLines, [2]);
  const zj = realLines(10, 'zeek', 'otrf-apt29-json', 'day1_SCRANTON_dns.log');
  zj[4] = damage(zj[4]!, '\0');
  assert.equal(detectLogFormat(joinLines(zj), 'dns.log'), 'zeek-json');
  assert.deepEqual(readWith('zeek-json', joinLines(zj)).badLines, [5]);
});

test('a web access log whose attacker-chosen user agent holds NUL and control bytes is web-access', () => {
  const lines = webLines(8);
  lines[1] = lines[1]!.replace('Mozilla/5.0 (X11)', 'sqlmap\0\u0001\u001b[31m');
  lines[5] = lines[5]!.replace('/p5?q=1', '/p5?q=%00\0\u0008');
  const head = joinLines(lines);
  assert.equal(detectLogFormat(head, 'access.log'), 'web-access');
  const r = readWith('web-access', head);
  assert.deepEqual(r.badLines, [2, 6]);
  assert.equal(r.records, 6);
});

test('half, or even two thirds, of the head garbled: still the family; under a quarter: text', () => {
  const web = webLines(12);
  const half = web.map((l, i) => (i % 2 === 0 ? garbage(i) : l));
  assert.equal(detectLogFormat(joinLines(half), 'access.log'), 'web-access');
  const twoThirds = web.map((l, i) => (i % 3 === 0 ? l : garbage(i))); // 4 of 12 lines intact: a third
  assert.equal(detectLogFormat(joinLines(twoThirds), 'access.log'), 'web-access');
  // Exactly a quarter (3 of 12) is enough; 2 of 12 is not.
  assert.equal(detectLogFormat(joinLines(web.map((l, i) => (i < 3 ? l : garbage(i)))), 'access.log'), 'web-access');
  assert.equal(detectLogFormat(joinLines(web.map((l, i) => (i < 2 ? l : garbage(i)))), 'access.log'), 'text');
});

test('one stray log-looking line inside an essay is text; a file of one log line is its family', () => {
  const essay = [
    'Incident notes, 3 May 2013',
    'We saw the proxy log the following request, which looks like the campaign:',
    webLines(1)[0]!,
    'The host was isolated the same afternoon and its disk imaged.',
    'Open question: did the dropper reach any other host?',
  ];
  assert.equal(detectLogFormat(joinLines(essay), 'notes.txt'), 'text');
  assert.equal(detectLogFormat(joinLines(webLines(1)), 'access.log'), 'web-access');
  assert.equal(detectLogFormat(Buffer.from(webLines(1)[0]!), 'access.log'), 'web-access'); // no final newline
  const bind = '19-Oct-2022 05:34:02.425 client @0x7f65100ee4d8 192.168.1.1#3076 (example.com): query (cache) \'example.com/ANY/IN\' denied\n';
  assert.equal(detectLogFormat(Buffer.from(bind), 'named.log'), 'bind');
});

test('a log after a crash (a zero-filled block between intact lines) is still its family', () => {
  const web = webLines(6);
  const head = Buffer.concat([joinLines(web.slice(0, 3)), Buffer.alloc(8192), joinLines(web.slice(3))]);
  assert.equal(detectLogFormat(head, 'access.log'), 'web-access');
  // Even when the zeroes are most of the head: a hole is no content.
  assert.equal(detectLogFormat(Buffer.concat([joinLines(web.slice(0, 2)), Buffer.alloc(4096)]), 'access.log'), 'web-access');
  assert.equal(detectLogFormat(Buffer.alloc(4096), 'zeros.log'), null); // nothing but a hole: nothing to read
});

test('text in no known log format is text: notes, CSV, firewall logs, a mail header, Latin-1, stray NULs', () => {
  const heads: Record<string, string> = {
    notes: 'Meeting notes\n\nThe C2 was reached at update.example-cdn.net (198.51.100.7).\nNext steps: block it.\n',
    csv: 'timestamp,src,dst,domain,bytes\n2013-05-02T03:04:05Z,10.0.0.5,198.51.100.7,evil.example.net,512\n2013-05-02T03:04:06Z,10.0.0.6,198.51.100.8,evil.example.org,1024\n',
    iptables: 'Jan  1 00:00:00 fw kernel: [12345.678] DROP IN=eth0 OUT= SRC=203.0.113.9 DST=10.0.0.5 LEN=60 PROTO=TCP SPT=443 DPT=51515\n'.repeat(5),
    asa: '%ASA-6-302013: Built outbound TCP connection 123 for outside:198.51.100.7/443 (198.51.100.7/443) to inside:10.0.0.5/51515 (10.0.0.5/51515)\n'.repeat(4),
    mail: 'Received: from mail.example.com (mail.example.com [192.0.2.1])\n\tby mx.example.org with ESMTP id 4AB; Thu, 2 May 2013 03:04:05 +0000\nFrom: "Bob" <bob@example.com>\nSubject: invoice\nMessage-ID: <1234@mail.example.com>\n',
    latin1: 'Caf\xe9 r\xe9seau: le serveur evil.example a r\xe9pondu\n'.repeat(3),
    nul: 'one line\nanother \0 line with a stray NUL\nthird line\n',
  };
  for (const [name, t] of Object.entries(heads)) assert.equal(detectLogFormat(Buffer.from(t, 'latin1'), name), 'text', name);
  assert.equal(detectLogFormat(Buffer.from('\ufeffnotes with a UTF-8 byte-order mark\n'), 'bom.txt'), 'text');
  assert.equal(detectLogFormat(Buffer.from(`\ufeff${webLines(1)[0]!}\n`), 'bom.log'), 'web-access');
  assert.equal(detectLogFormat(Buffer.from('# only a comment\n'), 'c.txt'), 'text');
});

test('binary heads are null: PE, ELF, zip, pcap, pcapng, OLE2, PDF, SQLite, UTF-16 text, random bytes', () => {
  const withMagic = (magic: number[], size = 256, at = 0) => {
    const b = Buffer.alloc(size, 0x41);
    Buffer.from(magic).copy(b, at);
    return b;
  };
  const heads: Record<string, Buffer> = {
    elf: withMagic([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]),
    zip: withMagic([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]),
    pcapLE: withMagic([0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0]),
    pcapBE: withMagic([0xa1, 0xb2, 0xc3, 0xd4, 0, 2, 0, 4]),
    pcapNs: withMagic([0x4d, 0x3c, 0xb2, 0xa1, 2, 0, 4, 0]),
    pcapng: withMagic([0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a]),
    ole2: withMagic([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
    pdf: Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n', 'latin1'),
    sqlite: withMagic([...Buffer.from('SQLite format 3'), 0]),
    tar: withMagic([...Buffer.from('ustar'), 0], 1024, 257),
    gzip: withMagic([0x1f, 0x8b, 8, 0]),
    utf16: Buffer.from('\ufeffThe C2 was evil.example.net\r\n', 'utf16le'),
    utf16NoBom: Buffer.from('The C2 was evil.example.net\r\nand 198.51.100.7\r\n', 'utf16le'),
  };
  // Random bytes from a fixed linear congruential generator (reproducible, no magic).
  const random = Buffer.alloc(4096);
  let x = 12345;
  for (let i = 0; i < random.length; i++) { x = (x * 1103515245 + 12345) >>> 0; random[i] = x >>> 24; }
  heads['random'] = random;
  for (const [name, b] of Object.entries(heads)) assert.equal(detectLogFormat(b, name), null, name);
  // Text that merely starts like a magic is still text.
  assert.equal(detectLogFormat(Buffer.from('MZ is how every PE file starts.\nSo does this note.\n'), 'mz.txt'), 'text');
  assert.equal(detectLogFormat(Buffer.from('BZh, said the note; evil.example\n'), 'bz.txt'), 'text');
});

test('real captures, event logs and PE samples are null; real IOC lists and STIX are text', { skip: skipUnlessShared('pcap') || skipUnlessShared('evtx') || skipUnlessShared('iocs') }, () => {
  let binary = 0;
  for (const dir of ['pcap', 'evtx']) {
    const d = sharedData(dir)!;
    for (const name of readdirSync(d).filter((n) => !n.startsWith('LICENSE'))) {
      assert.equal(detectLogFormat(head(join(d, name)), name), null, `${dir}/${name}`);
      binary++;
    }
  }
  assert.ok(binary >= 40, `${binary} binary files`);
  const iocs = sharedData('iocs', 'nettraveler')!;
  for (const name of readdirSync(iocs)) assert.equal(detectLogFormat(head(join(iocs, name)), name), 'text', name);
});

test('fuzz: any bytes give a known family, text or null, never an exception; a NUL in one line of a real log keeps its family', { skip: skipUnlessShared('logs', 'squid') || skipUnlessShared('logs', 'bind') }, () => {
  const known = new Set<string | null>([...LOG_FORMATS, null]);
  fc.assert(fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
    assert.ok(known.has(detectLogFormat(Buffer.from(bytes), 'x')));
  }), { seed: 9, numRuns: 500 });
  const logs: Array<[string, string[]]> = [
    ['squid', realLines(12, 'logs', 'squid', 'squidview-example.access.log')],
    ['bind', realLines(12, 'logs', 'bind', 'crowdsec-hub_bind9-refused.log')],
    ['web-access', webLines(12)],
  ];
  fc.assert(fc.property(fc.nat(2), fc.nat(11), fc.nat(400), fc.constantFrom('\0', '\0\0\0\0', '\u0001', '\u001f\u007f', '\u00ff\u00fe'), (which, li, at, bytes) => {
    const [family, lines] = logs[which]!;
    const damaged = lines.slice();
    const l = damaged[li]!;
    const p = Math.min(at, l.length);
    damaged[li] = l.slice(0, p) + bytes + l.slice(p);
    assert.equal(detectLogFormat(joinLines(damaged), 'x.log'), family);
  }), { seed: 10, numRuns: 300 });
});
