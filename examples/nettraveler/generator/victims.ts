/**
 * The sinkhole's victims: an address per victim in its planned country, a
 * sector and a fictional organisation, and the implants (host ids) behind
 * each address — one, several behind NAT, or one implant seen from two
 * addresses of its provider (DHCP).
 */
import type { AddressPicker } from './geo.js';
import {
  COUNTRIES, DHCP_HOSTS, HOSTS_PER_NAT, NAT_ADDRESSES, ORGANISATION, SECTORS, SHARED_WITH_RED_OCTOBER, type Sector,
} from './plan.js';
import type { Rng } from './prng.js';

/** One victim address of the sinkhole. */
export interface VictimAddress {
  address: string;
  country: string;
  sector: Sector;
  organisation: string;
  /** Also a victim of Red October (one of the six). */
  sharedWithRedOctober: boolean;
  /** How the address is shared: one implant, several behind NAT, or one implant's DHCP lease. */
  kind: 'single' | 'nat' | 'dhcp';
}

/** One implant: the host id and host name its beacons carry, and the addresses it beaconed from (two on DHCP: the first, then the second). */
export interface Implant {
  hostId: string;
  hostname: string;
  /** The address inside the victim's network (the upload beacon's `hostip`). */
  internalIp: string;
  userAgent: string;
  addresses: string[];
  /** The victim's UTC offset (hours), for when its machines are on. */
  utc: number;
}

export interface SinkholeVictims { addresses: VictimAddress[]; implants: Implant[] }

/** Names no real state bears, so no organisation below can be mistaken for a real one. */
const STATES = ['Syldavia', 'Borduria', 'Ruritania', 'Genovia', 'Latveria', 'Elbonia', 'Freedonia', 'Molvania', 'Grand Fenwick', 'Zubrowka', 'Osterlich', 'Carpania'];

const ORGANISATIONS: Readonly<Record<Sector, ReadonlyArray<(city: string, r: Rng) => string>>> = {
  diplomatic: [
    (c, r) => `Embassy of ${r.pick(STATES)} in ${c}`, (c, r) => `Embassy of ${r.pick(STATES)} in ${c}`,
    (c, r) => `Embassy of ${r.pick(STATES)} in ${c}`, (c) => `Ministry of Foreign Affairs ${c}`,
  ],
  government: [
    (c) => `Ministry of Finance ${c}`, (c) => `State Statistics Agency ${c}`, (c) => `Customs Service ${c}`,
    (c) => `Presidential Administration ${c}`, (c) => `Ministry of Energy ${c}`, (c) => `Parliament Secretariat ${c}`,
  ],
  military: [
    (c) => `Defence Procurement Agency ${c}`, (c) => `Military Academy ${c}`, (c) => `Armoured Vehicles Contractor ${c}`,
    (c) => `Naval Systems Contractor ${c}`,
  ],
  education: [(c) => `${c} State University`, (c) => `${c} Polytechnic Institute`, (c) => `${c} Institute of Oriental Studies`],
  research: [
    (c) => `Institute of Nanotechnology ${c}`, (c) => `Space Research Centre ${c}`, (c) => `Laser Physics Laboratory ${c}`,
    (c) => `Nuclear Research Institute ${c}`,
  ],
  energy: [(c) => `${c} Oil and Gas Company`, (c) => `${c} Power Grid Operator`, (c) => `Nuclear Power Plant Operator ${c}`],
  telecom: [(c) => `${c} Telecom`, (c) => `${c} Satellite Communications`],
  finance: [(c) => `${c} Development Bank`, (c) => `${c} Commercial Bank`],
  health: [(c) => `${c} Medical Research Hospital`, (c) => `${c} Institute of Medicine`],
  media: [(c) => `${c} News Agency`, (c) => `${c} Broadcasting Corporation`],
  ngo: [(c) => `Tibetan Cultural Association ${c}`, (c) => `Uyghur Community Centre ${c}`, (c) => `Human Rights Forum ${c}`],
  it: [(c) => `${c} Software House`, (c) => `${c} Data Centre Services`],
  industry: [
    (c) => `${c} Heavy Machinery Plant`, (c) => `${c} Mining Company`, (c) => `${c} Chemical Works`, (c) => `${c} Aircraft Parts Manufacturer`,
  ],
};

/** User agents the implants send (a build's hard-coded string). */
const IMPLANT_USER_AGENTS = [
  'Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; SV1)',
  'Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 5.1)',
  'Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0)',
];

function organisationName(sector: Sector, city: string, r: Rng): string {
  return `${r.pick(ORGANISATIONS[sector])(city, r)} (example)`;
}

