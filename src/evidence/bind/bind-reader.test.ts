import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sharedData, skipUnlessShared } from '../../core/test-data.js';
import { collectingSink, readBuffer } from '../line-reader.js';
import { fuzzLines } from '../testing/fuzz-lines.js';
import { BindReader, parseBindPrefixTime, parseBindTime } from './bind-reader.js';

const LOGS = 'logs/bind';
const TESTDATA = fileURLToPath(new URL('./testdata/', import.meta.url));

function read(buf: Buffer, year = 2026) {
  const reader = new BindReader('named.log', { year });
  const sink = collectingSink();
  readBuffer(reader, buf, sink);
  return { reader, ...sink };
}

type Read = ReturnType<typeof read>;
const rows = (r: Read) => r.observations.filter((o) => o.field === 'dns.query').map((o) => [o.value, o.ts, o.src, o.line]);
const diagText = (r: Read) => r.diagnostics.map((d) => `${d.severity} ${d.code} ${d.path}:${d.line}: ${d.reason}`);

/** Every client record gives `conn.orig_h` = its src, and `conn.resp_h` = its dst when it has one, on the same line. */
function assertEnds(r: Read): void {
  const byLine = new Map<number, string[]>();
  for (const o of r.observations) {
    const l = byLine.get(o.line!) ?? [];
    l.push(o.field === 'dns.query' ? `q ${o.src} ${o.dst}` : `${o.field} ${o.value} ${o.src} ${o.dst}`);
    byLine.set(o.line!, l);
  }
  for (const [line, got] of byLine) {
    const q = got.find((g) => g.startsWith('q '));
    const orig = got.find((g) => g.startsWith('conn.orig_h '));
    assert.ok(orig !== undefined, `line ${line}: no conn.orig_h in ${got.join(' | ')}`);
    if (q !== undefined) {
      const [, src, dst] = q.split(' ');
      assert.equal(orig, `conn.orig_h ${src} ${src} ${dst}`);
      assert.equal(got.includes(`conn.resp_h ${dst} ${src} ${dst}`), dst !== 'null', `line ${line}`);
    }
  }
}

test('crowdsec bind9 native log: denied queries, AXFR, category prefixes, ::1 clients; stampless lines said once', { skip: skipUnlessShared(LOGS) }, () => {
  const r = read(readFileSync(sharedData(LOGS, 'crowdsec-hub_bind9-logs.log')!));
  assert.deepEqual(diagText(r), [
    'warning no-timestamp named.log:8: no timestamp on this line; sightings from this file carry no time (further lines not reported)',
  ]);
  assert.ok(r.observations.every((o) => o.dst === null), 'denied and transfer lines name no server');
  assertEnds(r);
  assert.deepEqual(rows(r), [
    ['example.com', Date.UTC(2022, 9, 19, 5, 34, 2, 425), '192.168.1.1', 1],
    ['example.com', Date.UTC(2022, 9, 19, 5, 34, 3, 425), '192.168.1.1', 2],
    ['example.com', Date.UTC(2022, 9, 20, 8, 30, 43, 685), '192.168.1.2', 3],
    ['example.com', Date.UTC(2022, 10, 3, 13, 34, 52, 235), '::1', 4],
    ['example.com', Date.UTC(2022, 10, 3, 13, 37, 23, 345), '::1', 5],
    ['example.com', Date.UTC(2022, 10, 3, 13, 37, 37, 525), '::1', 6],
    ['example.com', Date.UTC(2022, 10, 3, 13, 38, 37, 525), '::1', 7],
    ['example.com', null, '::1', 8],
    ['example.com', null, '::1', 9],
    ['wr_test', Date.UTC(2025, 1, 6, 10, 32, 43, 895), '192.168.1.1', 10],
    ['example.com', Date.UTC(2022, 9, 19, 5, 34, 2, 426), '192.168.1.1', 11],
    ['example.com', Date.UTC(2022, 9, 19, 5, 34, 3, 426), '192.168.1.1', 12],
    ['wr_test', Date.UTC(2025, 1, 6, 10, 32, 43, 896), '192.168.1.1', 13],
  ]);
});

