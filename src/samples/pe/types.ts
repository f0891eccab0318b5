/**
 * The facts parsePe() reads from a PE file: a JSON-friendly shape, one comment
 * per field (in the manner of yara-x's pe.proto). Every field is present; a
 * fact that could not be read is null, empty or zero and `errors` says why.
 */

/** One section header, with the entropy of its raw data. */
export interface PeSection {
  /** Section name; a COFF long name (`/4`) is resolved through the string table. */
  name: string;
  /** VirtualAddress (RVA) as stored. */
  virtualAddress: number;
  /** VirtualSize (Misc) as stored. */
  virtualSize: number;
  /** SizeOfRawData as stored. */
  rawSize: number;
  /** PointerToRawData as stored. */
  rawOffset: number;
  /** Characteristics as stored. */
  characteristics: number;
  /** Names of the IMAGE_SCN_* flags set ('CNT_CODE', 'MEM_EXECUTE', …). */
  characteristicsFlags: string[];
  /** Shannon entropy (bits per byte, 0..8) of the raw data present in the file, rounded to 2 decimals. */
  entropy: number;
}

/** One imported function: by name (with its hint) or by ordinal. */
export interface PeImportFunction {
  /** Name imported, or the name pefile's ordlookup gives an ordinal of ws2_32/wsock32/oleaut32 (`ord123` when unknown). */
  name?: string;
  /** Ordinal, when imported by ordinal. */
  ordinal?: number;
  /** Hint, when imported by name. */
  hint?: number;
}

/** The functions imported from one DLL (one import descriptor). */
export interface PeImport {
  /** DLL name as stored (case kept). */
  dll: string;
  /** Functions in thunk order. */
  functions: PeImportFunction[];
}

/** One exported symbol. */
export interface PeExport {
  /** Exported name, absent for export by ordinal only. */
  name?: string;
  /** Ordinal (Base + index). */
  ordinal: number;
  /** RVA of the function (or of the forwarder string). */
  rva: number;
  /** Forwarder ('NTDLL.RtlAllocateHeap') when the RVA points inside the export directory. */
  forwarder?: string;
}

/** One resource leaf: the Type/Name/Language tree flattened. */
export interface PeResource {
  /** 'RT_ICON', 'RT_VERSION'… for standard ids, else the custom id as decimal string or the name. */
  type: string;
  /** Id as decimal string, or the name. */
  name: string;
  /** Numeric LANGID (e.g. 2052 for zh-CN, 1033 for en-US). */
  lang: number;
  /** CodePage of the data entry. */
  codePage: number;
  /** Size of the data as stored. */
  size: number;
  /** File offset of the data, or -1 when its RVA maps outside the file. */
  offset: number;
}

/** VS_VERSIONINFO: the fixed file info and the StringFileInfo key/values. */
export interface PeVersionInfo {
  /** dwFileVersionMS/LS as 'a.b.c.d', null without a VS_FIXEDFILEINFO. */
  fileVersion: string | null;
  /** dwProductVersionMS/LS as 'a.b.c.d', null without a VS_FIXEDFILEINFO. */
  productVersion: string | null;
  /** StringFileInfo key/values (CompanyName, OriginalFilename, …); the first table wins on duplicates. */
  strings: Record<string, string>;
}

/** One Rich header entry (a tool that contributed objects). */
export interface PeRichEntry {
  /** Product id (high 16 bits of @comp.id). */
  productId: number;
  /** Build number (low 16 bits of @comp.id). */
  build: number;
  /** Number of objects. */
  count: number;
}

/** The decoded Rich header. */
export interface PeRich {
  /** File offset of 'DanS' (after XOR). */
  offset: number;
  /** Entries in stored order. */
  entries: PeRichEntry[];
  /** The XOR key stored after 'Rich'. */
  checksum: number;
  /** Whether the key equals the checksum computed as yara/pefile do (DOS header+stub with e_lfanew zeroed, plus entries). */
  checksumValid: boolean;
}

/** CodeView debug record (the PDB reference). */
export interface PeCodeView {
  /** 'RSDS' (PDB 7.0) or 'NB10' (PDB 2.0). */
  format: 'RSDS' | 'NB10';
  /** PDB path as stored. */
  path: string;
  /** RSDS GUID as 8-4-4-4-12 upper-case hex, null for NB10. */
  guid: string | null;
  /** NB10 signature (a timestamp), null for RSDS. */
  signature: number | null;
  /** Age. */
  age: number;
}

/** A timestamp found outside the COFF header. */
export interface PeTimestamp {
  /** Where it came from: 'debug:codeview', 'debug:repro', 'debug:<type>', 'export', 'resource'. */
  source: string;
  /** The raw 32-bit value. */
  raw: number;
  /** As ISO 8601 UTC. */
  iso: string;
}

/**
 * The lists in PeFacts that may be cut short, each a key of PeFacts.truncated:
 * 'sections', 'imports' (counted in functions, all DLLs together), 'exports',
 * 'resources', 'versionInfo' (StringFileInfo key/values), 'rich' (Rich entries),
 * 'otherTimestamps', 'anomalies', 'errors'.
 */
export type PeListName =
  | 'sections' | 'imports' | 'exports' | 'resources' | 'versionInfo' | 'rich' | 'otherTimestamps' | 'anomalies' | 'errors';

