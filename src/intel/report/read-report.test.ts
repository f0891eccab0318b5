/**
 * Indicators in reports: plain text with every defanged form, an HTML page
 * (prose, inline markup, a table, <pre><code>, list items, script and style
 * decoys, the publisher's links), PDFs built with pdf-lib (header and
 * footer, a value split across text items, values cut at a line's end), and
 * the NetTraveler C2 list set in a PDF. Counts are exact: every value found
 * and every value dropped, false positives included. Fuzzed: garbled text,
 * markup and PDFs never throw.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import type { Diagnostic } from '../../core/diagnostic.js';
import { normalizeIndicator } from '../../core/normalize.js';
import { sharedData } from '../../core/test-data.js';
import { readReport, reportKind, scanReport } from './read-report.js';
import type { ReportReading } from './report-types.js';
import { buildReportPdf } from './testing/build-pdf.js';

/** `type value` of each found value, in document order. */
const found = (r: ReportReading) => r.found.map((f) => `${f.type} ${f.value}`);
/** `type value: reason` of each dropped value. */
const dropped = (r: ReportReading) => r.dropped.map((d) => `${d.type} ${d.value}: ${d.reason}`);

async function read(data: Buffer | string, path: string, publishers: string[] = []): Promise<{ r: ReportReading; diags: Diagnostic[] }> {
  const diags: Diagnostic[] = [];
  const r = await readReport(typeof data === 'string' ? Buffer.from(data) : data, path, { publishers }, (d) => diags.push(d));
  assert.ok(r !== null);
  return { r, diags };
}

test('plain text: every defanged form refanged, with the line and the text as written', async () => {
  const lines = [
    'C2: hxxp://evil[.]com/a and hxxps[:]//secure-login(.)net/x.',
    'Staging: fxp://files{.}badftp[.]org/p.zip, h**p://h-star[dot]info/ and hXXp://upper-x(dot)biz/',
    'Also bad-domain [.] biz and 5[.]6[.]7[.]8, written spaced: sinkhole-me . org. A sentence . Then more.',
    'Mail: x.y[@]evil-mail[dot]ru and z[at]evil-mail(.)ru; escaped evil\\.escaped\\.com',
    'IPv6 2a03:2880:f10c:83:face:b00c:0:25de and [2a00:1450:4001:81b::200e]:443; CIDR 185.22.184.0/22.',
    'SHA-1 da39a3ee5e6b4b0d3255bfef95601890afd80709 (an empty file) and 0123456789ABCDEF0123456789abcdef01234567.',
  ];
  const { r, diags } = await read(lines.join('\r\n'), 'notes.txt');
  assert.equal(r.kind, 'text');
  assert.deepEqual(diags, []);
  assert.deepEqual(found(r), [
    'url http://evil.com/a', 'domain evil.com', 'url https://secure-login.net/x', 'domain secure-login.net',
    'url ftp://files.badftp.org/p.zip', 'domain files.badftp.org', 'url http://h-star.info/', 'domain h-star.info',
    'url http://upper-x.biz/', 'domain upper-x.biz',
    'domain bad-domain.biz', 'ipv4 5.6.7.8', 'domain sinkhole-me.org',
    'email x.y@evil-mail.ru', 'email z@evil-mail.ru', 'domain evil.escaped.com',
    'ipv6 2a03:2880:f10c:83:face:b00c:0:25de', 'ipv6 2a00:1450:4001:81b::200e', 'cidr 185.22.184.0/22',
    'sha1 0123456789abcdef0123456789abcdef01234567',
  ]);
  assert.deepEqual(dropped(r), ['sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709: the digest of an empty file']);
  const at = (v: string) => r.found.find((f) => f.value === v)!;
  assert.deepEqual([at('https://secure-login.net/x').line, at('https://secure-login.net/x').text], [1, 'hxxps[:]//secure-login(.)net/x']);
  assert.deepEqual([at('bad-domain.biz').line, at('bad-domain.biz').text], [3, 'bad-domain [.] biz']);
  assert.equal(at('z@evil-mail.ru').text, 'z[at]evil-mail(.)ru');
  assert.equal(at('5.6.7.8').text, '5[.]6[.]7[.]8');
  assert.equal(at('http://upper-x.biz/').text, 'hXXp://upper-x(dot)biz/');
  assert.ok(r.found.every((f) => f.page === undefined && f.count === 1));
});

