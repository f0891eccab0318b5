/**
 * End to end, through the CLI, on the bundled example case
 * (examples/nettraveler): import, list, hunt, hunt again, list sightings.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sightline, tempCase, jsonLines } from './cli.js';

const EX = 'examples/nettraveler';

test('the example case: import, hunt, hunt again, list', () => {
  const c = tempCase();
  try {
    const stix = sightline(['--db', c.db, 'intel', 'import', `${EX}/intel/nettraveler.stix.json`]);
    assert.equal(stix.status, 2, 'a pattern that cannot be reduced is skipped: exit 2');
    assert.match(stix.stderr, /indicator--1c6c4d5f-2a3b-4e4c-9d6e-7f8a9b0c1d2e: MATCHES on file:name cannot be reduced to indicator values/);
    const rest = sightline(['--db', c.db, 'intel', 'import', '--campaign', 'TravNet', `${EX}/intel/nettraveler-c2.txt`, `${EX}/intel/nettraveler-example.yar`]);
    assert.equal(rest.status, 0, rest.stderr);
    assert.match(rest.stderr, /nettraveler-c2\.txt:13: warning: ipv4 8\.8\.8\.8 is on warninglist public-dns-v4/);

    const campaigns = jsonLines(sightline(['--db', c.db, 'campaign', 'list', '--json']).stdout);
    assert.deepEqual(campaigns, [{
      name: 'NetTraveler', aliases: ['Netfile', 'TravNet'], indicators: 12,
      byType: { domain: 7, filename: 1, ipv4: 2, url: 1, yara: 1 },
    }]);
    const domains = jsonLines(sightline(['--db', c.db, 'intel', 'list', '--type', 'domain', '--json']).stdout);
    assert.deepEqual(domains[1], { type: 'domain', value: 'viprainru.com', campaigns: ['NetTraveler'], sources: ['nettraveler-c2.txt', 'nettraveler.stix.json'], warninglist: null });
    // In import order, and within each imported file in (type, value) order: the STIX bundle's two, then the list's new five.
    assert.deepEqual(domains.map((d) => (d as { value: string }).value),
      ['riaru.net', 'viprainru.com', 'faceboak.net', 'pitgay.minidns.net', 'ramb1er.com', 'vipmailru.com', 'vpnwork.3322.org']);

    const first = sightline(['--db', c.db, 'hunt', '--json', `${EX}/evidence`]);
    assert.equal(first.status, 0, first.stderr);
    const nt = ['NetTraveler'];
    const expected = [
      { indicator: { type: 'url', value: 'http://www.info-spb.com/', campaigns: nt }, matched: 'http://www.info-spb.com/news/2013/index.php?', field: 'http.url',
        ts: '2013-05-03T08:50:00.101Z', src: '10.4.4.4', dst: '198.51.100.61', evidence: { path: `${EX}/evidence/access.log`, format: 'squid', line: 1 } },
      { indicator: { type: 'domain', value: 'viprainru.com', campaigns: nt }, matched: 'update.viprainru.com', field: 'dns.query',
        ts: '2013-05-02T03:05:01.500Z', src: '10.1.2.3', dst: '192.0.2.53', evidence: { path: `${EX}/evidence/dns.log`, format: 'zeek-dns', line: 10 } },
      { indicator: { type: 'ipv4', value: '103.231.184.163', campaigns: nt }, matched: '103.231.184.163', field: 'dns.answer',
        ts: '2013-05-02T03:05:01.500Z', src: '10.1.2.3', dst: '192.0.2.53', evidence: { path: `${EX}/evidence/dns.log`, format: 'zeek-dns', line: 10 } },
      { indicator: { type: 'domain', value: 'vpnwork.3322.org', campaigns: nt }, matched: 'vpnwork.3322.org', field: 'dns.query',
        ts: '2013-05-02T04:46:40.000Z', src: '10.1.7.44', dst: '192.0.2.53', evidence: { path: `${EX}/evidence/dns.log`, format: 'zeek-dns', line: 11 } },
      { indicator: { type: 'domain', value: 'ramb1er.com', campaigns: nt }, matched: 'mail.ramb1er.com', field: 'dns.query',
        ts: '2013-05-02T07:33:20.250Z', src: '10.9.0.12', dst: '8.8.8.8', evidence: { path: `${EX}/evidence/dns.log`, format: 'zeek-dns', line: 13 } },
      { indicator: { type: 'domain', value: 'riaru.net', campaigns: nt }, matched: 'riaru.net', field: 'tls.sni',
        ts: '2013-05-03T08:15:02.000Z', src: '10.1.2.3', dst: '103.231.184.163', evidence: { path: `${EX}/evidence/eve.json`, format: 'suricata-eve', line: 1 } },
      { indicator: { type: 'ipv4', value: '103.231.184.163', campaigns: nt }, matched: '103.231.184.163', field: 'conn.resp_h',
        ts: '2013-05-03T08:15:02.000Z', src: '10.1.2.3', dst: '103.231.184.163', evidence: { path: `${EX}/evidence/eve.json`, format: 'suricata-eve', line: 1 } },
    ];
    assert.deepEqual(jsonLines(first.stdout), expected);
    assert.match(first.stderr, /hunted 3 of 3 file\(s\) \(1 squid, 1 zeek-dns, 1 suricata-eve\) for 11 indicator\(s\): 7 sighting\(s\) stored/);

    const again = sightline(['--db', c.db, 'hunt', '--json', `${EX}/evidence/dns.log`]);
    assert.equal(again.status, 0);
    assert.equal(again.stdout, '');
    assert.match(again.stderr, /dns\.log: already hunted on .*; nothing added/);

    assert.deepEqual(jsonLines(sightline(['--db', c.db, 'sightings', '--json']).stdout), expected);
    assert.deepEqual(jsonLines(sightline(['--db', c.db, 'sightings', '--json', '--src', '10.1.2.3', '--until', '2013-05-02T23:59:59Z']).stdout), expected.slice(1, 3));
    const csv = sightline(['--db', c.db, 'sightings', '--csv', '--campaign', 'travnet']).stdout.split('\n');
    assert.equal(csv[0], 'ts,campaigns,indicator_type,indicator,matched,field,src,dst,path,format,line,packet,inside,record,process_image,process_pid');
    assert.equal(csv[2], '2013-05-02T03:05:01.500Z,NetTraveler,domain,viprainru.com,update.viprainru.com,dns.query,10.1.2.3,192.0.2.53,examples/nettraveler/evidence/dns.log,zeek-dns,10,,,,,');
    assert.equal(csv.length, 9);

    const warned = sightline(['--db', c.db, 'hunt', '--json', '--include-warninglisted', `${EX}/evidence/dns.log`]);
    assert.equal(warned.stdout, '', 'the same evidence is not hunted again, whatever the flags');
  } finally {
    c.done();
  }
});

test('unreadable inputs are reported, the rest still hunted (text that is no log is read for values and scanned as a file); exit 2', () => {
  const c = tempCase();
  try {
    sightline(['--db', c.db, 'intel', 'import', '--campaign', 'NT', `${EX}/intel/nettraveler-c2.txt`]);
    const notes = join(c.dir, 'notes.txt');
    writeFileSync(notes, 'Incident notes, 3 May 2013\nThe desktop at 10.1.2.3 reached www.info-spb.com/files/a.php and mail.vipmailru.com twice.\nnetmgr.exe found in %TEMP%.\n');
    const r = sightline(['--db', c.db, 'hunt', '--json', notes, `${EX}/evidence/dns.log`, 'no/such/file.log']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^hunted 2 of 2 file\(s\) \(1 text, 1 zeek-dns\) for 8 indicator\(s\): 4 sighting\(s\) stored, 1 new sample\(s\); 1 record\(s\) or file\(s\) skipped$/m);
    assert.match(r.stderr, /^no\/such\/file\.log: cannot read: ENOENT$/m);
    assert.match(r.stderr, /notes\.txt: no log format recognised; read as text for domains, addresses, URLs, e-mail addresses and hashes, and scanned as a file$/m);
    const got = jsonLines(r.stdout) as Array<{ matched: string; field: string; evidence: { format: string; line?: number } }>;
    assert.deepEqual(got.filter((s) => s.evidence.format === 'text').map((s) => [s.evidence.line, s.field, s.matched]), [
      [2, 'text.domain', 'mail.vipmailru.com'],
    ]);
    assert.equal(got.length, 4);
    const hostile = sightline(['--db', c.db, 'hunt', 'no/such/\x1b[31mred.log']);
    assert.match(hostile.stderr, /^no\/such\/\\x1b\[31mred\.log: cannot read: ENOENT$/m, 'control bytes in paths never reach the terminal raw');
    assert.ok(!hostile.stderr.includes('\x1b'));
    const bad = sightline(['--db', c.db, 'hunt', '--format', 'nope', 'README.md']);
    assert.equal(bad.status, 1);
    const unknownCampaign = sightline(['--db', c.db, 'hunt', '--campaign', 'Nobody', 'README.md']);
    assert.equal(unknownCampaign.status, 1);
    assert.match(unknownCampaign.stderr, /no campaign named "Nobody"/);
  } finally {
    c.done();
  }
});

test('SIGHTLINE_DB names the case when --db is absent', () => {
  const c = tempCase();
  try {
    const r = sightline(['intel', 'import', '--campaign', 'NT', `${EX}/intel/nettraveler-c2.txt`], { env: { SIGHTLINE_DB: c.db } });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(jsonLines(sightline(['--db', c.db, 'intel', 'list', '--json']).stdout).length, 9);
  } finally {
    c.done();
  }
});
