import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { collectingSink, readBuffer } from '../line-reader.js';
import { createLineReader, detectLogFormat } from '../detect.js';
import { fuzzLines, splitLines } from '../testing/fuzz-lines.js';
import { DnsmasqReader, MAX_PENDING_QUERIES, reverseNameAddress } from './dnsmasq-reader.js';

const TESTDATA = fileURLToPath(new URL('./testdata/', import.meta.url));
const PLAIN = `${TESTDATA}queries.log`;
const EXTRA = `${TESTDATA}queries-extra.log`;

function read(buf: Buffer, year = 2026) {
  const reader = new DnsmasqReader('dnsmasq.log', { year });
  const sink = collectingSink();
  readBuffer(reader, buf, sink);
  return { reader, ...sink };
}
const readText = (lines: string[], year = 2026) => read(Buffer.from(lines.join('\n'), 'utf8'), year);
const diagText = (r: ReturnType<typeof read>) => r.diagnostics.map((d) => `${d.severity} ${d.code} ${d.path}:${d.line}: ${d.reason}`);

/** Output of a shell pipeline, or null when it cannot run. */
function sh(script: string, ...args: string[]): string | null {
  try { return execFileSync('sh', ['-c', script, 'sh', ...args], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } }); } catch { return null; }
}
const TOOLS_MISSING = sh('awk "BEGIN{}" && date -u -d "Dec 1 00:00:00 2026" >/dev/null') === null
  ? 'awk or GNU date is missing; they compute the expected values' : false;
const skipRecorded = !existsSync(EXTRA) ? `${EXTRA} is absent` : TOOLS_MISSING;

/**
 * What the `extra` recording should give, worked out by awk alone: the serial
 * ties every line to its query's client, `forwarded` to its upstream; after a
 * `<CNAME>` answer the chain's later names are targets; a PTR answer (the name
 * is an address) gives the host name. Rows: line, field, value, src, dst.
 */
const AWK_EXPECTED = String.raw`
$5 ~ /^[0-9]+$/ {
  serial = $5; split($6, c, "/"); client = c[1]
  if ($7 ~ /^query\[/) { qname[serial] = $8; print NR "\tdns.query\t" $8 "\t" client "\tnull"; print NR "\tconn.orig_h\t" client "\t" client "\tnull"; next }
  if ($7 == "forwarded") { s = $10; sub(/#.*/, "", s); server[serial] = s; print NR "\tconn.resp_h\t" s "\t" client "\t" s; next }
  if ($9 != "is") next
  dst = (serial in server) ? server[serial] : "null"
  if ($8 ~ /^[0-9.]+$/) { print NR "\tdns.answer\t" $10 "\t" client "\t" dst; next }
  if (cname[serial] && $8 != qname[serial]) print NR "\tdns.answer\t" $8 "\t" client "\t" dst
  if ($10 == "<CNAME>") cname[serial] = 1
  else if ($10 ~ /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/) print NR "\tdns.answer\t" $10 "\t" client "\t" dst
}`;

function expectedRows(): (string | number | null)[][] {
  return sh(`awk '${AWK_EXPECTED}' "$1"`, EXTRA)!.trim().split('\n').map((l) => {
    const [line, field, value, src, dst] = l.split('\t');
    return [Number(line), field!, value!, src!, dst === 'null' ? null : dst!];
  });
}

/** Epoch ms of each line's syslog stamp in 2026, by GNU date. */
function stampsOf(file: string): number[] {
  return sh(`awk '{print $1" "$2" "$3" 2026"}' "$1" | date -u -f - +%s%3N`, file)!.trim().split('\n').map(Number);
}

for (const [file, mode] of [[EXTRA, 'log-queries=extra'], [PLAIN, 'log-queries']] as const) {
  test(`dnsmasq 2.90 recording (${mode}): queries, forwards, local and forwarded answers, CNAME chains, PTR, attributed to the asker`, { skip: skipRecorded }, () => {
    const r = read(readFileSync(file));
    assert.deepEqual(r.diagnostics, []);
    // Without serials the reader ties answers by name and chain; it must agree with the serials' truth.
    assert.deepEqual(r.observations.map((o) => [o.line!, o.field, o.value, o.src, o.dst]), expectedRows());
    const stamps = stampsOf(file);
    assert.deepEqual(r.observations.map((o) => o.ts), r.observations.map((o) => stamps[o.line! - 1]));
    // The questions dig asked, in order (record.sh wrote them).
    const asked = readFileSync(`${TESTDATA}questions.tsv`, 'utf8').trim().split('\n').map((l) => l.split('\t').slice(0, 2));
    assert.deepEqual(r.observations.filter((o) => o.field === 'dns.query').map((o) => [o.src, o.value]), asked);
    // Every query, forward and answer line is a record; start-up and exit lines are not.
    const recordLines = Number(sh(`grep -cE ' (query\\[|forwarded )| is ' "$1"`, file)!.trim());
    assert.deepEqual([r.reader.records, r.reader.skipped], [recordLines, 0]);
  });
}

