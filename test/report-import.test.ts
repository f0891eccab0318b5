/**
 * `sightline intel import --format report` end to end: the --dry-run table and
 * JSON lines (no case created), the usage errors of its flags, the import,
 * and a PDF given without the flag.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonLines, sightline, tempCase } from './cli.js';

const NOTES = 'C2: hxxp://vipmailbox[.]net/nt.php via 8.8.8.8; lab box 10.0.0.7; dropper netmgr.exe.\n';

test('intel import --format report --dry-run prints what would be imported and what would not, and why; creates no case', () => {
  const c = tempCase();
  try {
    const notes = join(c.dir, 'notes.txt');
    writeFileSync(notes, NOTES);
    const j = sightline(['--db', c.db, 'intel', 'import', notes, '--format', 'report', '--dry-run', '--json']);
    assert.equal(j.status, 0, j.stderr);
    assert.equal(j.stderr, `${notes} (text): 3 to import, 2 left out\n`);
    assert.deepEqual(jsonLines(j.stdout), [
      { action: 'import', path: notes, kind: 'text', type: 'url', value: 'http://vipmailbox.net/nt.php', line: 1, text: 'hxxp://vipmailbox[.]net/nt.php', count: 1 },
      { action: 'import', path: notes, kind: 'text', type: 'domain', value: 'vipmailbox.net', line: 1, text: 'hxxp://vipmailbox[.]net/nt.php', count: 1 },
      { action: 'import', path: notes, kind: 'text', type: 'filename', value: 'netmgr.exe', line: 1, text: 'netmgr.exe', count: 1 },
      { action: 'drop', path: notes, kind: 'text', type: 'ipv4', value: '10.0.0.7', line: 1, text: '10.0.0.7', count: 1, reason: 'a private address (RFC 1918)' },
      { action: 'drop', path: notes, kind: 'text', type: 'ipv4', value: '8.8.8.8', line: 1, text: '8.8.8.8', count: 1, reason: 'on warninglist public-dns-v4', warninglist: 'public-dns-v4' },
    ]);
    const t = sightline(['--db', c.db, 'intel', 'import', notes, '--format', 'report', '--dry-run']);
    assert.equal(t.status, 0);
    const rows = t.stdout.trimEnd().split('\n');
    assert.match(rows[0]!, /^ACTION +TYPE +VALUE +SEEN +WHERE +FOUND AS +WHY$/);
    assert.equal(rows.length, 6);
    assert.match(rows[5]!, /^drop +ipv4 +8\.8\.8\.8 +1 +\S+notes\.txt line 1 +8\.8\.8\.8 +on warninglist public-dns-v4$/);
    assert.equal(existsSync(c.db), false);

    for (const args of [['--dry-run'], ['--publisher', 'x.com'], ['--format', 'report', '--json']]) {
      const u = sightline(['--db', c.db, 'intel', 'import', notes, ...args]);
      assert.equal(u.status, 1, args.join(' '));
      assert.match(u.stderr, /^sightline: --(dry-run and --publisher go with --format report|json goes with --dry-run)\n$/);
    }

    const imp = sightline(['--db', c.db, 'intel', 'import', notes, '--format', 'report', '--campaign', 'NetTraveler']);
    assert.equal(imp.status, 0, imp.stderr);
    assert.equal(imp.stderr, 'imported 1 file(s) (1 report): 3 new indicator(s), 0 merged into known ones, 2 value(s) in report text left out (--dry-run lists them and why)\n');
    const listed = jsonLines(sightline(['--db', c.db, 'intel', 'list', '--json']).stdout) as Array<{ value: string }>;
    assert.deepEqual(listed.map((i) => i.value).sort(), ['http://vipmailbox.net/nt.php', 'netmgr.exe', 'vipmailbox.net']);

    writeFileSync(join(c.dir, 'r.pdf'), '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n');
    const pdf = sightline(['--db', c.db, 'intel', 'import', join(c.dir, 'r.pdf')]);
    assert.equal(pdf.status, 2);
    assert.match(pdf.stderr, /r\.pdf: a PDF: use --format report to extract indicators from a report's text\n/);
  } finally {
    c.done();
  }
});
