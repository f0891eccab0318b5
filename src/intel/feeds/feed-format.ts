/** The feed formats' names (`intel import --format`), apart from their readers so the sink contract can name them. */

/** The feed formats, in detection order. */
export const FEED_FORMATS = ['urlhaus', 'threatfox', 'malwarebazaar', 'feodo', 'sslbl', 'otx'] as const;
export type FeedFormat = (typeof FEED_FORMATS)[number];
