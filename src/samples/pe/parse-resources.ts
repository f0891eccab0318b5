/** Resource directory → flattened PeResource[] (Type/Name/Language), with loop and depth guards. */
import type { PeResource } from './types.js';
import { mapRva, type PeImage } from './pe-image.js';
import { nameResourceType } from './pe-names.js';

/** Most leaves and directory entries read in total. */
export const MAX_RESOURCE_ENTRIES = 0x8000;
/** Type → Name → Language: deeper trees are not walked. */
export const MAX_RESOURCE_DEPTH = 3;
/** Longest resource name, in UTF-16 units. */
const MAX_RESOURCE_NAME_CHARS = 0x200;
const DIRECTORY_SIZE = 16;
const ENTRY_SIZE = 8;
const DATA_ENTRY_SIZE = 16;

/** Result of parseResources. */
export interface ParsedResources {
  resources: PeResource[];
  /** Root directory TimeDateStamp, null when the root is unreadable. */
  timestamp: number | null;
}

interface WalkState {
  img: PeImage;
  baseRva: number;
  visited: Set<number>;
  entries: number;
  out: PeResource[];
}

function readName(st: WalkState, rel: number): string | null {
  const off = mapRva(st.img, st.baseRva + rel);
  const data = st.img.data;
  if (off < 0 || off + 2 > data.length) return null;
  const len = Math.min(data.readUInt16LE(off), MAX_RESOURCE_NAME_CHARS, Math.floor((data.length - off - 2) / 2));
  return data.toString('utf16le', off + 2, off + 2 + 2 * len);
}

function walkDirectory(st: WalkState, rel: number, depth: number, path: [string, string]): void {
  const { img } = st;
  const data = img.data;
  if (st.visited.has(rel)) {
    img.anomalies.add('resource-loop');
    img.errors.push(`resources: directory at 0x${rel.toString(16)} is visited twice (loop)`);
    return;
  }
  st.visited.add(rel);
  const off = mapRva(img, st.baseRva + rel);
  if (off < 0 || off + DIRECTORY_SIZE > data.length) {
    img.errors.push(`resources: directory at 0x${rel.toString(16)} points past end of file`);
    img.anomalies.add('size-past-eof');
    return;
  }
  const count = data.readUInt16LE(off + 12) + data.readUInt16LE(off + 14);
  for (let i = 0; i < count; i++) {
    if (++st.entries > MAX_RESOURCE_ENTRIES) {
      if (st.entries === MAX_RESOURCE_ENTRIES + 1) {
        img.errors.push(`resources: more than ${MAX_RESOURCE_ENTRIES} entries, rest ignored`);
        // The walk stops here, so the leaves past it are not counted: at least one more.
        img.truncated.resources = st.out.length + 1;
      }
      return;
    }
    const e = off + DIRECTORY_SIZE + i * ENTRY_SIZE;
    if (e + ENTRY_SIZE > data.length) {
      img.errors.push(`resources: entry ${i} of directory at 0x${rel.toString(16)} points past end of file`);
      img.anomalies.add('size-past-eof');
      return;
    }
    const nameField = data.readUInt32LE(e);
    const target = data.readUInt32LE(e + 4);
    const id = nameField & 0x7fffffff;
    const isNamed = (nameField & 0x80000000) !== 0;
    const isDir = (target & 0x80000000) !== 0;
    const targetRel = target & 0x7fffffff;
    if (depth < 2) {
      const label = isNamed ? (readName(st, id) ?? '') : depth === 0 ? nameResourceType(id) : String(id);
      if (!isDir) continue; // a leaf above the language level: not a resource pefile lists
      if (depth === 0) walkDirectory(st, targetRel, 1, [label, '']);
      else walkDirectory(st, targetRel, 2, [path[0], label]);
      continue;
    }
    if (isDir) {
      img.errors.push(`resources: directory deeper than ${MAX_RESOURCE_DEPTH} levels ignored`);
      continue;
    }
    const d = mapRva(img, st.baseRva + targetRel);
    if (d < 0 || d + DATA_ENTRY_SIZE > data.length) {
      img.errors.push(`resources: data entry ${i} of directory at 0x${rel.toString(16)} points past end of file`);
      img.anomalies.add('size-past-eof');
      continue;
    }
    const dataRva = data.readUInt32LE(d);
    const size = data.readUInt32LE(d + 4);
    const dataOff = mapRva(img, dataRva);
    if (dataOff < 0 || dataOff + size > data.length) img.anomalies.add('size-past-eof');
    st.out.push({ type: path[0], name: path[1], lang: isNamed ? 0 : id & 0xffff, codePage: data.readUInt32LE(d + 8), size, offset: dataOff });
  }
}

/** Parses the resource directory whose root is at `rva`. */
export function parseResources(img: PeImage, rva: number): ParsedResources {
  const st: WalkState = { img, baseRva: rva, visited: new Set(), entries: 0, out: [] };
  const off = mapRva(img, rva);
  const timestamp = off >= 0 && off + DIRECTORY_SIZE <= img.data.length ? img.data.readUInt32LE(off + 4) : null;
  walkDirectory(st, 0, 0, ['', '']);
  return { resources: st.out, timestamp };
}
