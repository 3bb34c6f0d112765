// A pipeline on a manual clock, built from YAML through the real config loader, collecting what it would send.
import type { Alert } from '../../src/alert.ts';
import { ManualClock } from '../../src/clock.ts';
import { parseConfig } from '../../src/config/load.ts';
import type { RelayEvent } from '../../src/event.ts';
import { Pipeline, type PipelineOptions } from '../../src/pipeline/pipeline.ts';
import { parseFields } from '../../parsers/index.ts';

export const T0 = Date.parse('2025-03-01T12:00:00Z');

/** `opts.store` lets a second harness resume what a first one kept (a restart); `opts.start` sets its clock. */
export function harness(yaml: string, opts: PipelineOptions & { start?: number } = {}) {
  const clock = new ManualClock(opts.start ?? T0);
  const sent: Alert[] = [];
  /** Clock time each alert in `sent` was delivered at. */
  const sentAt: number[] = [];
  const config = parseConfig(`notifiers:\n  ops: console://\n  chat: console://\n${yaml}`, 'test.yaml', {});
  const pipeline = new Pipeline(config, clock, (a) => {
    sent.push(a);
    sentAt.push(clock.now());
  }, opts);
  return {
    clock,
    sent,
    sentAt,
    pipeline,
    /** A syslog line's app and message, through the parsers, at the clock's current time. */
    syslog(app: string, message: string, more: Partial<RelayEvent> = {}) {
      pipeline.push(parseFields({ receivedAt: new Date(clock.now()), listener: 'test', kind: 'syslog', host: 'web1', app, message, fields: {}, ...more }));
    },
    /** A sudo audit plugin JSON event. */
    sudo(fields: Record<string, unknown>) {
      pipeline.push({ receivedAt: new Date(clock.now()), listener: 'sudo', kind: 'sudo', message: JSON.stringify(fields), fields: { v: 1, ...fields } });
    },
  };
}
