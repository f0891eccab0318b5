/** The contract between the intel readers and the importer that consumes them. */
import type { CampaignInfo, IntelItem } from '../core/model.js';
import type { Diagnostic } from '../core/diagnostic.js';
import { FEED_FORMATS, type FeedFormat } from './feeds/feed-format.js';

/** The intel formats Sightline reads. */
export type IntelFormat = 'stix' | 'misp' | 'ioc' | 'yara' | FeedFormat | 'report';

/** Every intel format, in detection order; `report` (indicators in a report's text) is never detected, only asked for. */
export const INTEL_FORMATS: readonly IntelFormat[] = ['stix', 'misp', 'yara', 'ioc', ...FEED_FORMATS, 'report'];

/** Receives what a reader finds, as it finds it. */
export interface IntelSink {
  /** One normalised indicator. */
  item(i: IntelItem): void;
  /** A campaign the source defines, with aliases. */
  campaign(c: CampaignInfo): void;
  /** A bad record or something left out; reading goes on. */
  diagnostic(d: Diagnostic): void;
}
