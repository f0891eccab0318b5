/**
 * src/evidence: readers that turn logs (and, from pcap/, captures) into
 * Observations. The public API of this layer; nothing else is imported from outside.
 */
export type { ObservationSink, LineReader, LineReaderOptions } from './line-reader.js';
export { LOG_FORMATS, MULTI_LINE_FORMATS, TEXT_FORMAT, detectLogFormat, createLineReader } from './detect.js';
export { hasBinaryMagic } from './text/binary-head.js';
export type { ZeekTsvState } from './zeek/zeek-tsv-reader.js';
// Windows event logs: one event shape (WinEvent) from every reader, one mapping to observations.
export type { WinEvent } from './winevent/event.js';
export { observeWinEvent, newWinEventStats, type WinEventStats } from './winevent/observe.js';
export { EVTX_FORMAT, type EvtxReaderFactory, type EvtxStreamReader, type EvtxReadStats } from './winevent/binary-events.js';
export { EVTX_READER } from './evtx-reader.js';
// Web access logs read as records (a sinkhole hunt counts every request).
export { WebAccessRecordReader, parseAccessRecord, accessRecordUrl, type AccessRecord } from './web-access/web-access-reader.js';

// Packet captures (pcap/): the same observations, with packet numbers.
export {
  CAPTURE_FORMATS, detectCaptureFormat, detectUnsupportedCapture, CaptureReader, CaptureFramer, PacketDecoder, MAX_CAPLEN, MAX_PCAPNG_BLOCK, MAX_FLOWS,
  type CaptureFormat, type CaptureReaderOptions, type CaptureStats, type FramedPacket, type FramerSink, type FramerStats,
  type PacketDecoderOptions, type DecoderStats,
} from './pcap/index.js';

// Windows event logs (evtx/): the binary EVTX reader, Buffers in, WinEvents out.
export {
  EvtxReader, detectEvtx, renderEvtxXml, EVTX_HEADER_SIZE, EVTX_CHUNK_SIZE, MAX_ELEMENT_DEPTH, MAX_TEMPLATE_DEPTH, MAX_RECORD_NODES,
  MAX_SUBSTITUTIONS, MAX_ARRAY_ITEMS, type EvtxStats, type EvtxXmlRecord,
} from './evtx/index.js';
