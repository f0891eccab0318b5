/**
 * The hunt over generated logs, through the library API: matching edge
 * cases end to end, worker ranges (with a header that changes mid-file)
 * agreeing with a single-thread read, gzip, bad records.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { openStore } from '../store/index.js';
import type { Sighting } from '../core/model.js';
import { formatDiagnostic, type Diagnostic } from '../core/diagnostic.js';
import { importIntel, loadWarninglists } from './intel-import.js';
import { hunt, type HuntOptions } from './hunt.js';

const WARNINGLISTS = loadWarninglists();

const HEADER = (path: string, fields: string[]) => [
  '#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', `#path\t${path}`, '#open\t2013-06-01-00-00-00',
  `#fields\t${fields.join('\t')}`, `#types\t${fields.map(() => 'string').join('\t')}`,
].join('\n') + '\n';
const DNS_FIELDS = ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'query', 'answers'];
const CONN_FIELDS = ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto'];

function dns(ts: number, src: string, query: string, answers = '-'): string {
  return `${ts}.000000\tC1\t${src}\t5353\t10.0.0.53\t53\tudp\t${query}\t${answers}\n`;
}

const INTEL = [
  'viprainru.com', 'xn--bcher-kva.de', '2a01:4f8::1', '103.231.184.0/24', '185.10.20.7',
  'http://evil-spb.com/gate/', 'http://evil-spb.com/a.php', '8.8.8.8', 'vpnwork.3322.org',
].join('\n') + '\n';

type Store = Awaited<ReturnType<typeof openStore>>;

async function withCase(fn: (dir: string, run: (paths: string[], o?: Partial<HuntOptions>) => Promise<{ sightings: Sighting[]; diags: string[]; exit: number }>, store: Store) => Promise<void>) {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-hunt-'));
  const store = await openStore(join(dir, 'case.db'));
  try {
    writeFileSync(join(dir, 'intel.txt'), INTEL);
    await importIntel(store, [join(dir, 'intel.txt')], { campaign: 'NT', onDiagnostic() {}, warninglists: WARNINGLISTS });
    await fn(dir, async (paths, o = {}) => {
      const sightings: Sighting[] = [];
      const diags: Diagnostic[] = [];
      const r = await hunt(store, paths, { onSighting: (s) => sightings.push(s), onDiagnostic: (d) => diags.push(d), ...o });
      return { sightings, diags: diags.map(formatDiagnostic), exit: r.errors > 0 ? 2 : 0 };
    }, store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const brief = (s: Sighting) => `${s.evidence.line}:${s.field}:${s.matched}=>${s.indicator.type}:${s.indicator.value}`;

test('matching semantics end to end: subdomains, look-alikes, case, trailing dots, IDN, IPv6 forms, CIDR edges, URLs, warninglists', async () => {
  await withCase(async (dir, run) => {
    const log = join(dir, 'dns.log');
    writeFileSync(log, HEADER('dns', DNS_FIELDS) + [
      dns(1370044800, '10.0.0.1', 'a.b.viprainru.com'),        // 9: subdomain
      dns(1370044801, '10.0.0.1', 'badviprainru.com'),         // 10: look-alike
      dns(1370044802, '10.0.0.1', 'viprainru.com.evil.org'),   // 11: look-alike
      dns(1370044803, '10.0.0.1', 'WWW.VIPRAINRU.COM.'),       // 12: case + trailing dot
      dns(1370044804, '10.0.0.1', 'bücher.de'),                // 13: IDN
      dns(1370044805, '10.0.0.1', 'x.example', '2a01:04f8:0000:0000:0000:0000:0000:0001'), // 14: IPv6 long
      dns(1370044806, '10.0.0.1', 'x.example', '103.231.184.0,103.231.184.255,103.231.185.0,103.231.183.255'), // 15: CIDR edges
      dns(1370044807, '10.0.0.1', 'x.example', '185.10.20.7,185.10.20.8'), // 16: exact
      dns(1370044808, '10.0.0.1', 'dns.google', '8.8.8.8'),    // 17: warninglisted, not hunted
      dns(1370044809, '10.0.0.1', 'vpnwork.3322.org'),         // 18: dynamic DNS is hunted
      'garbage\tline\n',                                         // 19: wrong field count
    ].join(''));
    const http = join(dir, 'http.log');
    const HTTP_FIELDS = ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'host', 'uri'];
    const h = (host: string, uri: string) => `1370044900.000000\tC2\t10.0.0.2\t40000\t203.0.113.9\t80\t${host}\t${uri}\n`;
    writeFileSync(http, HEADER('http', HTTP_FIELDS) + [
      h('evil-spb.com', '/gate/x.php?id=1'),  // 9: prefix rule
      h('evil-spb.com', '/gatex'),            // 10: not under the prefix
      h('EVIL-spb.com:80', '/a.php?q=2'),     // 11: query dropped, host case, default port
      h('evil-spb.com', '/A.php'),            // 12: path case matters
      h('[2a01:4f8::1]', '/'),                    // 13: host is the IPv6 indicator (short form)
    ].join(''));
    const r = await run([log, http]);
    assert.deepEqual(r.sightings.map(brief), [
      '9:dns.query:a.b.viprainru.com=>domain:viprainru.com',
      '12:dns.query:www.viprainru.com=>domain:viprainru.com',
      '13:dns.query:xn--bcher-kva.de=>domain:xn--bcher-kva.de',
      '14:dns.answer:2a01:4f8::1=>ipv6:2a01:4f8::1',
      '15:dns.answer:103.231.184.0=>cidr:103.231.184.0/24',
      '15:dns.answer:103.231.184.255=>cidr:103.231.184.0/24',
      '16:dns.answer:185.10.20.7=>ipv4:185.10.20.7',
      '18:dns.query:vpnwork.3322.org=>domain:vpnwork.3322.org',
      '9:http.url:http://evil-spb.com/gate/x.php?id=1=>url:http://evil-spb.com/gate/',
      '11:http.url:http://evil-spb.com/a.php?q=2=>url:http://evil-spb.com/a.php',
      '13:http.host:2a01:4f8::1=>ipv6:2a01:4f8::1',
    ]);
    assert.equal(r.sightings[0]!.evidence.path, log);
    assert.equal(r.sightings[0]!.ts, '2013-06-01T00:00:00.000Z');
    assert.equal(r.sightings[0]!.src, '10.0.0.1');
    assert.deepEqual(r.diags, [`${log}:19: wrong field count: 2, header has 9`]);
    assert.equal(r.exit, 2);
  });
});

test('--include-warninglisted hunts warninglisted indicators too', async () => {
  await withCase(async (dir, run) => {
    const log = join(dir, 'dns.log');
    writeFileSync(log, HEADER('dns', DNS_FIELDS) + dns(1370044808, '10.0.0.1', 'dns.google', '8.8.8.8'));
    const r = await run([log], { includeWarninglisted: true });
    assert.deepEqual(r.sightings.map(brief), ['9:dns.answer:8.8.8.8=>ipv4:8.8.8.8']);
  });
});

test('worker ranges give what one thread gives, header changes mid-file included; gzip too', async () => {
  await withCase(async (dir, run) => {
    // Two rotated logs concatenated: dns.log then conn.log, each with its header.
    let text = HEADER('dns', DNS_FIELDS);
    for (let i = 0; i < 3000; i++) text += dns(1370044800 + i, `10.1.${i >> 8 & 255}.${i & 255}`, i % 97 === 0 ? `h${i}.viprainru.com` : `h${i}.other.org`, i % 89 === 0 ? '185.10.20.7' : '-');
    text += HEADER('conn', CONN_FIELDS);
    for (let i = 0; i < 3000; i++) text += `${1370050000 + i}.000000\tC3\t10.2.0.${i & 255}\t1234\t${i % 101 === 0 ? '103.231.184.77' : '203.0.113.1'}\t443\ttcp\n`;
    const seq = join(dir, 'seq.log');
    const par = join(dir, 'par.log');
    const gz = join(dir, 'gz.log.gz');
    writeFileSync(seq, text);
    // A trailing #close makes the content differ: the same content twice would be one evidence file.
    writeFileSync(par, text + '#close\t2013-06-01-01-00-00\n');
    writeFileSync(gz, gzipSync(Buffer.from(text)));
    const one = await run([seq], { workers: 1 });
    const many = await run([par], { workers: 2, parallelMinBytes: 1, rangeBytes: 8192 });
    const zipped = await run([gz], { workers: 2, parallelMinBytes: 1, rangeBytes: 8192 });
    const strip = (r: { sightings: Sighting[] }) => r.sightings.map((s) => ({ ...s, evidence: { ...s.evidence, path: '' } }));
    assert.equal(one.sightings.length, 31 + 34 + 30);
    assert.deepEqual(strip(many), strip(one));
    assert.deepEqual(strip(zipped), strip(one));
    const conn = one.sightings.filter((s) => s.field === 'conn.resp_h');
    assert.equal(conn.length, 30);
    assert.equal(conn[0]!.evidence.format, 'zeek-conn');
    assert.equal(conn[0]!.evidence.line, 3000 + 8 + 8 + 1);
    assert.equal(one.sightings[0]!.evidence.format, 'zeek-dns');
  });
});

test('a gzip bomb is reported and not followed; a real-looking compressed log is read whole', async () => {
  await withCase(async (dir, run) => {
    const line = '1367366400.100     45 10.0.0.1 TCP_MISS/200 900 GET http://www.harmless.example/ - HIER_DIRECT/192.0.2.1 text/html\n';
    // ~60 MB of one repeated line: it compresses about 1000×.
    const bomb = join(dir, 'access.log.gz');
    writeFileSync(bomb, gzipSync(Buffer.from(line.repeat(Math.ceil(60e6 / line.length)))));
    const r = await run([bomb]);
    assert.equal(r.exit, 2);
    assert.equal(r.diags.length, 1, r.diags.join("\n"));
    assert.match(r.diags[0]!, /access\.log\.gz: gzip stream expands more than 200× \(\d+ bytes from the first \d+\): a decompression bomb, not followed; read up to line \d+/);
    // A log that varies from line to line compresses far less and is read to its end.
    let text = '';
    for (let i = 0; i < 20000; i++) text += `${1367366400 + i}.${String(i % 1000).padStart(3, '0')}     ${i % 977} 10.0.${i >> 8 & 255}.${i & 255} TCP_MISS/200 ${i * 7 % 9000} GET http://h${i}.example/p${i * 13} - HIER_DIRECT/192.0.2.${i & 255} text/html\n`;
    text += '1367390000.100     45 10.0.0.9 TCP_MISS/200 900 GET http://www.viprainru.com/ - HIER_DIRECT/192.0.2.1 text/html\n';
    const real = join(dir, 'real.log.gz');
    writeFileSync(real, gzipSync(Buffer.from(text)));
    const ok = await run([real]);
    assert.deepEqual(ok.diags, []);
    assert.deepEqual(ok.sightings.map(brief), ['20001:http.host:www.viprainru.com=>domain:viprainru.com']);
  });
});

test('HUNT_FORMATS (kept light for the public API) names every log family and capture format the readers know, and files', async () => {
  const { HUNT_FORMATS, FILES_FORMAT } = await import('./formats.js');
  const { LOG_FORMATS, CAPTURE_FORMATS, EVTX_FORMAT } = await import('../evidence/index.js');
  assert.deepEqual(HUNT_FORMATS, [...LOG_FORMATS, ...CAPTURE_FORMATS, EVTX_FORMAT, FILES_FORMAT]);
});

test('a text file in no known format gives the same sightings and counts read with its scan in the pool as streamed in this thread', async () => {
  await withCase(async (dir, run, store) => {
    const notes = (tag: string) => [
      `notes ${tag}: the operator's report`,        // 1
      '',                                           // 2: empty, no record
      'beacon seen to a.b.viprainru.com at noon',   // 3: subdomain of an indicator
      'and nothing here',                           // 4
      'then 185.10.20.7, 185.10.20.8',              // 5: one exact address
      'last line without a newline: VPNWORK.3322.ORG',  // 6: case
    ].join('\r\n');
    const files = ['a', 'b', 'c'].map((t) => {
      const p = join(dir, `${t}.txt`);
      writeFileSync(p, notes(t));
      return p;
    });
    const seq = await run(files, { workers: 1 });
    // Other content (the first line differs), so none of it is evidence the case already holds.
    const others = ['d', 'e', 'f'].map((t) => {
      const p = join(dir, `${t}.txt`);
      writeFileSync(p, notes(t));
      return p;
    });
    const pooled = await run(others, { workers: 2 });
    const per = (r: { sightings: Sighting[] }) => r.sightings.map(brief).sort();
    const expected = ['3:text.domain:a.b.viprainru.com=>domain:viprainru.com', '5:text.ip:185.10.20.7=>ipv4:185.10.20.7',
      '6:text.domain:vpnwork.3322.org=>domain:vpnwork.3322.org'];
    assert.deepEqual(per(seq), [...expected, ...expected, ...expected].sort());
    assert.deepEqual(per(pooled), per(seq));
    const stored = new Map<string, string>();
    for await (const e of store.listEvidence()) stored.set(basename(e.path), `${e.format} ${e.lines} ${e.records} ${e.skipped} ${e.families.join(',')}`);
    // Six lines, five of them records (the empty one is none), read as text and scanned as a file.
    for (const t of ['a', 'b', 'c', 'd', 'e', 'f']) assert.equal(stored.get(`${t}.txt`), 'text 6 5 0 files,text', t);
    assert.deepEqual(seq.diags, []);
    assert.deepEqual(pooled.diags, []);
  });
});
