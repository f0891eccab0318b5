/**
 * Uploads: a streaming `multipart/form-data` reader (RFC 7578) that writes
 * the one file part to disk as it arrives — never the whole body in memory —
 * and hashes it on the way, under a size cap checked while streaming (as
 * hono's body-limit middleware does), not trusted from Content-Length.
 * Every length it reads is capped; anything malformed is a 400, anything too
 * large a 413, and the partial file is removed either way.
 */
import { createHash } from 'node:crypto';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError } from './errors.js';

/** Bytes of a part's header block. */
const MAX_HEADER_BYTES = 16 * 1024;
/** Bytes before the first boundary (a preamble, which browsers never send). */
const MAX_PREAMBLE_BYTES = 16 * 1024;
/** Bytes of a text field (campaign, format). */
export const MAX_FIELD_BYTES = 1024;
/** Parts in one body. */
const MAX_PARTS = 16;
/** Longest boundary RFC 2046 allows. */
const MAX_BOUNDARY_CHARS = 70;
/** Bytes a body may carry beyond its file: boundaries, part headers, fields. */
export const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

export interface UploadOptions {
  /** The file part's field name. */
  fileField: string;
  /** Names of the text fields allowed beside it. */
  fields: readonly string[];
  /** Most bytes the file may have. */
  maxFileBytes: number;
}

export interface ReceivedUpload {
  /** The file as written: its sanitised name, path, size and sha256. */
  file: { name: string; path: string; size: number; sha256: string };
  fields: Record<string, string>;
}

/** The boundary of a multipart/form-data Content-Type, or null when the type is another. */
export function multipartBoundary(contentType: string | undefined): string | null {
  if (contentType === undefined) return null;
  const [type, ...params] = contentType.split(';');
  if (type!.trim().toLowerCase() !== 'multipart/form-data') return null;
  for (const p of params) {
    const m = /^\s*boundary=(?:"([^"]{1,70})"|([^\s";]{1,70}))\s*$/i.exec(p);
    if (m) return m[1] ?? m[2]!;
  }
  return null;
}

/** A file name safe on any file system and in any shell: the base name, ASCII letters, digits, `.`, `_`, `-`. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const s = base.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[.-]/, '_').slice(0, 120);
  return /^[_.]*$/.test(s) ? 'upload' : s;
}

/** The `name` and `filename` of a part's Content-Disposition (quoted strings with `\"` escapes). */
export function parseDisposition(value: string): { name: string | null; filename: string | null } {
  const out: { name: string | null; filename: string | null } = { name: null, filename: null };
  const re = /;\s*([A-Za-z*]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/g;
  if (!/^\s*form-data\s*(;|$)/i.test(value)) return out;
  for (const m of value.matchAll(re)) {
    const key = m[1]!.toLowerCase();
    const v = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]!;
    if (key === 'name') out.name = v;
    else if (key === 'filename') out.filename = v;
  }
  return out;
}

const bad = (why: string) => new ApiError('bad-request', `malformed multipart body: ${why}`);

/**
 * Reads a multipart body into `dir` (which must exist; the file is created
 * there, never overwritten). Exactly one part named `fileField` with a file
 * name is required.
 */
