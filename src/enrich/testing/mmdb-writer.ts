/**
 * A small MaxMind DB (.mmdb) writer for tests: a binary search tree of
 * 24-, 28- or 32-bit records over the networks given, a data section, and the
 * metadata, as the MaxMind DB File Format Specification 2.0 lays them out
 * (https://maxmind.github.io/MaxMind-DB/). Enough for tests of `--geoip`
 * with files in GeoIP2 and ip-location-db layouts; not a general writer
 * (no overlapping networks, no aliases, values: strings, unsigned integers
 * below 2^32, booleans, maps, arrays).
 */
import { parseIPv4, parseIPv6 } from '../../core/ip.js';

export type MmdbValue = string | number | boolean | MmdbValue[] | { [k: string]: MmdbValue };

export interface MmdbNetwork {
  /** `a.b.c.d/len` or `x:y::/len`; in an IPv6 database an IPv4 network sits at `::a.b.c.d`. */
  network: string;
  record: { [k: string]: MmdbValue };
}

export interface MmdbOptions {
  ipVersion: 4 | 6;
  databaseType: string;
  networks: MmdbNetwork[];
  /** Seconds since 1970 (build_epoch). */
  buildEpoch?: number;
  /** Bits per record: 24 (default), 28 or 32. */
  recordSize?: 24 | 28 | 32;
}

const METADATA_MARKER = Buffer.from([0xab, 0xcd, 0xef, ...Buffer.from('MaxMind.com')]);

/** The bits of a network: its address as bytes (16 for an IPv6 tree) and prefix length. */
function networkBits(net: string, ipVersion: 4 | 6): { bytes: number[]; len: number } {
  const slash = net.indexOf('/');
  const addr = net.slice(0, slash);
  let len = Number(net.slice(slash + 1));
  const v4 = parseIPv4(addr);
  let bytes: number[];
  if (v4 !== null) {
    bytes = [v4 >>> 24, (v4 >>> 16) & 255, (v4 >>> 8) & 255, v4 & 255];
    if (ipVersion === 6) { bytes = [...new Array<number>(12).fill(0), ...bytes]; len += 96; }
  } else {
    const g = parseIPv6(addr);
    if (g === null || ipVersion === 4) throw new Error(`mmdb-writer: bad network ${net}`);
    bytes = g.flatMap((x) => [x >>> 8, x & 255]);
  }
  return { bytes, len };
}

/** A trie node: each side another node's index, a data index (`{ data }`), or nothing. */
type Side = number | { data: number } | null;

/** Encodes one data-section value (spec §"Output Data Section"). */
function encode(v: MmdbValue): Buffer {
  const head = (type: number, size: number): Buffer => {
    const ext = type > 7;
    const first = (ext ? 0 : type << 5);
    const extra = ext ? [type - 7] : [];
    if (size < 29) return Buffer.from([first | size, ...extra]);
    if (size < 285) return Buffer.from([first | 29, ...extra, size - 29]);
    if (size < 65821) { const s = size - 285; return Buffer.from([first | 30, ...extra, s >>> 8, s & 255]); }
    const s = size - 65821;
    return Buffer.from([first | 31, ...extra, s >>> 16, (s >>> 8) & 255, s & 255]);
  };
  if (typeof v === 'string') { const b = Buffer.from(v, 'utf8'); return Buffer.concat([head(2, b.length), b]); }
  if (typeof v === 'boolean') return head(14, v ? 1 : 0);
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new Error(`mmdb-writer: unsupported number ${v}`);
    const bytes: number[] = [];
    for (let x = v; x > 0; x = Math.floor(x / 256)) bytes.unshift(x % 256);
    return Buffer.concat([head(6, bytes.length), Buffer.from(bytes)]);
  }
  if (Array.isArray(v)) return Buffer.concat([head(11, v.length), ...v.map(encode)]);
  const keys = Object.keys(v);
  return Buffer.concat([head(7, keys.length), ...keys.flatMap((k) => [encode(k), encode(v[k]!)])]);
}

