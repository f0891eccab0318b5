/**
 * Worker thread of a parallel capture read. Every worker reads and frames the whole file
 * itself (reading from the page cache and framing are cheap next to decoding, and no packet
 * crosses threads), and decodes only its shard of the flows (PacketDecoder's shard option),
 * so each flow's state lives in one worker. After each chunk it posts its observations with
 * the number of the last packet framed, so the main thread can merge the workers' streams in
 * packet order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Diagnostic } from '../../core/diagnostic.js';
import type { Observation } from '../../core/model.js';
import { CaptureFramer, PacketDecoder } from '../../evidence/pcap/index.js';
import { openCaptureChunks } from './capture-chunks.js';

/** Data given to a worker at start. */
export interface WorkerInit { path: string; gzip: boolean; displayPath: string; maxFlows: number; shard: number; shards: number }

/** What a worker posts. */
export type WorkerReply =
  /** Observations of packets up to `upTo` (every packet up to it is decoded), diagnostics, bytes of the file read. */
  | { type: 'chunk'; upTo: number; bytesRead: number; observations: Observation[]; diagnostics: Diagnostic[] }
  /** The end: what was read only then (tunnel bytes held to the end of the capture), and the counts. */
  | {
    type: 'done'; observations: Observation[]; diagnostics: Diagnostic[];
    format: string; packets: number; bytes: number; skipped: number; skippedFragments: number;
  }
  | { type: 'error'; message: string };

const init = workerData as WorkerInit;
let observations: Observation[] = [];
let diagnostics: Diagnostic[] = [];
const decoder = new PacketDecoder(init.displayPath, {
  observe: (o) => observations.push(o),
  diagnostic: (d) => diagnostics.push(d),
}, { maxFlows: init.maxFlows, shard: { index: init.shard, count: init.shards } });
// The framing is the same in every worker: only the first reports its diagnostics.
const framer = new CaptureFramer(init.displayPath, {
  packet: (p) => decoder.decode(p.number, p.ts, p.linktype, p.buf, p.offset, p.length),
  diagnostic: (d) => { if (init.shard === 0) diagnostics.push(d); },
});

async function run(): Promise<void> {
  const { file, input } = openCaptureChunks(init.path, init.gzip);
  try {
    for await (const chunk of input) {
      framer.push(chunk as Buffer);
      const reply: WorkerReply = { type: 'chunk', upTo: framer.stats.packets, bytesRead: file.bytesRead, observations, diagnostics };
      observations = [];
      diagnostics = [];
      parentPort!.postMessage(reply);
    }
  } finally {
    file.destroy();
    input.destroy();
  }
  framer.end();
  decoder.endCapture();
  const s = framer.stats;
  const reply: WorkerReply = {
    type: 'done', observations, diagnostics,
    format: framer.format ?? 'unknown', packets: s.packets, bytes: s.bytes, skipped: s.badRecords, skippedFragments: decoder.stats.skippedFragments,
  };
  parentPort!.postMessage(reply);
}

run().catch((e: unknown) => parentPort!.postMessage({ type: 'error', message: (e as Error).message } satisfies WorkerReply));
