/**
 * End to end: `hunt --sinkhole CAMPAIGN` on generated sinkhole logs. Every
 * HTTP request is one sighting of the campaign's sinkhole indicator: a
 * beacon (`sinkhole.request`, with the implant's hostid), or a crawler's or
 * scanner's request counted apart; the same in one thread and in worker
 * ranges; garbled lines are diagnostics; `--exclusions` extends the lists;
 * hunting the same log again adds nothing, while a normal hunt still reads it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { openStore } from '../src/store/index.js';
import { hunt, rehunt } from '../src/hunt/hunt.js';
import { formatDiagnostic } from '../src/core/diagnostic.js';
import type { Sighting } from '../src/core/model.js';
import { sightline, tempCase, jsonLines } from './cli.js';

const MSIE = 'Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; SV1)';
const GOOGLE = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const CENSYS = 'Mozilla/5.0 (compatible; CensysInspect/1.1; +https://about.censys.io/)';
const T0 = Date.UTC(2013, 5, 1);

interface Want { field: string; matched: string; src: string; dst: string | null; ts: string; line: number; hostId?: string }

/** A small sinkhole log with a known answer for every line: [log text, expected sightings, the garbled lines]. */
function sinkholeLog(lines: number): { text: string; want: Want[]; garbled: number[] } {
  const out: string[] = [];
  const want: Want[] = [];
  const garbled: number[] = [];
  const stamp = (i: number) => {
    const d = new Date(T0 + i * 1000);
    const mon = d.toUTCString().slice(8, 11);
    const p = (n: number) => String(n).padStart(2, '0');
    return `${p(d.getUTCDate())}/${mon}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
  };
  for (let i = 0; i < lines; i++) {
    const line = i + 1;
    const ts = new Date(T0 + i * 1000).toISOString();
    const client = `10.${(i >> 8) & 255}.${i & 255}.${1 + (i % 7)}`;
    const host = `PC${i % 13}`;
    const beacon = `/nt/nt.php?action=getcmd&hostid=H${(i % 29).toString(16).toUpperCase()}&hostname=${host}`;
    switch (i % 10) {
      case 0: case 1: case 2: case 3: case 4:
        out.push(`${client} - - [${stamp(i)}] "GET ${beacon} HTTP/1.1" 200 12 "-" "${MSIE}"`);
        want.push({ field: 'sinkhole.request', matched: beacon, src: client, dst: null, ts, line, hostId: `H${(i % 29).toString(16).toUpperCase()}` });
        break;
      case 5: // vhost_combined: the URL is absolute, dst the virtual host
        out.push(`nt-c2.example:80 ${client} - - [${stamp(i)}] "POST /nt/upl.php?hostid=V${i} HTTP/1.1" 200 0 "-" "${MSIE}"`);
        want.push({ field: 'sinkhole.request', matched: `http://nt-c2.example/nt/upl.php?hostid=V${i}`, src: client, dst: 'nt-c2.example', ts, line, hostId: `V${i}` });
        break;
      case 6:
        out.push(`66.249.${i & 255}.1 - - [${stamp(i)}] "GET /robots.txt HTTP/1.1" 404 0 "-" "${GOOGLE}"`);
        want.push({ field: 'sinkhole.crawler', matched: '/robots.txt', src: `66.249.${i & 255}.1`, dst: null, ts, line });
        break;
      case 7: // a scanner by its user agent, from any address
        out.push(`${client} - - [${stamp(i)}] "GET / HTTP/1.1" 200 0 "-" "${CENSYS}"`);
        want.push({ field: 'sinkhole.scanner', matched: '/', src: client, dst: null, ts, line });
        break;
      case 8: // a scanner by its published range, whatever it says it is
        out.push(`162.142.125.${i & 255} - - [${stamp(i)}] "GET ${beacon} HTTP/1.1" 200 0 "-" "${MSIE}"`);
        want.push({ field: 'sinkhole.scanner', matched: beacon, src: `162.142.125.${i & 255}`, dst: null, ts, line, hostId: `H${(i % 29).toString(16).toUpperCase()}` });
        break;
      case 9:
        if (i % 20 === 9) {
          out.push(`this is not ${client} a web access record`);
          garbled.push(line);
        } else {
          // A connection that sent no request: read, but no beacon.
          out.push(`${client} - - [${stamp(i)}] "-" 408 0 "-" "-"`);
        }
        break;
    }
  }
  return { text: out.join('\n') + '\n', want, garbled };
}

const shape = (s: Sighting): Want => {
  const w: Want = { field: s.field, matched: s.matched, src: s.src!, dst: s.dst, ts: s.ts!, line: s.evidence.line! };
  if (s.hostId !== undefined) w.hostId = s.hostId;
  return w;
};

