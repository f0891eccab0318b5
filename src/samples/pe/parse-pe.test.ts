import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePe, type PeFacts } from './index.js';
import { writePe, type PeSpec } from './testing/pe-writer.js';
import { buildFullSpec } from './testing/fixtures.js';

const NOW = new Date('2025-01-01T00:00:00Z');
const parse = (b: Buffer): PeFacts => {
  const f = parsePe(b, { now: NOW });
  assert.ok(f !== null);
  return f;
};
const anomaliesOf = (spec: PeSpec): string[] => parse(writePe(spec).data).anomalies;

test('not a PE: null', () => {
  assert.equal(parsePe(Buffer.alloc(0)), null);
  assert.equal(parsePe(Buffer.from('MZ')), null);
  const b = writePe().data;
  const noMz = Buffer.from(b);
  noMz[0] = 0x4e;
  assert.equal(parsePe(noMz), null);
  const badLfanew = Buffer.from(b);
  badLfanew.writeUInt32LE(0xfffffff0, 0x3c);
  assert.equal(parsePe(badLfanew), null);
  const noSig = Buffer.from(b);
  noSig.write('NE', b.readUInt32LE(0x3c), 'latin1');
  assert.equal(parsePe(noSig), null);
});

test('full PE32: every fact (imphash and checksum as pefile computes them)', () => {
  const f = parse(writePe(buildFullSpec(false)).data);
  assert.equal(f.machine, 'i386');
  assert.equal(f.magic, 'PE32');
  assert.deepEqual([f.is32, f.is64], [true, false]);
  assert.deepEqual(f.characteristicsFlags, ['EXECUTABLE_IMAGE', '32BIT_MACHINE']);
  assert.equal(f.subsystem, 'WINDOWS_GUI');
  assert.deepEqual(f.dllCharacteristics, ['DYNAMIC_BASE', 'NX_COMPAT', 'TERMINAL_SERVER_AWARE']);
  assert.equal(f.entryPoint, 0x1000);
  assert.equal(f.imageBase, '0x400000');
  assert.equal(f.linkerVersion, '14.29');
  assert.deepEqual([f.checksum, f.checksumComputed, f.checksumValid], [30337, 30337, true]);
  assert.deepEqual([f.timestamp, f.timestampRaw], ['2012-11-05T00:36:32.000Z', 0x50970a10]);
  assert.deepEqual(f.otherTimestamps, [
    { source: 'export', raw: 0x50970a11, iso: '2012-11-05T00:36:33.000Z' },
    { source: 'resource', raw: 0x50970a13, iso: '2012-11-05T00:36:35.000Z' },
    { source: 'debug:codeview', raw: 0x50970a12, iso: '2012-11-05T00:36:34.000Z' },
  ]);
  assert.deepEqual(f.sections.map((s) => [s.name, s.virtualAddress, s.virtualSize, s.rawOffset, s.rawSize, s.entropy]), [
    ['.text', 0x1000, 0x300, 0x400, 0x400, 0.81],
    ['.verylongname', 0x2000, 11, 0x800, 0x200, 0.21],
    ['.idata', 0x3000, 268, 0xa00, 0x200, 1.99],
    ['.edata', 0x4000, 132, 0xc00, 0x200, 1.44],
    ['.rsrc', 0x5000, 596, 0xe00, 0x400, 1.83],
    ['.debug', 0x6000, 100, 0x1200, 0x200, 0.88],
  ]);
  assert.deepEqual(f.sections[0]!.characteristicsFlags, ['CNT_CODE', 'MEM_EXECUTE', 'MEM_READ']);
  assert.deepEqual(f.imports, [
    { dll: 'KERNEL32.dll', functions: [{ name: 'GetProcAddress', hint: 0 }, { name: 'LoadLibraryA', hint: 0 }] },
    { dll: 'WS2_32.dll', functions: [{ ordinal: 1, name: 'accept' }, { ordinal: 23, name: 'socket' }, { ordinal: 999, name: 'ord999' }] },
    { dll: 'OLEAUT32.dll', functions: [{ ordinal: 2, name: 'SysAllocString' }] },
    { dll: 'foo.dll', functions: [{ ordinal: 7 }] },
  ]);
  assert.equal(f.imphash, '6468db616b9846592d0a58ecf77facc7');
  assert.deepEqual(f.exports, [
    { name: 'Install', ordinal: 1, rva: 4096 },
    { name: 'ServiceMain', ordinal: 2, rva: 4112 },
    { name: 'Fwd', ordinal: 4, rva: 16493, forwarder: 'NTDLL.RtlAllocateHeap' },
    { ordinal: 3, rva: 4128 },
  ]);
  assert.equal(f.exportName, 'netmgr.dll');
  assert.deepEqual(f.resources, [
    { type: 'CUSTOM', name: 'CFG', lang: 1033, codePage: 0, size: 1, offset: 3840 },
    { type: 'RT_STRING', name: '1', lang: 2052, codePage: 0, size: 7, offset: 3844 },
    { type: 'RT_VERSION', name: '1', lang: 1033, codePage: 0, size: 328, offset: 3852 },
  ]);
  assert.deepEqual(f.versionInfo, {
    fileVersion: '1.2.3.4', productVersion: '1.2.3.4', strings: { CompanyName: 'Acme', OriginalFilename: 'netmgr.exe' },
  });
  assert.deepEqual(f.rich, {
    offset: 128, checksum: 3216792653, checksumValid: true,
    entries: [{ productId: 259, build: 30729, count: 12 }, { productId: 1, build: 0, count: 33 }],
  });
  assert.equal(f.pdb, 'C:\\build\\netmgr.pdb');
  assert.deepEqual(f.codeView, { format: 'RSDS', guid: '11111111-1111-1111-1111-111111111111', signature: null, age: 3, path: 'C:\\build\\netmgr.pdb' });
  assert.equal(f.reproducible, true);
  assert.equal(f.dotnet, false);
  assert.deepEqual(f.authenticode, { present: true, offset: 5152, size: 64 });
  assert.deepEqual(f.overlay, { offset: 5120, size: 96 });
  assert.deepEqual(f.anomalies, ['overlay', 'timestamp-reproducible']);
  assert.deepEqual(f.errors, []);
});