test('detection: both recordings are dnsmasq, and createLineReader makes the reader', { skip: existsSync(EXTRA) ? false : `${EXTRA} is absent` }, () => {
  assert.equal(detectLogFormat(readFileSync(PLAIN), 'x'), 'dnsmasq');
  assert.equal(detectLogFormat(readFileSync(EXTRA), 'x'), 'dnsmasq');
  assert.equal(createLineReader('dnsmasq', 'd.log').format, 'dnsmasq');
});

test('syslog with a host, RFC 3339 stamps, IPv6 clients, ip6.arpa PTR, NXDOMAIN, /etc/hosts answers; other lines', () => {
  const r = readText([
    '2026-12-01T03:23:32.877+08:00 gw dnsmasq[811]: query[AAAA] c2.evil.example from 2001:db8:0::5',
    '2026-12-01T03:23:32.878+08:00 gw dnsmasq[811]: forwarded c2.evil.example to 2001:db8::53',
    '2026-12-01T03:23:32.900+08:00 gw dnsmasq[811]: reply c2.evil.example is 2001:db8::66',
    'Dec 01 03:23:33 gw dnsmasq[811]: query[PTR] 6.6.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa from 10.0.0.9',
    'Dec 01 03:23:33 gw dnsmasq[811]: /etc/hosts 2001:db8::66 is c2.evil.example',
    'Dec  1 03:23:34 gw dnsmasq[811]: query[A] nx.evil.example from 10.0.0.9',
    'Dec  1 03:23:34 gw dnsmasq[811]: reply nx.evil.example is NXDOMAIN',
    'Dec  1 03:23:35 gw dnsmasq-dhcp[811]: DHCPACK(eth0) 10.0.0.9 00:11:22:33:44:55 laptop',
    'Dec  1 03:23:35 gw kernel: [ 1.0] eth0: link up',
    'Dec  1 03:23:35 gw dnsmasq[811]: reply unasked.example is 192.0.2.9',
    'just some text',
    '\x00\x01 garbage',
  ]);
  const t = (s: string) => Date.parse(s);
  assert.deepEqual(r.observations.map((o) => [o.line, o.field, o.kind, o.value, o.ts, o.src, o.dst]), [
    [1, 'dns.query', 'domain', 'c2.evil.example', t('2026-11-30T19:23:32.877Z'), '2001:db8::5', null],
    [1, 'conn.orig_h', 'ip', '2001:db8::5', t('2026-11-30T19:23:32.877Z'), '2001:db8::5', null],
    [2, 'conn.resp_h', 'ip', '2001:db8::53', t('2026-11-30T19:23:32.878Z'), '2001:db8::5', '2001:db8::53'],
    [3, 'dns.answer', 'ip', '2001:db8::66', t('2026-11-30T19:23:32.900Z'), '2001:db8::5', '2001:db8::53'],
    [4, 'dns.query', 'domain', '6.6.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa', t('2026-12-01T03:23:33Z'), '10.0.0.9', null],
    [4, 'conn.orig_h', 'ip', '10.0.0.9', t('2026-12-01T03:23:33Z'), '10.0.0.9', null],
    [5, 'dns.answer', 'domain', 'c2.evil.example', t('2026-12-01T03:23:33Z'), '10.0.0.9', null],
    [6, 'dns.query', 'domain', 'nx.evil.example', t('2026-12-01T03:23:34Z'), '10.0.0.9', null],
    [6, 'conn.orig_h', 'ip', '10.0.0.9', t('2026-12-01T03:23:34Z'), '10.0.0.9', null],
    [10, 'dns.answer', 'ip', '192.0.2.9', t('2026-12-01T03:23:35Z'), null, null],
  ]);
  assert.deepEqual(diagText(r), [
    'error bad-record dnsmasq.log:11: not a dnsmasq record: just some text',
    'error bad-record dnsmasq.log:12: not a dnsmasq record (control bytes)',
  ]);
  assert.deepEqual([r.reader.records, r.reader.skipped], [8, 2]);
});