/** A Windows host name (at most 15 characters, upper case) as a victim's IT might name it. */
function hostName(organisation: string, r: Rng): string {
  const style = r.int(3);
  if (style === 0) return `WIN-${r.hex(11)}`;
  if (style === 1) return `USER-${r.hex(8)}`;
  const initials = organisation.split(/\s+/).filter((w) => /^[A-Z]/.test(w)).map((w) => w[0]).join('').slice(0, 4);
  return `${initials || 'PC'}-${r.pick(['WS', 'PC', 'NB', 'SRV'])}${String(r.between(1, 250)).padStart(3, '0')}`;
}

function internalAddress(r: Rng): string {
  return r.next() < 0.6 ? `192.168.${r.between(0, 20)}.${r.between(2, 250)}` : `10.${r.between(0, 40)}.${r.between(0, 255)}.${r.between(2, 250)}`;
}

/** Builds the sinkhole's victims; `usedHostIds` holds ids taken elsewhere (the organisation's) and receives these. */
export function planSinkholeVictims(r: Rng, picker: AddressPicker, usedHostIds: Set<string>): SinkholeVictims {
  const country = new Map(COUNTRIES.map((c) => [c.code, c]));
  // One slot per planned address, in a shuffled order that decides who gets which role.
  const slots = r.shuffled(COUNTRIES.flatMap((c) => Array.from({ length: c.victims }, () => c.code)));
  const free = new Set(slots.keys());
  const take = (want: (code: string) => boolean): number => {
    for (const i of free) if (want(slots[i]!)) { free.delete(i); return i; }
    throw new Error('no slot left');
  };
  const remaining = (code: string) => [...free].filter((i) => slots[i] === code).length;

  // Sectors: the plan's counts less the organisation's own hosts, as a pool to deal from.
  const pool = new Map<Sector, number>(Object.entries(SECTORS) as Array<[Sector, number]>);
  pool.set(ORGANISATION.sector, pool.get(ORGANISATION.sector)! - ORGANISATION.hosts.length);
  const takeSector = (s: Sector, n = 1) => {
    const left = pool.get(s)! - n;
    if (left < 0) throw new Error(`sector ${s} overdrawn`);
    pool.set(s, left);
  };

  interface Role { slot: number; kind: VictimAddress['kind']; sector?: Sector; organisation?: string; shared?: boolean; pairOf?: number }
  const roles: Role[] = [];
  for (const s of SHARED_WITH_RED_OCTOBER) {
    roles.push({ slot: take((c) => c === s.country), kind: 'single', sector: s.sector, organisation: s.organisation, shared: true });
    takeSector(s.sector);
  }
  for (let i = 0; i < DHCP_HOSTS; i++) {
    const first = take((c) => remaining(c) >= 2);
    const second = take((c) => c === slots[first]);
    const sectors = [...pool].filter(([, n]) => n >= 2).map(([s]) => s);
    const sector = r.pick(sectors);
    takeSector(sector, 2);
    roles.push({ slot: first, kind: 'dhcp', sector }, { slot: second, kind: 'dhcp', sector, pairOf: first });
  }
  for (let i = 0; i < NAT_ADDRESSES; i++) roles.push({ slot: take(() => true), kind: 'nat' });
  for (const slot of [...free]) roles.push({ slot, kind: 'single' });
  free.clear();
  const deck = r.shuffled([...pool].flatMap(([s, n]) => Array.from({ length: n }, () => s)));
  for (const role of roles) role.sector ??= deck.pop();
  if (deck.length !== 0) throw new Error('sectors left over');

  const addresses: VictimAddress[] = [];
  const bySlot = new Map<number, VictimAddress>();
  const implants: Implant[] = [];
  const newHostId = () => {
    for (;;) {
      const id = r.hex(8);
      if (!usedHostIds.has(id)) { usedHostIds.add(id); return id; }
    }
  };
  for (const role of roles) {
    const code = slots[role.slot]!;
    const plan = country.get(code)!;
    const partner = role.pairOf === undefined ? undefined : bySlot.get(role.pairOf)!;
    const v: VictimAddress = {
      address: picker.pick(r, code, partner?.address),
      country: code,
      sector: role.sector!,
      organisation: partner?.organisation ?? role.organisation ?? organisationName(role.sector!, plan.capital, r),
      sharedWithRedOctober: role.shared === true,
      kind: role.kind,
    };
    addresses.push(v);
    bySlot.set(role.slot, v);
    if (partner !== undefined) {
      implants.find((i) => i.addresses[0] === partner.address)!.addresses.push(v.address);
      continue;
    }
    const count = role.kind === 'nat' ? HOSTS_PER_NAT : 1;
    const userAgent = r.pick(IMPLANT_USER_AGENTS);
    for (let k = 0; k < count; k++) {
      implants.push({
        hostId: newHostId(), hostname: hostName(v.organisation, r), internalIp: internalAddress(r),
        userAgent, addresses: [v.address], utc: plan.utc,
      });
    }
  }
  return { addresses, implants };
}