test('a generated sinkhole log: beacons with host ids, crawlers and scanners apart, garbled lines reported; one thread and worker ranges agree', async () => {
  const c = tempCase();
  const store = await openStore(c.db);
  try {
    const { text, want, garbled } = sinkholeLog(600);
    const one = join(c.dir, 'sinkhole.log');
    const many = join(c.dir, 'sinkhole-copy.log');
    writeFileSync(one, text);
    writeFileSync(many, text + '# end\n');
    const run = async (path: string, o: { workers?: number; parallelMinBytes?: number; rangeBytes?: number }) => {
      const sightings: Sighting[] = [];
      const diags: string[] = [];
      const notices: string[] = [];
      const r = await hunt(store, [path], {
        sinkhole: 'NetTraveler', onSighting: (s) => sightings.push(s), onDiagnostic: (d) => diags.push(formatDiagnostic(d)), onNotice: (m) => notices.push(m), ...o,
      });
      return { r, sightings, diags, notices };
    };
    const a = await run(one, { workers: 1 });
    assert.deepEqual(a.notices, [`no campaign named "NetTraveler" in the case ${c.db}: created it for this sinkhole hunt`]);
    assert.deepEqual(a.sightings.map(shape), want);
    assert.deepEqual(a.diags, garbled.map((l) => `${one}:${l}: not a web access record`));
    assert.equal(a.r.errors, garbled.length);
    assert.deepEqual(a.r.sinkhole, {
      requests: want.filter((w) => w.field === 'sinkhole.request').length,
      crawlers: want.filter((w) => w.field === 'sinkhole.crawler').length,
      scanners: want.filter((w) => w.field === 'sinkhole.scanner').length,
    });
    assert.deepEqual(a.r.formats, { 'web-access': 1 });
    for (const s of a.sightings) {
      assert.deepEqual(s.indicator, { type: 'sinkhole', value: 'nettraveler', campaigns: ['NetTraveler'] });
      assert.equal(s.evidence.format, 'web-access');
    }

    const b = await run(many, { workers: 2, parallelMinBytes: 1, rangeBytes: 4096 });
    assert.deepEqual(b.notices, []);
    assert.deepEqual(b.sightings.map(shape), want);
    assert.deepEqual(b.diags, garbled.map((l) => `${many}:${l}: not a web access record`));
    const zipped = join(c.dir, 'sinkhole.log.gz');
    writeFileSync(zipped, gzipSync(Buffer.from(text + '# gz\n')));
    const z = await run(zipped, { workers: 2, parallelMinBytes: 1 });
    assert.deepEqual(z.sightings.map(shape), want);

    // Hunting the same log as a sinkhole again adds nothing; a rehunt leaves a sinkhole's log alone.
    const again = await run(one, { workers: 1 });
    assert.deepEqual([again.r.hunted, again.r.alreadyHunted, again.r.sightings, again.sightings.length], [0, 1, 0, 0]);
    const notices: string[] = [];
    const re = await rehunt(store, { onSighting() {}, onDiagnostic() {}, onNotice: (m) => notices.push(m) });
    assert.equal(re.hunted, 0);
    assert.deepEqual(notices, [one, many, zipped].map((p) => `${p}: hunted as a sinkhole's log only; not hunted again (hunt it without --sinkhole to match the case's indicators)`));
  } finally {
    await store.close();
    c.done();
  }
});

const ACCESS = [
  `10.0.0.1 - - [01/Jun/2013:00:00:00 +0000] "GET /nt/nt.php?action=getcmd&hostid=ABC123&hostname=PC01 HTTP/1.1" 200 0 "-" "${MSIE}"`,
  '185.10.20.7 - - [01/Jun/2013:00:00:01 +0000] "GET /nt/nt.php?action=getcmd&HostID=DEF456 HTTP/1.1" 200 0 "-" "curl/8.4.0"',
  `198.51.100.77 - - [01/Jun/2013:00:00:02 +0000] "GET / HTTP/1.1" 200 0 "-" "${MSIE}"`,
  `66.249.66.1 - - [01/Jun/2013:00:00:03 +0000] "GET / HTTP/1.1" 200 0 "-" "${GOOGLE}"`,
].join('\n') + '\n';

const fields = (stdout: string) => (jsonLines(stdout) as Sighting[]).map((s) => `${s.evidence.line} ${s.field} ${s.src} ${s.hostId ?? '-'}`);

