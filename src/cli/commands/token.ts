/** `sightline token create|list|revoke`: the API's bearer tokens, kept in the case by their SHA-256. */
import type { Command } from 'commander';
import { API_ROLES, generateApiToken, isApiRole } from '../../index.js';
import { EXIT_FATAL, formatTable, printJsonLine, safeText } from '../output.js';
import { withStore, type GlobalOptions } from '../context.js';

export function registerToken(program: Command, globals: () => GlobalOptions): void {
  const token = program.command('token').description("the API's bearer tokens (sightline serve)");
  token.command('create')
    .description('create a token and print it, once: the case keeps only its SHA-256')
    .requiredOption('--role <role>', `${API_ROLES.join('|')}: a reader reads; an analyst also uploads intel, evidence and assets`)
    .option('--name <text>', 'what the token is for (shown by token list)')
    .action(async (o: { role: string; name?: string }) => {
      if (!isApiRole(o.role)) {
        process.stderr.write(`sightline: --role takes ${API_ROLES.join(' or ')}\n`);
        process.exitCode = EXIT_FATAL;
        return;
      }
      const role = o.role;
      const name = o.name?.trim() || null;
      if (name !== null && name.length > 200) {
        process.stderr.write('sightline: --name takes at most 200 characters\n');
        process.exitCode = EXIT_FATAL;
        return;
      }
      await withStore(globals(), async (store) => {
        const { token: text, sha256 } = generateApiToken();
        const t = await store.addApiToken({ sha256, role, name });
        process.stdout.write(text + '\n');
        process.stderr.write(`token ${t.id} (${role}) created: shown once, keep it safe; send it as "Authorization: Bearer TOKEN". ` +
          'With a token in the case, `serve` asks for one on every address, loopback too.\n');
      }, { mustExist: true });
    });
  token.command('list')
    .description("the case's tokens (never the tokens themselves)")
    .option('--json', 'one JSON object per line')
    .action(async (o: { json?: boolean }) => {
      await withStore(globals(), async (store) => {
        const list = (await store.listApiTokens()).map((t) => ({ id: t.id, role: t.role, name: t.name, createdAt: t.createdAt }));
        if (o.json) for (const t of list) printJsonLine(t);
        else process.stdout.write(formatTable(['ID', 'ROLE', 'CREATED', 'NAME'], list.map((t) => [String(t.id), t.role, t.createdAt, safeText(t.name ?? '')])));
      }, { mustExist: true });
    });
  token.command('revoke')
    .description('remove a token: requests bearing it are refused from then on')
    .argument('<id>', 'the id token list shows')
    .action(async (id: string) => {
      if (!/^[1-9]\d{0,15}$/.test(id)) {
        process.stderr.write('sightline: token revoke takes the id token list shows\n');
        process.exitCode = EXIT_FATAL;
        return;
      }
      await withStore(globals(), async (store) => {
        if (await store.revokeApiToken(Number(id))) process.stderr.write(`token ${id} revoked\n`);
        else {
          process.stderr.write(`sightline: no token ${id} in the case\n`);
          process.exitCode = EXIT_FATAL;
        }
      }, { mustExist: true });
    });
}
