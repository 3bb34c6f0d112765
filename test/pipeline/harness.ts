// A pipeline on a manual clock, built from YAML through the real config loader, collecting what it would send.
// Given a state store (and a start time), it is a restarted relay: it resumes what an earlier one held.
import type { Alert } from '../../src/alert.ts';
import { ManualClock } from '../../src/clock.ts';
import { parsePlan } from '../../src/plan/load-plan.ts';
import { composePipeline } from '../../src/plan/compose-pipeline.ts';
import type { RelayEvent } from '../../src/event.ts';
import type { Logger } from '../../src/log.ts';
import type { StateStore } from '../../src/state/state-store.ts';
import { parseFields } from '../../parsers/index.ts';

export const T0 = Date.parse('2025-03-01T12:00:00Z');

/** The end of the current turn: what the stages changed in it is in the store (as after a SIGKILL). */
export const turnEnd = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface HarnessOptions {
  store?: StateStore;
  /** Clock time at start (default T0). */
  start?: number;
  log?: Logger;
}

export function harness(yaml: string, opts: HarnessOptions = {}) {
  const clock = new ManualClock(opts.start ?? T0);
  const sent: Alert[] = [];
  /** Clock time each alert in `sent` was delivered at. */
  const sentAt: number[] = [];
  const plan = parsePlan(`notifiers:\n  ops: console://\n  chat: console://\n${yaml}`, 'test.yaml', {});
  const { pipeline } = composePipeline(plan, {
    clock,
    store: opts.store,
    log: opts.log,
    deliver: {
      enqueue: (a: Alert) => {
        sent.push(a);
        sentAt.push(clock.now());
      },
    },
  });
  return {
    clock,
    sent,
    sentAt,
    pipeline,
    /** A syslog line's app and message, through the parsers, at the clock's current time. */
    syslog(app: string, message: string, more: Partial<RelayEvent> = {}) {
      pipeline.push(
        parseFields({
          receivedAt: new Date(clock.now()),
          listener: 'test',
          kind: 'syslog',
          host: 'web1',
          app,
          message,
          fields: {},
          ...more,
        }),
      );
    },
    /** A sudo audit plugin JSON event. */
    sudo(fields: Record<string, unknown>) {
      pipeline.push({
        receivedAt: new Date(clock.now()),
        listener: 'sudo',
        kind: 'sudo',
        message: JSON.stringify(fields),
        fields: { v: 1, ...fields },
      });
    },
  };
}