export async function receiveUpload(body: ReadableStream<Uint8Array> | null, contentType: string | undefined, dir: string,
  opts: UploadOptions): Promise<ReceivedUpload> {
  const boundary = multipartBoundary(contentType);
  if (boundary === null || boundary.length > MAX_BOUNDARY_CHARS) {
    throw new ApiError('unsupported-media-type', 'an upload is multipart/form-data with a boundary, the file in the field ' + JSON.stringify(opts.fileField));
  }
  if (body === null) throw bad('no body');
  const first = Buffer.from(`--${boundary}`, 'latin1');
  const delim = Buffer.from(`\r\n--${boundary}`, 'latin1');
  const maxBody = opts.maxFileBytes + MULTIPART_OVERHEAD_BYTES;

  type State = 'preamble' | 'after-delim' | 'headers' | 'body' | 'done';
  type FileState = { name: string; path: string; size: number; hash: ReturnType<typeof createHash>; fh: FileHandle | null };
  // Declared through `as`: they change inside the closures below, where TypeScript's narrowing cannot follow.
  let state = 'preamble' as State;
  let buf: Buffer = Buffer.alloc(0);
  let total = 0;
  let parts = 0;
  const fields: Record<string, string> = {};
  let file = null as FileState | null;
  // The part being read: a field's collected bytes, or the file.
  let current: { kind: 'field'; name: string; chunks: Buffer[]; size: number } | { kind: 'file' } | null = null;

  const write = async (data: Buffer) => {
    if (data.length === 0 || current === null) return;
    if (current.kind === 'field') {
      current.size += data.length;
      if (current.size > MAX_FIELD_BYTES) throw bad(`field ${current.name} is longer than ${MAX_FIELD_BYTES} bytes`);
      current.chunks.push(data);
      return;
    }
    file!.size += data.length;
    if (file!.size > opts.maxFileBytes) throw new ApiError('too-large', `the file is larger than the upload limit (${opts.maxFileBytes} bytes)`);
    file!.hash.update(data);
    let off = 0;
    while (off < data.length) off += (await file!.fh!.write(data, off, data.length - off)).bytesWritten;
  };

  const endPart = async () => {
    if (current?.kind === 'field') fields[current.name] = Buffer.concat(current.chunks).toString('utf8');
    else if (current?.kind === 'file') {
      await file!.fh!.close();
      file!.fh = null;
    }
    current = null;
  };

  const startPart = async (headerBlock: string) => {
    if (++parts > MAX_PARTS) throw bad(`more than ${MAX_PARTS} parts`);
    let disposition: string | null = null;
    for (const line of headerBlock.split('\r\n')) {
      const i = line.indexOf(':');
      if (i <= 0) throw bad('a part header without a name');
      if (line.slice(0, i).trim().toLowerCase() === 'content-disposition') disposition = line.slice(i + 1).trim();
    }
    if (disposition === null) throw bad('a part without Content-Disposition');
    const { name, filename } = parseDisposition(disposition);
    if (name === null) throw bad('a part without a name');
    if (name === opts.fileField) {
      if (file !== null) throw bad(`more than one ${opts.fileField} part`);
      if (filename === null) throw bad(`the ${opts.fileField} part has no file name`);
      const safe = safeFileName(filename);
      const path = join(dir, safe);
      file = { name: safe, path, size: 0, hash: createHash('sha256'), fh: await open(path, 'wx', 0o600) };
      current = { kind: 'file' };
    } else if (opts.fields.includes(name)) {
      if (name in fields) throw bad(`field ${name} is given more than once`);
      if (filename !== null) throw bad(`field ${name} is text, not a file`);
      current = { kind: 'field', name, chunks: [], size: 0 };
    } else {
      throw bad(`unknown field ${JSON.stringify(name.slice(0, 40))}; the upload takes ${[opts.fileField, ...opts.fields].join(', ')}`);
    }
  };

  /** Moves through as much of `buf` as can be decided now. */
  const step = async (): Promise<boolean> => {
    switch (state) {
      case 'preamble': {
        const at = buf.indexOf(first);
        if (at < 0 || (at > 0 && buf.indexOf(delim) !== at - 2)) {
          if (buf.length > MAX_PREAMBLE_BYTES) throw bad('no boundary where the body starts');
          return false;
        }
        buf = buf.subarray(at + first.length);
        state = 'after-delim';
        return true;
      }
      case 'after-delim': {
        if (buf.length < 2) return false;
        if (buf[0] === 0x2d && buf[1] === 0x2d) { state = 'done'; return false; }
        // Transport padding (spaces, tabs) may follow a boundary before its CRLF.
        const eol = buf.indexOf('\r\n');
        if (eol < 0) {
          if (buf.length > 256) throw bad('no line end after a boundary');
          return false;
        }
        if (!/^[ \t]*$/.test(buf.subarray(0, eol).toString('latin1'))) throw bad('text after a boundary');
        buf = buf.subarray(eol + 2);
        state = 'headers';
        return true;
      }
      case 'headers': {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) {
          if (buf.length > MAX_HEADER_BYTES) throw bad(`part headers longer than ${MAX_HEADER_BYTES} bytes`);
          return false;
        }
        if (end > MAX_HEADER_BYTES) throw bad(`part headers longer than ${MAX_HEADER_BYTES} bytes`);
        await startPart(buf.subarray(0, end).toString('utf8'));
        buf = buf.subarray(end + 4);
        state = 'body';
        return true;
      }
      case 'body': {
        const at = buf.indexOf(delim);
        if (at >= 0) {
          await write(buf.subarray(0, at));
          await endPart();
          buf = buf.subarray(at + delim.length);
          state = 'after-delim';
          return true;
        }
        // Keep what could be the start of a boundary split across chunks.
        const keep = Math.min(buf.length, delim.length - 1);
        await write(buf.subarray(0, buf.length - keep));
        buf = Buffer.from(buf.subarray(buf.length - keep));
        return false;
      }
      case 'done':
        return false;
    }
  };

  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBody) throw new ApiError('too-large', `the upload is larger than the limit (${opts.maxFileBytes} bytes for the file)`);
      buf = buf.length === 0 ? Buffer.from(value.buffer, value.byteOffset, value.length) : Buffer.concat([buf, value]);
      while (await step());
      if (state === 'done') break;
    }
    if (state !== 'done') throw bad('the body ends before its closing boundary');
    if (file === null) throw bad(`no ${opts.fileField} part`);
    return { file: { name: file.name, path: file.path, size: file.size, sha256: file.hash.digest('hex') }, fields };
  } catch (e) {
    if (file !== null) {
      await file.fh?.close().catch(() => {});
      await rm(file.path, { force: true });
    }
    throw e;
  } finally {
    // Stop reading (a body abandoned half way is the client's to finish sending or drop).
    reader.cancel().catch(() => {});
  }
}
