// prom-client's own process collectors, one module each (what its collectDefaultMetrics runs in a loop).
declare module 'prom-client/lib/metrics/*.js' {
  import type { DefaultMetricsCollectorConfiguration, Registry } from 'prom-client';
  const collect: (registry: Registry, config?: DefaultMetricsCollectorConfiguration<'text/plain; version=0.0.4; charset=utf-8'>) => void;
  export default collect;
}
