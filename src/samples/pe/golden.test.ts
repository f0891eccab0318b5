import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePe, type PeFacts } from './index.js';

/** What make-golden.py stores for one file (pefile's view). */
interface Golden {
  machine: number;
  timestamp: number;
  imphash: string;
  checksum: number;
  checksumComputed: number;
  overlayOffset: number | null;
  sections: Array<{ name: string; rawSize: number; entropy: number }>;
  imports: Array<{ dll: string; functions: string[] }>;
  exports: Array<{ ordinal: number; rva: number; name?: string; forwarder?: string }>;
  rich: { checksum: number; entries: Array<[number, number, number]> } | null;
  pdb: string | null;
}

const HERE = dirname(fileURLToPath(import.meta.url));
const GOLDEN = JSON.parse(readFileSync(join(HERE, 'testdata', 'golden.json'), 'utf8')) as { files: Record<string, Golden> };
const CORPUS = process.env['SIGHTLINE_PE_CORPUS'] ?? '/work/pe-corpus/root';
const present = Object.keys(GOLDEN.files).filter((rel) => existsSync(join(CORPUS, rel)));
const skip = present.length === 0
  ? `the PE corpus is absent (${CORPUS}; set SIGHTLINE_PE_CORPUS, see src/samples/pe/testdata/README.md)` : false;

/** Projects our facts onto the golden's shape. */
function project(f: PeFacts): Golden {
  return {
    machine: f.machineRaw,
    timestamp: f.timestampRaw,
    imphash: f.imphash,
    checksum: f.checksum,
    checksumComputed: f.checksumComputed,
    overlayOffset: f.overlay?.offset ?? null,
    sections: f.sections.map((s) => ({ name: s.name, rawSize: s.rawSize, entropy: s.entropy })),
    imports: f.imports.map((i) => ({ dll: i.dll, functions: i.functions.map((fn) => fn.name ?? `#${fn.ordinal}`) })),
    exports: f.exports.map((e) => ({ ...e })),
    rich: f.rich === null ? null : { checksum: f.rich.checksum, entries: f.rich.entries.map((e) => [e.productId, e.build, e.count]) },
    pdb: f.pdb,
  };
}

test('golden: parsePe agrees with pefile on every corpus file present', { skip }, () => {
  for (const rel of present) {
    const facts = parsePe(readFileSync(join(CORPUS, rel)));
    assert.ok(facts !== null, rel);
    const want = GOLDEN.files[rel]!;
    const wanted: Golden = { ...want, sections: want.sections.map((s) => ({ ...s, entropy: Math.round(s.entropy * 100) / 100 })) };
    assert.deepEqual(project(facts), wanted, rel);
    assert.deepEqual(facts.errors, [], rel);
  }
});

test('golden: known facts of named corpus files', { skip }, () => {
  const read = (rel: string): PeFacts | null =>
    existsSync(join(CORPUS, rel)) ? parsePe(readFileSync(join(CORPUS, rel))) : null;
  const corlib = read('usr/lib/mono/4.5/mscorlib.dll');
  if (corlib) {
    assert.equal(corlib.dotnet, true);
    assert.ok(corlib.anomalies.includes('timestamp-zero'));
  }
  const arm = read('usr/lib/python3/dist-packages/distlib/w64-arm.exe');
  if (arm) assert.equal(arm.machine, 'arm64');
  const shim = read('usr/lib/shim/shimx64.efi.signed');
  if (shim) {
    assert.deepEqual(shim.authenticode, { present: true, offset: 1029136, size: 19368 });
    assert.deepEqual(shim.overlay, { offset: 901120, size: 147384 });
    assert.equal(shim.subsystem, 'EFI_APPLICATION');
    assert.deepEqual(shim.anomalies, ['overlay', 'timestamp-zero']);
  }
  const loader = read('usr/share/win32/win32-loader.exe');
  if (loader) {
    assert.deepEqual(loader.versionInfo, {
      fileVersion: '2022.3.21.2258', productVersion: '2022.3.21.2258',
      strings: {
        CompanyName: 'The Debian Project', FileDescription: 'Debian-Installer loader', FileVersion: '0.10.6 +kernels ',
        LegalCopyright: 'GPLv3+', ProductName: 'win32-loader', ProductVersion: '0.10.6 +kernels ',
      },
    });
    assert.equal(loader.resources.length, 40);
    assert.deepEqual(loader.resources[0], { type: 'RT_ICON', name: '1', lang: 1033, codePage: 0, size: 35074, offset: 82952 });
  }
  const t64 = read('usr/lib/python3/dist-packages/distlib/t64.exe');
  if (t64) {
    assert.deepEqual(t64.codeView, {
      format: 'RSDS', guid: 'BD2B7C95-C8DD-4547-99F6-0DBBFEDF5A30', signature: null, age: 1,
      path: 'C:\\Users\\Vinay\\Projects\\simple_launcher\\dist\\t64.pdb',
    });
    assert.equal(t64.rich?.checksumValid, true);
  }
});
