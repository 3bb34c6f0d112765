// The pipeline's last stage: counts each alert (one per notifier) and hands it to delivery — the outbox's
// dispatcher for `relay run`, a list for `relay replay` and tests.
import type { Alert } from '../alert.ts';
import { Stage } from './stage.ts';

/** Where alerts leave the pipeline. */
export interface AlertSink {
  enqueue(alert: Alert): void;
}

export class Deliver extends Stage<Alert, never> {
  alerts = 0;
  readonly alertsByRule = new Map<string, number>();

  constructor(private readonly sink: AlertSink) {
    super();
  }

  push(alert: Alert): void {
    this.alerts++;
    this.alertsByRule.set(alert.rule, (this.alertsByRule.get(alert.rule) ?? 0) + 1);
    this.sink.enqueue(alert);
  }
}
