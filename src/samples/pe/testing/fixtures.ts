/** Shared fixture specs for the PE tests and the fuzz seeds. */
import type { PeSpec } from './pe-writer.js';

/** A PE exercising every structure parsePe reads (values cross-checked with pefile 2023.2.7). */
export function buildFullSpec(is64: boolean): PeSpec {
  return {
    is64,
    timestamp: 0x50970a10,
    sections: [
      { name: '.text', data: Buffer.alloc(0x300, 0x90) },
      { name: '.verylongname', data: Buffer.from('hello world'), characteristics: 0xc0000040 },
    ],
    imports: [
      { dll: 'KERNEL32.dll', functions: ['GetProcAddress', 'LoadLibraryA'] },
      { dll: 'WS2_32.dll', functions: [1, 23, 999] },
      { dll: 'OLEAUT32.dll', functions: [2] },
      { dll: 'foo.dll', functions: [7] },
    ],
    exports: {
      dllName: 'netmgr.dll', timestamp: 0x50970a11,
      functions: [{ name: 'Install' }, { name: 'ServiceMain' }, {}, { name: 'Fwd', forwarder: 'NTDLL.RtlAllocateHeap' }],
    },
    resources: [
      { type: 6, name: 1, lang: 2052, data: Buffer.from('strings') },
      { type: 'CUSTOM', name: 'CFG', lang: 1033, data: Buffer.from('x') },
    ],
    versionInfo: { fileVersion: [1, 2, 3, 4], strings: { CompanyName: 'Acme', OriginalFilename: 'netmgr.exe' } },
    rich: { entries: [{ productId: 259, build: 30729, count: 12 }, { productId: 1, build: 0, count: 33 }] },
    debug: [{ type: 'rsds', path: 'C:\\build\\netmgr.pdb', age: 3, timestamp: 0x50970a12 }, { type: 'repro' }],
    certificate: Buffer.alloc(64, 1),
    overlay: Buffer.from('OVERLAYDATA'),
    resourceTimestamp: 0x50970a13,
  };
}
