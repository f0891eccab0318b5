/** Names of PE header values and flags (Microsoft PE/COFF specification). */

/** FILE_HEADER.Machine values by name. */
const MACHINES: ReadonlyMap<number, string> = new Map([
  [0x0, 'unknown'], [0x14c, 'i386'], [0x8664, 'amd64'], [0xaa64, 'arm64'], [0xa641, 'arm64ec'],
  [0x1c0, 'arm'], [0x1c2, 'thumb'], [0x1c4, 'armnt'], [0x200, 'ia64'], [0x1f0, 'powerpc'],
  [0x1f1, 'powerpcfp'], [0x166, 'r4000'], [0x168, 'r10000'], [0x169, 'wcemipsv2'], [0x266, 'mips16'],
  [0x366, 'mipsfpu'], [0x466, 'mipsfpu16'], [0x184, 'alpha'], [0x284, 'alpha64'], [0x1a2, 'sh3'],
  [0x1a3, 'sh3dsp'], [0x1a6, 'sh4'], [0x1a8, 'sh5'], [0x1d3, 'am33'], [0x9041, 'm32r'],
  [0xebc, 'ebc'], [0x5032, 'riscv32'], [0x5064, 'riscv64'], [0x5128, 'riscv128'],
  [0x6232, 'loongarch32'], [0x6264, 'loongarch64'], [0x0cef, 'cef'], [0xc0ee, 'cee'],
]);

/** IMAGE_FILE_* characteristics, bit → name. */
const FILE_FLAGS: readonly (readonly [number, string])[] = [
  [0x0001, 'RELOCS_STRIPPED'], [0x0002, 'EXECUTABLE_IMAGE'], [0x0004, 'LINE_NUMS_STRIPPED'],
  [0x0008, 'LOCAL_SYMS_STRIPPED'], [0x0010, 'AGGRESIVE_WS_TRIM'], [0x0020, 'LARGE_ADDRESS_AWARE'],
  [0x0040, 'RESERVED_0040'], [0x0080, 'BYTES_REVERSED_LO'], [0x0100, '32BIT_MACHINE'],
  [0x0200, 'DEBUG_STRIPPED'], [0x0400, 'REMOVABLE_RUN_FROM_SWAP'], [0x0800, 'NET_RUN_FROM_SWAP'],
  [0x1000, 'SYSTEM'], [0x2000, 'DLL'], [0x4000, 'UP_SYSTEM_ONLY'], [0x8000, 'BYTES_REVERSED_HI'],
];

/** IMAGE_DLLCHARACTERISTICS_* flags. */
const DLL_FLAGS: readonly (readonly [number, string])[] = [
  [0x0001, 'RESERVED_0001'], [0x0002, 'RESERVED_0002'], [0x0004, 'RESERVED_0004'], [0x0008, 'RESERVED_0008'],
  [0x0020, 'HIGH_ENTROPY_VA'], [0x0040, 'DYNAMIC_BASE'], [0x0080, 'FORCE_INTEGRITY'], [0x0100, 'NX_COMPAT'],
  [0x0200, 'NO_ISOLATION'], [0x0400, 'NO_SEH'], [0x0800, 'NO_BIND'], [0x1000, 'APPCONTAINER'],
  [0x2000, 'WDM_DRIVER'], [0x4000, 'GUARD_CF'], [0x8000, 'TERMINAL_SERVER_AWARE'],
];

/** IMAGE_SCN_* section flags (the alignment nibble 0x00F00000 is named separately). */
const SECTION_FLAGS: readonly (readonly [number, string])[] = [
  [0x00000008, 'TYPE_NO_PAD'], [0x00000020, 'CNT_CODE'], [0x00000040, 'CNT_INITIALIZED_DATA'],
  [0x00000080, 'CNT_UNINITIALIZED_DATA'], [0x00000100, 'LNK_OTHER'], [0x00000200, 'LNK_INFO'],
  [0x00000800, 'LNK_REMOVE'], [0x00001000, 'LNK_COMDAT'], [0x00004000, 'NO_DEFER_SPEC_EXC'],
  [0x00008000, 'GPREL'], [0x01000000, 'LNK_NRELOC_OVFL'], [0x02000000, 'MEM_DISCARDABLE'],
  [0x04000000, 'MEM_NOT_CACHED'], [0x08000000, 'MEM_NOT_PAGED'], [0x10000000, 'MEM_SHARED'],
  [0x20000000, 'MEM_EXECUTE'], [0x40000000, 'MEM_READ'], [0x80000000, 'MEM_WRITE'],
];