test('syslog-wrapped crowdsec file: BIND\'s own stamp wins over syslog\'s; a bare syslog stamp takes the given year', { skip: skipUnlessShared(LOGS) }, () => {
  const sys = read(readFileSync(sharedData(LOGS, 'crowdsec-hub_bind9-syslog.log')!), 2023);
  assert.deepEqual([sys.reader.records, rows(sys).length, sys.diagnostics.length], [12, 12, 0]);
  assertEnds(sys);
  assert.deepEqual(rows(sys)[3], ['example.com', Date.UTC(2022, 10, 3, 13, 34, 52, 235), '2003:f8:733:b600:6018:bbe4:d0ed:22', 4]);
  // `Nov 13 10:59:46 keira named[…]: client …` carries only syslog's stamp.
  assert.deepEqual(rows(sys)[7], ['example.com', Date.UTC(2023, 10, 13, 10, 59, 46), '2003:f8:733:b600:6018:bbe4:d0ed:22', 8]);
  const refused = read(readFileSync(sharedData(LOGS, 'crowdsec-hub_bind9-refused.log')!));
  assert.deepEqual([refused.reader.records, rows(refused).length, refused.diagnostics.length], [23, 23, 0]);
});

test('fail2ban named-refused: clients and times agree with the file\'s own failJSON annotations', { skip: skipUnlessShared(LOGS) }, () => {
  const raw = readFileSync(sharedData(LOGS, 'fail2ban-tests-named-refused.log')!, 'utf8');
  const r = read(Buffer.from(raw), 2005);
  // The annotation before each record names its client host and (mostly) its time;
  // syslog stamps carry no year, so those lines take 2005, the year given the reader.
  const lines = raw.split('\n');
  const expected: [number, string, number | null][] = [];
  lines.forEach((l, i) => {
    const m = /^# failJSON: (\{.*\})\s*$/.exec(l);
    if (!m) return;
    const ann = JSON.parse(m[1]!) as { time?: string; host: string };
    let j = i + 1;
    while (lines[j]!.trim() === '') j++;
    const record = lines[j]!;
    let ts: number | null = null;
    if (ann.time !== undefined) ts = Date.parse(`${/^\d/.test(record) ? ann.time.slice(0, 4) : '2005'}${ann.time.slice(4)}Z`);
    else if (/^[A-Z][a-z]{2} \d/.test(record)) ts = Date.parse(`2005-${String(new Date(`${record.slice(0, 6)} 2005`).getMonth() + 1).padStart(2, '0')}-${record.slice(4, 6)}T${record.slice(7, 15)}Z`);
    expected.push([j + 1, ann.host, ts]);
  });
  // The annotations are to the second; BIND's own stamps carry milliseconds.
  const got = r.observations.filter((o) => o.field === 'conn.orig_h').map((o) => [o.line!, o.value, o.ts === null ? null : Math.floor(o.ts / 1000) * 1000]);
  assert.deepEqual(got, expected);
  assertEnds(r);
  assert.deepEqual(diagText(r), [
    `warning no-timestamp named.log:${lines.length - 1}: no timestamp on this line; sightings from this file carry no time (further lines not reported)`,
  ]);
  assert.deepEqual([r.reader.records, rows(r).length], [15, 13]); // two root ('.') queries name no domain
});

