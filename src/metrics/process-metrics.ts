// Node's process metrics (CPU, memory, heap spaces, file descriptors, event-loop lag, handles, version): the
// collectors of prom-client's default set, all but its GC histogram (nodejs_gc_duration_seconds) and three
// gauges it names like counters. That one
// watches every collection through a PerformanceObserver, and Node 20 builds each GC entry with deprecation
// wrappers: under a UDP flood those entries were most of what outlived the nursery, and the old generation
// grew steadily between full collections; without it the same flood holds it flat (README → Benchmarks).
// nodejs_heap_* still show the heap.
import type { Registry } from 'prom-client';
import eventLoopLag from 'prom-client/lib/metrics/eventLoopLag.js';
import heapSizeAndUsed from 'prom-client/lib/metrics/heapSizeAndUsed.js';
import heapSpacesSizeAndUsed from 'prom-client/lib/metrics/heapSpacesSizeAndUsed.js';
import osMemoryHeap from 'prom-client/lib/metrics/osMemoryHeap.js';
import processCpuTotal from 'prom-client/lib/metrics/processCpuTotal.js';
import processHandles from 'prom-client/lib/metrics/processHandles.js';
import processMaxFileDescriptors from 'prom-client/lib/metrics/processMaxFileDescriptors.js';
import processOpenFileDescriptors from 'prom-client/lib/metrics/processOpenFileDescriptors.js';
import processRequests from 'prom-client/lib/metrics/processRequests.js';
import processResources from 'prom-client/lib/metrics/processResources.js';
import processStartTime from 'prom-client/lib/metrics/processStartTime.js';
import version from 'prom-client/lib/metrics/version.js';

const COLLECTORS = [
  processCpuTotal,
  processStartTime,
  osMemoryHeap,
  processOpenFileDescriptors,
  processMaxFileDescriptors,
  eventLoopLag,
  processResources,
  processHandles,
  processRequests,
  heapSizeAndUsed,
  heapSpacesSizeAndUsed,
  version,
];

/**
 * Gauges prom-client names with `_total`, which Prometheus keeps for counters (`promtool check metrics`
 * rejects them); each is the sum of the gauge of the same name without the suffix, by type, which stays.
 */
const GAUGES_NAMED_AS_COUNTERS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

export function registerProcessMetrics(registry: Registry): void {
  // prom-client's own default: event-loop lag sampled every 10 ms.
  for (const collect of COLLECTORS) collect(registry, { eventLoopMonitoringPrecision: 10 });
  for (const name of GAUGES_NAMED_AS_COUNTERS) registry.removeSingleMetric(name);
}
