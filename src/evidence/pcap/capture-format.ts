/** Capture file formats recognised by their magic numbers. */

/** The capture formats this reader understands. */
export const CAPTURE_FORMATS = ['pcap', 'pcapng'] as const;
/** One of CAPTURE_FORMATS. */
export type CaptureFormat = (typeof CAPTURE_FORMATS)[number];

/** Classic pcap magic numbers as read big-endian: µs and ns, both byte orders. */
const PCAP_MAGICS = [0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1];
/** pcapng Section Header Block type (a palindrome, so byte order does not matter). */
export const PCAPNG_SHB_TYPE = 0x0a0d0d0a;

/** 'pcap' | 'pcapng' | null from the first bytes (magic numbers, both byte orders, µs and ns pcap). */
export function detectCaptureFormat(head: Buffer): CaptureFormat | null {
  if (head.length < 4) return null;
  const m = head.readUInt32BE(0);
  if (PCAP_MAGICS.includes(m)) return 'pcap';
  if (m === PCAPNG_SHB_TYPE && head.length >= 12) {
    const bom = head.readUInt32BE(8);
    if (bom === 0x1a2b3c4d || bom === 0x4d3c2b1a) return 'pcapng';
  }
  return null;
}
