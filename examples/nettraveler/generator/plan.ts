/**
 * What the example case is meant to show: every figure the generator aims at,
 * in one place. The figures follow Kaspersky Lab's "The NetTraveler (aka
 * 'Travnet')" (June 2013) where it published them (350+ victims, 40
 * countries, the top ten countries in order, 32% diplomatic, 19% government,
 * 11% private, 9% military, builds since 2005 mostly from the last three
 * years, six victims shared with Red October); the rest (the per-country
 * counts, the long tail, the smaller sectors, the organisation, the builds'
 * variants) is made up to look like such a case. README.md says which is which.
 */

/** The seed of the whole case: change it and every drawn value changes. */
export const SEED = 0x4e54_2013;

/** The sinkhole's log covers these UTC days (the takeover is fictional; the report came out on 2013-06-04). */
export const SINKHOLE_FROM = Date.UTC(2013, 0, 7);
export const SINKHOLE_TO = Date.UTC(2013, 5, 1);
/** The C2 domain the fictional researcher took over (one of the published ones); the combined log does not name it. */
export const SINKHOLED_DOMAIN = 'southstock.net';

/** One victim country: code, English name, capital (for organisation names), sinkhole victims, UTC offset in 2013 (hours, no DST). */
export interface CountryPlan { code: string; name: string; capital: string; victims: number; utc: number }

/**
 * Sinkhole victims (distinct client addresses) per country: 350 in 40
 * countries. The first ten are the report's top ten, in its order; Germany's
 * 6 become 10 with the organisation's own four infected hosts (ORGANISATION).
 */
export const COUNTRIES: readonly CountryPlan[] = [
  { code: 'MN', name: 'Mongolia', capital: 'Ulaanbaatar', victims: 50, utc: 8 },
  { code: 'RU', name: 'Russia', capital: 'Moscow', victims: 42, utc: 4 },
  { code: 'IN', name: 'India', capital: 'New Delhi', victims: 35, utc: 5.5 },
  { code: 'KZ', name: 'Kazakhstan', capital: 'Astana', victims: 29, utc: 6 },
  { code: 'KG', name: 'Kyrgyzstan', capital: 'Bishkek', victims: 23, utc: 6 },
  { code: 'CN', name: 'China', capital: 'Beijing', victims: 19, utc: 8 },
  { code: 'TJ', name: 'Tajikistan', capital: 'Dushanbe', victims: 16, utc: 5 },
  { code: 'KR', name: 'South Korea', capital: 'Seoul', victims: 13, utc: 9 },
  { code: 'ES', name: 'Spain', capital: 'Madrid', victims: 11, utc: 1 },
  { code: 'DE', name: 'Germany', capital: 'Berlin', victims: 6, utc: 1 },
  { code: 'US', name: 'United States', capital: 'Washington', victims: 9, utc: -5 },
  { code: 'GB', name: 'United Kingdom', capital: 'London', victims: 8, utc: 0 },
  { code: 'UZ', name: 'Uzbekistan', capital: 'Tashkent', victims: 7, utc: 5 },
  { code: 'CA', name: 'Canada', capital: 'Ottawa', victims: 7, utc: -5 },
  { code: 'JP', name: 'Japan', capital: 'Tokyo', victims: 6, utc: 9 },
  { code: 'AT', name: 'Austria', capital: 'Vienna', victims: 6, utc: 1 },
  { code: 'TR', name: 'Turkey', capital: 'Ankara', victims: 5, utc: 2 },
  { code: 'IR', name: 'Iran', capital: 'Tehran', victims: 5, utc: 3.5 },
  { code: 'PK', name: 'Pakistan', capital: 'Islamabad', victims: 5, utc: 5 },
  { code: 'AU', name: 'Australia', capital: 'Canberra', victims: 4, utc: 10 },
  { code: 'BE', name: 'Belgium', capital: 'Brussels', victims: 4, utc: 1 },
  { code: 'UA', name: 'Ukraine', capital: 'Kyiv', victims: 4, utc: 2 },
  { code: 'BY', name: 'Belarus', capital: 'Minsk', victims: 3, utc: 3 },
  { code: 'AZ', name: 'Azerbaijan', capital: 'Baku', victims: 3, utc: 4 },
  { code: 'TM', name: 'Turkmenistan', capital: 'Ashgabat', victims: 3, utc: 5 },
  { code: 'AF', name: 'Afghanistan', capital: 'Kabul', victims: 3, utc: 4.5 },
  { code: 'CH', name: 'Switzerland', capital: 'Bern', victims: 3, utc: 1 },
  { code: 'TH', name: 'Thailand', capital: 'Bangkok', victims: 3, utc: 7 },
  { code: 'FR', name: 'France', capital: 'Paris', victims: 2, utc: 1 },
  { code: 'NL', name: 'Netherlands', capital: 'The Hague', victims: 2, utc: 1 },
  { code: 'PL', name: 'Poland', capital: 'Warsaw', victims: 2, utc: 1 },
  { code: 'MY', name: 'Malaysia', capital: 'Kuala Lumpur', victims: 2, utc: 8 },
  { code: 'VN', name: 'Vietnam', capital: 'Hanoi', victims: 2, utc: 7 },
  { code: 'BD', name: 'Bangladesh', capital: 'Dhaka', victims: 2, utc: 6 },
  { code: 'NP', name: 'Nepal', capital: 'Kathmandu', victims: 1, utc: 5.75 },
  { code: 'LT', name: 'Lithuania', capital: 'Vilnius', victims: 1, utc: 2 },
  { code: 'GR', name: 'Greece', capital: 'Athens', victims: 1, utc: 2 },
  { code: 'CZ', name: 'Czech Republic', capital: 'Prague', victims: 1, utc: 1 },
  { code: 'SE', name: 'Sweden', capital: 'Stockholm', victims: 1, utc: 1 },
  { code: 'SG', name: 'Singapore', capital: 'Singapore', victims: 1, utc: 8 },
];

