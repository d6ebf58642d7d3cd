import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string, entry = 'index') =>
  fileURLToPath(new URL(`./packages/${pkg}/src/${entry}.ts`, import.meta.url));

// Tests run against sources: workspace packages resolve to their src/ entry points, no build needed.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@tributary\/core\/internal$/, replacement: src('core', 'internal') },
      { find: /^@tributary\/core$/, replacement: src('core') },
      { find: /^@tributary\/log$/, replacement: src('log') },
      { find: /^@tributary\/sqlite$/, replacement: src('sqlite') },
      { find: /^@tributary\/postgres$/, replacement: src('postgres') },
      { find: /^@tributary\/server$/, replacement: src('server') },
      { find: /^@tributary\/cli$/, replacement: src('cli') },
      { find: /^@tributary\/conformance$/, replacement: src('conformance') },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'examples/*/src/**/*.test.ts', 'bench/src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
