/** Test fixture builders: the resource tree (.rsrc) and VS_VERSIONINFO. */

/** One resource to write. */
export interface ResourceSpec {
  /** Numeric type id (3 = RT_ICON, 16 = RT_VERSION…) or a custom name. */
  type: number | string;
  /** Numeric id or a name. */
  name: number | string;
  /** LANGID. */
  lang: number;
  data: Buffer;
  codePage?: number;
}

/** A VS_VERSIONINFO to write. */
export interface VersionInfoSpec {
  fileVersion: [number, number, number, number];
  productVersion?: [number, number, number, number];
  /** StringFileInfo key/values, written in one StringTable '040904B0'. */
  strings: Record<string, string>;
}

function utf16z(s: string): Buffer {
  return Buffer.from(s + '\0', 'utf16le');
}

function pad4(b: Buffer): Buffer {
  return b.length % 4 === 0 ? b : Buffer.concat([b, Buffer.alloc(4 - (b.length % 4))]);
}

/** Builds one version block: header, key, 4-aligned value, 4-aligned children. */
function buildBlock(key: string, value: Buffer, valueLength: number, type: number, children: Buffer[]): Buffer {
  const head = Buffer.alloc(6);
  const body = pad4(Buffer.concat([head, utf16z(key)]));
  const withValue = value.length > 0 ? pad4(Buffer.concat([body, value])) : body;
  const all = Buffer.concat([withValue, ...children.map(pad4)]);
  all.writeUInt16LE(all.length, 0);
  all.writeUInt16LE(valueLength, 2);
  all.writeUInt16LE(type, 4);
  return all;
}

/** Builds VS_VERSIONINFO bytes (VS_FIXEDFILEINFO + StringFileInfo + VarFileInfo). */
export function buildVersionInfo(spec: VersionInfoSpec): Buffer {
  const fixed = Buffer.alloc(52);
  const [a, b, c, d] = spec.fileVersion;
  const [pa, pb, pc, pd] = spec.productVersion ?? spec.fileVersion;
  fixed.writeUInt32LE(0xfeef04bd, 0);
  fixed.writeUInt32LE(0x00010000, 4);
  fixed.writeUInt32LE(((a << 16) | b) >>> 0, 8);
  fixed.writeUInt32LE(((c << 16) | d) >>> 0, 12);
  fixed.writeUInt32LE(((pa << 16) | pb) >>> 0, 16);
  fixed.writeUInt32LE(((pc << 16) | pd) >>> 0, 20);
  const strings = Object.entries(spec.strings).map(([k, v]) => buildBlock(k, utf16z(v), v.length + 1, 1, []));
  const table = buildBlock('040904B0', Buffer.alloc(0), 0, 1, strings);
  const sfi = buildBlock('StringFileInfo', Buffer.alloc(0), 0, 1, [table]);
  const translation = Buffer.from([0x09, 0x04, 0xb0, 0x04]);
  const vfi = buildBlock('VarFileInfo', Buffer.alloc(0), 0, 1, [buildBlock('Translation', translation, 4, 0, [])]);
  return buildBlock('VS_VERSION_INFO', fixed, 52, 0, [sfi, vfi]);
}

interface Node<T> {
  key: number | string;
  children: T;
}

function groupBy<T>(items: T[], key: (t: T) => number | string): Array<Node<T[]>> {
  const out: Array<Node<T[]>> = [];
  for (const it of items) {
    const k = key(it);
    const n = out.find((x) => x.key === k);
    if (n) n.children.push(it);
    else out.push({ key: k, children: [it] });
  }
  // Named entries first, then ids ascending (as the specification orders them).
  return out.sort((x, y) =>
    typeof x.key === 'string' ? (typeof y.key === 'string' ? (x.key < y.key ? -1 : 1) : -1)
      : typeof y.key === 'string' ? 1 : x.key - y.key);
}

