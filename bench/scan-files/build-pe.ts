/**
 * Builds one benchmark PE (PE32 or PE32+, EXE or DLL) of about a chosen size
 * with writePe: a code section of opcode-like random bytes, a string section,
 * a data section, imports, sometimes exports, resources with language ids, a
 * Rich header, sometimes version info and an overlay. Seeded: the same seed
 * gives the same bytes. Data only; the files are never run.
 */
import { writePe, type PeSpec, type SectionSpec } from '../../src/samples/pe/testing/pe-writer.js';
import type { ResourceSpec } from '../../src/samples/pe/testing/resource-writer.js';
import { prng } from '../prng.js';

/** Share of a file that is code, strings, data, resources and (when present) overlay. */
const CODE_SHARE = 0.55;
const STRINGS_SHARE = 0.12;
const DATA_SHARE = 0.13;
const RESOURCE_SHARE = 0.1;
const OVERLAY_SHARE = 0.1;
/** Chance that a PE is 64-bit, a DLL, has an overlay, has version info. */
const P_64BIT = 0.35;
const P_DLL = 0.25;
const P_OVERLAY = 0.2;
const P_VERSION = 0.5;
/** Size of the shared pool the string section is cut from, and its own seed. */
const STRING_POOL_BYTES = 256 * 1024;
const STRING_POOL_SEED = 0x5157;

const IMPORT_POOL: ReadonlyArray<{ dll: string; functions: ReadonlyArray<string | number> }> = [
  { dll: 'KERNEL32.dll', functions: ['CreateFileA', 'ReadFile', 'WriteFile', 'CloseHandle', 'GetModuleHandleA', 'GetProcAddress', 'LoadLibraryA', 'Sleep', 'GetTickCount', 'VirtualAlloc', 'GetTempPathA', 'CreateProcessA', 'GetLastError', 'ExitProcess', 'GetSystemTime', 'HeapAlloc', 'HeapFree', 'GetCommandLineA'] },
  { dll: 'USER32.dll', functions: ['MessageBoxA', 'GetWindowTextA', 'FindWindowA', 'SendMessageA', 'wsprintfA', 'GetDesktopWindow', 'ShowWindow'] },
  { dll: 'ADVAPI32.dll', functions: ['RegOpenKeyExA', 'RegSetValueExA', 'RegCloseKey', 'OpenSCManagerA', 'CreateServiceA', 'StartServiceA', 'GetUserNameA'] },
  { dll: 'WS2_32.dll', functions: [1, 3, 4, 9, 11, 16, 19, 23, 52, 115, 116] },
  { dll: 'WININET.dll', functions: ['InternetOpenA', 'InternetConnectA', 'HttpOpenRequestA', 'HttpSendRequestA', 'InternetReadFile', 'InternetCloseHandle'] },
  { dll: 'SHELL32.dll', functions: ['ShellExecuteA', 'SHGetFolderPathA', 'SHGetSpecialFolderPathA'] },
  { dll: 'msvcrt.dll', functions: ['malloc', 'free', 'memcpy', 'memset', 'strlen', 'sprintf', '_stricmp', 'rand', 'srand'] },
  { dll: 'OLEAUT32.dll', functions: [2, 6, 7, 8, 9] },
];
const RESOURCE_LANGS = [1033, 2052, 1028, 1049, 1042, 1041, 0, 2057];
const RESOURCE_TYPES: ReadonlyArray<number | string> = [3, 4, 5, 6, 10, 14, 24, 'BIN', 'CFG'];
const RICH_PRODUCTS = [1, 93, 95, 123, 124, 125, 147, 148, 154, 155, 170, 171, 199, 255, 259, 260, 261];
const WORDS = ['Software', 'Microsoft', 'Windows', 'CurrentVersion', 'Run', 'service', 'update', 'config', 'error',
  'connect', 'http://', '.dll', '.exe', 'kernel', 'system32', 'Mozilla/4.0', 'GET', 'POST', 'Content-Type',
  'application', 'version', 'user', 'password', 'temp', 'data', 'file', 'open', 'read', 'write', '%s\\%s', '%d'];

