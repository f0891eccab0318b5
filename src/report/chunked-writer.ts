/**
 * Writes a large text file from many small strings: gathers them into
 * chunks of about a mebibyte and waits for the disk when it falls behind,
 * so neither a million CSV lines nor a hundred-megabyte STIX bundle is ever
 * one string in memory.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';

/** Characters gathered before a write to the file. */
const CHUNK_CHARS = 1 << 20;

export class ChunkedWriter {
  private readonly out: WriteStream;
  private pending: string[] = [];
  private pendingChars = 0;
  private failure: Error | null = null;

  constructor(path: string) {
    this.out = createWriteStream(path);
    this.out.on('error', (e) => { this.failure = e; });
  }

  /** Adds text; true when enough is gathered that the caller should await flush(). */
  push(text: string): boolean {
    this.pending.push(text);
    this.pendingChars += text.length;
    return this.pendingChars >= CHUNK_CHARS;
  }

  async add(text: string): Promise<void> {
    if (this.push(text)) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    const chunk = this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    this.out.end();
    await finished(this.out);
  }
}
