// `relay outbox`: what waits for delivery, per notifier (how many, since when, why the last try failed),
// and with --dead the alerts relay gave up on and why. Reads the same SQLite file a running relay writes.
import type { Config } from '../config/schema.ts';
import { Outbox } from '../outbox/outbox.ts';

export function showOutbox(config: Config, opts: { dead: boolean; limit: number }, out: NodeJS.WritableStream): number {
  const outbox = Outbox.open(config.state_dir);
  try {
    const pending = outbox.pending();
    if (pending.size === 0) out.write('nothing waiting for delivery\n');
    for (const [notifier, count] of pending) {
      const [head] = outbox.head(notifier);
      const since = head ? new Date(head.enqueuedAt).toISOString() : '?';
      const next = head && head.attempts > 0 ? `, next try ${new Date(head.nextAttemptAt).toISOString()} after ${head.attempts} failed` : '';
      out.write(`${notifier}: ${count} waiting since ${since}${next}${head?.lastError ? `\n    last error: ${head.lastError}` : ''}\n`);
    }
    if (opts.dead) {
      const dead = outbox.dead(opts.limit);
      out.write(dead.length === 0 ? 'no dead alerts\n' : `dead alerts (newest first, at most ${opts.limit}):\n`);
      for (const d of dead) {
        out.write(`  ${new Date(d.enqueuedAt).toISOString()}  ${d.notifier}  [${d.rule}] ${d.title}\n    ${d.lastError ?? 'no reason recorded'}\n`);
      }
    }
    return 0;
  } finally {
    outbox.close();
  }
}
