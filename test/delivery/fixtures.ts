// Shared pieces of the delivery tests: a delivery config and alerts.
import type { Alert } from '../../src/alert.ts';
import type { DeliveryConfig } from '../../src/config/schema.ts';

export const DELIVERY: DeliveryConfig = {
  backoff: 1000, max_backoff: 60_000, timeout: 5000, shutdown_grace: 1000, max_age: 86_400_000, fold_after: 5,
  memory_buffer: 10_000, max_queue: 10_000, max_queue_hard: 50_000,
};

export function alert(n: number, more: Partial<Alert> = {}): Alert {
  return { id: `a${n}`, rule: 'r', notify: ['hook'], title: `t${n}`, body: `b${n}`, type: 'info', key: `k${n}`, createdAt: 0, count: 1, ...more };
}