/** The asset directory's sector names (lower case, as `assets import` takes them). */
export const SECTOR_NAMES = [
  'government', 'diplomatic', 'military', 'education', 'research', 'energy', 'telecom', 'finance', 'health', 'media', 'ngo', 'it', 'industry',
] as const;
export type Sector = (typeof SECTOR_NAMES)[number];

/**
 * Victims per sector over all of NetTraveler's victims in the case (the 350
 * sinkhole clients and the organisation's 4 hosts: 354). The first four give
 * the report's shares rounded to two places: 113/354 = 0.32, 67/354 = 0.19,
 * 39/354 = 0.11 (the report's "private": `industry` here), 32/354 = 0.09.
 */
export const SECTORS: Readonly<Record<Sector, number>> = {
  diplomatic: 113, government: 67, industry: 39, military: 32,
  education: 25, research: 22, energy: 18, telecom: 10, ngo: 10, media: 6, health: 5, finance: 4, it: 3,
};

/** Behind NAT: this many sinkhole addresses each carry HOSTS_PER_NAT implants (host ids). */
export const NAT_ADDRESSES = 5;
export const HOSTS_PER_NAT = 3;
/** On DHCP: this many implants each beacon from two addresses of their provider. */
export const DHCP_HOSTS = 4;

/**
 * The six victims shared with Red October, as the press described them in
 * June 2013: a military contractor in Russia, embassies in Iran, Belgium,
 * Kazakhstan and Belarus, a government body in Tajikistan. Each is one
 * sinkhole address with one implant, also seen contacting Red October's C2.
 */
export const SHARED_WITH_RED_OCTOBER: ReadonlyArray<{ country: string; sector: Sector; organisation: string }> = [
  { country: 'RU', sector: 'military', organisation: 'Aerospace Systems Contractor Moscow (example)' },
  { country: 'IR', sector: 'diplomatic', organisation: 'Embassy of Syldavia in Tehran (example)' },
  { country: 'BE', sector: 'diplomatic', organisation: 'Embassy of Borduria in Brussels (example)' },
  { country: 'KZ', sector: 'diplomatic', organisation: 'Embassy of Ruritania in Astana (example)' },
  { country: 'BY', sector: 'diplomatic', organisation: 'Embassy of Genovia in Minsk (example)' },
  { country: 'TJ', sector: 'government', organisation: 'State Committee for Investments Dushanbe (example)' },
];

/** Red October's other victims in the partner's log (not NetTraveler's): their countries and sectors. */
export const RED_OCTOBER_ONLY: ReadonlyArray<{ country: string; sector: Sector; organisation: string }> = [
  { country: 'RU', sector: 'research', organisation: 'Institute of Nuclear Physics Moscow (example)' },
  { country: 'CH', sector: 'diplomatic', organisation: 'Permanent Mission of Elbonia in Bern (example)' },
  { country: 'AZ', sector: 'energy', organisation: 'Caspian Oil Terminal Baku (example)' },
  { country: 'US', sector: 'diplomatic', organisation: 'Embassy of Latveria in Washington (example)' },
];

