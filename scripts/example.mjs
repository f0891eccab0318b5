#!/usr/bin/env node
// `npm start`: runs the main job on the bundled example case in
// examples/nettraveler — import its intel, hunt its evidence, print what was
// found. The case is written to examples/out/case.db, new on every run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
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

// Evidence written by the project's own builders (no binary is committed):
// a packet capture, and a folder of samples with a zip encrypted the way
// analysts exchange them (password "infected").
// The builders are test code, left out of dist/ (tsconfig.build.json): they
// are loaded from src/ through tsx, a development dependency that `npm ci`
// installs.
async function writeGeneratedEvidence(dir) {
  const { tsImport } = await import('tsx/esm/api');
  const load = (path) => tsImport(`../src/${path}`, import.meta.url);
  const pb = await load('evidence/pcap/testing/packet-builder.ts');
  const { writePcap } = await load('evidence/pcap/testing/capture-writer.ts');
  const { writePe } = await load('samples/pe/testing/pe-writer.ts');
  const { buildZip } = await load('samples/testing/zip-writer.ts');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'samples'), { recursive: true });
  const t0 = Date.UTC(2013, 4, 6, 2, 11, 0); // capture timestamps in ms
  const eth = (p) => pb.ethernet(p, 0x0800);
  const victim = '10.1.2.3';
  const packets = [
    { ts: t0, data: eth(pb.ip(victim, '192.0.2.53', 17, pb.udp(53001, 53, pb.dnsMessage({ id: 7, name: 'news.faceboak.net' })))) },
    { ts: t0 + 20, data: eth(pb.ip('192.0.2.53', victim, 17, pb.udp(53, 53001, pb.dnsMessage({ id: 7, name: 'news.faceboak.net', response: true, answers: [{ type: 'A', value: '103.231.184.163' }] })))) },
    { ts: t0 + 50, data: eth(pb.ip(victim, '103.231.184.163', 6, pb.tcp({ sport: 49200, dport: 80, seq: 1, flags: pb.TCP.SYN }))) },
    { ts: t0 + 100, data: eth(pb.ip(victim, '103.231.184.163', 6, pb.tcp({ sport: 49200, dport: 80, seq: 2, flags: pb.TCP.PSH | pb.TCP.ACK,
      payload: pb.httpRequest('GET', '/nt/upl.php?id=3', [['Host', 'vipmailru.com'], ['User-Agent', 'Mozilla/4.0']]) }))) },
    { ts: t0 + 1000, data: eth(pb.ip('10.7.7.7', '198.51.100.40', 6, pb.tcp({ sport: 50100, dport: 443, seq: 1, flags: pb.TCP.PSH | pb.TCP.ACK,
      payload: pb.tlsRecords(pb.clientHello('pitgay.minidns.net')) }))) },
  ];
  writeFileSync(join(dir, 'span-port.pcap'), writePcap(packets));
  const { data: pe } = writePe({
    is64: false, machine: 0x14c, timestamp: Date.UTC(2012, 10, 5, 1, 0, 0) / 1000,
    sections: [{ name: '.text', data: Buffer.concat([Buffer.alloc(256, 0x90), Buffer.from('travlerbackinfo-example')]) }],
    resources: [{ type: 6, name: 1, lang: 2052, data: Buffer.from('example') }],
  });
  writeFileSync(join(dir, 'samples', 'netmgr.exe'), pe, { mode: 0o644 });
  writeFileSync(join(dir, 'samples', 'from-partner.zip'), buildZip([{ name: 'dropper/update.dll', data: pe, method: 'deflate', password: 'infected' }]));
}

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
const generated = 'examples/out/evidence';
await writeGeneratedEvidence(join(root, generated));
run('hunt', ['hunt', `${ex}/evidence`, generated]);
run('samples', ['samples', '--campaign', 'NetTraveler']);
run('stored sightings', ['sightings', '--campaign', 'NetTraveler', '--json']);
