/** Dispatches one intel file to the reader of its format. */
import { diag } from '../core/diagnostic.js';
import type { IntelFormat, IntelSink } from './intel-sink.js';
import { readIocList, IocListReader } from './ioc-list/ioc-list-reader.js';
import { readMisp } from './misp/misp-reader.js';
import { readStix } from './stix/stix-reader.js';
import { readYaraRules } from './yara-rules/yara-reader.js';
import { FEED_FORMATS, readFeed, streamFeed, type FeedFormat } from './feeds/feeds.js';

function isFeed(format: IntelFormat): format is FeedFormat {
  return (FEED_FORMATS as readonly string[]).includes(format);
}

/** Reads one whole file's bytes (synchronous; streams items into the sink; never throws on bad input). */
export function readIntel(data: Buffer, path: string, format: IntelFormat, sink: IntelSink): void {
  try {
    switch (format) {
      case 'stix': readStix(data, path, sink); return;
      case 'misp': readMisp(data, path, sink); return;
      case 'ioc': readIocList(data, path, sink); return;
      case 'yara': readYaraRules(data, path, sink); return;
      // A report's text needs pdf.js, which is asynchronous: readReport (src/intel/report/) reads it.
      case 'report': sink.diagnostic(diag('unsupported', path, 'a report is read with readReport, not readIntel')); return;
      default:
        if (isFeed(format)) { readFeed(data, path, format, sink); return; }
        sink.diagnostic(diag('unknown-format', path, `unknown intel format ${String(format)}`));
    }
  } catch (e) {
    // A reader bug must not take the import down; say what happened instead.
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      sink.diagnostic(diag('too-large', path, 'input nested too deeply to read'));
      return;
    }
    sink.diagnostic(diag('bad-record', path, `could not read: ${e instanceof Error ? e.message : String(e)}`));
  }
}

/** Whether streamIntel reads the format piece by piece (IOC lists and feeds). */
export function canStreamIntel(format: IntelFormat): format is 'ioc' | FeedFormat {
  return format === 'ioc' || isFeed(format);
}

/**
 * A reader for a format that can be read piece by piece (IOC lists and
 * feeds; a JSON feed is gathered and read at the end), or null
 * (STIX, MISP and YARA need the whole file). Chunks may be cut anywhere.
 */
export function streamIntel(path: string, format: IntelFormat, sink: IntelSink): { push(chunk: Buffer): void; end(): void } | null {
  if (!canStreamIntel(format)) return null;
  const r = format === 'ioc' ? new IocListReader(path, sink) : streamFeed(path, format, sink);
  // As readIntel: a reader bug is reported, never thrown at the importer, and the rest of that file is not read.
  let failed = false;
  const guard = (f: () => void): void => {
    if (failed) return;
    try {
      f();
    } catch (e) {
      failed = true;
      sink.diagnostic(diag('bad-record', path, `could not read: ${e instanceof Error ? e.message : String(e)}`));
    }
  };
  return { push: (chunk) => guard(() => r.push(chunk)), end: () => guard(() => r.end()) };
}
