/**
 * `sightline serve`: the API and the dashboard. The server runs as a child
 * process (src/server/main.ts), started here with its options over an IPC
 * channel: the CLI and the server never import each other.
 */
import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { EXIT_FATAL } from '../output.js';
import { existsSync } from 'node:fs';
import { isPostgresLocation, shownLocation } from '../../index.js';
import { caseLocation, type GlobalOptions } from '../context.js';
import { enrichOptions, withEnrichFlags, type EnrichFlags } from './victims.js';

const here = fileURLToPath(import.meta.url);
/** The package's root: src/cli/commands and dist/cli/commands both sit three levels below it. */
const ROOT = join(dirname(here), '..', '..', '..');
/** The server's entry: the same tree (src/ through tsx, or dist/) as this file. */
const SERVER_MAIN = join(dirname(here), '..', '..', 'server', `main${here.endsWith('.ts') ? '.ts' : '.js'}`);

interface ServeFlags extends EnrichFlags {
  host: string;
  port: string;
  maxUpload: string;
  rateLimit: string;
  uploadDir?: string;
  webDir?: string;
}

type ServerMessage = { type: 'listening'; url: string; auth: 'required' | 'auto' } | { type: 'error'; message: string };

const fail = (m: string) => { process.stderr.write(`sightline: ${m}\n`); process.exitCode = EXIT_FATAL; };

export function registerServe(program: Command, globals: () => GlobalOptions): void {
  withEnrichFlags(program.command('serve')
    .description('the API and the web dashboard: a team\'s live view of the case (127.0.0.1 needs no token until one is created; any other address needs tokens)')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0: any free port)', '8080')
    .option('--max-upload <bytes>', 'largest file an upload may carry', String(1024 ** 3))
    .option('--rate-limit <n>', 'requests a second per client address, twice as many at once (0: no limit)', '50')
    .option('--upload-dir <dir>', 'where uploads are written (default: <case>-uploads beside the case)')
    .option('--web-dir <dir>', "the dashboard's built files (default: the package's dist/web)"))
    .action(async (o: ServeFlags) => {
      const port = Number(o.port);
      const maxUpload = Number(o.maxUpload);
      const rate = Number(o.rateLimit);
      if (!/^\d+$/.test(o.port) || port > 65535) return fail('--port takes a whole number from 0 to 65535');
      if (!/^\d+$/.test(o.maxUpload) || !(maxUpload > 0) || !Number.isSafeInteger(maxUpload)) return fail('--max-upload takes a positive whole number of bytes');
      if (!/^\d+$/.test(o.rateLimit) || rate > 1_000_000) return fail('--rate-limit takes a whole number of requests a second (0: no limit)');
      if (!/^[0-9A-Za-z.:[\]-]{1,253}$/.test(o.host)) return fail('--host takes an address or host name');
      const location = caseLocation(globals());
      if (!isPostgresLocation(location) && !existsSync(location)) {
        return fail(`no case at ${location}: check --db (or $SIGHTLINE_DB); \`sightline intel import\` creates a case`);
      }
      const options = {
        location, host: o.host.replace(/^\[(.*)\]$/, '$1'), port, maxUploadBytes: maxUpload, rateLimit: { perSecond: rate },
        webDir: o.webDir ?? join(ROOT, 'dist', 'web'),
        ...(o.uploadDir !== undefined ? { uploadDir: o.uploadDir } : {}),
        enrich: enrichOptions(o),
      };
      const child = fork(SERVER_MAIN, [], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const stop = () => child.kill('SIGTERM');
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      child.on('message', (m: ServerMessage) => {
        if (m.type === 'error') fail(m.message);
        else {
          const how = m.auth === 'required' ? 'API requests need a token (sightline token create)'
            : 'no token needed on loopback until the case holds one';
          process.stderr.write(`sightline: serving ${shownLocation(location)} at ${m.url} (${how}); Ctrl-C stops\n`);
        }
      });
      child.send({ type: 'start', options });
      const code = await new Promise<number>((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 0 : 1))));
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      if (code !== 0) process.exitCode = Math.max(Number(process.exitCode ?? 0), EXIT_FATAL);
    });
}
