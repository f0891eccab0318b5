/**
 * abuse.ch SSLBL: the SSL certificate blacklist
 * (`# Listingdate,SHA1,Listingreason`): a certificate's SHA1 fingerprint is
 * the SHA1 of its DER bytes, so it is a `sha1` indicator (Zeek's files.log
 * hashes the certificates it sees); the botnet C2 IP blacklist
 * (`# Firstseen,DstIP,DstPort`): the address, with its port in the
 * description. The JA3 fingerprint list (`# ja3_md5,Firstseen,Lastseen,Listingreason`)
 * has no Sightline indicator type: its count is reported once per file.
 */
import type { CsvProfile } from '../ioc-list/csv-profile.js';
import { emitFeedValue, feedName, feedTime, FeedCampaigns, rowLookup, SkippedKinds } from './feed-fields.js';

/** The family a listing reason names (`Dridex C&C` → `Dridex`); '' for generic reasons. */
export function listingFamily(reason: string): string {
  const f = reason.replace(/\s+(?:C&C|C2|CnC|botnet C&C|malware distribution)$/i, '').trim();
  return /^(?:malware|botnet|c&c|unknown)$/i.test(f) ? '' : feedName(f);
}

export const SSLBL_PROFILE: CsvProfile = {
  knows: (h) => (h.includes('sha1') && h.includes('listingreason')) || h.includes('ja3_md5')
    || (h.includes('dstip') && h.includes('dstport') && !h.includes('malware')),
  open(header, path, sink) {
    const campaigns = new FeedCampaigns(sink);
    const skipped = new SkippedKinds();
    return {
      row(fields, line) {
        const get = rowLookup(header, fields);
        if (header.includes('ja3_md5')) { if (get('ja3_md5') !== '') skipped.add('JA3 fingerprints'); return; }
        const reason = get('listingreason');
        if (header.includes('sha1')) {
          const sha1 = get('sha1');
          if (sha1 === '') return;
          emitFeedValue(sink, path, 'sha1', sha1, {
            campaigns: campaigns.name(listingFamily(reason)),
            description: reason !== '' ? `SSL certificate SHA1: ${reason}` : 'SSL certificate SHA1',
            firstSeen: feedTime(get('listingdate')),
            line,
          });
          return;
        }
        const ip = get('dstip');
        if (ip === '') return;
        const port = get('dstport');
        emitFeedValue(sink, path, 'ip', ip, {
          campaigns: [],
          description: port !== '' ? `port ${port}` : '',
          firstSeen: feedTime(get('firstseen')),
          line,
        });
      },
      end: () => skipped.report(sink, path, 'Sightline has no JA3 indicator type'),
    };
  },
};
