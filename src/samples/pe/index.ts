/** Public API of the PE parser. */
export { parsePe, MAX_SECTIONS } from './parse-pe.js';
export type { ParsePeOptions } from './parse-pe.js';
export {
  boundPeFacts, computeFactsCap, MAX_FACTS_BYTES_FLOOR, MAX_FACTS_BYTES_CEILING, MAX_ERRORS, type BoundedFacts,
} from './bound-facts.js';
export type {
  PeFacts, PeSection, PeImport, PeImportFunction, PeExport, PeResource, PeVersionInfo, PeRich, PeRichEntry,
  PeCodeView, PeTimestamp, PeListName,
} from './types.js';