test('plain text: the decoys of prose are no domains; files are files; the guard says why it drops', async () => {
  const text = [
    'The dropper setup.exe writes readme.txt and config.php; v2.1.3 and version 1.2.3.4 of Node.js are unrelated.',
    'It injects into explorer.exe from C:\\Users\\Public\\netmgr.exe and fetches report.zip (not report[.]zip: that one is a site).',
    'Lab addresses 10.1.2.3, 172.20.0.1, 192.168.1.1, 127.0.0.1, 192.0.2.5, 198.51.100.7, 203.0.113.9, 2001:db8::1, fe80::1 and ::1.',
    'See evil.example.com, www.example.org, host.test and the server.It was down; e.g. fig.3 shows it; build 6.1.7601.17514.',
    'Our blog at https://www.securelist.com/en/blog and securelist.com, mail press@kaspersky.com; the C2 185.45.192.17:8080.',
  ].join('\n');
  const { r } = await read(text, 'notes.txt', ['securelist.com', 'kaspersky.com']);
  assert.deepEqual(found(r), ['filename setup.exe', 'filename readme.txt', 'filename config.php', 'filename netmgr.exe', 'filename report.zip', 'domain report.zip', 'ipv4 185.45.192.17']);
  assert.deepEqual(dropped(r), [
    'ipv4 1.2.3.4: a version number',
    'filename node.js: a product name',
    'filename explorer.exe: a file every Windows system has',
    'ipv4 10.1.2.3: a private address (RFC 1918)',
    'ipv4 172.20.0.1: a private address (RFC 1918)',
    'ipv4 192.168.1.1: a private address (RFC 1918)',
    'ipv4 127.0.0.1: a loopback address',
    'ipv4 192.0.2.5: a documentation address (RFC 5737)',
    'ipv4 198.51.100.7: a documentation address (RFC 5737)',
    'ipv4 203.0.113.9: a documentation address (RFC 5737)',
    'ipv6 2001:db8::1: a documentation address (RFC 3849)',
    'ipv6 fe80::1: a link-local address',
    'ipv6 ::1: a loopback address',
    'domain evil.example.com: an example domain (RFC 2606)',
    'domain www.example.org: an example domain (RFC 2606)',
    'domain host.test: a reserved name (.test, RFC 6761)',
    "url https://www.securelist.com/en/blog: the publisher's own domain",
    "domain www.securelist.com: the publisher's own domain",
    "domain securelist.com: the publisher's own domain",
    "email press@kaspersky.com: the publisher's own domain",
  ]);
  assert.deepEqual(r.publishers, ['kaspersky.com', 'securelist.com']);
});

/** An HTML page as source lines, so each planted value's line is known by searching them. */
const PAGE = [
  '<!DOCTYPE html>',
  '<html><head>',
  '<link rel="canonical" href="https://www.welivesecurity.com/2024/01/report/">',
  '<meta property="og:url" content="https://www.welivesecurity.com/2024/01/report/">',
  '<title>title-decoy.com</title>',
  '<script>var c2 = "script-decoy.com"; fetch("http://203.0.113.80/x");</script>',
  '<style>.x { background: url(http://style-decoy.com/a.png) }</style>',
  '</head><body>',
  '<nav><a href="https://www.welivesecurity.com/">Home</a> <a href="https://www.welivesecurity.com/research/">Research</a></nav>',
  '<p>The operators used <b>evil</b>[.]<i>example-c2</i>.org and',
  '<a href="https://www.virustotal.com/gui/file/1">hxxps://cdn.bad-host[.]net/load.js</a> to stage the loader.</p>',
  '<table><tr><th>Indicator</th><th>Role</th></tr>',
  '<tr><td>45.77.12.9</td><td>C2</td></tr>',
  '<tr><td>mailer@spoof-mail[.]com</td><td>sender</td></tr></table>',
  '<pre><code>d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0',
  '2a01:4f8:c17:1a2b::1</code></pre>',
  '<ul><li>The loader, msupdate.exe, is described in our post at https://www.welivesecurity.com/2023/x/ (version 10.0.19041.1).</li>',
  '<li>Decoys: 172.16.5.4, 198.51.100.7, docs.example.net and www.google.com&nbsp;too.</li></ul>',
  '<!-- comment-decoy.com -->',
  '</body></html>',
];

