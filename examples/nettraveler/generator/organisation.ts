/**
 * The organisation's own evidence for one working week of May 2013: what its
 * Zeek and Suricata sensors on one span port logged (dns.log, http.log,
 * eve.json), and a short capture from the same port. Four hosts are
 * infected: each resolves its C2 name and asks it for commands every hour or
 * so while the machine is on; everyone else browses.
 */
import * as pb from '../../../src/evidence/pcap/testing/packet-builder.js';
import { writePcap } from '../../../src/evidence/pcap/testing/capture-writer.js';
import { eveTime, zeekLog, zeekTime } from './formats.js';
import { ORGANISATION, type OrgHost } from './plan.js';
import type { Rng } from './prng.js';
import { BEACON_PATH } from './sinkhole.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** What the benign hosts look up and fetch, and where those names resolved (documentation addresses). */
const BENIGN: ReadonlyArray<{ name: string; address: string; paths: string[] }> = [
  { name: 'www.wikipedia.org', address: '198.51.100.10', paths: ['/', '/wiki/Orbit_determination', '/wiki/Lagrange_point'] },
  { name: 'arxiv.org', address: '198.51.100.11', paths: ['/list/astro-ph.IM/new', '/abs/1305.1234', '/pdf/1305.2211'] },
  { name: 'www.esa.int', address: '198.51.100.12', paths: ['/', '/Our_Activities/Space_Science'] },
  { name: 'time.windows.com', address: '198.51.100.13', paths: ['/'] },
  { name: 'www.msftncsi.com', address: '198.51.100.14', paths: ['/ncsi.txt'] },
  { name: 'ctan.org', address: '198.51.100.15', paths: ['/pkg/revtex', '/'] },
  { name: 'www.nasa.gov', address: '198.51.100.16', paths: ['/', '/mission_pages/station/main/'] },
  { name: 'ftp.debian.org', address: '198.51.100.17', paths: ['/debian/dists/wheezy/Release'] },
  { name: 'news.example.com', address: '198.51.100.19', paths: ['/', '/world/', '/science/'] },
];
const BROWSER_UA = 'Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; WOW64; Trident/4.0)';
const IMPLANT_UA = 'Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1; SV1)';

/** One DNS lookup and the HTTP request that followed it (or a request alone, answered from the cache). */
interface Exchange {
  ts: number;
  client: string;
  name: string;
  answer: string;
  dns: boolean;
  uri: string;
  userAgent: string;
  /** A beacon of an infected host (the Suricata rule alerts on the first of each day). */
  beacon: boolean;
  alert: boolean;
  sport: number;
  dnsPort: number;
  txid: number;
  uid: { dns: string; http: string };
  flow: { dns: number; http: number };
}

export interface OrganisationEvidence {
  dnsLog: string;
  httpLog: string;
  eve: string;
  pcap: Buffer;
  /** Beacons (HTTP requests) of the infected hosts, and the time of their first and last record (a DNS query or a request). */
  beacons: number;
  firstBeacon: number;
  lastBeacon: number;
}

function zeekUid(r: Rng): string {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = 'C';
  for (let i = 0; i < 17; i++) s += abc[r.int(abc.length)];
  return s;
}

function exchange(r: Rng, ts: number, client: string, name: string, answer: string, uri: string, userAgent: string, beacon: boolean, dns = true): Exchange {
  return {
    ts, client, name, answer, dns, uri, userAgent, beacon, alert: false,
    sport: r.between(49152, 65000), dnsPort: r.between(49152, 65000), txid: r.int(65536),
    uid: { dns: zeekUid(r), http: zeekUid(r) }, flow: { dns: r.int(2 ** 40), http: r.int(2 ** 40) },
  };
}

function beaconsOf(r: Rng, host: OrgHost): Exchange[] {
  const out: Exchange[] = [];
  const q = (action: string) => `${BEACON_PATH}?action=${action}&hostid=${host.hostId}&hostname=${host.hostname}`;
  for (let d = 0; d < 5; d++) {
    const day = ORGANISATION.weekOf + d * DAY;
    // The machine is on from about 08:00 to 18:00 local.
    let t = day + (8 - ORGANISATION.utc) * HOUR + r.int(HOUR);
    const off = day + (17 - ORGANISATION.utc) * HOUR + r.int(HOUR);
    let first = true;
    while (t < off) {
      const e = exchange(r, t, host.address, host.c2, host.c2Address, q('getcmd'), IMPLANT_UA, true);
      e.alert = first;
      first = false;
      out.push(e);
      if (r.next() < 0.2) out.push(exchange(r, t + r.between(3, 9) * 1000, host.address, host.c2, host.c2Address, q('gotcmd'), IMPLANT_UA, true, false));
      t += r.between(45, 120) * 60_000 + r.int(60_000);
    }
  }
  return out;
}

