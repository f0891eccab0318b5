/** The indicator index: domain suffix, address/CIDR (IPv4 and IPv6), URL rules, hashes, file names, e-mail addresses. */
export { IndicatorIndex, type IndexEntry, type SharedIndex } from './indicator-index.js';
export { normalizeObserved } from './observed-values.js';
export { WarninglistIndex, MAX_WARNINGLISTS } from './warninglist-index.js';
export type { SharedStringTable } from './string-table.js';
export type { SharedAddressSet } from './address-index.js';
export type { SharedDigestSet } from './digest-index.js';
export type { IndexBuilder } from './indicator-index.js';
export {
  encodeIndexFile, indexFromFile, parseIndexHeader, readIndexPrefix, INDEX_FILE_PREFIX_BYTES,
  type EncodedIndex, type IndexFileHeader,
} from './index-file.js';