test('HTML: prose with inline markup, a table, <pre><code>, list items; script, style, head and comments left out; the publisher from its links', async () => {
  const { r, diags } = await read(PAGE.join('\n'), 'post.html');
  assert.equal(r.kind, 'html');
  assert.deepEqual(diags, []);
  assert.deepEqual(r.publishers, ['welivesecurity.com']);
  assert.deepEqual(found(r), [
    'domain evil.example-c2.org', 'url https://cdn.bad-host.net/load.js', 'domain cdn.bad-host.net',
    'ipv4 45.77.12.9', 'email mailer@spoof-mail.com', 'sha1 d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0', 'ipv6 2a01:4f8:c17:1a2b::1',
    'filename msupdate.exe', 'domain www.google.com',
  ]);
  assert.deepEqual(dropped(r), [
    "url https://www.welivesecurity.com/2023/x/: the publisher's own domain",
    "domain www.welivesecurity.com: the publisher's own domain",
    'ipv4 172.16.5.4: a private address (RFC 1918)',
    'ipv4 198.51.100.7: a documentation address (RFC 5737)',
    'domain docs.example.net: an example domain (RFC 2606)',
  ]);
  const lineOf = (s: string) => PAGE.findIndex((l) => l.includes(s)) + 1;
  const at = (v: string) => r.found.find((f) => f.value === v)!;
  assert.deepEqual([at('evil.example-c2.org').line, at('evil.example-c2.org').text], [lineOf('<b>evil</b>'), 'evil[.]example-c2.org']);
  assert.equal(at('https://cdn.bad-host.net/load.js').line, lineOf('cdn.bad-host'));
  assert.equal(at('45.77.12.9').line, lineOf('45.77.12.9'));
  assert.equal(at('mailer@spoof-mail.com').text, 'mailer@spoof-mail[.]com');
  assert.equal(at('2a01:4f8:c17:1a2b::1').line, lineOf('2a01:4f8'));
  assert.equal(at('www.google.com').line, lineOf('www.google.com'));
});

