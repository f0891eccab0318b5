/**
 * Walks the search tree of a MaxMind DB file with an address already
 * parsed by core/ip.ts, to the record's data pointer (MaxMind DB File
 * Format Specification 2.0, "Search Tree Section"). The `maxmind` package
 * still decodes the data; this only saves its `get(string)` from formatting
 * and re-parsing the address text on every look-up, which is half of a
 * geolocation's time. geo.ts keeps one decoded answer per pointer.
 *
 * Every read is inside the tree: the tree's size is checked against the
 * file when opened, and a node number is followed only while it is below
 * the node count.
 */

/** The tree's shape, from the file's metadata. */
export interface MmdbTreeMetadata {
  nodeCount: number;
  recordSize: number;
  ipVersion: number;
}

export class MmdbTree {
  private readonly nodeCount: number;
  private readonly recordSize: number;
  private readonly nodeBytes: number;
  private readonly ipv6: boolean;
  /** Where IPv4 addresses start in an IPv6 tree (the node at ::/96), or a record value when that is no node. */
  private readonly ipv4Start: number;

  /** Throws when the tree does not fit in the file or its record size is not 24, 28 or 32 bits. */
  constructor(private readonly db: Uint8Array, meta: MmdbTreeMetadata) {
    const { nodeCount, recordSize, ipVersion } = meta;
    if (recordSize !== 24 && recordSize !== 28 && recordSize !== 32) throw new Error(`unsupported record size ${recordSize}`);
    if (ipVersion !== 4 && ipVersion !== 6) throw new Error(`unsupported IP version ${ipVersion}`);
    this.nodeBytes = recordSize / 4;
    if (!Number.isSafeInteger(nodeCount) || nodeCount < 1 || nodeCount * this.nodeBytes > db.length) throw new Error('search tree larger than the file');
    this.nodeCount = nodeCount;
    this.recordSize = recordSize;
    this.ipv6 = ipVersion === 6;
    let node = 0;
    if (this.ipv6) for (let i = 0; i < 96 && node < nodeCount; i++) node = this.record(node, 0);
    this.ipv4Start = node;
  }

  /** Record `bit` (0 left, 1 right) of node `node` (< nodeCount). */
  private record(node: number, bit: number): number {
    const b = this.db;
    const o = node * this.nodeBytes;
    switch (this.recordSize) {
      case 24: {
        const p = o + bit * 3;
        return (b[p]! << 16) | (b[p + 1]! << 8) | b[p + 2]!;
      }
      case 28: {
        // The middle byte holds the high nibble of each record.
        const high = bit === 0 ? b[o + 3]! >>> 4 : b[o + 3]! & 0x0f;
        const p = bit === 0 ? o : o + 4;
        return high * 0x1000000 + ((b[p]! << 16) | (b[p + 1]! << 8) | b[p + 2]!);
      }
      default: {
        const p = o + bit * 4;
        return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!) >>> 0;
      }
    }
  }

  /** The data pointer for an IPv4 address (unsigned 32-bit), or 0 when the tree holds none. */
  lookupV4(n: number): number {
    let node = this.ipv4Start;
    const count = this.nodeCount;
    for (let depth = 0; depth < 32 && node < count; depth++) node = this.record(node, (n >>> (31 - depth)) & 1);
    return node > count ? node : 0;
  }

  /** The data pointer for an IPv6 address (4 words), or 0 when the tree holds none (always, in an IPv4 tree). */
  lookupV6(w: Uint32Array): number {
    if (!this.ipv6) return 0;
    let node = 0;
    const count = this.nodeCount;
    for (let depth = 0; depth < 128 && node < count; depth++) node = this.record(node, (w[depth >>> 5]! >>> (31 - (depth & 31))) & 1);
    return node > count ? node : 0;
  }
}
