/**
 * Builds tar archives for tests: ustar headers (with prefix), pax `path`
 * headers, GNU `L` long names, base-256 sizes, folders, links and FIFOs, and
 * a checksum that can be spoiled. Test fixtures only.
 */

/** One tar entry to write. */
export interface TarWriterEntry {
  name: string;
  data?: Buffer;
  /** Type flag character (default '0', a regular file). */
  type?: string;
  /** How a name longer than 100 bytes is written: ustar prefix, pax `path` or GNU `L`. */
  longName?: 'ustar' | 'pax' | 'gnu';
  /** Write the size field in GNU base-256. */
  base256Size?: boolean;
  /** Add this to the stored checksum (0 keeps it right). */
  checksumDelta?: number;
  /** GNU magic (`ustar  \0`) instead of POSIX (`ustar\0` `00`). */
  gnuMagic?: boolean;
}

const BLOCK = 512;

/** Writes `text` as NUL-padded bytes into a field. */
function putString(block: Buffer, at: number, len: number, text: string): void {
  Buffer.from(text, 'utf8').copy(block, at, 0, len);
}

/** Writes an octal field (`len - 1` digits and a NUL). */
function putOctal(block: Buffer, at: number, len: number, value: number): void {
  putString(block, at, len, value.toString(8).padStart(len - 1, '0') + '\0');
}

/** One 512-byte header. */
function buildHeader(name: string, size: number, type: string, e: Partial<TarWriterEntry>, prefix = ''): Buffer {
  const h = Buffer.alloc(BLOCK);
  putString(h, 0, 100, name);
  putOctal(h, 100, 8, 0o644);
  putOctal(h, 108, 8, 0);
  putOctal(h, 116, 8, 0);
  if (e.base256Size) {
    h[124] = 0x80;
    let v = size;
    for (let i = 135; i > 124; i--) { h[i] = v % 256; v = Math.floor(v / 256); }
  } else putOctal(h, 124, 12, size);
  putOctal(h, 136, 12, 1370000000);
  h.fill(0x20, 148, 156);
  h[156] = type.charCodeAt(0);
  if (e.gnuMagic) putString(h, 257, 8, 'ustar  \0');
  else { putString(h, 257, 6, 'ustar\0'); putString(h, 263, 2, '00'); }
  putString(h, 345, 155, prefix);
  let sum = 0;
  for (const b of h) sum += b;
  putString(h, 148, 8, (sum + (e.checksumDelta ?? 0)).toString(8).padStart(6, '0') + '\0 ');
  return h;
}

/** The data padded to whole blocks. */
function padBlocks(data: Buffer): Buffer {
  const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
  return Buffer.concat([data, Buffer.alloc(pad)]);
}

/** A tar archive of `entries`, ended by two zero blocks. */
export function buildTar(entries: TarWriterEntry[]): Buffer {
  const out: Buffer[] = [];
  for (const e of entries) {
    const data = e.data ?? Buffer.alloc(0);
    const type = e.type ?? '0';
    let name = e.name;
    let prefix = '';
    if (Buffer.byteLength(name) > 100) {
      if (e.longName === 'pax') {
        const body = paxRecord('path', name);
        out.push(buildHeader('PaxHeader/x', body.length, 'x', {}), padBlocks(body));
        name = name.slice(-99);
      } else if (e.longName === 'gnu') {
        const body = Buffer.from(name + '\0', 'utf8');
        out.push(buildHeader('././@LongLink', body.length, 'L', { gnuMagic: true }), padBlocks(body));
        name = name.slice(0, 100);
      } else {
        const cut = name.lastIndexOf('/', 155);
        prefix = name.slice(0, cut);
        name = name.slice(cut + 1);
      }
    }
    out.push(buildHeader(name, data.length, type, e, prefix), padBlocks(data));
  }
  out.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(out);
}

/** One pax record `LEN key=value\n`, LEN counting itself. */
function paxRecord(key: string, value: string): Buffer {
  const rest = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(rest) + 1;
  while (String(len).length + Buffer.byteLength(rest) !== len) len++;
  return Buffer.from(`${len}${rest}`, 'utf8');
}
