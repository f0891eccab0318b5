/** The binary EVTX reader: file bytes in, WinEvents (or whole-record XML) out. */
export { EvtxReader, detectEvtx, renderEvtxXml, EVTX_HEADER_SIZE, EVTX_CHUNK_SIZE, type EvtxStats, type EvtxXmlRecord } from './evtx-reader.js';
export { MAX_ELEMENT_DEPTH, MAX_TEMPLATE_DEPTH, MAX_RECORD_NODES, MAX_SUBSTITUTIONS, MAX_ARRAY_ITEMS } from './binxml.js';
