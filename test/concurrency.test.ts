/**
 * Several writers on one case: two hunts over the same evidence and an intel
 * import, run at once, leave the case exactly as the same work done one
 * after the other — no lock failures, nothing stored twice, nothing lost.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { sightline, startSightline, tempCase, jsonLines, caseBackends, tempCaseOn } from './cli.js';

const LINES = 60_000;

async function writeLog(path: string, seed: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('#separator \\x09\n#path\tdns\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\tanswers\n');
  let chunk = '';
  for (let i = 0; i < LINES; i++) {
    const q = i % 997 === 0 ? `x${i}.evil-a.example` : i % 1009 === 0 ? `y${i}.evil-b.example` : `n${i}-${seed}.harmless.org`;
    chunk += `${1370044800 + i}.000000\tC${i}\t10.${seed}.${(i >> 8) & 255}.${i & 255}\t5000\t10.0.0.53\t53\tudp\t${q}\t-\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

function finished(child: ReturnType<typeof startSightline>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  return new Promise((resolve) => child.on('exit', (status) => resolve({ status, stdout, stderr })));
}

const normalised = (db: string, dir: string) =>
  jsonLines(sightline(['--db', db, 'sightings', '--json']).stdout).map((s) => JSON.stringify(s).replaceAll(dir, '<dir>')).sort();

for (const backend of caseBackends()) test(`two hunts and an import at once equal the same work done serially, exactly (${backend.name})`, { skip: backend.skip }, async () => {
  // The same work done serially, on SQLite: the reference both backends must equal.
  const par = await tempCaseOn(backend);
  const ser = tempCase();
  try {
    for (const c of [par, ser]) {
      const ev = join(c.dir, 'evidence');
      mkdirSync(ev);
      for (let k = 1; k <= 3; k++) await writeLog(join(ev, `dns-${k}.log`), k);
      writeFileSync(join(c.dir, 'a.txt'), 'evil-a.example\n');
      writeFileSync(join(c.dir, 'b.txt'), 'evil-b.example\n');
      assert.equal(sightline(['--db', c.db, 'intel', 'import', '--campaign', 'A', join(c.dir, 'a.txt')]).status, 0);
    }
    const ev = join(par.dir, 'evidence');
    const [h1, h2, imp] = await Promise.all([
      finished(startSightline(['--db', par.db, 'hunt', '--json', '--workers', '1', ev])),
      finished(startSightline(['--db', par.db, 'hunt', '--json', '--workers', '1', join(ev, 'dns-3.log'), join(ev, 'dns-2.log'), join(ev, 'dns-1.log')])),
      finished(startSightline(['--db', par.db, 'intel', 'import', '--campaign', 'B', join(par.dir, 'b.txt')])),
    ]);
    for (const r of [h1, h2, imp]) {
      assert.equal(r.status, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /locked|busy/i);
    }
    // Every sighting printed was stored once: the two hunts never reported the same one.
    const printed = [...jsonLines(h1.stdout), ...jsonLines(h2.stdout)].map((s) => JSON.stringify(s));
    assert.equal(new Set(printed).size, printed.length);

    const evS = join(ser.dir, 'evidence');
    assert.equal(sightline(['--db', ser.db, 'hunt', evS]).status, 0);
    assert.equal(sightline(['--db', ser.db, 'hunt', join(evS, 'dns-3.log'), join(evS, 'dns-2.log'), join(evS, 'dns-1.log')]).status, 0);
    assert.equal(sightline(['--db', ser.db, 'intel', 'import', '--campaign', 'B', join(ser.dir, 'b.txt')]).status, 0);
    // Whatever the import raced, a rehunt brings both cases to all the intel against all the evidence.
    for (const c of [par, ser]) assert.equal(sightline(['--db', c.db, 'rehunt']).status, 0);
    const got = normalised(par.db, par.dir);
    const want = normalised(ser.db, ser.dir);
    assert.equal(want.length, 3 * (Math.ceil(LINES / 997) + Math.ceil(LINES / 1009) - 1));
    assert.deepEqual(got, want);
  } finally {
    await par.done();
    ser.done();
  }
});
