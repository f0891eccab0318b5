/**
 * The names a hunt's `--format` takes, and the error a hunt with nothing to
 * hunt for throws: kept apart from the hunt itself so that the public API
 * can name them without loading the hunt's pipeline (commands that only read
 * a case start faster). hunt.test.ts checks the list against the readers'.
 */

/** The format of a file scanned as a sample (no log, no capture). */
export const FILES_FORMAT = 'files';

/** Every format `hunt --format` names: the log families, the capture formats, and `files`. */
export const HUNT_FORMATS: readonly string[] = [
  'zeek', 'zeek-json', 'suricata-eve', 'squid', 'bind', 'windows-dns', 'web-access', 'dnsmasq', 'w3c', 'winevent-json', 'winevent-xml', 'text',
  'pcap', 'pcapng', 'evtx', FILES_FORMAT,
];

/** Thrown when there is nothing to hunt for: no evidence is read. */
export class NothingToHuntError extends Error {}