function browsingOf(r: Rng): Exchange[] {
  const out: Exchange[] = [];
  for (let h = 0; h < 10; h++) {
    const client = `10.20.${r.between(1, 7)}.${r.between(20, 200)}`;
    if (ORGANISATION.hosts.some((x) => x.address === client)) continue;
    for (let d = 0; d < 5; d++) {
      const n = r.between(4, 10);
      for (let k = 0; k < n; k++) {
        const ts = ORGANISATION.weekOf + d * DAY + (8 - ORGANISATION.utc) * HOUR + r.int(10 * HOUR);
        const site = r.pick(BENIGN);
        out.push(exchange(r, ts, client, site.name, site.address, r.pick(site.paths), BROWSER_UA, false));
      }
    }
  }
  return out;
}

const DNS_FIELDS: ReadonlyArray<[string, string]> = [
  ['ts', 'time'], ['uid', 'string'], ['id.orig_h', 'addr'], ['id.orig_p', 'port'], ['id.resp_h', 'addr'], ['id.resp_p', 'port'],
  ['proto', 'enum'], ['trans_id', 'count'], ['rtt', 'interval'], ['query', 'string'], ['qclass', 'count'], ['qclass_name', 'string'],
  ['qtype', 'count'], ['qtype_name', 'string'], ['rcode', 'count'], ['rcode_name', 'string'], ['AA', 'bool'], ['TC', 'bool'],
  ['RD', 'bool'], ['RA', 'bool'], ['Z', 'count'], ['answers', 'vector[string]'], ['TTLs', 'vector[interval]'], ['rejected', 'bool'],
];
const HTTP_FIELDS: ReadonlyArray<[string, string]> = [
  ['ts', 'time'], ['uid', 'string'], ['id.orig_h', 'addr'], ['id.orig_p', 'port'], ['id.resp_h', 'addr'], ['id.resp_p', 'port'],
  ['trans_depth', 'count'], ['method', 'string'], ['host', 'string'], ['uri', 'string'], ['referrer', 'string'], ['version', 'string'],
  ['user_agent', 'string'], ['request_body_len', 'count'], ['response_body_len', 'count'], ['status_code', 'count'],
  ['status_msg', 'string'], ['info_code', 'count'], ['info_msg', 'string'], ['tags', 'set[enum]'], ['username', 'string'],
  ['password', 'string'], ['proxied', 'set[string]'], ['orig_fuids', 'vector[string]'], ['orig_mime_types', 'vector[string]'],
  ['resp_fuids', 'vector[string]'], ['resp_mime_types', 'vector[string]'],
];

/** Milliseconds the resolver took, and the gap between the answer and the request. */
const RTT_MS = 31;
const REQUEST_AFTER_MS = 180;

function zeekLogs(all: Exchange[], open: number, close: number): { dnsLog: string; httpLog: string } {
  const dns = all.filter((e) => e.dns).map((e) => [
    zeekTime(e.ts), e.uid.dns, e.client, String(e.dnsPort), ORGANISATION.resolver, '53', 'udp', String(e.txid), (RTT_MS / 1000).toFixed(6),
    e.name, '1', 'C_INTERNET', '1', 'A', '0', 'NOERROR', 'F', 'F', 'T', 'T', '0', e.answer, e.beacon ? '300.000000' : '3600.000000', 'F',
  ]);
  const http = all.map((e) => [
    zeekTime(e.ts + REQUEST_AFTER_MS), e.uid.http, e.client, String(e.sport), e.answer, '80', '1', 'GET', e.name, e.uri, '-', '1.1',
    e.userAgent, '0', e.beacon ? '0' : String(1000 + (e.txid % 9000)), '200', 'OK', '-', '-', '(empty)', '-', '-', '-', '-', '-', '-', '-',
  ]);
  return { dnsLog: zeekLog('dns', DNS_FIELDS, dns, open, close), httpLog: zeekLog('http', HTTP_FIELDS, http, open, close) };
}

