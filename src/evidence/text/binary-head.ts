/**
 * Whether a file's head is binary (scanned as a file only) rather than text
 * (read line by line). A text log with a few damaged lines is still text:
 * only a known binary magic or a high share of bytes no text holds makes a
 * head binary. Pure: no I/O.
 */

/**
 * Share of bad bytes (NUL, control bytes other than TAB LF VT FF CR ESC, DEL,
 * bytes of invalid UTF-8) above which a head is binary, as a fraction
 * MAX_BAD_SHARE_NUM / MAX_BAD_SHARE_DEN = 30%.
 * Why 30%: random, compressed or encrypted bytes score about 60% (half the
 * bytes are ≥0x80 and mostly invalid UTF-8, a ninth are controls); UTF-16
 * text scores about 50% (every other byte a NUL); structured binaries (PE,
 * ELF, archives, captures) are caught by their magic first. A text log with
 * a burst of attacker-chosen bytes or Latin-1 text scores a few percent.
 * 30% leaves a log whose head is largely damaged readable, and every binary
 * kind above well clear of it.
 */
const MAX_BAD_SHARE_NUM = 3;
const MAX_BAD_SHARE_DEN = 10;
/**
 * A run of at least this many NULs is a hole, not content: a file system
 * zero-fills the blocks a crash left unwritten, so a log after a crash holds
 * kilobytes of NULs between intact lines. Holes count neither way; shorter
 * NUL runs (binary structure) count as bad bytes.
 */
const MIN_NUL_HOLE = 32;
/** The furthest a magic below reaches (tar's `ustar` at 257). */
const MAX_MAGIC_END = 262;

/** Magic numbers of binary formats: [offset, bytes]. gzip is unwrapped before detection; listed anyway. */
const MAGICS: ReadonlyArray<readonly [number, readonly number[]]> = [
  [0, [0x7f, 0x45, 0x4c, 0x46]],                         // ELF
  [0, [0x50, 0x4b, 0x03, 0x04]],                         // zip (also docx, jar, apk)
  [0, [0x50, 0x4b, 0x05, 0x06]],                         // empty zip
  [0, [0x50, 0x4b, 0x07, 0x08]],                         // spanned zip
  [0, [0xd4, 0xc3, 0xb2, 0xa1]], [0, [0xa1, 0xb2, 0xc3, 0xd4]], // pcap, µs
  [0, [0x4d, 0x3c, 0xb2, 0xa1]], [0, [0xa1, 0xb2, 0x3c, 0x4d]], // pcap, ns
  [8, [0x1a, 0x2b, 0x3c, 0x4d]], [8, [0x4d, 0x3c, 0x2b, 0x1a]], // pcapng section header's byte-order magic (its block type 0a0d0d0a is whitespace)
  [0, [0x1f, 0x8b]],                                     // gzip
  [0, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]], // OLE2 (doc, xls, msi)
  [0, [0x25, 0x50, 0x44, 0x46, 0x2d]],                   // %PDF- (text-ish, but streams are binary)
  [0, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],             // 7z
  [0, [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07]],             // rar
  [0, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],             // xz
  [0, [0x42, 0x5a, 0x68]],                               // bzip2 ('BZh'; checked with its block magic below)
  [0, [0x28, 0xb5, 0x2f, 0xfd]],                         // zstd
  [0, [0xfe, 0xed, 0xfa, 0xce]], [0, [0xfe, 0xed, 0xfa, 0xcf]], [0, [0xce, 0xfa, 0xed, 0xfe]], [0, [0xcf, 0xfa, 0xed, 0xfe]], // Mach-O
  [0, [0xca, 0xfe, 0xba, 0xbe]],                         // Mach-O fat, Java class
  [0, [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66, 0x6f, 0x72, 0x6d, 0x61, 0x74, 0x20, 0x33, 0x00]], // SQLite
  [0, [0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00]], // Windows EVTX
  [0, [0x72, 0x65, 0x67, 0x66]],                         // Windows registry hive
  [0, [0x4c, 0x00, 0x00, 0x00, 0x01, 0x14, 0x02, 0x00]], // Windows shortcut (LNK)
  [0, [0x4d, 0x53, 0x43, 0x46]],                         // cabinet
  [0, [0x89, 0x50, 0x4e, 0x47]],                         // PNG
  [0, [0xff, 0xd8, 0xff]],                               // JPEG
  [0, [0x47, 0x49, 0x46, 0x38]],                         // GIF
  [0, [0xff, 0xfe]], [0, [0xfe, 0xff]],                  // UTF-16 byte-order marks: the line readers read bytes, not UTF-16
  [257, [0x75, 0x73, 0x74, 0x61, 0x72]],                 // tar ('ustar')
];

