/**
 * Capture file formats recognised by their magic numbers: the ones this reader
 * understands (classic pcap and its variants, pcapng), and the ones other capture
 * programs write that it does not read, so that a hunt can say so instead of
 * scanning a capture as a plain file. The magics are those editcap (Wireshark's
 * wiretap) writes; src/evidence/pcap/testdata/formats/ holds one file of each.
 */

/** The capture formats this reader understands. */
export const CAPTURE_FORMATS = ['pcap', 'pcapng'] as const;
/** One of CAPTURE_FORMATS. */
export type CaptureFormat = (typeof CAPTURE_FORMATS)[number];

/** Classic pcap magic numbers as read big-endian: µs and ns, both byte orders. */
const PCAP_MAGICS = [0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1];
/**
 * Alexey Kuznetzov's "modified" pcap (editcap `modpcap`, `suse6_3pcap`), both byte orders:
 * framed as classic pcap with longer record headers.
 */
export const MODIFIED_PCAP_MAGICS = [0xa1b2cd34, 0x34cdb2a1];
/** pcapng Section Header Block type (a palindrome, so byte order does not matter). */
export const PCAPNG_SHB_TYPE = 0x0a0d0d0a;

/** 'pcap' | 'pcapng' | null from the first bytes (magic numbers, both byte orders, µs and ns pcap, modified pcap). */
export function detectCaptureFormat(head: Buffer): CaptureFormat | null {
  if (head.length < 4) return null;
  const m = head.readUInt32BE(0);
  if (PCAP_MAGICS.includes(m) || MODIFIED_PCAP_MAGICS.includes(m)) return 'pcap';
  if (m === PCAPNG_SHB_TYPE && head.length >= 12) {
    const bom = head.readUInt32BE(8);
    if (bom === 0x1a2b3c4d || bom === 0x4d3c2b1a) return 'pcapng';
  }
  return null;
}

/** A capture format told by fixed bytes at the start of the file. */
interface CaptureMagic {
  name: string;
  magic: Buffer;
}

const ascii = (s: string): Buffer => Buffer.from(s, 'latin1');

/** Fixed leading bytes of capture formats Sightline does not read (as wiretap writes and checks them). */
const UNSUPPORTED_MAGICS: readonly CaptureMagic[] = [
  { name: 'snoop', magic: ascii('snoop\0\0\0') }, // RFC 1761
  { name: 'btsnoop', magic: ascii('btsnoop\0') },
  { name: 'Microsoft Network Monitor 1.x', magic: ascii('RTSS') },
  { name: 'Microsoft Network Monitor 2.x', magic: ascii('GMBU') },
  { name: 'InfoVista 5View', magic: Buffer.from([0xaa, 0xaa, 0xaa, 0xaa]) },
  { name: 'Sniffer (DOS)', magic: ascii('TRSNIFF data    \x1a') },
  { name: 'NetXray / Sniffer (Windows)', magic: ascii('XCP\0') },
  { name: 'Viavi Observer', magic: ascii('ObserverPktBufferVersion=') },
  { name: 'Visual Networks traffic capture', magic: Buffer.from([0x05, 0x56, 0x4e, 0x46]) },
  { name: 'HP-UX nettl', magic: Buffer.from([0x54, 0x52, 0x00, 0x64, 0x00]) },
  { name: 'EyeSDN', magic: ascii('EyeSDN') },
  { name: 'Tektronix K12', magic: Buffer.from([0x00, 0x00, 0x02, 0x00, 0x12, 0x05, 0x00, 0x10]) },
  // K12 text: every packet starts with this ruler line.
  { name: 'K12 text', magic: ascii('+---------+---------------+----------+') },
];

/** Years a CommView record's date may carry; outside them the bytes are not a CommView header. */
const COMMVIEW_YEARS = [1970, 2100] as const;

/**
 * The human name of a capture format Sightline does not read, from a file's first bytes,
 * or null. Formats it reads (detectCaptureFormat) give null too.
 */
export function detectUnsupportedCapture(head: Buffer): string | null {
  for (const { name, magic } of UNSUPPORTED_MAGICS) {
    if (head.length >= magic.length && head.compare(magic, 0, magic.length, 0, magic.length) === 0) return name;
  }
  if (head.length >= 4) {
    // Novell LANalyzer: a first record of type RT_HeaderRegular (0x1001) or RT_HeaderCyclic (0x1007), 0x4c bytes long.
    const type = head.readUInt16LE(0);
    if ((type === 0x1001 || type === 0x1007) && head.readUInt16LE(2) === 0x4c) return 'Novell LANalyzer';
  }
  // TamoSoft CommView has no magic: its first record header carries a date and time, checked field by field.
  if (head.length >= 12 && head.readUInt16LE(0) > 0 && head[4] === 0 && isDateTime(head, 5)) return 'TamoSoft CommView NCF';
  if (head.length >= 12 && head.readUInt32LE(0) > 0 && isDateTime(head, 4)) return 'TamoSoft CommView NCFX';
  return null;
}

/** Whether b[at..] holds a plausible date and time: year (u16, little-endian), month, day, hours, minutes, seconds. */
function isDateTime(b: Buffer, at: number): boolean {
  const year = b.readUInt16LE(at);
  const month = b[at + 2]!, day = b[at + 3]!, hours = b[at + 4]!, minutes = b[at + 5]!, seconds = b[at + 6]!;
  return year >= COMMVIEW_YEARS[0] && year <= COMMVIEW_YEARS[1] && month >= 1 && month <= 12 && day >= 1 && day <= 31 &&
    hours < 24 && minutes < 60 && seconds < 60;
}
