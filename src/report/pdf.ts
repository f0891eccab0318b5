/**
 * report.pdf: index.html printed by headless Chromium through
 * playwright-core, offline. Chromium is the user's (Debian's `chromium`);
 * nothing is downloaded. Every request that is not the page's own file is
 * aborted and reported, so a page that tried to load anything fails here.
 */
import { access, constants } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { PdfOutcome } from './types.js';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';
/** How long Chromium may take to load and print the page. */
const PRINT_TIMEOUT_MS = 120_000;

export const NO_CHROMIUM = "no Chromium found: install Debian's chromium (apt-get install chromium), or name one with SIGHTLINE_CHROMIUM";

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The Chromium to use: the one named (which must exist), else
 * $SIGHTLINE_CHROMIUM, else /usr/bin/chromium; null when there is none.
 */
export async function findChromium(named?: string, env: NodeJS.ProcessEnv = process.env): Promise<{ path: string } | { missing: string }> {
  if (named !== undefined) return (await isExecutable(named)) ? { path: named } : { missing: `no Chromium at ${named}` };
  const fromEnv = env['SIGHTLINE_CHROMIUM'];
  if (fromEnv) return (await isExecutable(fromEnv)) ? { path: fromEnv } : { missing: `no Chromium at ${fromEnv} (SIGHTLINE_CHROMIUM)` };
  return (await isExecutable(DEFAULT_CHROMIUM)) ? { path: DEFAULT_CHROMIUM } : { missing: NO_CHROMIUM };
}

type Playwright = typeof import('playwright-core');

async function loadPlaywright(): Promise<Playwright | null> {
  try {
    return await import('playwright-core');
  } catch {
    return null;
  }
}

/** Prints `htmlPath` to `pdfPath` (A4, backgrounds on). */
export async function printPdf(htmlPath: string, pdfPath: string, chromium: string): Promise<PdfOutcome> {
  const pw = await loadPlaywright();
  if (pw === null) return { written: false, reason: 'playwright-core is not installed' };
  const pageUrl = pathToFileURL(htmlPath).href;
  let browser: Awaited<ReturnType<Playwright['chromium']['launch']>> | null = null;
  try {
    browser = await pw.chromium.launch({ executablePath: chromium, timeout: PRINT_TIMEOUT_MS });
    const context = await browser.newContext({ offline: true, javaScriptEnabled: false });
    const foreign: string[] = [];
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (url === pageUrl) await route.continue();
      else {
        foreign.push(url);
        await route.abort();
      }
    });
    const page = await context.newPage();
    page.on('request', (r) => {
      if (r.url() !== pageUrl && !foreign.includes(r.url())) foreign.push(r.url());
    });
    await page.goto(pageUrl, { waitUntil: 'load', timeout: PRINT_TIMEOUT_MS });
    await page.emulateMedia({ media: 'print' });
    if (foreign.length > 0) return { written: false, reason: `the page asked for ${foreign.length} other resources (${foreign[0]}): not printed` };
    await page.pdf({ path: pdfPath, format: 'A4', printBackground: true, preferCSSPageSize: true });
    return { written: true, file: pdfPath };
  } catch (e) {
    return { written: false, reason: `Chromium failed: ${(e as Error).message.split('\n')[0]}` };
  } finally {
    await browser?.close();
  }
}
