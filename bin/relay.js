#!/usr/bin/env node
// Installed entry point: runs the compiled CLI in dist/ (`npm run build`; `npm pack` builds it first).
// From a checkout without a build, `npm run relay -- …` runs the TypeScript source instead.
try {
  await import('../dist/src/cli.js');
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('dist/src/cli.js')) throw e;
  process.stderr.write('relay: dist/ is missing; run `npm run build` in the checkout, or use `npm run relay -- …`\n');
  process.exit(1);
}
