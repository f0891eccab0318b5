/** Public API of the PE parser. */
export { parsePe, MAX_SECTIONS } from './parse-pe.js';
export type { ParsePeOptions } from './parse-pe.js';
export type {
  PeFacts, PeSection, PeImport, PeImportFunction, PeExport, PeResource, PeVersionInfo, PeRich, PeRichEntry,
  PeCodeView, PeTimestamp, PeListName,
} from './types.js';