/** True when `head` starts with a known binary magic. */
export function hasBinaryMagic(head: Uint8Array): boolean {
  for (const [off, bytes] of MAGICS) {
    if (off + bytes.length > head.length || off + bytes.length > MAX_MAGIC_END) continue;
    let ok = true;
    for (let i = 0; i < bytes.length && ok; i++) ok = head[off + i] === bytes[i];
    if (!ok) continue;
    if (bytes[0] === 0x42 && off === 0) {
      // 'BZh' starts English words too; a bzip2 stream has a level digit and a block magic 1AY&SY.
      if (!(head.length >= 10 && head[3]! >= 0x31 && head[3]! <= 0x39 && head[4] === 0x31 && head[5] === 0x41 && head[6] === 0x59)) continue;
    }
    return true;
  }
  // MZ: a DOS/PE header; text starting with "MZ" has no control bytes in its first 64 bytes, a header always does.
  if (head.length >= 2 && head[0] === 0x4d && head[1] === 0x5a) {
    for (let i = 2; i < Math.min(head.length, 64); i++) if (head[i]! < 0x09) return true;
  }
  return false;
}

/** True for the control bytes text holds: TAB LF VT FF CR, and ESC (colour codes in terminal logs). */
function isTextControl(c: number): boolean {
  return (c >= 0x09 && c <= 0x0d) || c === 0x1b;
}

/**
 * True when `head` is binary: a known magic, or more than 30% bad bytes
 * outside NUL holes (see MAX_BAD_SHARE_NUM). An empty head is not binary.
 */
export function looksBinary(head: Uint8Array): boolean {
  const n = head.length;
  if (n === 0) return false;
  if (hasBinaryMagic(head)) return true;
  let bad = 0;
  let counted = 0;
  let i = 0;
  while (i < n) {
    const c = head[i]!;
    if (c === 0) {
      let j = i;
      while (j < n && head[j] === 0) j++;
      if (j - i < MIN_NUL_HOLE) { bad += j - i; counted += j - i; }
      i = j;
      continue;
    }
    if (c < 0x80) {
      if ((c < 0x20 && !isTextControl(c)) || c === 0x7f) bad++;
      counted++;
      i++;
      continue;
    }
    const len = utf8SequenceLength(head, i);
    if (len > 0) { counted += len; i += len; continue; }
    if (len === 0) { counted += n - i; break; } // a character cut by the end of the head: not damage
    bad++;
    counted++;
    i++;
  }
  if (counted === 0) return true; // NUL holes only: nothing to read as text
  return bad * MAX_BAD_SHARE_DEN > counted * MAX_BAD_SHARE_NUM;
}

/**
 * The length of the well-formed UTF-8 sequence at `b[i]` (a lead byte ≥0x80),
 * 0 when the head ends inside a sequence that is well-formed so far, -1 when
 * it is invalid (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF).
 */
function utf8SequenceLength(b: Uint8Array, i: number): number {
  const c = b[i]!;
  let len: number, lo = 0x80, hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) len = 2;
  else if (c >= 0xe0 && c <= 0xef) { len = 3; if (c === 0xe0) lo = 0xa0; else if (c === 0xed) hi = 0x9f; } else if (c >= 0xf0 && c <= 0xf4) { len = 4; if (c === 0xf0) lo = 0x90; else if (c === 0xf4) hi = 0x8f; } else return -1;
  for (let k = 1; k < len; k++) {
    if (i + k >= b.length) return 0;
    const d = b[i + k]!;
    if (k === 1 ? d < lo || d > hi : d < 0x80 || d > 0xbf) return -1;
  }
  return len;
}
