// The pipeline's last stage: counts each alert (one per notifier) and hands it to delivery (the outbox for
// `relay run`, a list for `relay replay`).
import type { Alert } from '../alert.ts';
import { Stage } from './stage.ts';

export class Deliver extends Stage<Alert, Alert> {
  alerts = 0;
  readonly alertsByRule = new Map<string, number>();

  push(alert: Alert): void {
    this.alerts++;
    this.alertsByRule.set(alert.rule, (this.alertsByRule.get(alert.rule) ?? 0) + 1);
    this.next.push(alert);
  }
}
