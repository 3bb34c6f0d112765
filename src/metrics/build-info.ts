// relay_build_info: which relay and which Node serve these metrics, as a constant 1 carrying them as labels
// (Prometheus's own `prometheus_build_info`, Alertmanager's `alertmanager_build_info`), so a dashboard can
// show the version and an alert can find a host left behind after an upgrade.
import { createRequire } from 'node:module';
import type { Registry } from 'prom-client';
import { scrapedGauge } from './scraped.ts';

// `#package.json` (package.json `imports`) resolves from src/ and from dist/ alike.
const { version } = createRequire(import.meta.url)('#package.json') as { version: string };

export function registerBuildInfo(registry: Registry): void {
  scrapedGauge(registry, {
    name: 'relay_build_info',
    help: "A constant 1, labelled with relay's version and the Node.js version running it.",
    labelNames: ['version', 'node_version'],
    read: () => [[{ version, node_version: process.versions.node }, 1]],
  });
}
