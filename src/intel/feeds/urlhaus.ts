/**
 * abuse.ch URLhaus: the CSV dumps (`csv`, `csv_recent`, `csv_online`; the
 * header `# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter`
 * in a comment, every field quoted) and the plain URL lists (one URL a line
 * under a `#` banner, read as an IOC list). Tags naming a malware family
 * (`Mozi`, `AgentTesla`) are the URL's campaigns; tags describing the file
 * or the host (`elf`, `32-bit`, `opendir`) are not.
 */
import type { CsvProfile } from '../ioc-list/csv-profile.js';
import { emitFeedValue, feedName, feedTime, FeedCampaigns, rowLookup } from './feed-fields.js';

/**
 * URLhaus tags that describe a file, a platform or a host, never a family
 * (lower-case). Any other tag is taken as the family the feed names.
 */
const DESCRIPTIVE_TAGS: ReadonlySet<string> = new Set([
  '32-bit', '64-bit', 'elf', 'exe', 'dll', 'pe', 'msi', 'apk', 'jar', 'js', 'vbs', 'hta', 'ps1', 'bat', 'cmd', 'lnk', 'iso', 'img',
  'zip', 'rar', '7z', 'gz', 'doc', 'docx', 'xls', 'xlsx', 'rtf', 'pdf', 'html', 'txt', 'sh', 'ascii', 'bash', 'python', 'powershell',
  'mips', 'mipsel', 'arm', 'arm7', 'aarch64', 'x86', 'x86-64', 'x64', 'i686', 'm68k', 'sh4', 'sparc', 'powerpc', 'ppc', 'arc', 'mpsl',
  'opendir', 'geofenced', 'encrypted', 'signed', 'dropped-by', 'payload', 'malware_download', 'botnetdomain', 'c2', 'cc', 'phishing',
  'ua-wget', 'ua-curl', 'password-protected', 'github', 'gitlab', 'discord', 'dropbox', 'onedrive', 'google-drive', 'mediafire',
  'loader', 'downloader', 'dropper', 'stealer', 'rat', 'ransomware', 'banker', 'miner', 'backdoor', 'trojan', 'botnet',
  'exploit', 'shellcode', 'script', 'macro', 'office', 'windows', 'linux', 'android', 'macos', 'ios',
]);

/** Whether a URLhaus tag names a malware family rather than describing the file or host. */
export function isFamilyTag(tag: string): boolean {
  const t = tag.trim();
  if (t === '' || !/[a-z]/i.test(t)) return false;
  // Country codes (`CHN`, `US`) and bare numbers are where the file was served, not what it is.
  if (/^[A-Z]{2,3}$/.test(t)) return false;
  return !DESCRIPTIVE_TAGS.has(t.toLowerCase());
}

export const URLHAUS_PROFILE: CsvProfile = {
  knows: (h) => h.includes('url') && (h.includes('urlhaus_link') || (h.includes('dateadded') && h.includes('url_status'))),
  open(header, path, sink) {
    const campaigns = new FeedCampaigns(sink);
    return {
      row(fields, line) {
        const get = rowLookup(header, fields);
        const url = get('url');
        if (url === '') return;
        const names: string[] = [];
        for (const tag of get('tags').split(',')) {
          const n = feedName(tag);
          if (isFamilyTag(n)) names.push(...campaigns.name(n));
        }
        emitFeedValue(sink, path, 'url', url, {
          campaigns: [...new Set(names)],
          description: [get('threat'), get('url_status')].filter((x) => x !== '').join(', '),
          firstSeen: feedTime(get('dateadded')),
          lastSeen: feedTime(get('last_online')),
          line,
        });
      },
    };
  },
};