function eveLines(all: Exchange[]): string {
  const lines: Array<{ ts: number; o: object }> = [];
  for (const e of all) {
    const http = {
      hostname: e.name, url: e.uri, http_user_agent: e.userAgent, http_method: 'GET', protocol: 'HTTP/1.1', status: 200, length: 0,
    };
    const flowHttp = { flow_id: e.flow.http, in_iface: 'eth1', src_ip: e.client, src_port: e.sport, dest_ip: e.answer, dest_port: 80, proto: 'TCP' };
    if (e.dns) {
      const flowDns = { flow_id: e.flow.dns, in_iface: 'eth1', proto: 'UDP' };
      lines.push({ ts: e.ts, o: {
        timestamp: eveTime(e.ts), ...flowDns, event_type: 'dns', src_ip: e.client, src_port: e.dnsPort, dest_ip: ORGANISATION.resolver, dest_port: 53,
        dns: { type: 'query', id: e.txid, rrname: e.name, rrtype: 'A', tx_id: 0 },
      } });
      lines.push({ ts: e.ts + RTT_MS, o: {
        timestamp: eveTime(e.ts + RTT_MS), ...flowDns, event_type: 'dns', src_ip: ORGANISATION.resolver, src_port: 53, dest_ip: e.client, dest_port: e.dnsPort,
        dns: { version: 2, type: 'answer', id: e.txid, flags: '8180', qr: true, rd: true, ra: true, rrname: e.name, rrtype: 'A', rcode: 'NOERROR',
          answers: [{ rrname: e.name, rrtype: 'A', ttl: e.beacon ? 300 : 3600, rdata: e.answer }] },
      } });
    }
    const at = e.ts + REQUEST_AFTER_MS;
    lines.push({ ts: at, o: { timestamp: eveTime(at), ...flowHttp, event_type: 'http', tx_id: 0, http } });
    if (e.alert) {
      lines.push({ ts: at, o: {
        timestamp: eveTime(at), ...flowHttp, event_type: 'alert', tx_id: 0,
        alert: { action: 'allowed', gid: 1, signature_id: 9_000_001, rev: 1, signature: 'LOCAL NetTraveler getcmd beacon (example rule)',
          category: 'A Network Trojan was detected', severity: 1 },
        http, app_proto: 'http',
      } });
    }
  }
  return lines.sort((a, b) => a.ts - b.ts).map((l) => JSON.stringify(l.o)).join('\n') + '\n';
}

/** The capture: one infected host's lookup of its C2 and the beacon that followed (the first of `beacon`'s kind in the week). */
function capture(e: Exchange): Buffer {
  const eth = (p: Buffer) => pb.ethernet(p, 0x0800);
  const dns = (response: boolean) => pb.dnsMessage({ id: e.txid, name: e.name, response, answers: response ? [{ type: 'A', value: e.answer }] : [] });
  const t = e.ts;
  const at = t + REQUEST_AFTER_MS;
  const request = pb.httpRequest('GET', e.uri, [['User-Agent', e.userAgent], ['Host', e.name], ['Cache-Control', 'no-cache']]);
  return writePcap([
    { ts: t, data: eth(pb.ip(e.client, ORGANISATION.resolver, 17, pb.udp(e.dnsPort, 53, dns(false)))) },
    { ts: t + RTT_MS, data: eth(pb.ip(ORGANISATION.resolver, e.client, 17, pb.udp(53, e.dnsPort, dns(true)))) },
    { ts: at - 40, data: eth(pb.ip(e.client, e.answer, 6, pb.tcp({ sport: e.sport, dport: 80, seq: 1000, flags: pb.TCP.SYN }))) },
    { ts: at - 20, data: eth(pb.ip(e.answer, e.client, 6, pb.tcp({ sport: 80, dport: e.sport, seq: 5000, flags: pb.TCP.SYN | pb.TCP.ACK }))) },
    { ts: at, data: eth(pb.ip(e.client, e.answer, 6, pb.tcp({ sport: e.sport, dport: 80, seq: 1001, flags: pb.TCP.PSH | pb.TCP.ACK, payload: request }))) },
  ]);
}

export function writeOrganisationEvidence(r: Rng): OrganisationEvidence {
  const beacons = ORGANISATION.hosts.flatMap((h) => beaconsOf(r, h));
  const all = [...beacons, ...browsingOf(r)].sort((a, b) => a.ts - b.ts);
  const open = ORGANISATION.weekOf;
  const close = ORGANISATION.weekOf + 5 * DAY;
  const captured = beacons.find((e) => e.client === '10.20.4.8' && e.dns)!;
  return {
    ...zeekLogs(all, open, close), eve: eveLines(all), pcap: capture(captured), beacons: beacons.length,
    firstBeacon: Math.min(...beacons.map((e) => e.ts)), lastBeacon: Math.max(...beacons.map((e) => e.ts + REQUEST_AFTER_MS)),
  };
}
