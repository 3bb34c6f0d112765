import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerProcessMetrics } from '../../src/metrics/process-metrics.ts';

describe('process metrics', () => {
  it("are prom-client's default families without the GC histogram and the gauges named like counters", async () => {
    const registry = new Registry();
    registerProcessMetrics(registry);
    const names = (await registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'process_cpu_seconds_total',
        'process_start_time_seconds',
        'process_resident_memory_bytes',
        'process_open_fds',
        'process_max_fds',
        'nodejs_eventloop_lag_seconds',
        'nodejs_active_resources',
        'nodejs_active_handles',
        'nodejs_active_requests',
        'nodejs_heap_size_used_bytes',
        'nodejs_heap_space_size_used_bytes',
        'nodejs_version_info',
      ]),
    );
    for (const gone of [
      'nodejs_gc_duration_seconds',
      'nodejs_active_resources_total',
      'nodejs_active_handles_total',
      'nodejs_active_requests_total',
    ]) {
      expect(names).not.toContain(gone);
    }
  });
});
