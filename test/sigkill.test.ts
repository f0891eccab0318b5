/**
 * A hunt killed with SIGKILL halfway leaves the case consistent (nothing of
 * the half-read evidence is stored), and hunting again completes it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { sightline, startSightline, jsonLines, caseBackends, tempCaseOn } from './cli.js';

const LINES = 400_000;

async function writeLog(path: string): Promise<number> {
  const out = createWriteStream(path);
  out.write('#separator \\x09\n#path\tdns\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\tanswers\n');
  let hits = 0;
  let chunk = '';
  for (let i = 0; i < LINES; i++) {
    const hit = i % 500 === 0;
    if (hit) hits++;
    chunk += `${1370044800 + i}.000000\tC${i}\t10.0.${(i >> 8) & 255}.${i & 255}\t5000\t10.0.0.53\t53\tudp\t${hit ? `x${i}.viprainru.com` : `x${i}.harmless.org`}\t-\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return hits;
}

for (const backend of caseBackends()) test(`SIGKILL halfway through a hunt leaves nothing half written; hunting again completes it (${backend.name})`, { skip: backend.skip }, async () => {
  const c = await tempCaseOn(backend);
  try {
    const intel = join(c.dir, 'intel.txt');
    writeFileSync(intel, 'viprainru.com\n');
    assert.equal(sightline(['--db', c.db, 'intel', 'import', '--campaign', 'NT', intel]).status, 0);
    // A small log first: its sightings are committed, then printed; the kill
    // comes on that first line, while the large log is being read.
    const small = join(c.dir, 'a-small.log');
    writeFileSync(small, '#separator \\x09\n#path\tdns\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\tanswers\n' +
      '1370044800.000000\tC0\t10.9.0.1\t5000\t10.0.0.53\t53\tudp\tfirst.viprainru.com\t-\n');
    const log = join(c.dir, 'b-dns.log');
    const hits = await writeLog(log);

    const child = startSightline(['--db', c.db, 'hunt', '--json', '--workers', '1', small, log]);
    let printed = '';
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        printed += d.toString();
        if (printed.includes('\n') && !child.killed) child.kill('SIGKILL');
      });
      child.on('exit', () => resolve());
    });
    assert.equal(child.signalCode, 'SIGKILL', 'the hunt was killed before it finished');
    assert.equal(printed.split('\n').filter(Boolean).length, 1, 'only the small log was committed when the kill came');

    const stored = jsonLines(sightline(['--db', c.db, 'sightings', '--json']).stdout) as Array<{ evidence: { path: string } }>;
    assert.deepEqual(stored.map((s) => s.evidence.path), [small], 'nothing of the large log, killed halfway, is stored');
    const again = sightline(['--db', c.db, 'hunt', '--json', small, log]);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(jsonLines(again.stdout).length, hits);
    assert.match(again.stderr, /a-small\.log: already hunted/);
    assert.equal(jsonLines(sightline(['--db', c.db, 'sightings', '--json']).stdout).length, hits + 1);
    const third = sightline(['--db', c.db, 'hunt', '--json', log]);
    assert.equal(third.stdout, '');
    assert.match(third.stderr, /already hunted/);
  } finally {
    await c.done();
  }
});