test('query-log lines (queries: info: … query: name IN A (server)), other lines, garbage', () => {
  const text = [
    '27-Nov-2026 14:14:05.123 queries: info: client @0x7f2a1c00a1b0 10.0.0.5#53124 (www.evil.example): query: www.evil.example IN A +E(0)K (10.0.0.53)',
    'Nov 27 14:14:06 ns1 named[811]: client @0x7f2a 2001:db8::5#5353 (b\u00fccher.example): view internal: query: b\u00fccher.example IN AAAA + (2001:db8:0::53)',
    '27-Nov-2026 14:14:07.000 general: info: zone example.com/IN: loaded serial 2026112701',
    '27-Nov-2026 14:14:08.000 client nonsense here',
    '\x00\x01binary',
    '2026-11-27T14:14:09.5+08:00 queries: info: client @0x1 10.0.0.6#1 (a.example): query: a.example IN A + (10.0.0.53)',
    '99-Nov-2026 14:14:09 queries: info: client @0x1 10.0.0.7#1 (b.example): query: b.example IN A + (not-an-address)',
    'queries: info: client @0x1 10.0.0.8#1 (c.example): query: c.example IN A + (10.0.0.53)',
  ].join('\n');
  const r = read(Buffer.from(text, 'utf8'));
  assert.deepEqual(r.observations.map((o) => [o.field, o.value, o.ts, o.src, o.dst, o.line]), [
    ['dns.query', 'www.evil.example', Date.UTC(2026, 10, 27, 14, 14, 5, 123), '10.0.0.5', '10.0.0.53', 1],
    ['conn.resp_h', '10.0.0.53', Date.UTC(2026, 10, 27, 14, 14, 5, 123), '10.0.0.5', '10.0.0.53', 1],
    ['conn.orig_h', '10.0.0.5', Date.UTC(2026, 10, 27, 14, 14, 5, 123), '10.0.0.5', '10.0.0.53', 1],
    ['dns.query', 'bücher.example', Date.UTC(2026, 10, 27, 14, 14, 6), '2001:db8::5', '2001:db8::53', 2],
    ['conn.resp_h', '2001:db8::53', Date.UTC(2026, 10, 27, 14, 14, 6), '2001:db8::5', '2001:db8::53', 2],
    ['conn.orig_h', '2001:db8::5', Date.UTC(2026, 10, 27, 14, 14, 6), '2001:db8::5', '2001:db8::53', 2],
    ['dns.query', 'a.example', Date.UTC(2026, 10, 27, 6, 14, 9, 500), '10.0.0.6', '10.0.0.53', 6],
    ['conn.resp_h', '10.0.0.53', Date.UTC(2026, 10, 27, 6, 14, 9, 500), '10.0.0.6', '10.0.0.53', 6],
    ['conn.orig_h', '10.0.0.6', Date.UTC(2026, 10, 27, 6, 14, 9, 500), '10.0.0.6', '10.0.0.53', 6],
    ['dns.query', 'b.example', null, '10.0.0.7', null, 7],
    ['conn.orig_h', '10.0.0.7', null, '10.0.0.7', null, 7],
    ['dns.query', 'c.example', null, '10.0.0.8', '10.0.0.53', 8],
    ['conn.resp_h', '10.0.0.53', null, '10.0.0.8', '10.0.0.53', 8],
    ['conn.orig_h', '10.0.0.8', null, '10.0.0.8', '10.0.0.53', 8],
  ]);
  assert.deepEqual(diagText(r), [
    'error bad-record named.log:4: not a bind client record: client nonsense here',
    'error bad-record named.log:5: not a bind record (control bytes)',
    'warning no-timestamp named.log:7: timestamp "99-Nov-2026" not understood; sightings from this file carry no time (further lines not reported)',
  ]);
  assert.equal(parseBindTime('31-Foo-2020 00:00:00'), null);
  assert.equal(parseBindPrefixTime('2026-12-01T03:23:32.877+00:00 ', 2026), Date.UTC(2026, 11, 1, 3, 23, 32, 877));
  assert.equal(parseBindPrefixTime('2026-12-01T03:23:32.877-05:00 queries: ', 2026), Date.UTC(2026, 11, 1, 8, 23, 32, 877));
  assert.equal(parseBindPrefixTime('Dec  1 03:23:32 ns1 named[1]: ', 1999), Date.UTC(1999, 11, 1, 3, 23, 32));
});

/** Our own recordings of named 9.18, one per print-time style (see testdata/record.sh). */
const STYLES = ['no', 'yes', 'local', 'iso8601', 'iso8601-utc'] as const;