/** Offsets of the resource tree's parts, relative to the section start (for tests that corrupt it). */
export interface ResourceLayout {
  /** Offset of each directory (root first). */
  directories: number[];
  dataEntries: number[];
}

/** Builds a .rsrc section placed at `rva`: directories, data entries, names, then data. */
export function buildResources(resources: ResourceSpec[], rva: number): { bytes: Buffer; layout: ResourceLayout } {
  const types = groupBy(resources, (r) => r.type).map((t) => ({
    key: t.key,
    children: groupBy(t.children, (r) => r.name).map((n) => ({ key: n.key, children: groupBy(n.children, (r) => r.lang) })),
  }));
  // Pass 1: sizes and offsets of directories.
  const dirSize = (n: number): number => 16 + 8 * n;
  let p = dirSize(types.length);
  const typeDirs: number[] = [];
  const nameDirs: number[][] = [];
  for (const t of types) {
    typeDirs.push(p);
    p += dirSize(t.children.length);
  }
  for (const t of types) {
    const row: number[] = [];
    for (const n of t.children) { row.push(p); p += dirSize(n.children.length); }
    nameDirs.push(row);
  }
  const dataEntryStart = p;
  const leaves = types.flatMap((t) => t.children.flatMap((n) => n.children.map((l) => l.children[0]!)));
  p += 16 * leaves.length;
  const names = new Map<string, number>();
  const strings: Buffer[] = [];
  for (const r of resources) {
    for (const k of [r.type, r.name]) {
      if (typeof k === 'string' && !names.has(k)) {
        names.set(k, p);
        const b = Buffer.alloc(2 + 2 * k.length);
        b.writeUInt16LE(k.length, 0);
        b.write(k, 2, 'utf16le');
        strings.push(b);
        p += b.length;
      }
    }
  }
  p = (p + 3) & ~3;
  const dataOffsets: number[] = [];
  for (const l of leaves) { dataOffsets.push(p); p = (p + l.data.length + 3) & ~3; }
  const out = Buffer.alloc(p);
  const writeDir = (at: number, entries: Array<{ key: number | string; target: number; isDir: boolean }>): void => {
    const named = entries.filter((e) => typeof e.key === 'string').length;
    out.writeUInt16LE(named, at + 12);
    out.writeUInt16LE(entries.length - named, at + 14);
    entries.forEach((e, i) => {
      const id = typeof e.key === 'string' ? (0x80000000 | names.get(e.key)!) >>> 0 : e.key;
      out.writeUInt32LE(id, at + 16 + 8 * i);
      out.writeUInt32LE(e.isDir ? (0x80000000 | e.target) >>> 0 : e.target, at + 20 + 8 * i);
    });
  };
  writeDir(0, types.map((t, i) => ({ key: t.key, target: typeDirs[i]!, isDir: true })));
  let leaf = 0;
  types.forEach((t, ti) => {
    writeDir(typeDirs[ti]!, t.children.map((n, ni) => ({ key: n.key, target: nameDirs[ti]![ni]!, isDir: true })));
    t.children.forEach((n, ni) => {
      writeDir(nameDirs[ti]![ni]!, n.children.map((l) => ({ key: l.key, target: dataEntryStart + 16 * leaf++, isDir: false })));
    });
  });
  let sp = dataEntryStart + 16 * leaves.length;
  for (const s of strings) { s.copy(out, sp); sp += s.length; }
  leaves.forEach((l, i) => {
    const e = dataEntryStart + 16 * i;
    out.writeUInt32LE(rva + dataOffsets[i]!, e);
    out.writeUInt32LE(l.data.length, e + 4);
    out.writeUInt32LE(l.codePage ?? 0, e + 8);
    l.data.copy(out, dataOffsets[i]!);
  });
  return {
    bytes: out,
    layout: { directories: [0, ...typeDirs, ...nameDirs.flat()], dataEntries: leaves.map((_, i) => dataEntryStart + 16 * i) },
  };
}
