/**
 * Offline enrichment of hosts: country (geolocation), AS number and
 * organisation, sector, and the organisation's own asset directory
 * (docs/design.md, "Enrichment").
 */
export { Enricher, type Enrichment, type EnricherOptions } from './enricher.js';
export { openGeo, GEO_CREDITS, MAX_MMDB_BYTES, type Geo, type GeoOptions, type GeoDatabase, type Country } from './geo.js';
export { openAsn, defaultCacheDir, ASN_CREDITS, type AsnDb, type AsnRecord, type AsnOptions, type AsnTableInfo } from './asn.js';
export {
  loadSectorRules, sectorOf, parseSectorRules, defaultSectorsFile, SectorRules, SECTORS,
  type Sector, type SectorRule,
} from './sectors.js';
export { parseAssetCsv, readAssetAddress, AssetDirectory, MAX_ASSET_FIELD_CHARS, type Asset } from './assets.js';
export { countryName, isCountryCode } from './countries.js';
export { addressText, isPublicAddress, parseAddress, type ParsedAddress } from './address.js';