/** Opcode-like byte values, weighted: zero, 0xff, mov/call/jmp/push bytes far more often than the rest. */
const CODE_TABLE: Uint8Array = buildCodeTable();

function buildCodeTable(): Uint8Array {
  const weighted: Array<[number, number]> = [[0x00, 40], [0xff, 14], [0x8b, 12], [0x89, 10], [0xe8, 8], [0x48, 8],
    [0x83, 6], [0xc3, 4], [0x0f, 6], [0x85, 5], [0x74, 5], [0x75, 5], [0x50, 4], [0x56, 4], [0x57, 4], [0x45, 4],
    [0xcc, 6], [0x90, 4], [0x24, 4], [0x44, 4], [0x4c, 3], [0xc7, 3], [0x33, 3], [0xeb, 3]];
  const t = new Uint8Array(256);
  let at = 0;
  for (const [b, n] of weighted) for (let k = 0; k < n; k++) t[at++] = b;
  for (let v = 0; at < 256; v = (v + 37) & 0xff) t[at++] = v;
  return t;
}

/** A 32-bit generator from a [0,1) one. */
function nextUint32(rnd: () => number): number {
  return Math.floor(rnd() * 4294967296) >>> 0;
}

/** `size` opcode-like bytes (entropy near real code's, about 6 bits/byte). */
export function buildCodeBytes(rnd: () => number, size: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  let i = 0;
  for (; i + 4 <= size; i += 4) {
    const v = nextUint32(rnd);
    b[i] = CODE_TABLE[v & 0xff]!;
    b[i + 1] = CODE_TABLE[(v >>> 8) & 0xff]!;
    b[i + 2] = CODE_TABLE[(v >>> 16) & 0xff]!;
    b[i + 3] = CODE_TABLE[v >>> 24]!;
  }
  for (; i < size; i++) b[i] = CODE_TABLE[nextUint32(rnd) & 0xff]!;
  return b;
}

/** `size` uniformly random bytes (compressed or encrypted content). */
export function buildRandomBytes(rnd: () => number, size: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  let i = 0;
  for (; i + 4 <= size; i += 4) b.writeUInt32LE(nextUint32(rnd), i);
  for (; i < size; i++) b[i] = nextUint32(rnd) & 0xff;
  return b;
}

let stringPool: Buffer | null = null;

/** NUL-separated words, made once (own fixed seed) and sliced for string sections and text files. */
export function getStringPool(): Buffer {
  if (stringPool) return stringPool;
  const rnd = prng(STRING_POOL_SEED);
  const parts: string[] = [];
  let n = 0;
  while (n < STRING_POOL_BYTES) {
    const w = WORDS[Math.floor(rnd() * WORDS.length)]! + (rnd() < 0.5 ? '' : WORDS[Math.floor(rnd() * WORDS.length)]!);
    parts.push(w);
    n += w.length + 1;
  }
  stringPool = Buffer.from(parts.join('\0'), 'latin1');
  return stringPool;
}

/** `size` bytes cut from the string pool (repeated as needed). */
function buildStringBytes(rnd: () => number, size: number): Buffer {
  const pool = getStringPool();
  const b = Buffer.allocUnsafe(size);
  let at = 0;
  while (at < size) {
    const from = Math.floor(rnd() * pool.length);
    at += pool.copy(b, at, from, Math.min(pool.length, from + size - at));
  }
  return b;
}

function pick<T>(rnd: () => number, list: readonly T[]): T {
  return list[Math.floor(rnd() * list.length)]!;
}

function buildImports(rnd: () => number): NonNullable<PeSpec['imports']> {
  const dlls = [...IMPORT_POOL];
  for (let i = dlls.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [dlls[i], dlls[j]] = [dlls[j]!, dlls[i]!];
  }
  dlls.length = 2 + Math.floor(rnd() * 5);
  return dlls.map((d) => ({ dll: d.dll, functions: d.functions.filter(() => rnd() < 0.6).concat([d.functions[0]!]).filter((f, i, a) => a.indexOf(f) === i) }));
}