test('full PE32+: 64-bit thunks, image base, checksum as pefile', () => {
  const f = parse(writePe(buildFullSpec(true)).data);
  assert.deepEqual([f.machine, f.magic, f.is64, f.imageBase], ['amd64', 'PE32+', true, '0x140000000']);
  assert.deepEqual([f.checksum, f.checksumComputed], [16363, 16363]);
  assert.equal(f.imphash, '6468db616b9846592d0a58ecf77facc7');
  assert.equal(f.sections[2]!.entropy, 2.02);
  assert.equal(f.imports[1]!.functions[2]!.name, 'ord999');
  assert.deepEqual(f.errors, []);
});

test('NB10 CodeView, no Rich, high image base kept exact', () => {
  const f = parse(writePe({ is64: true, imageBase: 0xfedcba9876543210n, debug: [{ type: 'nb10', path: 'x.pdb', timestamp: 0x3b9aca00, age: 2 }] }).data);
  assert.deepEqual(f.codeView, { format: 'NB10', guid: null, signature: 0x3b9aca00, age: 2, path: 'x.pdb' });
  assert.equal(f.imageBase, '0xfedcba9876543210');
  assert.equal(f.rich, null);
  assert.deepEqual(f.otherTimestamps, [{ source: 'debug:codeview', raw: 0x3b9aca00, iso: '2001-09-09T01:46:40.000Z' }]);
});

test('anomalies: each code from a fixture made to show it', () => {
  assert.deepEqual(anomaliesOf({}), []);
  assert.deepEqual(anomaliesOf({ timestamp: 0 }), ['timestamp-zero']);
  assert.deepEqual(anomaliesOf({ timestamp: 0x7fffffff }), ['timestamp-future']);
  assert.deepEqual(anomaliesOf({ timestamp: 600000000 }), ['timestamp-before-1992']);
  assert.deepEqual(anomaliesOf({ timestamp: 0x2a425e19 }), ['timestamp-delphi']);
  assert.deepEqual(anomaliesOf({ timestamp: 0xf0000000, debug: [{ type: 'repro' }] }), ['timestamp-reproducible']);
  assert.deepEqual(anomaliesOf({ entryPoint: 0x99999 }), ['entrypoint-outside-sections']);
  assert.deepEqual(anomaliesOf({ entryPoint: 0 }), ['entrypoint-zero']);
  assert.deepEqual(anomaliesOf({ entryPoint: 0, characteristics: 0x2002 }), []);
  assert.deepEqual(anomaliesOf({ sections: [{ name: 'UPX0', data: Buffer.alloc(16), characteristics: 0xe0000020 }] }), ['section-writable-executable']);
  assert.deepEqual(anomaliesOf({ sections: [{ name: '.t\x01xt', data: Buffer.alloc(16) }] }), ['section-name-nonascii']);
  assert.deepEqual(anomaliesOf({ checksum: 1234 }), ['checksum-mismatch']);
  assert.deepEqual(anomaliesOf({ checksum: 0 }), []);
  assert.deepEqual(anomaliesOf({ rich: { entries: [{ productId: 1, build: 2, count: 3 }], key: 0x12345678 } }), ['rich-checksum-mismatch']);
  assert.deepEqual(anomaliesOf({ overlay: Buffer.from('tail') }), ['overlay']);
  assert.deepEqual(anomaliesOf({ certificate: Buffer.alloc(16) }), []);
  // pefile counts the header padding past the optional header as overlay, and so do we.
  assert.deepEqual(anomaliesOf({ sections: [], entryPoint: 0x1000 }), ['no-sections', 'overlay']);
});

