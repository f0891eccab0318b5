#!/usr/bin/env node
// `npm start`: the whole job on the bundled NetTraveler case
// (examples/nettraveler): generate its evidence (a sinkhole's access log, an
// organisation's Zeek and Suricata logs and capture, a partner's alerts, a
// hundred harmless PE stubs, an asset directory), import the intel, hunt,
// measure, write the report to ./report/, and serve the report and the
// dashboard (`sightline serve`) on 127.0.0.1.
//
//   npm start                       (serves until Ctrl-C: the dashboard on --port, the report on the next port)
//   npm start -- --no-serve         (stops after writing the report)
//   npm start -- --out DIR --port N --generated-at ISO
//
// The case is written to examples/out/case.db, new on every run.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: opts } = parseArgs({
  options: {
    'no-serve': { type: 'boolean', default: false },
    out: { type: 'string', default: 'report' },
    port: { type: 'string', default: '8080' },
    'generated-at': { type: 'string' },
    'no-pdf': { type: 'boolean', default: false },
  },
});

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
rmSync(`${db}-index`, { recursive: true, force: true });
const intel = 'examples/nettraveler/case/intel';
const reportDir = resolve(process.cwd(), opts.out);

/** Runs one command; `head` keeps the first lines of a long output (a hunt prints every sighting). */
function run(title, args, head = Infinity) {
  console.log(`\n$ sightline ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [cli, '--db', db, ...args], {
    cwd: root, stdio: ['ignore', head === Infinity ? 'inherit' : 'pipe', 'inherit'], maxBuffer: 1 << 30, encoding: 'utf8',
  });
  if (head !== Infinity) {
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    process.stdout.write(lines.slice(0, head).map((l) => l + '\n').join(''));
    if (lines.length > head) console.log(`… ${lines.length - head} more sighting(s) (sightline sightings lists them)`);
  }
  if (r.status === 1 || r.status === null) {
    console.error(`${title} failed`);
    process.exit(1);
  }
}

console.log('Sightline example case: NetTraveler (examples/nettraveler)');
// The evidence is made by the case's own deterministic generator (test code, left out of
// dist/: loaded from the source through tsx, a development dependency `npm ci` installs).
const { tsImport } = await import('tsx/esm/api');
const { generateCase, PATHS } = await tsImport('../examples/nettraveler/generate.ts', import.meta.url);
const truth = generateCase(out);
console.log(`generated the evidence in examples/out/: ${truth.sinkhole.lines} sinkhole requests, the organisation's logs and capture, ` +
  `${truth.builds.count} PE stubs, an asset directory`);
const ev = (p) => `examples/out/${p}`;

run('import the campaigns\' STIX bundles', ['intel', 'import', `${intel}/nettraveler.stix.json`, `${intel}/red-october.stix.json`]);
run('import the IOC list and rules', ['intel', 'import', '--campaign', 'NetTraveler', `${intel}/nettraveler-iocs.txt`, `${intel}/nettraveler.yar`]);
run('import the asset directory', ['assets', 'import', ev(PATHS.assets)]);
run('hunt the sinkhole', ['hunt', '--sinkhole', 'NetTraveler', ev(PATHS.sinkhole)], 3);
run('hunt the organisation\'s and the partner\'s evidence', ['hunt', ev(PATHS.organisation), ev(PATHS.partner)], 5);
run('campaign stats', ['campaign', 'stats', '--campaign', 'NetTraveler']);
run('report', ['report', '--campaign', 'NetTraveler', '--published', 'examples/nettraveler/published.json', '--out', reportDir,
  ...(opts['generated-at'] ? ['--generated-at', opts['generated-at']] : []), ...(opts['no-pdf'] ? ['--no-pdf'] : [])]);

if (opts['no-serve']) {
  console.log(`\nThe report: ${join(reportDir, 'index.html')}`);
  process.exit(0);
}

// The dashboard: `sightline serve` on the case, 127.0.0.1 only.
const port = Number(opts.port);
const serve = spawn(process.execPath, [cli, '--db', db, 'serve', '--host', '127.0.0.1', '--port', String(port)], { cwd: root, stdio: 'inherit' });
process.on('SIGINT', () => { serve.kill('SIGINT'); process.exit(0); });
process.on('SIGTERM', () => { serve.kill('SIGTERM'); process.exit(0); });

// The report is a folder of static files: served from 127.0.0.1 only, nothing outside it.
const TYPES = { '.html': 'text/html; charset=utf-8', '.json': 'application/json', '.csv': 'text/csv; charset=utf-8', '.pdf': 'application/pdf' };
const server = createServer((req, res) => {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
  const file = normalize(join(reportDir, path === '/' ? 'index.html' : path));
  if (!file.startsWith(reportDir + sep) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404).end('not found\n');
    return;
  }
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
    'x-content-type-options': 'nosniff',
  }).end(readFileSync(file));
});
server.listen(port + 1, '127.0.0.1', () => {
  console.log(`\nThe report:    http://127.0.0.1:${server.address().port}/  (also ${join(reportDir, 'index.html')})`);
  console.log(`The dashboard: http://127.0.0.1:${port}/  (sightline serve on the case; Ctrl-C stops both)`);
});
