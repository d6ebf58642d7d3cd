#!/usr/bin/env node
// Launcher of the `trib` command: the built CLI when there is one (dist/), else the TypeScript
// sources of a checkout, loaded in this same process through tsx with the workspace's
// `@tributary/source` export condition (what `node --conditions=@tributary/source --import tsx`
// does), so signals, stdio and the exit code need no relaying. TRIB_CLI_FROM_SOURCE=1 picks the
// sources even when dist/ exists (the CLI's tests set it, so they never run a stale build).
import { existsSync } from 'node:fs';
import { register } from 'node:module';

const built = new URL('../dist/main.js', import.meta.url);

if (existsSync(built) && process.env.TRIB_CLI_FROM_SOURCE !== '1') {
  await import(built.href);
} else {
  let tsxApi;
  try {
    tsxApi = import.meta.resolve('tsx/esm/api'); // from this package: works from any directory
  } catch {
    process.stderr.write(
      'error: trib is not built (no dist/) and tsx is not installed: run `npm run build`.\n',
    );
    process.exit(1);
  }
  const addSourceCondition =
    'export function resolve(specifier, context, next) {' +
    ' return next(specifier, { ...context, conditions: [...context.conditions, "@tributary/source"] }); }';
  register(`data:text/javascript,${encodeURIComponent(addSourceCondition)}`);
  (await import(tsxApi)).register();
  await import(new URL('../src/main.ts', import.meta.url).href);
}
