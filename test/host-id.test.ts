/**
 * End to end: implant host identifiers on sightings. A beacon's URL
 * (`…/nt.php?action=getcmd&hostid=ABC123&hostname=PC01`) gives every
 * sighting of its record (line or packet) the identifier, in Zeek http.log,
 * Squid, web access logs and captures, read in one thread or in worker
 * ranges; sightings of other records carry none; a campaign's own parameter
 * names (Store.setHostIdParams) are honoured; `hunt --json` and
 * `sightings --json` print it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as pb from '../src/evidence/pcap/testing/packet-builder.js';
import { writePcap } from '../src/evidence/pcap/testing/capture-writer.js';
import { openStore } from '../src/store/index.js';
import { importIntel, loadWarninglists } from '../src/hunt/intel-import.js';
import { hunt, type HuntOptions } from '../src/hunt/hunt.js';
import type { Sighting } from '../src/core/model.js';
import { sightline, tempCase, jsonLines } from './cli.js';

const INTEL = 'nt-c2.example\n185.10.20.7\nhttp://nt-c2.example/nt/nt.php\n';
const T0 = 1370044800;

const ZEEK_FIELDS = ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'host', 'uri'];
function zeekHttp(rows: [string, string, string][]): string {
  return [
    '#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', '#path\thttp',
    `#fields\t${ZEEK_FIELDS.join('\t')}`, `#types\t${ZEEK_FIELDS.map(() => 'string').join('\t')}`,
    ...rows.map(([src, host, uri], i) => `${T0 + i}.000000\tC${i}\t${src}\t4000${i}\t185.10.20.7\t80\t${host}\t${uri}`),
  ].join('\n') + '\n';
}

/** Every sighting as `line-or-packet field hostId`, in file order. */
const brief = (ss: Sighting[]) => ss.map((s) => `${s.evidence.line ?? `p${s.evidence.packet}`} ${s.field} ${s.hostId ?? '-'}`);

async function withCase(fn: (dir: string, run: (paths: string[], o?: Partial<HuntOptions>) => Promise<Sighting[]>, setParams: (p: string[]) => Promise<void>) => Promise<void>) {
  const c = tempCase();
  const store = await openStore(c.db);
  try {
    writeFileSync(join(c.dir, 'nt.txt'), INTEL);
    await importIntel(store, [join(c.dir, 'nt.txt')], { campaign: 'NetTraveler', onDiagnostic() {}, warninglists: loadWarninglists() });
    await fn(c.dir, async (paths, o = {}) => {
      const out: Sighting[] = [];
      const diags: string[] = [];
      await hunt(store, paths, { onSighting: (s) => out.push(s), onDiagnostic: (d) => diags.push(d.reason), ...o });
      assert.deepEqual(diags, []);
      return out;
    }, (p) => store.setHostIdParams('NetTraveler', p));
  } finally {
    await store.close();
    c.done();
  }
}

test('Zeek http.log, in one thread and in worker ranges: every sighting of a beacon\'s line carries its hostid, others none; a campaign\'s own parameter is honoured', async () => {
  await withCase(async (dir, run, setParams) => {
    const rows: [string, string, string][] = [
      ['10.0.0.1', 'nt-c2.example', '/nt/nt.php?action=getcmd&hostid=ABC123&hostname=PC01'], // line 8
      ['10.0.0.2', 'nt-c2.example', '/nt/nt.php?action=getcmd&hostname=PC02'],               // line 9: no identifier
      ['10.0.0.3', 'nt-c2.example', '/nt/nt.php?uid=U77&hostname=PC03'],                     // line 10: a campaign's own name
      ['10.0.0.4', 'quiet.example', '/index.html?HOSTID=%20Q%2d1%20'],                       // line 11: only the address matches
    ];
    for (let i = 0; i < 400; i++) rows.push([`10.9.${i >> 8}.${i & 255}`, 'benign.example', `/p?hostid=N${i}`]);
    rows.push(['10.0.0.5', 'x.nt-c2.example', '/a?HostId=LAST']);
    writeFileSync(join(dir, 'http.log'), zeekHttp(rows));
    const one = await run([join(dir, 'http.log')], { workers: 1 });
    const perLine = ['http.host', 'http.url', 'conn.resp_h'];
    const expected = (uid: string) => [
      ...perLine.map((f) => `8 ${f} ABC123`),
      ...['http.host', 'http.url', 'conn.resp_h'].map((f) => `9 ${f} -`),
      ...perLine.map((f) => `10 ${f} ${uid}`),
      '11 conn.resp_h Q-1',
      ...Array.from({ length: 400 }, (_v, i) => `${12 + i} conn.resp_h N${i}`),
      `412 http.host LAST`, `412 conn.resp_h LAST`,
    ];
    assert.deepEqual(brief(one), expected('-'));
    assert.equal(one[0]!.matched, 'nt-c2.example');
    assert.equal(one[1]!.matched, 'http://nt-c2.example/nt/nt.php?action=getcmd&hostid=ABC123&hostname=PC01');

    // The same content, one byte apart, read in worker ranges after the campaign names `uid`.
    await setParams(['UID']);
    writeFileSync(join(dir, 'http2.log'), zeekHttp(rows) + '#close\t2013-06-01-01-00-00\n');
    const many = await run([join(dir, 'http2.log')], { workers: 2, parallelMinBytes: 1, rangeBytes: 4096 });
    assert.deepEqual(brief(many), expected('U77'));
  });
});

