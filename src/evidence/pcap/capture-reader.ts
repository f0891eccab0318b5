/**
 * The whole capture reader in one thread: framer + decoder. push() chunks of
 * any size, end() at EOF; observations and diagnostics go to the sink.
 */
import { CaptureFramer } from './capture-framer.js';
import type { CaptureFormat } from './capture-format.js';
import { PacketDecoder, type ObservationSink, type PacketDecoderOptions } from './packet-decoder.js';

/** Options of a CaptureReader. */
export type CaptureReaderOptions = PacketDecoderOptions;

/** Counts of one capture read. */
export interface CaptureStats {
  packets: number;
  /** Bytes of capture file read. */
  bytes: number;
  /** Non-first IP fragments, skipped. */
  skippedFragments: number;
  /** Bad records skipped (packets or blocks). */
  skipped: number;
  flows: number;
}

/** Incremental: push() chunks of any size, end() at EOF. Emits observations and diagnostics to the sink. */
export class CaptureReader {
  private readonly framer: CaptureFramer;
  private readonly decoder: PacketDecoder;

  constructor(path: string, sink: ObservationSink, opts: CaptureReaderOptions = {}) {
    const decoder = new PacketDecoder(path, sink, opts);
    this.decoder = decoder;
    this.framer = new CaptureFramer(path, {
      packet: (p) => decoder.decode(p.number, p.ts, p.linktype, p.buf, p.offset, p.length),
      diagnostic: (d) => sink.diagnostic(d),
    });
  }

  /** The detected format, or null before the first bytes (or for an unknown file). */
  get format(): CaptureFormat | null {
    return this.framer.format;
  }

  /** Feeds the next chunk. */
  push(chunk: Buffer): void {
    this.framer.push(chunk);
  }

  /** Signals the end of the file: frames what is left, then reads what the decoder still holds. */
  end(): void {
    this.framer.end();
    this.decoder.endCapture();
  }

  /** Counts so far. */
  get stats(): CaptureStats {
    const f = this.framer.stats, d = this.decoder.stats;
    return { packets: f.packets, bytes: f.bytes, skippedFragments: d.skippedFragments, skipped: f.badRecords, flows: d.flows };
  }
}