/** Red October C2 names the partner's sensor saw (all in case/intel/red-october.stix.json). */
export const RED_OCTOBER_C2 = ['dll-host-update.com', 'msonlineupdate.com', 'nt-windows-online.com', 'svchost-update.com'] as const;

/** One infected host of the organisation: its address, the name and id its implant reports, its C2 and the address that name resolved to. */
export interface OrgHost { address: string; hostname: string; hostId: string; c2: string; c2Address: string }

/**
 * The organisation whose own logs are in the case: four infected hosts, each
 * beaconing to another published C2 name. The C2 names and addresses are
 * from the published lists; which name resolved to which address is made up.
 */
export const ORGANISATION = {
  name: 'Institute of Applied Space Research (example)',
  sector: 'research' as Sector,
  country: 'DE',
  resolver: '10.20.0.53',
  /** The Monday of the logged week (UTC). */
  weekOf: Date.UTC(2013, 4, 13),
  /** Local time in Berlin in May (CEST). */
  utc: 2,
  hosts: [
    { address: '10.20.1.15', hostname: 'IASR-WS015', hostId: '3F7A21C4', c2: 'www.faceboak.net', c2Address: '96.44.179.26' },
    { address: '10.20.1.37', hostname: 'IASR-WS037', hostId: 'B0925E17', c2: 'viprainru.com', c2Address: '109.169.86.178' },
    { address: '10.20.4.8', hostname: 'IASR-LAB08', hostId: '5C1D0E93', c2: 'ramb1er.com', c2Address: '61.178.77.111' },
    { address: '10.20.7.102', hostname: 'IASR-NB102', hostId: 'E64B8A02', c2: 'pitgay.minidns.net', c2Address: '142.4.96.6' },
  ] as readonly OrgHost[],
} as const;

/** Clients of the sinkhole that are not victims: search engine crawlers and research scanners (user agents as they send them). */
export const CRAWLERS: ReadonlyArray<{ address: string; userAgent: string }> = [
  { address: '66.249.73.137', userAgent: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' },
  { address: '66.249.76.54', userAgent: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' },
  { address: '157.55.39.104', userAgent: 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)' },
];
export const SCANNERS: ReadonlyArray<{ address: string; userAgent: string }> = [
  { address: '162.142.125.21', userAgent: 'Mozilla/5.0 (compatible; CensysInspect/1.1; +https://about.censys.io/)' },
  { address: '167.94.138.44', userAgent: 'Mozilla/5.0 (compatible; CensysInspect/1.1; +https://about.censys.io/)' },
  { address: '192.35.168.97', userAgent: 'Mozilla/5.0 zgrab/0.x' },
];

/** The builds' authors worked at UTC+8, Monday to Friday, 09:00–18:00 local, with a lunch dip. */
export const BUILD_UTC_OFFSET = 8;
/** Weight of each local working hour 09..17 (the lunch dip at 12 and 13). */
export const WORK_HOUR_WEIGHTS: Readonly<Record<number, number>> = { 9: 1, 10: 1, 11: 1, 12: 0.3, 13: 0.6, 14: 1, 15: 1, 16: 1, 17: 0.9 };
/** Usable builds per year (98): most in the last three years. */
export const BUILDS_PER_YEAR: Readonly<Record<number, number>> = {
  2005: 3, 2006: 3, 2007: 4, 2008: 5, 2009: 7, 2010: 14, 2011: 18, 2012: 24, 2013: 20,
};
/** Of them, this many were compiled at any hour of any day (the rest in office hours). */
export const BUILDS_AT_RANDOM_HOURS = 15;
/**
 * The first and last usable builds, pinned (local time UTC+8). 2010's builds
 * fall before 10 May or after 31 May, so the three years before the latest
 * build (from 2010-05-21) hold the same builds whichever way a year is counted.
 */
export const FIRST_BUILD_LOCAL = Date.UTC(2005, 3, 12, 10, 22, 41);
export const LAST_BUILD_LOCAL = Date.UTC(2013, 4, 21, 10, 47, 5);
export const BUILDS_2010_SPLIT = { before: 5, beforeEnd: Date.UTC(2010, 4, 10), afterStart: Date.UTC(2010, 5, 1) } as const;
/** Two builds whose stamps cannot be build times: a zeroed stamp and Delphi's constant (1992-06-19T22:22:17Z). */
export const ANOMALOUS_BUILDS = { zero: 0, delphi: 0x2a425e19 } as const;
/** Resource language of every build: Chinese (Simplified). */
export const BUILD_LANG = 2052;
