import { existsSync } from 'node:fs';
import {
  type ApiKeyRecord,
  addKeyToFile,
  createApiKey,
  readKeysFile,
  removeKeyFromFile,
} from '@tributary/server';
import { type Command, Option } from 'commander';
import type { CommandContext } from '../context.js';
import { notFound, usageError } from '../exit-codes.js';
import { collectScope, formatScopes, SCOPE_FORM, type ScopeArg, toScopes } from '../options/scopes.js';
import { toJson } from '../output/json.js';
import { formatTable } from '../output/table.js';

const RELOAD_HINT = 'A running server re-reads the keys file on SIGHUP (kill -HUP <pid>); or restart it.';

interface KeysFileFlags {
  readonly keysFile?: string;
}

interface CreateFlags extends KeysFileFlags {
  readonly tenant?: string;
  readonly scope?: readonly ScopeArg[];
  readonly name?: string;
  readonly json?: boolean;
}

function keysFileOption(): Option {
  return new Option('--keys-file <path>', 'the API keys file (env TRIB_KEYS_FILE)');
}

/** The keys file the flags or environment name. */
function keysFileOf(flags: KeysFileFlags, ctx: CommandContext): string {
  const path = flags.keysFile ?? ctx.io.env.TRIB_KEYS_FILE;
  if (path === undefined || path === '') {
    throw usageError('No keys file: pass --keys-file <path> or set TRIB_KEYS_FILE.');
  }
  return path;
}

/** The keys file, which must exist (list, revoke). */
function existingKeysFile(flags: KeysFileFlags, ctx: CommandContext): string {
  const path = keysFileOf(flags, ctx);
  if (!existsSync(path)) {
    throw notFound(
      `Keys file ${path} does not exist. Create a key with \`trib keys create --keys-file ${path}\`.`,
    );
  }
  return path;
}

/** A key as shown to people and scripts: everything but the hash and salt. */
function publicView(key: ApiKeyRecord) {
  return {
    id: key.id,
    name: key.name ?? null,
    tenant: key.tenant ?? null,
    scopes: key.scopes,
    createdAt: key.createdAt,
  };
}

/** `trib keys create|list|revoke`: API keys in a server's keys file. */
export function registerKeys(program: Command, ctx: CommandContext): void {
  const out = ctx.io.stdout;
  const keys = program
    .command('keys')
    .description('create, list and revoke API keys in a keys file (stored as hashes)')
    .addHelpText(
      'after',
      `
These commands edit the keys file directly (a server started with --keys / TRIB_KEYS_FILE).
${RELOAD_HINT}`,
    );

  keys
    .command('create')
    .description('make an API key, add its hash to the keys file (created if missing), print the key once')
    .addOption(keysFileOption())
    .requiredOption('--scope <scope>', `what the key may do, repeatable: ${SCOPE_FORM}`, collectScope)
    .option('--tenant <tenant>', 'the tenant the key acts for (default: every tenant)')
    .option('--name <label>', 'a label for people, e.g. ci or billing-service')
    .option('--json', 'print { id, key, tenant, scopes } as JSON')
    .addHelpText('after', `\n${RELOAD_HINT}`)
    .action(async (flags: CreateFlags) => {
      const path = keysFileOf(flags, ctx);
      const scopes = toScopes(flags.scope ?? []);
      const { record, plaintext } = await createApiKey({ tenant: flags.tenant, scopes, name: flags.name });
      await addKeyToFile(path, record);
      if (flags.json === true) {
        out.write(`${toJson({ id: record.id, key: plaintext, tenant: record.tenant ?? null, scopes })}\n`);
        return;
      }
      const tenant = record.tenant === undefined ? 'every tenant' : `tenant ${record.tenant}`;
      out.write(
        `Created key ${record.id} (${tenant}; ${formatScopes(scopes)}) in ${path}:\n` +
          `${plaintext}\n` +
          'This key is shown only once and is not stored (the file keeps a hash). Use it with ' +
          '--api-key <key> (or TRIB_API_KEY), or send the header Authorization: Bearer <key>.\n' +
          `${RELOAD_HINT}\n`,
      );
    });

  keys
    .command('list')
    .description('list the keys in the keys file (never their secrets or hashes)')
    .addOption(keysFileOption())
    .option('--json', 'print each key as JSON, one per line')
    .addHelpText('after', '\nTENANT "-" means every tenant.')
    .action(async (flags: KeysFileFlags & { json?: boolean }) => {
      const list = await readKeysFile(existingKeysFile(flags, ctx));
      if (flags.json === true) {
        for (const key of list) out.write(`${toJson(publicView(key))}\n`);
        return;
      }
      const rows = list.map((key) => [key.id, key.name, key.tenant, formatScopes(key.scopes), key.createdAt]);
      out.write(formatTable(['ID', 'NAME', 'TENANT', 'SCOPES', 'CREATED'], rows));
    });

  keys
    .command('revoke')
    .description('remove a key from the keys file')
    .argument('<id>', 'the key id (as `trib keys list` shows it; the part after trib_ in the key)')
    .addOption(keysFileOption())
    .addHelpText('after', `\n${RELOAD_HINT}`)
    .action(async (id: string, flags: KeysFileFlags) => {
      const path = existingKeysFile(flags, ctx);
      if (!(await removeKeyFromFile(path, id))) {
        throw notFound(
          `No key with id ${id} in ${path}. See the ids with \`trib keys list --keys-file ${path}\`.`,
        );
      }
      out.write(`Revoked key ${id} in ${path}. ${RELOAD_HINT}\n`);
    });
}