test('sections beyond MAX_SECTIONS are capped', () => {
  const { data, layout } = writePe();
  data.writeUInt16LE(500, layout.coffOffset + 2);
  const f = parse(data);
  assert.equal(f.sections.length, Math.min(96, Math.floor((data.length - layout.sectionTable) / 40)));
  assert.ok(f.anomalies.includes('sections-capped'));
  assert.ok(f.anomalies.includes('truncated-headers'));
  assert.equal(f.errors[0], 'sections: 500 declared, only the first 96 read');
});

test('broken: a section past end of file', () => {
  const { data } = writePe({ sections: [{ name: '.text', data: Buffer.alloc(0x400, 1) }] });
  const f = parse(data.subarray(0, data.length - 0x100));
  // As in pefile, a section running past EOF does not bound the image, so what follows the headers is overlay.
  assert.deepEqual(f.anomalies, ['checksum-mismatch', 'overlay', 'size-past-eof']);
  assert.deepEqual(f.errors, ['sections: .text raw data ends past end of file']);
});

test('broken: import directory pointing past end of file keeps the other facts', () => {
  const { data, layout } = writePe(buildFullSpec(false));
  data.writeUInt32LE(0x7fff0000, layout.directorySlots[1]!);
  const f = parse(data);
  assert.deepEqual(f.imports, []);
  assert.equal(f.imphash, '');
  assert.equal(f.exports.length, 4);
  assert.equal(f.resources.length, 3);
  assert.deepEqual(f.errors, ['imports: descriptor 0 points past end of file', 'directories: directory 1 ends past end of file']);
});

test('broken: lying export counts allocate nothing and are reported', () => {
  const { data, layout } = writePe(buildFullSpec(false));
  const edata = layout.sections['.edata']![0];
  data.writeUInt32LE(0xffffffff, edata + 20);
  data.writeUInt32LE(0xffffffff, edata + 24);
  const f = parse(data);
  assert.ok(f.errors.includes('exports: tables point past end of file'));
  assert.ok(f.exports.length <= 0x2000);
  assert.equal(f.imports.length, 4);
});

test('broken: a resource directory that points back at the root is a loop', () => {
  const { data, layout } = writePe({ resources: [{ type: 3, name: 1, lang: 1033, data: Buffer.from('icon') }] });
  const typeDir = layout.resourceDirectories[1]!;
  data.writeUInt32LE(0x80000000, typeDir + 20); // name entry → root directory
  const f = parse(data);
  assert.ok(f.anomalies.includes('resource-loop'));
  assert.deepEqual(f.errors, ['resources: directory at 0x0 is visited twice (loop)']);
  assert.deepEqual(f.resources, []);
});

test('broken: truncated at every structure boundary never throws, headers report truncation', () => {
  const { data, layout } = writePe(buildFullSpec(true));
  const cuts = [0x40, layout.peOffset + 4, layout.coffOffset + 10, layout.optionalOffset + 1, layout.optionalOffset + 80,
    layout.sectionTable - 8, layout.sectionTable + 50, ...Object.values(layout.sections).flatMap(([o]) => [o, o + 30])];
  for (const cut of cuts) {
    const f = parsePe(data.subarray(0, cut), { now: NOW });
    if (cut < layout.peOffset + 4) {
      assert.equal(f, null, `cut at ${cut}: no PE signature left`);
      continue;
    }
    assert.ok(f !== null, `cut at ${cut}`);
    assert.ok(f.errors.length > 0, `cut at ${cut} must say what could not be read`);
    if (cut < layout.sectionTable + 40 * 6) assert.ok(f.anomalies.includes('truncated-headers'), `cut at ${cut}`);
  }
});
