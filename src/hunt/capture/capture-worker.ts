/**
 * Worker thread of a parallel capture read: decodes the packet batches of its
 * flow shard and posts back observations and diagnostics, one reply per round.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Diagnostic } from '../../core/diagnostic.js';
import type { Observation } from '../../core/model.js';
import { PacketDecoder } from '../../evidence/pcap/index.js';
import { readPacketBatch } from './packet-batch.js';

/** What the main thread sends. */
export type WorkerRequest = { type: 'batch'; round: number; data: ArrayBuffer } | { type: 'end' };
/** What a worker answers. */
export type WorkerReply =
  | { type: 'round'; round: number; observations: Observation[]; diagnostics: Diagnostic[] }
  /** At the end: counts, and what the decoder read only then (tunnel bytes held to the end of the capture). */
  | { type: 'done'; skippedFragments: number; flows: number; observations: Observation[]; diagnostics: Diagnostic[] };

/** Data given to a worker at start. */
export interface WorkerInit { path: string; maxFlows: number }

const init = workerData as WorkerInit;
let observations: Observation[] = [];
let diagnostics: Diagnostic[] = [];
const decoder = new PacketDecoder(init.path, {
  observe: (o) => observations.push(o),
  diagnostic: (d) => diagnostics.push(d),
}, { maxFlows: init.maxFlows });

parentPort!.on('message', (m: WorkerRequest) => {
  if (m.type === 'batch') {
    readPacketBatch(m.data, (n, ts, lt, buf, off, len) => decoder.decode(n, ts, lt, buf, off, len));
    const reply: WorkerReply = { type: 'round', round: m.round, observations, diagnostics };
    observations = [];
    diagnostics = [];
    parentPort!.postMessage(reply);
  } else {
    decoder.endCapture();
    const reply: WorkerReply = { type: 'done', skippedFragments: decoder.stats.skippedFragments, flows: decoder.stats.flows, observations, diagnostics };
    observations = [];
    diagnostics = [];
    parentPort!.postMessage(reply);
  }
});