test('Squid, web access (combined and vhost_combined) and a capture: the record\'s sightings carry its hostid', async () => {
  await withCase(async (dir, run) => {
    writeFileSync(join(dir, 'squid.log'), [
      `${T0}.100     45 10.0.0.1 TCP_MISS/200 900 GET http://nt-c2.example/nt/nt.php?hostid=SQ1&hostname=A - HIER_DIRECT/185.10.20.7 text/html`,
      `${T0}.200     45 10.0.0.2 TCP_MISS/200 900 GET http://nt-c2.example/other - HIER_DIRECT/185.10.20.7 text/html`,
    ].join('\n') + '\n');
    const squid = await run([join(dir, 'squid.log')]);
    assert.deepEqual(brief(squid), [
      '1 http.host SQ1', '1 http.url SQ1', '1 conn.resp_h SQ1', '2 http.host -', '2 conn.resp_h -',
    ]);

    writeFileSync(join(dir, 'access.log'), [
      '10.2.2.2 - - [01/Jun/2013:00:00:00 +0000] "GET http://nt-c2.example/nt/nt.php?hostid=WA1 HTTP/1.1" 200 0 "-" "Mozilla/4.0"',
      'nt-c2.example:80 10.2.2.3 - - [01/Jun/2013:00:00:01 +0000] "GET /nt/nt.php?action=getcmd&hostid=WA2 HTTP/1.1" 200 0 "-" "Mozilla/4.0"',
      'nt-c2.example:80 10.2.2.4 - - [01/Jun/2013:00:00:02 +0000] "GET /nt/nt.php HTTP/1.1" 200 0 "-" "Mozilla/4.0"',
    ].join('\n') + '\n');
    const web = await run([join(dir, 'access.log')]);
    assert.deepEqual(brief(web), ['1 http.host WA1', '1 http.url WA1', '2 http.host WA2', '2 http.url WA2', '3 http.host -', '3 http.url -']);

    const eth = (p: Buffer) => pb.ethernet(p, 0x0800);
    const get = (src: string, target: string, seq: number) => eth(pb.ip(src, '185.10.20.7', 6, pb.tcp({
      sport: 49200 + seq, dport: 80, seq: 1, flags: pb.TCP.PSH | pb.TCP.ACK, payload: pb.httpRequest('GET', target, [['Host', 'nt-c2.example']]),
    })));
    writeFileSync(join(dir, 'beacons.pcap'), writePcap([
      { ts: T0 * 1000, data: get('10.3.3.3', '/nt/nt.php?action=getcmd&hostid=PK1&hostname=PC9', 1) },
      { ts: T0 * 1000 + 10, data: get('10.3.3.4', '/nt/nt.php?action=getcmd', 2) },
    ]));
    const cap = await run([join(dir, 'beacons.pcap')]);
    // The flow's ends are reported at its first packet, which is the request here: they carry its identifier too.
    assert.deepEqual(brief(cap), [
      'p1 conn.resp_h PK1', 'p1 http.host PK1', 'p1 http.url PK1', 'p2 conn.resp_h -', 'p2 http.host -', 'p2 http.url -',
    ]);
  });
});

test('hunt --json and sightings --json print hostId; a sighting without one has no such key', () => {
  const c = tempCase();
  try {
    writeFileSync(join(c.dir, 'nt.txt'), 'nt-c2.example\n');
    assert.equal(sightline(['--db', c.db, 'intel', 'import', '--campaign', 'NetTraveler', join(c.dir, 'nt.txt')]).status, 0);
    writeFileSync(join(c.dir, 'squid.log'), [
      `${T0}.100     45 10.0.0.1 TCP_MISS/200 900 GET http://nt-c2.example/nt.php?action=getcmd&hostid=ABC123&hostname=PC01 - HIER_DIRECT/185.10.20.7 text/html`,
      `${T0}.200     45 10.0.0.2 TCP_MISS/200 900 GET http://nt-c2.example/ - HIER_DIRECT/185.10.20.7 text/html`,
    ].join('\n') + '\n');
    const r = sightline(['--db', c.db, 'hunt', '--json', join(c.dir, 'squid.log')]);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /"hostId":"ABC123"/);
    assert.doesNotMatch(lines[1]!, /hostId/);
    const listed = jsonLines(sightline(['--db', c.db, 'sightings', '--json']).stdout) as Sighting[];
    assert.deepEqual(listed.map((s) => s.hostId ?? null), ['ABC123', null]);
  } finally {
    c.done();
  }
});