test('without extra, interleaved queries are told apart by name; a stamp not understood is said once', () => {
  const r = readText([
    'Dec 32 03:23:32 dnsmasq[1]: query[A] a.example from 10.0.0.1',
    'Dec 32 03:23:32 dnsmasq[1]: query[A] b.example from 10.0.0.2',
    'Dec  1 03:23:33 dnsmasq[1]: forwarded b.example to 192.0.2.53',
    'Dec  1 03:23:33 dnsmasq[1]: cached a.example is 192.0.2.1',
    'Dec  1 03:23:33 dnsmasq[1]: reply b.example is 192.0.2.2',
    'Dec  1 03:23:34 dnsmasq[1]: query[A] A.Example. from 10.0.0.3',
    'Dec  1 03:23:34 dnsmasq[1]: cached a.example is 192.0.2.1',
  ], 2025);
  const t = Date.UTC(2025, 11, 1, 3, 23, 33);
  assert.deepEqual(r.observations.filter((o) => o.field !== 'conn.orig_h').map((o) => [o.line, o.field, o.value, o.ts, o.src, o.dst]), [
    [1, 'dns.query', 'a.example', null, '10.0.0.1', null],
    [2, 'dns.query', 'b.example', null, '10.0.0.2', null],
    [3, 'conn.resp_h', '192.0.2.53', t, '10.0.0.2', '192.0.2.53'],
    [4, 'dns.answer', '192.0.2.1', t, '10.0.0.1', null],
    [5, 'dns.answer', '192.0.2.2', t, '10.0.0.2', '192.0.2.53'],
    [6, 'dns.query', 'A.Example.', t + 1000, '10.0.0.3', null],
    [7, 'dns.answer', '192.0.2.1', t + 1000, '10.0.0.3', null],
  ]);
  assert.deepEqual(diagText(r), [
    'warning no-timestamp dnsmasq.log:1: timestamp "Dec 32 03:23:32" not understood; sightings from this file carry no time (further lines not reported)',
  ]);
});

test(`memory stays bounded: beyond ${MAX_PENDING_QUERIES} queries awaiting answers the oldest is forgotten`, () => {
  const lines: string[] = [];
  for (let i = 0; i <= MAX_PENDING_QUERIES; i++) lines.push(`Dec  1 03:23:32 dnsmasq[1]: query[A] q${i}.example from 10.${i >> 16 & 255}.${i >> 8 & 255}.${i & 255}`);
  lines.push('Dec  1 03:23:33 dnsmasq[1]: reply q0.example is 192.0.2.1', 'Dec  1 03:23:33 dnsmasq[1]: reply q1.example is 192.0.2.2');
  const r = readText(lines);
  assert.deepEqual(r.observations.filter((o) => o.field === 'dns.answer').map((o) => [o.value, o.src]), [
    ['192.0.2.1', null], ['192.0.2.2', '10.0.0.1'],
  ]);
});

test('reverse names', () => {
  assert.equal(reverseNameAddress('7.0.0.127.in-addr.arpa'), '127.0.0.7');
  assert.equal(reverseNameAddress('7.0.0.127.IN-ADDR.ARPA.'), '127.0.0.7');
  assert.equal(reverseNameAddress('0.0.127.in-addr.arpa'), null);
  assert.equal(reverseNameAddress('999.0.0.127.in-addr.arpa'), null);
  assert.equal(reverseNameAddress(`${'0.'.repeat(31)}1.ip6.arpa`), '1000::');
  assert.equal(reverseNameAddress(`${'0.'.repeat(30)}1.ip6.arpa`), null);
  assert.equal(reverseNameAddress('www.example'), null);
});

test('fuzz: mutated dnsmasq lines never throw; diagnostics carry the line number', { skip: existsSync(EXTRA) ? false : `${EXTRA} is absent` }, () => {
  const lines = [...splitLines(readFileSync(EXTRA)), ...splitLines(readFileSync(PLAIN))];
  fuzzLines(lines, () => new DnsmasqReader('f.log', { year: 2026 }), { seed: 23, numRuns: 400, maxOffset: 140, maxEdits: 25 });
});
