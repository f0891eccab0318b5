/**
 * src/evidence: readers that turn logs (and, from pcap/, captures) into
 * Observations. The public API of this layer; nothing else is imported from outside.
 */
export type { ObservationSink, LineReader } from './line-reader.js';
export { LOG_FORMATS, detectLogFormat, createLineReader } from './detect.js';
export type { ZeekTsvState } from './zeek/zeek-tsv-reader.js';

// ---- pcap/ (packet capture reader): its exports are added here by the pcap helper ----
// ---- end pcap/ ----
