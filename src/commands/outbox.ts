// `relay outbox`: what waits for delivery, per notifier (how many, since when, why the last try failed),
// and with --dead the alerts relay gave up on and why. Reads the same SQLite file a running relay writes.
// Printed text passes the redactor: rows written before a secret was masked at the source are masked here.
import type { Config } from '../config/schema.ts';
import { Outbox } from '../outbox/outbox.ts';
import { redact } from '../redactor.ts';

export function showOutbox(config: Config, opts: { dead: boolean; limit: number }, out: NodeJS.WritableStream): number {
  const outbox = Outbox.open(config.state_dir);
  const write = (text: string): void => void out.write(redact(text));
  try {
    const pending = outbox.pending();
    if (pending.size === 0) write('nothing waiting for delivery\n');
    for (const [notifier, count] of pending) {
      const [head] = outbox.head(notifier);
      const since = head ? new Date(head.enqueuedAt).toISOString() : '?';
      const next = head && head.attempts > 0 ? `, next try ${new Date(head.nextAttemptAt).toISOString()} after ${head.attempts} failed` : '';
      write(`${notifier}: ${count} waiting since ${since}${next}${head?.lastError ? `\n    last error: ${head.lastError}` : ''}\n`);
    }
    if (opts.dead) {
      const dead = outbox.dead(opts.limit);
      write(dead.length === 0 ? 'no dead alerts\n' : `dead alerts (newest first, at most ${opts.limit}):\n`);
      for (const d of dead) {
        write(`  ${new Date(d.enqueuedAt).toISOString()}  ${d.notifier}  [${d.rule}] ${d.title}\n    ${d.lastError ?? 'no reason recorded'}\n`);
      }
    }
    return 0;
  } finally {
    outbox.close();
  }
}