test('hunt --sinkhole: an existing campaign named in any case, --exclusions extends the lists, a normal hunt still reads the log', () => {
  const c = tempCase();
  try {
    writeFileSync(join(c.dir, 'nt.txt'), 'nt-c2.example\n185.10.20.7\n');
    assert.equal(sightline(['--db', c.db, 'intel', 'import', '--campaign', 'NetTraveler', join(c.dir, 'nt.txt')]).status, 0);
    const log = join(c.dir, 'access.log');
    writeFileSync(log, ACCESS);
    writeFileSync(join(c.dir, 'lab.json'), JSON.stringify({
      crawlers: [{ name: 'our curl probes', pattern: '^curl/' }],
      scanners: [{ name: 'our lab', cidrs: ['198.51.100.0/24'], source: 'us' }],
    }));
    const r = sightline(['--db', c.db, 'hunt', '--json', '--sinkhole', 'nettraveler', '--exclusions', join(c.dir, 'lab.json'), log]);
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /created/);
    assert.deepEqual(fields(r.stdout), [
      '1 sinkhole.request 10.0.0.1 ABC123', '2 sinkhole.crawler 185.10.20.7 DEF456', '3 sinkhole.scanner 198.51.100.77 -', '4 sinkhole.crawler 66.249.66.1 -',
    ]);
    assert.match(r.stderr, /hunted 1 of 1 file\(s\) \(1 web-access\) as a sinkhole's log\(s\): 4 sighting\(s\) stored \(1 beacon\(s\); 2 crawler and 1 scanner request\(s\), counted apart from victims\)/);
    assert.deepEqual((jsonLines(r.stdout) as Sighting[])[0]!.indicator, { type: 'sinkhole', value: 'nettraveler', campaigns: ['NetTraveler'] });

    // The sinkhole indicator is listed with its campaign; the campaign's other indicators are untouched.
    const listed = jsonLines(sightline(['--db', c.db, 'intel', 'list', '--json']).stdout);
    assert.deepEqual(listed.find((i) => (i as { type: string }).type === 'sinkhole'),
      { type: 'sinkhole', value: 'nettraveler', campaigns: ['NetTraveler'], sources: ['sinkhole'], warninglist: null });
    assert.deepEqual((jsonLines(sightline(['--db', c.db, 'campaign', 'list', '--json']).stdout) as { byType: object }[])[0]!.byType,
      { domain: 1, ipv4: 1, sinkhole: 1 });

    // Again as a sinkhole: nothing added. As evidence (another family): read, and the ordinary indicators found.
    const again = sightline(['--db', c.db, 'hunt', '--json', '--sinkhole', 'NetTraveler', log]);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(again.stdout, '');
    assert.match(again.stderr, /already hunted on .* for every indicator selected/);
    const normal = sightline(['--db', c.db, 'hunt', '--json', log]);
    assert.equal(normal.status, 0, normal.stderr);
    // (A combined record without a virtual host gives no http.url, so no host identifier outside a sinkhole hunt.)
    assert.deepEqual(fields(normal.stdout), ['2 conn.orig_h 185.10.20.7 -']);
  } finally {
    c.done();
  }
});

test('hunt --sinkhole: flags that do not go together, a bad exclusions file, and files that are no web access log', () => {
  const c = tempCase();
  try {
    writeFileSync(join(c.dir, 'x.txt'), 'x.example\n');
    assert.equal(sightline(['--db', c.db, 'intel', 'import', '--campaign', 'Other', join(c.dir, 'x.txt')]).status, 0);
    const log = join(c.dir, 'access.log');
    writeFileSync(log, ACCESS);
    const usage: [string[], string][] = [
      [['--sinkhole', 'NT', '--campaign', 'Other'], 'sightline: --sinkhole names the campaign; leave out --campaign\n'],
      [['--exclusions', log], 'sightline: --exclusions goes with --sinkhole CAMPAIGN\n'],
      [['--sinkhole', 'NT', '--format', 'zeek'], 'sightline: --sinkhole reads web access logs only: --format zeek does not go with it (auto or web-access do)\n'],
      [['--sinkhole', ' '], 'sightline: --sinkhole needs a campaign name\n'],
    ];
    for (const [flags, err] of usage) {
      const r = sightline(['--db', c.db, 'hunt', ...flags, log]);
      assert.deepEqual([r.status, r.stderr, r.stdout], [1, err, '']);
    }
    const bad = join(c.dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ scanners: [{ name: 'lab', cidrs: ['198.51.100.1/24'] }] }));
    const r = sightline(['--db', c.db, 'hunt', '--sinkhole', 'NT', '--exclusions', bad, log]);
    assert.deepEqual([r.status, r.stderr], [1, `sightline: ${bad}: scanners[0].cidrs[0]: "198.51.100.1/24" has host bits set (the network is 198.51.100.0/24)\n`]);
    // Nothing was read, and the campaign was not created by the refused hunt.
    assert.doesNotMatch(sightline(['--db', c.db, 'campaign', 'list']).stdout, /NT/);

    // A folder of evidence: the web access log is hunted; the rest is named and left out (exit 2).
    const dns = join(c.dir, 'dns.log');
    writeFileSync(dns, '#separator \\x09\n#path\tdns\n#fields\tts\tuid\tid.orig_h\tquery\n#types\ttime\tstring\taddr\tstring\n1370044800.0\tC1\t10.0.0.1\tx.example\n');
    const bin = join(c.dir, 'blob.bin');
    writeFileSync(bin, Buffer.from([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff, 0, 0]));
    const h = sightline(['--db', c.db, 'hunt', '--json', '--sinkhole', 'NT', log, dns, bin]);
    assert.equal(h.status, 2, h.stderr);
    assert.match(h.stderr, /no campaign named "NT" in the case .*: created it for this sinkhole hunt/);
    assert.match(h.stderr, new RegExp(`${dns.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not a web access log \\(read as zeek\\); a sinkhole hunt reads web server access logs`));
    assert.match(h.stderr, new RegExp(`${bin.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not a web access log \\(no log format recognised\\)`));
    assert.equal(jsonLines(h.stdout).length, 4);
  } finally {
    c.done();
  }
});
