/**
 * abuse.ch Feodo Tracker: the IP blocklist (one address a line under a `#`
 * banner, read as an IOC list) and its CSV (`first_seen_utc,dst_ip,dst_port,
 * c2_status,last_online,malware`, quoted; older dumps
 * `# Firstseen,DstIP,DstPort,LastOnline,Malware` in a comment). The address
 * is the indicator, the port goes to its description, `malware` is the campaign.
 */
import type { CsvProfile } from '../ioc-list/csv-profile.js';
import { emitFeedValue, feedName, feedTime, FeedCampaigns, rowLookup } from './feed-fields.js';

export const FEODO_PROFILE: CsvProfile = {
  knows: (h) => (h.includes('dst_ip') || h.includes('dstip')) && h.includes('malware'),
  open(header, path, sink) {
    const campaigns = new FeedCampaigns(sink);
    return {
      row(fields, line) {
        const get = rowLookup(header, fields);
        const ip = get('dst_ip') || get('dstip');
        if (ip === '') return;
        const port = get('dst_port') || get('dstport');
        const status = get('c2_status');
        emitFeedValue(sink, path, 'ip', ip, {
          campaigns: campaigns.name(feedName(get('malware'))),
          description: [port !== '' ? `port ${port}` : '', status].filter((x) => x !== '').join(', '),
          firstSeen: feedTime(get('first_seen_utc') || get('firstseen')),
          lastSeen: feedTime(get('last_online') || get('lastonline')),
          line,
        });
      },
    };
  },
};