test('a PDF: header and footer are the publisher, a value split across text items is whole, values cut at the margin are joined', async () => {
  const pdf = await buildReportPdf([
    {
      header: 'securelist.com  |  The NetTraveler (aka TravNet)',
      footer: 'securelist.com   Page {page}',
      lines: [
        "NetTraveler's C&C servers used the domains vipmailbox[.]net and riaru(.)net, hosted at",
        '91.198.50.17 and 103.242.45.12 (version 1.2.3.4 of the tool is another matter).',
        { items: ['Loader MD5: a4d8e1c2f0b3d5e6', 'a7b8c9d0e1f2a3b4 (first stage); the C2 was evil-dom', 'ain[.]com too.'] },
        { justify: ['It', 'beaconed', 'every', 'hour', 'to', 'the', 'address', 'hxxp://update.vipnews-'] },
        'ru[.]com/nt.php?action=getcmd and waited for orders.',
        { justify: ['The', 'payload', 'has', 'the', 'SHA-256', '3b5f0e1a9c7d2b4e6f8a0c1e3d5b7f'] },
        '9a1c3e5b7d9f0a2c4e6b8d0f1a3c5e7b9d, and no other.',
        { justify: ['Connectivity', 'was', 'checked', 'against', 'google.com', 'and', '8.8.8.8', 'before', 'the', 'upload', 'started.'] },
        'Then it ran. See example.com and 192.0.2.44; the tool setup.exe, readme.txt and v2.1.3; rundll32.exe loads it.',
        'Contact us: intelreports@kaspersky.com',
      ],
    },
    {
      header: 'securelist.com  |  The NetTraveler (aka TravNet)',
      footer: 'securelist.com   Page {page}',
      lines: ['Page two names 2a02:2770::21a:4aff:fe3b:1f1 and our https://securelist.com/blog/research/35936/ post.'],
    },
  ]);
  const { r, diags } = await read(pdf, 'nettraveler.pdf', ['kaspersky.com']);
  assert.equal(r.kind, 'pdf');
  assert.deepEqual(diags, []);
  assert.deepEqual(r.publishers, ['kaspersky.com', 'securelist.com']);
  assert.deepEqual(found(r), [
    'domain vipmailbox.net', 'domain riaru.net', 'ipv4 91.198.50.17', 'ipv4 103.242.45.12',
    'md5 a4d8e1c2f0b3d5e6a7b8c9d0e1f2a3b4', 'domain evil-domain.com',
    'url http://update.vipnews-ru.com/nt.php?action=getcmd', 'domain update.vipnews-ru.com',
    'sha256 3b5f0e1a9c7d2b4e6f8a0c1e3d5b7f9a1c3e5b7d9f0a2c4e6b8d0f1a3c5e7b9d',
    'domain google.com', 'ipv4 8.8.8.8', 'filename setup.exe', 'filename readme.txt',
    'ipv6 2a02:2770::21a:4aff:fe3b:1f1',
  ]);
  assert.deepEqual(dropped(r), [
    "domain securelist.com: the page's header or footer (the publisher's)",
    'ipv4 1.2.3.4: a version number',
    'domain example.com: an example domain (RFC 2606)',
    'ipv4 192.0.2.44: a documentation address (RFC 5737)',
    'filename rundll32.exe: a file every Windows system has',
    "email intelreports@kaspersky.com: the publisher's own domain",
    "url https://securelist.com/blog/research/35936/: the publisher's own domain",
    "domain securelist.com: the publisher's own domain", // the URL's host, outside the header and footer
  ]);
  const at = (v: string) => r.found.find((f) => f.value.startsWith(v))!;
  // Page lines count from the header (line 1).
  assert.deepEqual([at('vipmailbox.net').page, at('vipmailbox.net').line, at('vipmailbox.net').text], [1, 2, 'vipmailbox[.]net']);
  assert.deepEqual([at('http://update').line, at('http://update').text], [5, 'hxxp://update.vipnews-\nru[.]com/nt.php?action=getcmd']);
  assert.deepEqual([at('3b5f').line, at('3b5f').text], [7, '3b5f0e1a9c7d2b4e6f8a0c1e3d5b7f\n9a1c3e5b7d9f0a2c4e6b8d0f1a3c5e7b9d']);
  assert.equal(at('evil-domain.com').text, 'evil-domain[.]com');
  assert.deepEqual([at('2a02:').page, at('2a02:').line], [2, 2]);
  assert.equal(r.dropped[0]!.count, 4, 'the header and the footer of both pages');
});

test('a typesetter\'s hyphen is dropped when the document names the word whole elsewhere', async () => {
  const pdf = await buildReportPdf([{ lines: [
    'The main C2 was kasperskyupdates[.]net, as said.',
    { justify: ['Its', 'twin', 'address', 'was', 'the', 'same', 'name', 'again:', 'kaspersky-'] },
    'updates[.]net, hyphenated by the typesetter.',
  ] }]);
  const { r } = await read(pdf, 'h.pdf');
  assert.deepEqual(found(r), ['domain kasperskyupdates.net']);
  assert.equal(r.found[0]!.count, 2);
});

test('the NetTraveler C2 list set in a PDF comes back exactly, its multicast address dropped', async (t) => {
  const path = sharedData('iocs', 'nettraveler', 'nettraveler-c2-iocs.txt');
  if (path === null) { t.skip('../shared/data/iocs/nettraveler is absent'); return; }
  const values = [...new Set(readFileSync(path, 'utf8').split('\n').filter((l) => l.includes(';The NetTraveler')).map((l) => l.slice(0, l.indexOf(';'))))];
  // Prose with the first ten, then the rest one per line as an appendix table would be.
  const prose = `The attackers registered ${values.slice(0, 5).join(', ')}.`;
  const prose2 = `Later ones were ${values.slice(5, 10).join(' and ')}.`;
  const pdf = await buildReportPdf([{ header: 'Kaspersky Lab', footer: 'securelist.com  {page}', lines: [prose, prose2] }, { header: 'Kaspersky Lab', footer: 'securelist.com  {page}', lines: values.slice(10) }]);
  const { r } = await read(pdf, 'kaspersky.pdf');
  const expected = values.filter((v) => v !== '235.22.123.90').map((v) => `${/^[\d.]+$/.test(v) ? 'ipv4' : 'domain'} ${v}`);
  assert.deepEqual(found(r).sort(), expected.sort());
  assert.deepEqual(dropped(r).filter((d) => !d.includes('header or footer')), ['ipv4 235.22.123.90: a multicast address']);
});

