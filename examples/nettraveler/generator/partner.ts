/**
 * A partner CERT's Suricata eve.json from an upstream sensor, shared with the
 * organisation: ten addresses posting to Red October's C2 names between
 * February and May 2013. Six of them are NetTraveler's sinkhole victims (the
 * overlap the report found); four are Red October's alone. The request path
 * is illustrative, and the C2 addresses are documentation addresses
 * (203.0.113.0/24): no real server is named.
 */
import { eveTime } from './formats.js';
import { RED_OCTOBER_C2 } from './plan.js';
import type { Rng } from './prng.js';

const DAY = 86_400_000;
const FROM = Date.UTC(2013, 1, 1);
const TO = Date.UTC(2013, 4, 31);
const USER_AGENT = 'Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 5.1; .NET CLR 2.0.50727)';

export function writePartnerEve(r: Rng, clients: readonly string[]): string {
  const c2 = RED_OCTOBER_C2.map((name, i) => ({ name, address: `203.0.113.${40 + i}` }));
  const lines: Array<{ ts: number; text: string }> = [];
  for (const client of clients) {
    const server = r.pick(c2);
    const n = r.between(2, 5);
    for (let k = 0; k < n; k++) {
      const ts = FROM + r.int((TO - FROM) / DAY) * DAY + r.int(DAY);
      const o = {
        timestamp: eveTime(ts), flow_id: r.int(2 ** 40), in_iface: 'mon0', event_type: 'http', src_ip: client, src_port: r.between(1025, 65000),
        dest_ip: server.address, dest_port: 80, proto: 'TCP', tx_id: 0,
        http: { hostname: server.name, url: '/cgi-bin/nt/th', http_user_agent: USER_AGENT, http_method: 'POST', protocol: 'HTTP/1.1', status: 200, length: 0 },
      };
      lines.push({ ts, text: JSON.stringify(o) });
    }
  }
  return lines.sort((a, b) => a.ts - b.ts).map((l) => l.text).join('\n') + '\n';
}
