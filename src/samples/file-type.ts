/**
 * File type by content (magic numbers), never by name: a sample's name is
 * whatever its author wanted it to be.
 */
import { isTarHeader } from './tar-reader.js';

/** Bytes looked at to tell text from binary, and to spot script markers. */
const MAX_SNIFF_BYTES = 8192;
/** `%PDF-` may follow some junk; readers look this far (Acrobat: 1024). */
const MAX_PDF_OFFSET = 1024;
/** Share of a text sniff that may be odd control bytes before it is called binary. */
const MAX_CONTROL_SHARE = 0.02;

/** The file types Sightline tells apart. */
export type FileType =
  | 'pe' | 'elf' | 'macho' | 'ole2' | 'ooxml' | 'rtf' | 'pdf' | 'zip' | 'gzip' | 'tar' | 'lnk' | 'script' | 'text' | 'data';

const OLE2_MAGIC = Buffer.from('d0cf11e0a1b11ae1', 'hex');
/** ShellLinkHeader: HeaderSize 0x4C and LinkCLSID 00021401-0000-0000-C000-000000000046 ([MS-SHLLINK] 2.1). */
const LNK_MAGIC = Buffer.from('4c0000000114020000000000c000000000000046', 'hex');
const CONTENT_TYPES = Buffer.from('[Content_Types].xml');
/** Text that marks a script (lower-cased match on the first MAX_SNIFF_BYTES). */
const SCRIPT_MARKERS = [
  '@echo off', '<script', 'wscript.', 'createobject(', 'activexobject', '<?php', 'powershell', 'invoke-expression',
  'set-executionpolicy', 'on error resume next', 'document.write(', 'eval(',
];

/** True when the MZ header's e_lfanew points at `PE\0\0`. */
function isPe(data: Buffer): boolean {
  if (data.length < 0x40 || data[0] !== 0x4d || data[1] !== 0x5a) return false;
  const lfanew = data.readUInt32LE(0x3c);
  return lfanew + 4 <= data.length && data.readUInt32LE(lfanew) === 0x00004550;
}

/** Mach-O thin (32/64, either byte order) or fat; a fat header is told from a Java class by its small arch count. */
function isMachO(data: Buffer): boolean {
  if (data.length < 8) return false;
  const m = data.readUInt32BE(0);
  if (m === 0xfeedface || m === 0xfeedfacf || m === 0xcefaedfe || m === 0xcffaedfe) return true;
  return (m === 0xcafebabe || m === 0xcafebabf) && data.readUInt32BE(4) > 0 && data.readUInt32BE(4) < 20;
}

/** Text: no NUL (unless UTF-16 with a BOM), few control bytes. */
function isText(sniff: Buffer): boolean {
  if (sniff.length >= 2 && ((sniff[0] === 0xff && sniff[1] === 0xfe) || (sniff[0] === 0xfe && sniff[1] === 0xff))) return true;
  let control = 0;
  for (let i = 0; i < sniff.length; i++) {
    const b = sniff[i]!;
    if (b === 0) return false;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) control++;
  }
  return control <= sniff.length * MAX_CONTROL_SHARE;
}

/** File type by content: 'pe' | 'elf' | 'macho' | 'ole2' | 'ooxml' | 'rtf' | 'pdf' | 'zip' | 'gzip' | 'tar' | 'lnk' | 'script' | 'text' | 'data'. */
export function detectFileType(data: Buffer): FileType {
  if (data.length === 0) return 'data';
  if (isPe(data)) return 'pe';
  if (data.length >= 4 && data.readUInt32BE(0) === 0x7f454c46) return 'elf';
  if (isMachO(data)) return 'macho';
  if (data.length >= 8 && data.subarray(0, 8).equals(OLE2_MAGIC)) return 'ole2';
  if (data.length >= 4 && data[0] === 0x50 && data[1] === 0x4b && (data[2] === 3 || data[2] === 5) && (data[3] === 4 || data[3] === 6)) {
    return data.indexOf(CONTENT_TYPES) >= 0 ? 'ooxml' : 'zip';
  }
  if (data.length >= 5 && data.toString('latin1', 0, 5) === '{\\rtf') return 'rtf';
  const pdf = data.subarray(0, MAX_PDF_OFFSET + 5).indexOf('%PDF-');
  if (pdf >= 0) return 'pdf';
  if (data.length >= 3 && data[0] === 0x1f && data[1] === 0x8b && data[2] === 8) return 'gzip';
  if (data.length >= LNK_MAGIC.length && data.subarray(0, LNK_MAGIC.length).equals(LNK_MAGIC)) return 'lnk';
  if (isTarHeader(data, 0)) return 'tar';
  const sniff = data.subarray(0, MAX_SNIFF_BYTES);
  if (!isText(sniff)) return 'data';
  const lower = sniff.toString('latin1').toLowerCase();
  if (lower.startsWith('#!') || SCRIPT_MARKERS.some((m) => lower.includes(m))) return 'script';
  return 'text';
}
