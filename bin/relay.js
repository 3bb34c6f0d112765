#!/usr/bin/env node
// Installed entry point: runs the compiled CLI in dist/ (`npm run build`; `npm pack` builds it first).
// From a checkout without a build, `npm run relay -- …` runs the TypeScript source instead.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/src/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('relay: dist/ is missing; run `npm run build` in the checkout, or use `npm run relay -- …`\n');
  process.exit(1);
}
// Before the CLI's module graph is even parsed, which is what would grow V8's young generation (and before
// threads allocate, for the malloc arena cap, where the optional malloc addon was built).
await import(new URL('../dist/src/memory-settings.js', import.meta.url).href);
await import(cli.href);
