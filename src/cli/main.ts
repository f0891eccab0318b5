#!/usr/bin/env node
/** The `sightline` command. It parses arguments and calls the library (src/index.ts); no logic of its own. */
import { Command, CommanderError } from 'commander';
import { registerIntel } from './commands/intel.js';
import { registerCampaign } from './commands/campaign.js';
import { registerHunt } from './commands/hunt.js';
import { registerSightings } from './commands/sightings.js';
import { registerSamples } from './commands/samples.js';
import { registerVictims } from './commands/victims.js';
import { registerReport } from './commands/report.js';
import { registerServe } from './commands/serve.js';
import { registerToken } from './commands/token.js';
import { registerQueue } from './commands/queue.js';
import { EXIT_FATAL } from './output.js';
import { VERSION } from '../index.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('sightline')
    .description('Hunt an espionage campaign across your evidence, offline, and measure it.')
    .version(VERSION)
    .option('--db <path|url>', 'the case: a SQLite file (default ./sightline.db, or $SIGHTLINE_DB), or a postgres:// URL')
    .exitOverride()
    .showHelpAfterError();
  const globals = () => program.opts<{ db?: string }>();
  registerIntel(program, globals);
  registerCampaign(program, globals);
  registerHunt(program, globals);
  registerSightings(program, globals);
  registerSamples(program, globals);
  registerVictims(program, globals);
  registerReport(program, globals);
  registerServe(program, globals);
  registerToken(program, globals);
  registerQueue(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(Number(process.exitCode ?? 0));
  });
  try {
    await buildProgram().parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? 0 : EXIT_FATAL;
    }
    process.stderr.write(`sightline: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT_FATAL;
  }
}

main(process.argv).then((code) => { process.exitCode = code; });