/** Encodes an unsigned 64-bit integer (uint64, extended type 9). */
function encodeU64(n: number): Buffer {
  const bytes: number[] = [];
  for (let x = n; x > 0; x = Math.floor(x / 256)) bytes.unshift(x % 256);
  return Buffer.concat([Buffer.from([bytes.length, 2]), Buffer.from(bytes)]);
}

/** Writes an .mmdb file's bytes. */
export function writeMmdb(opts: MmdbOptions): Buffer {
  const bits = opts.ipVersion === 4 ? 32 : 128;
  const nodes: [Side, Side][] = [[null, null]];
  const data: Buffer[] = [];
  const dataIndex = new Map<string, number>();
  for (const n of opts.networks) {
    const { bytes, len } = networkBits(n.network, opts.ipVersion);
    const key = JSON.stringify(n.record);
    let d = dataIndex.get(key);
    if (d === undefined) { d = data.length; data.push(encode(n.record)); dataIndex.set(key, d); }
    let node = 0;
    for (let depth = 0; depth < len; depth++) {
      const bit = (bytes[depth >>> 3]! >>> (7 - (depth & 7))) & 1;
      if (depth === len - 1) { nodes[node]![bit] = { data: d }; break; }
      const next = nodes[node]![bit];
      if (typeof next === 'number') { node = next; continue; }
      if (next !== null) throw new Error(`mmdb-writer: ${n.network} overlaps another network`);
      nodes.push([null, null]);
      nodes[node]![bit] = nodes.length - 1;
      node = nodes.length - 1;
    }
    if (bits < len) throw new Error(`mmdb-writer: ${n.network} is too long`);
  }
  const nodeCount = nodes.length;
  const offsets: number[] = [];
  let at = 0;
  for (const b of data) { offsets.push(at); at += b.length; }
  const recordOf = (s: Side): number => {
    if (s === null) return nodeCount;
    if (typeof s === 'number') return s;
    return nodeCount + 16 + offsets[s.data]!;
  };
  const recordSize = opts.recordSize ?? 24;
  const nodeBytes = recordSize / 4;
  const tree = Buffer.alloc(nodeCount * nodeBytes);
  nodes.forEach(([l, r], i) => {
    const left = recordOf(l), right = recordOf(r);
    if (Math.max(left, right) >= 2 ** recordSize) throw new Error(`mmdb-writer: database too large for ${recordSize}-bit records`);
    const o = i * nodeBytes;
    if (recordSize === 24) { tree.writeUIntBE(left, o, 3); tree.writeUIntBE(right, o + 3, 3); }
    else if (recordSize === 32) { tree.writeUInt32BE(left, o); tree.writeUInt32BE(right, o + 4); }
    else {
      // 28 bits: the low 24 bits of each record around a byte of their high nibbles (left's first).
      tree.writeUIntBE(left % 0x1000000, o, 3);
      tree[o + 3] = (Math.floor(left / 0x1000000) << 4) | Math.floor(right / 0x1000000);
      tree.writeUIntBE(right % 0x1000000, o + 4, 3);
    }
  });
  // The metadata map, with build_epoch as a uint64.
  const entries: [string, Buffer][] = [
    ['node_count', encode(nodeCount)],
    ['record_size', encode(recordSize)],
    ['ip_version', encode(opts.ipVersion)],
    ['database_type', encode(opts.databaseType)],
    ['languages', encode(['en'])],
    ['binary_format_major_version', encode(2)],
    ['binary_format_minor_version', encode(0)],
    ['build_epoch', encodeU64(opts.buildEpoch ?? 1_700_000_000)],
    ['description', encode({ en: 'Sightline test database' })],
  ];
  const meta = Buffer.concat([Buffer.from([0xe0 | entries.length]), ...entries.flatMap(([k, v]) => [encode(k), v])]);
  return Buffer.concat([tree, Buffer.alloc(16), ...data, METADATA_MARKER, meta]);
}
