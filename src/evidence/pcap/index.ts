/** Streaming pcap/pcapng reader and protocol decoders: Buffers in, observations out. */
export { CAPTURE_FORMATS, detectCaptureFormat, detectUnsupportedCapture, type CaptureFormat } from './capture-format.js';
export { CaptureFramer, MAX_CAPLEN, MAX_PCAPNG_BLOCK, type FramedPacket, type FramerSink, type FramerStats } from './capture-framer.js';
export { PacketDecoder, MAX_FLOWS, type ObservationSink, type PacketDecoderOptions, type DecoderStats } from './packet-decoder.js';
export { CaptureReader, type CaptureReaderOptions, type CaptureStats } from './capture-reader.js';
export { createPacketLayers, decodeLayers, formatAddress, LINKTYPES, type PacketLayers } from './packet-layers.js';
export { readDnsMessage, type DnsMessage } from './dns-message.js';
export { readClientHello } from './tls-client-hello.js';
export { parseHttpRequestHead } from './http-request.js';
