/**
 * A MISP warninglist as plain data (docs/design.md, "Warninglists"):
 * src/intel/warninglists reads the shipped list.json files into it, and
 * src/matching/warninglist-index.ts indexes it. It lives in core because
 * intel and matching may not import each other.
 */

/** How a list's entries match, as MISP defines it. */
export type WarninglistType = 'hostname' | 'string' | 'cidr' | 'substring' | 'regex';

/** One warninglist. */
export interface Warninglist {
  /** What analysts call it; the name a warninglisted indicator is flagged with. */
  name: string;
  /**
   * `hostname`: a name and its subdomains; `string`: the value exactly
   * (case-insensitive), or, for an entry with a leading dot, a name and its
   * subdomains; `cidr`: addresses and networks inside; `substring`: anywhere
   * in the value; `regex`: never evaluated (untrusted regular expressions).
   */
  type: WarninglistType;
  /** The entries, as written in the list. */
  list: readonly string[];
}
