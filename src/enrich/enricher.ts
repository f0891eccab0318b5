/**
 * One host's victim facts: country, AS number, organisation and sector
 * (docs/design.md, "Enrichment"). The asset directory speaks first; what it
 * leaves out comes from the offline geolocation and ASN data, and the sector
 * from the organisation's name.
 */
import { AssetDirectory, type Asset } from './assets.js';
import { openAsn, type AsnDb, type AsnOptions } from './asn.js';
import { parseAddress } from './address.js';
import { countryName } from './countries.js';
import { openGeo, type Geo } from './geo.js';
import { loadSectorRules, type SectorRules } from './sectors.js';

/** Hosts remembered per Enricher before the memo is emptied. */
const MAX_MEMO = 1_000_000;

/** What is known of a host. */
export interface Enrichment {
  /** ISO 3166-1 alpha-2 code, or null. */
  country: string | null;
  /** The country's English name, or null. */
  countryName: string | null;
  /** The AS the organisation below was read from (null when the organisation came from the asset directory, or there is none). */
  asn: number | null;
  /** The organisation, from the asset directory or the ASN data, or null. */
  organisation: string | null;
  /** The asset's sector, else the organisation name's (sector rules), else `unknown`. */
  sector: string;
  /** `assets` when the asset directory knew the host; `geoip` when only the geolocation or ASN data did; `none` otherwise. */
  source: 'assets' | 'geoip' | 'none';
}

export interface EnricherOptions {
  /** The asset directory's entries (parseAssetCsv). */
  assets?: Asset[];
  /** A user's .mmdb instead of the shipped DB-IP data. */
  geoipFile?: string;
  /** A user's sector rules, tried before the shipped ones. */
  sectorsFile?: string;
  /** Where the ASN data and its cache are (tests). */
  asn?: AsnOptions;
}

const NOTHING: Enrichment = Object.freeze({ country: null, countryName: null, asn: null, organisation: null, sector: 'unknown', source: 'none' });

export class Enricher {
  private readonly memo = new Map<string, Enrichment>();

  private constructor(
    private readonly directory: AssetDirectory,
    readonly geo: Geo,
    readonly asn: AsnDb,
    readonly sectors: SectorRules,
  ) {}

  /** Opens the databases and reads the sector rules. Rejects with `path: reason` when one cannot be read. */
  static async open(opts: EnricherOptions = {}): Promise<Enricher> {
    const sectors = loadSectorRules(opts.sectorsFile);
    const directory = new AssetDirectory(opts.assets ?? []);
    const [geo, asn] = await Promise.all([openGeo({ geoipFile: opts.geoipFile }), openAsn(opts.asn)]);
    return new Enricher(directory, geo, asn, sectors);
  }

  /** The attributions the data's licences require wherever results are shown. */
  get credits(): string[] {
    return [this.geo.credits, this.asn.credits].filter((c): c is string => c !== null);
  }

  /** What is known of a host (an address or a host name); the same object for the same host. */
  enrich(host: string): Enrichment {
    let e = this.memo.get(host);
    if (e === undefined) {
      e = this.compute(host);
      if (this.memo.size >= MAX_MEMO) this.memo.clear();
      this.memo.set(host, e);
    }
    return e;
  }

  private compute(host: string): Enrichment {
    const asset = this.directory.lookup(host);
    const isAddress = parseAddress(host) !== null;
    if (asset === null && !isAddress) return NOTHING;
    const needGeo = asset === null || asset.country === null;
    const geo = isAddress && needGeo ? this.geo.country(host) : null;
    const needAsn = asset === null || asset.organisation === null;
    const as = isAddress && needAsn ? this.asn.lookup(host) : null;
    const country = asset?.country ?? geo?.code ?? null;
    const organisation = asset?.organisation ?? as?.organisation ?? null;
    const sector = asset?.sector ?? (organisation === null ? 'unknown' : this.sectors.sectorOf(organisation));
    const source = asset !== null ? 'assets' : geo !== null || as !== null ? 'geoip' : 'none';
    if (source === 'none') return NOTHING;
    return Object.freeze({
      country,
      countryName: country === null ? null : geo?.name ?? countryName(country),
      asn: asset !== null && asset.organisation !== null ? null : as?.asn ?? null,
      organisation,
      sector,
      source,
    });
  }
}