/** Everything parsePe could read. */
export interface PeFacts {
  /** 'i386', 'amd64', 'arm64', 'arm', 'armnt', 'ia64', … else '0x…' hex of the raw value. */
  machine: string;
  /** FILE_HEADER.Machine raw value. */
  machineRaw: number;
  /** FILE_HEADER.Characteristics raw value. */
  characteristics: number;
  /** Names of the IMAGE_FILE_* flags set ('EXECUTABLE_IMAGE', 'DLL', …). */
  characteristicsFlags: string[];
  /** Optional header magic: 'PE32', 'PE32+', or null when unknown/unreadable. */
  magic: 'PE32' | 'PE32+' | null;
  /** Magic is PE32. */
  is32: boolean;
  /** Magic is PE32+. */
  is64: boolean;
  /** Subsystem name ('WINDOWS_GUI', 'WINDOWS_CUI', 'EFI_APPLICATION', …), '0x…' when unknown, null without optional header. */
  subsystem: string | null;
  /** Names of the IMAGE_DLLCHARACTERISTICS_* flags set ('DYNAMIC_BASE', 'NX_COMPAT', …). */
  dllCharacteristics: string[];
  /** AddressOfEntryPoint (an RVA). */
  entryPoint: number;
  /** ImageBase as '0x…' lower-case hex: always a string, since a PE32+ base may exceed 2^53. */
  imageBase: string;
  /** SectionAlignment. */
  sectionAlignment: number;
  /** FileAlignment. */
  fileAlignment: number;
  /** SizeOfImage. */
  sizeOfImage: number;
  /** SizeOfHeaders. */
  sizeOfHeaders: number;
  /** Linker version 'major.minor'. */
  linkerVersion: string;
  /** The CheckSum stored in the optional header. */
  checksum: number;
  /** The checksum computed as pefile's generate_checksum(). */
  checksumComputed: number;
  /** checksum === checksumComputed. */
  checksumValid: boolean;
  /** FILE_HEADER.TimeDateStamp as ISO 8601 UTC. */
  timestamp: string;
  /** FILE_HEADER.TimeDateStamp raw value. */
  timestampRaw: number;
  /** Other timestamps: debug directory entries, export directory, resource directory. */
  otherTimestamps: PeTimestamp[];
  /** Section table, in stored order (at most MAX_SECTIONS). */
  sections: PeSection[];
  /** Import descriptors with at least one function, as pefile lists them (at most MAX_IMPORTS functions in all). */
  imports: PeImport[];
  /** pefile's get_imphash(): md5 of 'dll.func' pairs; '' without imports. */
  imphash: string;
  /** Exports in pefile's order (named first, then ordinal-only): every entry the table holds inside the file, with no 8192-name cap. */
  exports: PeExport[];
  /** The export directory's own DLL name, null without one. */
  exportName: string | null;
  /** Resource tree leaves. */
  resources: PeResource[];
  /** VS_VERSIONINFO of the first RT_VERSION resource, null without one. */
  versionInfo: PeVersionInfo | null;
  /** Rich header, null when absent or not decodable. */
  rich: PeRich | null;
  /** PDB path of the first CodeView debug record, null without one. */
  pdb: string | null;
  /** The first CodeView record in full, null without one. */
  codeView: PeCodeView | null;
  /** Debug directory has a REPRO (type 16) entry: TimeDateStamp is a hash, not a time. */
  reproducible: boolean;
  /** Has a CLR (.NET) header directory. */
  dotnet: boolean;
  /** Security directory (Authenticode): a file offset, not an RVA. */
  authenticode: { present: boolean; offset: number; size: number };
  /** Data past the end described by headers/sections/directories (pefile's get_overlay_data_start_offset), null when none. */
  overlay: { offset: number; size: number } | null;
  /**
   * Anomaly codes (sorted, unique):
   * 'timestamp-zero' TimeDateStamp is 0;
   * 'timestamp-future' after opts.now;
   * 'timestamp-before-1992' before 1992-01-01 (and not zero);
   * 'timestamp-delphi' 0x2A425E19, Delphi 4-2006's constant 1992-06-19;
   * 'timestamp-reproducible' the debug directory has a REPRO entry (the value is a hash);
   * 'entrypoint-outside-sections' a non-zero entry point not inside any section;
   * 'entrypoint-zero' entry point 0 in a non-DLL image;
   * 'section-writable-executable' a section both MEM_WRITE and MEM_EXECUTE;
   * 'section-name-nonascii' a section name with bytes outside printable ASCII;
   * 'sections-capped' more than MAX_SECTIONS sections declared;
   * 'no-sections' zero sections;
   * 'checksum-mismatch' stored checksum non-zero and different from the computed one;
   * 'size-past-eof' a section's raw data or a directory's data ends past end of file;
   * 'truncated-headers' the file ends inside the COFF/optional header or section table;
   * 'rich-checksum-mismatch' the Rich header's key differs from its computed checksum;
   * 'overlay' data appended after the image (not counting a certificate table covering all of it);
   * 'resource-loop' a resource directory refers back to one being walked.
   */
  anomalies: string[];
  /** What could not be read, e.g. 'imports: descriptor 3 points past end of file'. */
  errors: string[];
  /**
   * Lists cut short, so nothing is dropped in silence: list name → how many entries the
   * file held (as far as the reader counted; `errors` says when it stopped counting),
   * while the list keeps only its first ones. A list is cut when it passes its reader's
   * named limit (MAX_IMPORTS, MAX_EXPORT_ENTRIES, …) or, by boundPeFacts, when the facts
   * would serialise past their size cap (the longest lists are cut first). `imphash` is
   * always computed over every import read, before any cut. Empty when nothing was cut.
   */
  truncated: Partial<Record<PeListName, number>>;
}