/** OPTIONAL_HEADER.Subsystem values. */
const SUBSYSTEMS: readonly string[] = [
  'UNKNOWN', 'NATIVE', 'WINDOWS_GUI', 'WINDOWS_CUI', '4', 'OS2_CUI', '6', 'POSIX_CUI', 'NATIVE_WINDOWS',
  'WINDOWS_CE_GUI', 'EFI_APPLICATION', 'EFI_BOOT_SERVICE_DRIVER', 'EFI_RUNTIME_DRIVER', 'EFI_ROM', 'XBOX',
  '15', 'WINDOWS_BOOT_APPLICATION', '17', '18', '19', 'XBOX_CODE_CATALOG',
];

/** Standard resource type ids. */
const RESOURCE_TYPES: ReadonlyMap<number, string> = new Map([
  [1, 'RT_CURSOR'], [2, 'RT_BITMAP'], [3, 'RT_ICON'], [4, 'RT_MENU'], [5, 'RT_DIALOG'], [6, 'RT_STRING'],
  [7, 'RT_FONTDIR'], [8, 'RT_FONT'], [9, 'RT_ACCELERATOR'], [10, 'RT_RCDATA'], [11, 'RT_MESSAGETABLE'],
  [12, 'RT_GROUP_CURSOR'], [14, 'RT_GROUP_ICON'], [16, 'RT_VERSION'], [17, 'RT_DLGINCLUDE'],
  [19, 'RT_PLUGPLAY'], [20, 'RT_VXD'], [21, 'RT_ANICURSOR'], [22, 'RT_ANIICON'], [23, 'RT_HTML'],
  [24, 'RT_MANIFEST'],
]);

/** Debug directory types. */
const DEBUG_TYPES: ReadonlyMap<number, string> = new Map([
  [1, 'coff'], [2, 'codeview'], [3, 'fpo'], [4, 'misc'], [5, 'exception'], [6, 'fixup'], [7, 'omap_to_src'],
  [8, 'omap_from_src'], [9, 'borland'], [10, 'reserved10'], [11, 'clsid'], [12, 'vc_feature'], [13, 'pogo'],
  [14, 'iltcg'], [15, 'mpx'], [16, 'repro'], [20, 'ex_dllcharacteristics'],
]);

/** Formats a number as '0x…' lower-case hex. */
export function formatHex(n: number): string {
  return '0x' + n.toString(16);
}

/** The machine's name ('amd64'), or '0x…' for an unknown value. */
export function nameMachine(machine: number): string {
  return MACHINES.get(machine) ?? formatHex(machine);
}

function nameFlags(value: number, table: readonly (readonly [number, string])[]): string[] {
  const out: string[] = [];
  for (const [bit, name] of table) if ((value & bit) >>> 0 === bit) out.push(name);
  return out;
}

/** Names of the IMAGE_FILE_* characteristics set. */
export function nameFileFlags(value: number): string[] {
  return nameFlags(value, FILE_FLAGS);
}

/** Names of the IMAGE_DLLCHARACTERISTICS_* flags set. */
export function nameDllFlags(value: number): string[] {
  return nameFlags(value, DLL_FLAGS);
}

/** Names of the IMAGE_SCN_* flags set, plus 'ALIGN_<n>BYTES' from the alignment nibble. */
export function nameSectionFlags(value: number): string[] {
  const out = nameFlags(value, SECTION_FLAGS);
  const align = (value >>> 20) & 0xf;
  if (align >= 1 && align <= 14) out.push(`ALIGN_${1 << (align - 1)}BYTES`);
  return out;
}

/** The subsystem's name, or '0x…' when unknown. */
export function nameSubsystem(value: number): string {
  const name = SUBSYSTEMS[value];
  return name === undefined || /^\d+$/.test(name) ? formatHex(value) : name;
}

/** 'RT_ICON'… for a standard resource type id, else the id as a decimal string. */
export function nameResourceType(id: number): string {
  return RESOURCE_TYPES.get(id) ?? String(id);
}

/** A debug directory type's name ('codeview', 'repro'), else its number as string. */
export function nameDebugType(type: number): string {
  return DEBUG_TYPES.get(type) ?? String(type);
}
