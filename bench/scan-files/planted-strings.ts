/**
 * Byte strings planted in a few benchmark PEs so that real public rules in
 * ../shared/data/iocs/yara match them. Each is the plain identifying text a
 * rule looks for (a name, a URL fragment, a file name); no code, nothing that
 * runs. The rule named in `rule` is the one the string was chosen for; other
 * rules may match the same bytes too.
 */

/** One planted marker: the bytes to write and the rule they were chosen to trip. */
export interface PlantedString {
  /** The rule (by name) whose strings these bytes satisfy. */
  rule: string;
  /** The rule file it comes from, relative to iocs/yara. */
  ruleFile: string;
  bytes: Buffer;
  /** True when the rule also needs filesize below this many bytes. */
  maxFileSize?: number;
}

const ascii = (s: string): Buffer => Buffer.from(s, 'latin1');
const wide = (s: string): Buffer => Buffer.from(s, 'utf16le');

/** The markers, cycled over the planted PEs. */
export const PLANTED_STRINGS: readonly PlantedString[] = [
  // NetTravStrings: any of its strings; NetTraveler's condition names NetTravStrings.
  { rule: 'NetTraveler', ruleFile: 'citizenlab/nettraveler.yara', bytes: ascii('\0travlerbackinfo\0') },
  // EnfalStrings: any of them; Enfal = EnfalCode or EnfalStrings.
  { rule: 'Enfal', ruleFile: 'citizenlab/enfal.yara', bytes: ascii('\0LuridDownloader for Falcon\0') },
  // NaikonStrings: any of them; Naikon = NaikonCode or NaikonStrings.
  { rule: 'Naikon', ruleFile: 'citizenlab/naikon.yara', bytes: ascii('\0NOKIAN95/WEB\0') },
  // IceFog_Malware_Feb18_1: MZ, filesize < 2000KB and 4 of $s1 $s2 (ascii fullword) $s5 $s8 (wide).
  {
    rule: 'IceFog_Malware_Feb18_1', ruleFile: 'signature-base/apt_icefog.yar', maxFileSize: 2000 * 1024,
    bytes: Buffer.concat([ascii('\0cmd /c %c%s%c\0temp.bat\0'), wide('\\filecfg_temp.dat\0/downloads/\0')]),
  },
];
