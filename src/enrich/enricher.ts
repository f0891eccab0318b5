/**
 * One host's victim facts: country, AS number, organisation and sector
 * (docs/design.md, "Enrichment"). The asset directory speaks first; what it
 * leaves out comes from the offline geolocation and ASN data, and the sector
 * from the organisation's name.
 */
import { AssetDirectory, type Asset } from './assets.js';
import { openAsn, type AsnDb, type AsnOptions, type AsnRecord } from './asn.js';
import { parseAddress } from './address.js';
import { countryName } from './countries.js';
import { openGeo, type Country, type Geo } from './geo.js';
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
  /** Answers from the data alone, by AS record and then Country object (both shared by their databases). */
  private readonly shared = new Map<AsnRecord | null, Map<Country | null, Enrichment>>();

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

  /** What is known of a host, not remembered: for a pass that asks each host once (a campaign's victims). */
  enrichOnce(host: string): Enrichment {
    return this.memo.get(host) ?? this.compute(host);
  }

  private compute(host: string): Enrichment {
    // Parsed once; the directory, geolocation and ASN look-ups take the parsed address.
    const a = parseAddress(host);
    const asset = a !== null ? this.directory.lookupAddress(a) : this.directory.lookupHost(host);
    if (asset === null) {
      if (a === null) return NOTHING;
      return this.fromData(this.geo.countryOf(a), this.asn.lookupAddress(a));
    }
    const geo = a !== null && asset.country === null ? this.geo.countryOf(a) : null;
    const as = a !== null && asset.organisation === null ? this.asn.lookupAddress(a) : null;
    const country = asset.country ?? geo?.code ?? null;
    const organisation = asset.organisation ?? as?.organisation ?? null;
    return Object.freeze({
      country,
      countryName: country === null ? null : geo?.name ?? countryName(country),
      asn: asset.organisation !== null ? null : as?.asn ?? null,
      organisation,
      sector: asset.sector ?? (organisation === null ? 'unknown' : this.sectors.sectorOf(organisation)),
      source: 'assets',
    });
  }

  /**
   * An answer from the data alone: one shared object per (country, AS)
   * pair, since many addresses share one (and a million distinct hosts
   * should not cost a million objects).
   */
  private fromData(geo: Country | null, as: AsnRecord | null): Enrichment {
    if (geo === null && as === null) return NOTHING;
    let byCountry = this.shared.get(as);
    if (byCountry === undefined) { byCountry = new Map(); this.shared.set(as, byCountry); }
    let e = byCountry.get(geo);
    if (e === undefined) {
      e = Object.freeze({
        country: geo?.code ?? null,
        countryName: geo?.name ?? null,
        asn: as?.asn ?? null,
        organisation: as?.organisation ?? null,
        sector: as === null ? 'unknown' : this.sectors.sectorOf(as.organisation),
        source: 'geoip',
      });
      byCountry.set(geo, e);
    }
    return e;
  }
}
