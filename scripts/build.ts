// `npm run build`: bundles relay into dist/ for bin/relay.js. One file per entry (the CLI, and the V8 setting
// bin/relay.js applies before the CLI is parsed) plus a shared chunk per lazily imported part (the running
// relay, the notifiers' heavy clients), so a command loads only what it uses. Bundling is for memory: V8 keeps
// every loaded module's source text and compiled code for the life of the process, and a bundle is a
// fraction of the sources in node_modules (no comments, no inline source maps, unused exports dropped).
// Identifiers are minified too: V8 keeps the bundle's text as heap strings, so short names shrink the live
// heap (`keepNames` would undo it: each kept name is an own property on its function); README → Benchmarks
// has the figures. Stack traces then name minified functions; `node --enable-source-maps bin/relay.js` maps
// them back to the TypeScript through the linked source maps.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const ROOT = new URL('..', import.meta.url).pathname;

/**
 * Left to node_modules at run time: the native SQLite addon (its loader finds the .node file beside its own
 * package.json), pino (its transports start worker threads from their own files), and the clients only a
 * notifier's first send imports, which the bundle would only make bigger.
 */
const EXTERNAL = ['better-sqlite3', 'pino', 'pino-pretty', 'nodemailer', '@slack/web-api'];

rmSync(`${ROOT}dist`, { recursive: true, force: true });
await build({
  absWorkingDir: ROOT,
  entryPoints: { 'src/cli': 'src/cli.ts', 'src/memory-settings': 'src/memory-settings.ts' },
  outdir: 'dist',
  chunkNames: 'src/chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  minifyWhitespace: true,
  minifySyntax: true,
  minifyIdentifiers: true,
  legalComments: 'none',
  sourcemap: 'linked',
  // The CommonJS packages inside the bundle call require() for Node's own modules.
  banner: { js: "import { createRequire as __relayRequire } from 'node:module'; const require = __relayRequire(import.meta.url);" },
  logLevel: 'warning',
});