function buildResources(rnd: () => number, total: number): ResourceSpec[] {
  const count = 2 + Math.floor(rnd() * 5);
  const lang = pick(rnd, RESOURCE_LANGS);
  return Array.from({ length: count }, (_, i) => ({
    type: pick(rnd, RESOURCE_TYPES),
    name: rnd() < 0.8 ? i + 1 : `RES${i}`,
    // Mostly one language per file (as real builds are), sometimes a second one.
    lang: rnd() < 0.85 ? lang : pick(rnd, RESOURCE_LANGS),
    data: buildRandomBytes(rnd, Math.max(16, Math.floor(total / count))),
  })).filter((r, i, a) => a.findIndex((x) => x.type === r.type && x.name === r.name && x.lang === r.lang) === i);
}

/** What buildBenchPe makes. */
export interface BenchPe {
  data: Buffer;
  isDll: boolean;
}

/** A PE of about `size` bytes from `rnd`; `plant` bytes are written into its string section when given. */
export function buildBenchPe(rnd: () => number, size: number, plant?: Buffer): BenchPe {
  const is64 = rnd() < P_64BIT;
  const isDll = rnd() < P_DLL;
  const strings = buildStringBytes(rnd, Math.max(256, Math.floor(size * STRINGS_SHARE)));
  if (plant) plant.copy(strings, Math.floor(rnd() * (strings.length - plant.length)));
  const sections: SectionSpec[] = [
    { name: '.text', data: buildCodeBytes(rnd, Math.max(512, Math.floor(size * CODE_SHARE))) },
    { name: '.rdata', data: strings, characteristics: 0x40000040 },
    { name: '.data', data: buildDataBytes(rnd, Math.max(64, Math.floor(size * DATA_SHARE))), characteristics: 0xc0000040 },
  ];
  const spec: PeSpec = {
    is64,
    characteristics: 0x0002 | (is64 ? 0x20 : 0x100) | (isDll ? 0x2000 : 0),
    timestamp: 1199145600 + Math.floor(rnd() * 250_000_000),
    sections,
    imports: buildImports(rnd),
    resources: buildResources(rnd, Math.floor(size * RESOURCE_SHARE)),
    rich: {
      entries: Array.from({ length: 3 + Math.floor(rnd() * 6) }, () => ({
        productId: pick(rnd, RICH_PRODUCTS), build: 20000 + Math.floor(rnd() * 15000), count: 1 + Math.floor(rnd() * 200),
      })),
    },
  };
  if (isDll) {
    spec.exports = {
      dllName: `mod${Math.floor(rnd() * 100000)}.dll`,
      functions: ['DllRegisterServer', 'DllUnregisterServer', 'ServiceMain', 'Install']
        .filter(() => rnd() < 0.7).map((name) => ({ name })).concat([{ name: 'DllEntry' }]),
    };
  }
  if (rnd() < P_VERSION) {
    spec.versionInfo = {
      fileVersion: [1 + Math.floor(rnd() * 9), Math.floor(rnd() * 10), Math.floor(rnd() * 1000), Math.floor(rnd() * 100)],
      strings: { CompanyName: pick(rnd, ['Microsoft Corporation', 'Adobe Systems', 'Acme Ltd', 'Sun Microsystems']), OriginalFilename: isDll ? 'module.dll' : 'setup.exe' },
    };
  }
  if (rnd() < P_OVERLAY) spec.overlay = buildRandomBytes(rnd, Math.max(64, Math.floor(size * OVERLAY_SHARE)));
  return { data: writePe(spec).data, isDll };
}

/** A data section: mostly zeros with scattered random runs (tables, initialised globals). */
function buildDataBytes(rnd: () => number, size: number): Buffer {
  const b = Buffer.alloc(size);
  const runs = Math.max(1, Math.floor(size / 4096));
  for (let k = 0; k < runs; k++) {
    const len = Math.min(size, 64 + Math.floor(rnd() * 1024));
    buildRandomBytes(rnd, len).copy(b, Math.floor(rnd() * (size - len + 1)));
  }
  return b;
}
