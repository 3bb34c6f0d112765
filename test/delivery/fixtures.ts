// Shared pieces of the delivery tests: a delivery config, alerts, and the parts a dispatcher runs against.
import type { Alert } from '../../src/alert.ts';
import { ManualClock } from '../../src/clock.ts';
import { Outbox } from '../../src/outbox/outbox.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { HttpSink } from '../helpers/http-sink.ts';
import type { DispatchConfig } from '../../src/delivery/dispatcher.ts';

export const DELIVERY: DispatchConfig = {
  backoff: 1000,
  max_backoff: 60_000,
  timeout: 5000,
  shutdown_grace: 1000,
  max_age: 86_400_000,
  fold_after: 5,
  memory_buffer: 10_000,
  max_queue: 10_000,
  max_queue_hard: 50_000,
};

export function alert(n: number, more: Partial<Alert> = {}): Alert {
  return {
    id: `a${n}`,
    rule: 'r',
    notify: ['hook'],
    title: `t${n}`,
    body: `b${n}`,
    type: 'info',
    key: `k${n}`,
    createdAt: 0,
    count: 1,
    ...more,
  };
}

/** What a dispatcher test runs against: one local webhook, the manual clock at 0, an in-memory outbox, a log to read. */
export interface DeliveryRig {
  sink: HttpSink;
  clock: ManualClock;
  outbox: Outbox;
  logs: ReturnType<typeof captureLog>;
  close(): Promise<void>;
}

export async function startDeliveryRig(): Promise<DeliveryRig> {
  const sink = await new HttpSink().start();
  const outbox = new Outbox(':memory:');
  return {
    sink,
    clock: new ManualClock(0),
    outbox,
    logs: captureLog(),
    close: async () => {
      await sink.stop();
      outbox.close();
    },
  };
}
