/** `sightline intel pull --taxii URL`: pulls TAXII 2.1 collections into the case (docs/taxii.md). */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { pullTaxii, TaxiiError, type TaxiiAuth } from '../../index.js';
import { DiagnosticPrinter, EXIT_FATAL, safeText } from '../output.js';
import { withStore, type GlobalOptions } from '../context.js';

interface PullFlags {
  taxii: string;
  collection?: string;
  token?: string;
  user?: string;
  passwordFile?: string;
  campaign?: string;
  minConfidence?: string;
  timeout: string;
}

export function registerIntelPull(intel: Command, globals: () => GlobalOptions): void {
  intel.command('pull')
    .description('pull indicators from a TAXII 2.1 server; each collection from where the last pull stopped')
    .requiredOption('--taxii <url>', 'the server\'s discovery URL (…/taxii2/) or an API root')
    .option('--collection <id>', 'one collection, by id or title (default: every collection the credentials can read)')
    .option('--token <token>', 'a bearer token (default: $SIGHTLINE_TAXII_TOKEN)')
    .option('--user <name>', 'HTTP Basic user name, with --password-file')
    .option('--password-file <file>', 'a file holding the HTTP Basic password (its first line)')
    .option('--campaign <name>', 'the campaign every indicator belongs to (overrides what the objects name)')
    .option('--min-confidence <n>', "drop indicators whose source's confidence (0-100) is below N")
    .option('--timeout <seconds>', 'longest wait for one answer', '60')
    .action(async (o: PullFlags) => {
      const fail = (m: string) => { process.stderr.write(`sightline: ${m}\n`); process.exitCode = EXIT_FATAL; };
      const auth = readAuth(o, fail);
      if (auth === undefined) return;
      const timeout = Number(o.timeout);
      if (!(timeout > 0 && timeout <= 3600)) { fail(`--timeout takes seconds from 1 to 3600, not ${o.timeout}`); return; }
      const minConfidence = o.minConfidence === undefined ? undefined : Number(o.minConfidence);
      if (minConfidence !== undefined && !(/^\d{1,3}$/.test(o.minConfidence!) && minConfidence <= 100)) { fail(`--min-confidence takes a whole number from 0 to 100, not ${o.minConfidence}`); return; }
      const printer = new DiagnosticPrinter();
      await withStore(globals(), async (store) => {
        try {
          const r = await pullTaxii(store, {
            url: o.taxii, auth, timeoutMs: timeout * 1000, onDiagnostic: (d) => printer.report(d),
            ...(o.collection !== undefined ? { collection: o.collection } : {}),
            ...(o.campaign !== undefined ? { campaign: o.campaign } : {}),
            ...(minConfidence !== undefined ? { minConfidence } : {}),
          });
          for (const c of r.collections) {
            process.stderr.write(`pulled ${safeText(c.title !== '' ? c.title : c.id)}: ${c.objects} object(s) in ${c.pages} page(s), ${c.added} new indicator(s), ` +
              `${c.merged} merged into known ones; next pull from ${c.addedAfter ?? 'the start'}\n`);
          }
        } catch (e) {
          if (!(e instanceof TaxiiError)) throw e;
          fail(`${safeText(e.message)} (pages imported before it are kept; the next pull goes on from there)`);
        }
      });
      process.exitCode = Math.max(Number(process.exitCode ?? 0), printer.exitCode);
    });
}

/** The credentials the flags give; undefined (after saying why) when they are wrong. */
function readAuth(o: PullFlags, fail: (m: string) => void): TaxiiAuth | undefined {
  const token = o.token ?? process.env['SIGHTLINE_TAXII_TOKEN'];
  if (o.user !== undefined || o.passwordFile !== undefined) {
    if (o.token !== undefined) { fail('give --token or --user with --password-file, not both'); return undefined; }
    if (o.user === undefined || o.passwordFile === undefined) { fail('--user and --password-file go together'); return undefined; }
    let password: string;
    try {
      password = readFileSync(o.passwordFile, 'utf8').split(/\r?\n/)[0] ?? '';
    } catch (e) {
      fail(`cannot read --password-file ${o.passwordFile}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      return undefined;
    }
    return { user: o.user, password };
  }
  return token !== undefined && token !== '' ? { token } : null;
}
