#!/usr/bin/env node
// `npm start`: runs the main job on the bundled example case in
// examples/nettraveler — import its intel, hunt its evidence, print what was
// found. The case is written to examples/out/case.db, new on every run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist', 'cli', 'main.js');
if (!existsSync(cli)) {
  console.error('dist/ is missing: run `npm ci` (it builds) or `npm run build` first');
  process.exit(1);
}
const out = join(root, 'examples', 'out');
mkdirSync(out, { recursive: true });
const db = join(out, 'case.db');
for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
const ex = 'examples/nettraveler';

function run(title, args) {
  console.log(`\n$ sightline ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [cli, '--db', db, ...args], { cwd: root, stdio: 'inherit' });
  if (r.status === 1 || r.status === null) {
    console.error(`${title} failed`);
    process.exit(1);
  }
}

console.log('Sightline example case: NetTraveler (examples/nettraveler)');
run('import STIX', ['intel', 'import', `${ex}/intel/nettraveler.stix.json`]);
run('import IOC list and rules', ['intel', 'import', '--campaign', 'TravNet', `${ex}/intel/nettraveler-c2.txt`, `${ex}/intel/nettraveler-example.yar`]);
run('campaigns', ['campaign', 'list']);
run('hunt', ['hunt', `${ex}/evidence`]);
run('stored sightings', ['sightings', '--campaign', 'NetTraveler', '--json']);
