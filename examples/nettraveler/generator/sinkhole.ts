/**
 * The sinkhole's access log (combined format): what a researcher who took
 * over one of NetTraveler's C2 names would have logged from January to May
 * 2013. Implants ask for commands with `?action=getcmd&hostid=…&hostname=…`,
 * say they got them with `?action=gotcmd&…`, and some upload with
 * `?hostid=…&hostname=…&hostip=…&filename=…&filestart=…&filetext=` — the
 * query shapes of the strings public YARA rules quote from NetTraveler; the
 * path before the query is made up. Search engine crawlers and research
 * scanners visit too: they are clients, not victims.
 */
import { accessLogTime, byTime } from './formats.js';
import { CRAWLERS, SCANNERS, SINKHOLE_FROM, SINKHOLE_TO } from './plan.js';
import type { Rng } from './prng.js';
import type { Implant } from './victims.js';

/** The script path the implants were configured with (made up). */
export const BEACON_PATH = '/nt/index.php';

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** One log line, with its client and whether that client is a victim (not a crawler or scanner). */
export interface SinkholeLine { ts: number; client: string; victim: boolean; text: string }

function line(ts: number, client: string, method: string, target: string, status: number, bytes: number, userAgent: string, victim = true): SinkholeLine {
  return { ts, client, victim, text: `${client} - - [${accessLogTime(ts)}] "${method} ${target} HTTP/1.1" ${status} ${bytes} "-" "${userAgent}"` };
}

/** A whole second on `day` (UTC midnight) when a machine at UTC+`utc` is likely on: a working hour, local. */
function workingMoment(r: Rng, day: number, utc: number): number {
  return day + Math.round((r.between(8, 18) - utc) * HOUR) + r.int(3600) * 1000;
}

/** The next weekday on or after `day` (UTC midnight), most of the time; a few beacons fall on weekends. */
function mostlyWeekday(r: Rng, day: number): number {
  const dow = new Date(day).getUTCDay();
  if ((dow === 0 || dow === 6) && r.next() < 0.85) return day + (dow === 6 ? 2 : 1) * DAY;
  return day;
}

function beaconsOf(r: Rng, implant: Implant): SinkholeLine[] {
  const q = (action: string) => `${BEACON_PATH}?action=${action}&hostid=${implant.hostId}&hostname=${implant.hostname}`;
  const dhcp = implant.addresses.length > 1;
  const count = dhcp ? r.between(6, 12) : r.between(3, 12);
  // When the implant beacons: from a first day at least two weeks before the end, then every few days.
  const times: number[] = [];
  let day = SINKHOLE_FROM + r.int((SINKHOLE_TO - SINKHOLE_FROM) / DAY - 14) * DAY;
  for (let k = 0; k < count; k++) {
    const d = mostlyWeekday(r, day);
    const ts = workingMoment(r, d, implant.utc);
    if (ts >= SINKHOLE_TO) break;
    times.push(ts);
    const daysLeft = Math.floor((SINKHOLE_TO - d) / DAY);
    day = d + Math.max(1, Math.min(r.between(1, 18), Math.floor(daysLeft / (count - k)))) * DAY;
  }
  // A DHCP lease changes once, half way.
  const switchAt = dhcp ? Math.ceil(times.length / 2) : times.length;
  if (dhcp && (times.length < 2 || switchAt >= times.length)) throw new Error(`${implant.hostId}: too few beacons for two addresses`);
  const uploadAt = r.next() < 0.3 ? r.int(times.length) : -1;
  const out: SinkholeLine[] = [];
  times.forEach((ts, k) => {
    const client = k < switchAt ? implant.addresses[0]! : implant.addresses[1]!;
    out.push(line(ts, client, 'GET', q('getcmd'), 200, 0, implant.userAgent));
    if (r.next() < 0.25) out.push(line(ts + r.between(2, 9) * 1000, client, 'GET', q('gotcmd'), 200, 0, implant.userAgent));
    if (k === uploadAt) {
      const target = `${BEACON_PATH}?hostid=${implant.hostId}&hostname=${implant.hostname}&hostip=${implant.internalIp}`
        + `&filename=travlerbackinfo-${r.between(1000, 9999)}.dll&filestart=0&filetext=`;
      out.push(line(ts + r.between(20, 90) * 1000, client, 'POST', target, 200, 0, implant.userAgent));
    }
  });
  return out;
}

/** Requests of crawlers and scanners: the site's root and the files they always ask for. */
function visitorsOf(r: Rng, visitors: ReadonlyArray<{ address: string; userAgent: string }>, targets: string[]): SinkholeLine[] {
  const out: SinkholeLine[] = [];
  for (const v of visitors) {
    const n = r.between(2, 5);
    for (let k = 0; k < n; k++) {
      const ts = SINKHOLE_FROM + r.int((SINKHOLE_TO - SINKHOLE_FROM) / 1000) * 1000;
      const target = r.pick(targets);
      out.push(line(ts, v.address, 'GET', target, target === '/' ? 200 : 404, target === '/' ? 0 : 209, v.userAgent, false));
    }
  }
  return out;
}

/** The log's lines, in time order. */
export function sinkholeLines(r: Rng, implants: readonly Implant[]): SinkholeLine[] {
  const lines: SinkholeLine[] = [];
  for (const implant of implants) lines.push(...beaconsOf(r, implant));
  lines.push(...visitorsOf(r, CRAWLERS, ['/', '/robots.txt']));
  lines.push(...visitorsOf(r, SCANNERS, ['/', '/favicon.ico']));
  return byTime(lines);
}
