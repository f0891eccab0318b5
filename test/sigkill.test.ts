/**
 * A hunt killed with SIGKILL halfway leaves the case consistent (nothing of
 * the half-read evidence is stored), and hunting again completes it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { sightline, startSightline, tempCase, jsonLines } from './cli.js';

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

test('SIGKILL halfway through a hunt leaves nothing half written; hunting again completes it', async () => {
  const c = tempCase();
  try {
    const intel = join(c.dir, 'intel.txt');
    writeFileSync(intel, 'viprainru.com\n');
    assert.equal(sightline(['--db', c.db, 'intel', 'import', '--campaign', 'NT', intel]).status, 0);
    const log = join(c.dir, 'dns.log');
    const hits = await writeLog(log);

    const child = startSightline(['--db', c.db, 'hunt', '--json', '--workers', '1', log]);
    let printed = '';
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        printed += d.toString();
        if (printed.includes('\n') && !child.killed) child.kill('SIGKILL');
      });
      child.on('exit', () => resolve());
    });
    assert.equal(child.signalCode, 'SIGKILL', 'the hunt was killed before it finished');
    const printedLines = printed.split('\n').filter(Boolean).length;
    assert.ok(printedLines >= 1 && printedLines < hits, `killed halfway: ${printedLines} of ${hits} sightings printed`);

    assert.deepEqual(jsonLines(sightline(['--db', c.db, 'sightings', '--json']).stdout), [], 'no sighting of the killed hunt is stored');
    const again = sightline(['--db', c.db, 'hunt', '--json', log]);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(jsonLines(again.stdout).length, hits);
    assert.equal(jsonLines(sightline(['--db', c.db, 'sightings', '--json']).stdout).length, hits);
    const third = sightline(['--db', c.db, 'hunt', '--json', log]);
    assert.equal(third.stdout, '');
    assert.match(third.stderr, /already hunted/);
  } finally {
    c.done();
  }
});