test('report kinds are told by content', () => {
  assert.equal(reportKind(Buffer.from('%PDF-1.7\n...'), 'x.txt'), 'pdf');
  assert.equal(reportKind(Buffer.from('\ufeff  <!doctype html><p>x'), 'x.txt'), 'html');
  assert.equal(reportKind(Buffer.from('<!-- saved --><html>'), 'x'), 'html');
  assert.equal(reportKind(Buffer.from('<div>evil.com</div>'), 'page.htm'), 'html');
  assert.equal(reportKind(Buffer.from('<div>evil.com</div>'), 'notes.txt'), 'text');
  assert.equal(reportKind(Buffer.from('evil.com'), 'page.html'), 'text');
});

test('fuzz: garbled text never throws; every value found is in normal form and its text is in the input', () => {
  const pieces = fc.constantFrom('hxxp://', '[.]', '(.)', ' . ', '[@]', '[at]', 'evil', 'com', '.', '-', ':', '::', '/', '1', '255', '.exe', 'a4d8', ' ', '\n', '\u00ad', '\u200b', 'é', '\\', '[', ')', 'net', 'v2', 'http://');
  fc.assert(fc.property(fc.array(fc.oneof(pieces, fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 })), { maxLength: 60 }), (parts) => {
    const text = parts.join('');
    const r = scanReport({ kind: 'text', lines: text.split('\n').map((t, i) => ({ text: t, line: i + 1 })), publisherHosts: [] });
    for (const f of [...r.found, ...r.dropped]) {
      if (f.type !== 'filename') assert.equal(normalizeIndicator(f.type, f.value), f.value, `${f.type} ${f.value}`);
      // As the reader cleans lines: odd spaces as spaces, zero-width characters and soft hyphens gone.
      const clean = text.replace(/[\u00a0\u2000-\u200a\u202f\u205f\u3000]/g, ' ').replace(/[\u00ad\u200b-\u200d\u2060\ufeff]/g, '');
      assert.ok(clean.includes(f.text), JSON.stringify(f.text));
    }
  }), { numRuns: 400 });
});

test('fuzz: garbled markup never throws', async () => {
  const piece = fc.constantFrom('<p>', '</p>', '<td>', '<tr>', '<script>', '</script>', '<pre>', '<b>', '</b>', '<!--', '-->', '&nbsp;', 'evil[.]com', '<a href="http://x.com/">', '<table>', '<br>', '\n', '<');
  await fc.assert(fc.asyncProperty(fc.array(fc.oneof(piece, fc.string({ maxLength: 5 })), { maxLength: 50 }), async (parts) => {
    await read(parts.join(''), 'x.html');
  }), { numRuns: 150 });
});

test('fuzz: a garbled PDF gives a diagnostic or a reading, never a crash', async () => {
  const good = await buildReportPdf([{ header: 'h', lines: ['C2 evil[.]com at 91.198.50.17', { items: ['a', 'b'] }] }]);
  await fc.assert(fc.asyncProperty(
    fc.nat({ max: good.length }), fc.array(fc.tuple(fc.nat({ max: good.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 20 }),
    async (cut, edits) => {
      const b = Buffer.from(good.subarray(0, Math.max(cut, 8)));
      for (const [at, v] of edits) if (at < b.length) b[at] = v;
      const diags: Diagnostic[] = [];
      const r = await readReport(b, 'g.pdf', {}, (d) => diags.push(d));
      assert.ok(r !== null || diags.length > 0);
    }), { numRuns: 40 });
});