/** Runs a program over a recording for the expected values, or null when the program is absent. */
function run(cmd: string, args: string[]): string | null {
  try { return execFileSync(cmd, args, { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } }); } catch { return null; }
}
const AWK_MISSING = run('awk', ['BEGIN{}']) === null ? 'awk is not installed; it computes the expected values' : false;

/** The stamp text of each line as BIND wrote it (everything before ` queries:`). */
function stampsOf(file: string): string[] {
  return run('awk', ['-F', ' queries: ', '{print $1}', file])!.trim().split('\n');
}

/** Epoch ms of a stamp in each style, computed without Sightline: ISO forms by Date.parse, BIND's own by GNU date. */
function expectedEpoch(style: typeof STYLES[number], stamp: string): number | null {
  switch (style) {
    case 'no': return null;
    case 'iso8601-utc': return Date.parse(stamp);
    case 'iso8601': return Date.parse(`${stamp}Z`); // 9.18 writes local time with no zone; recorded with TZ=UTC
    default: {
      const out = run('date', ['-u', '-d', stamp, '+%s%3N']);
      assert.ok(out !== null, `date could not read ${stamp}`);
      return Number(out.trim());
    }
  }
}

for (const style of STYLES) {
  const file = `${TESTDATA}print-time-${style}.log`;
  const skip = !existsSync(file) ? `${file} is absent` : AWK_MISSING;
  test(`named 9.18 recording, print-time ${style}: every question dig asked, its client, the server, the time`, { skip }, () => {
    const r = read(readFileSync(file));
    // What dig asked (record.sh wrote it before any log existed): client, name.
    const asked = readFileSync(`${TESTDATA}queries.tsv`, 'utf8').trim().split('\n').map((l) => l.split('\t'));
    // The server each query arrived on: the log line's last word, unwrapped by awk.
    const servers = run('awk', ['{s=$NF; gsub(/[()]/, "", s); print s}', file])!.trim().split('\n');
    const stamps = stampsOf(file);
    assert.equal(asked.length, servers.length);
    const want: unknown[] = [];
    asked.forEach(([client, name], i) => {
      const ts = expectedEpoch(style, stamps[i]!);
      want.push(['dns.query', name, ts, client, servers[i], i + 1]);
      want.push(['conn.resp_h', servers[i], ts, client, servers[i], i + 1]);
      want.push(['conn.orig_h', client, ts, client, servers[i], i + 1]);
    });
    assert.deepEqual(r.observations.map((o) => [o.field, o.value, o.ts, o.src, o.dst, o.line]), want);
    assert.deepEqual(diagText(r), style === 'no'
      ? ['warning no-timestamp named.log:1: no timestamp on this line; sightings from this file carry no time (further lines not reported)']
      : []);
    assert.deepEqual([r.reader.records, r.reader.skipped], [asked.length, 0]);
  });
}

test('fuzz: mutated bind lines never throw; diagnostics carry the line number', { skip: skipUnlessShared(LOGS) }, () => {
  const lines = readFileSync(sharedData(LOGS, 'crowdsec-hub_bind9-syslog.log')!).toString('latin1').split('\n').map((l) => Buffer.from(l, 'latin1'));
  fuzzLines(lines, () => new BindReader('f.log'), { seed: 5, numRuns: 300, maxOffset: 250, maxEdits: 20 });
});

test('fuzz: mutated lines of every print-time recording never throw', { skip: existsSync(`${TESTDATA}print-time-yes.log`) ? false : 'testdata recordings are absent' }, () => {
  const lines = STYLES.flatMap((s) => readFileSync(`${TESTDATA}print-time-${s}.log`).toString('latin1').split('\n')).map((l) => Buffer.from(l, 'latin1'));
  fuzzLines(lines, () => new BindReader('f.log', { year: 2026 }), { seed: 17, numRuns: 300, maxOffset: 200, maxEdits: 20 });
});
