// `relay outbox`: what waits for delivery, per notifier (how many, since when, why the last try failed),
// alerts lost or dropped, and with --dead the alerts relay gave up on and why. `retry` and `drop` act on
// waiting or dead rows and say exactly what they did. They work on the same SQLite file a running relay
// writes; it notices their changes within a second. Printed text passes the redactor: rows written before a
// secret was masked at the source are masked here.
import type { Config } from '../config/schema.ts';
import { Outbox } from '../outbox/outbox.ts';
import { redact } from '../redactor.ts';

export interface RowSelection {
  notifier?: string;
  dead: boolean;
  /** A dead alert's id, as `relay outbox --dead` shows it. */
  id?: number;
}

export function showOutbox(config: Config, opts: { dead: boolean; limit: number }, stdout: NodeJS.WritableStream): number {
  const out = { write: (text: string): void => void stdout.write(redact(text)) };
  return withOutbox(config, (outbox) => {
    const pending = outbox.pending();
    if (pending.size === 0) out.write('nothing waiting for delivery\n');
    for (const [notifier, count] of pending) {
      const [head] = outbox.head(notifier);
      const since = head ? new Date(head.enqueuedAt).toISOString() : '?';
      const next =
        head && head.attempts > 0 ? `, next try ${new Date(head.nextAttemptAt).toISOString()} after ${head.attempts} failed` : '';
      out.write(`${notifier}: ${count} waiting since ${since}${next}${head?.lastError ? `\n    last error: ${head.lastError}` : ''}\n`);
    }
    for (const l of outbox.commands.losses()) {
      out.write(
        `${l.notifier}: ${l.alerts} alerts lost (${l.reason}) between ${new Date(l.firstAt).toISOString()} and ${new Date(l.lastAt).toISOString()}\n`,
      );
    }
    if (opts.dead) {
      const dead = outbox.dead(opts.limit);
      out.write(dead.length === 0 ? 'no dead alerts\n' : `dead alerts (newest first, at most ${opts.limit}; id first):\n`);
      for (const d of dead) {
        out.write(
          `  ${d.seq}  ${new Date(d.enqueuedAt).toISOString()}  ${d.notifier}  [${d.rule}] ${d.title}\n    ${d.lastError ?? 'no reason recorded'}\n`,
        );
      }
    }
    return 0;
  });
}

/** `relay outbox retry NOTIFIER | --dead [ID]`. */
export function retryOutbox(config: Config, sel: RowSelection, out: NodeJS.WritableStream, err: NodeJS.WritableStream): number {
  const problem = selectionProblem(sel);
  if (problem) return fail(err, problem);
  return withOutbox(config, (outbox) => {
    const now = Date.now();
    if (sel.notifier !== undefined) {
      const unknown = unknownNotifier(config, outbox, sel.notifier);
      if (unknown) return fail(err, unknown, 1);
      const waiting = outbox.pending().get(sel.notifier) ?? 0;
      const due = outbox.commands.retryNow(sel.notifier, now);
      out.write(
        waiting === 0
          ? `${sel.notifier}: nothing waiting\n`
          : `${sel.notifier}: ${waiting} waiting; ${due} of them were held for a later try and are due now\n`,
      );
      return 0;
    }
    const described = sel.id === undefined ? '' : describeDead(outbox, sel.id);
    const moved = outbox.commands.revive(now, sel.id);
    if (sel.id !== undefined && moved.size === 0) return fail(err, `no dead alert with id ${sel.id} (see relay outbox --dead)`, 1);
    out.write(
      moved.size === 0
        ? 'no dead alerts\n'
        : `${sel.id === undefined ? `${sum(moved)} dead alerts` : `dead alert ${described}`} back in the queue, due now: ${perNotifier(moved)}\n`,
    );
    return 0;
  });
}

/** `relay outbox drop NOTIFIER | --dead [ID]`. */
export function dropOutbox(config: Config, sel: RowSelection, out: NodeJS.WritableStream, err: NodeJS.WritableStream): number {
  const problem = selectionProblem(sel);
  if (problem) return fail(err, problem);
  return withOutbox(config, (outbox) => {
    if (sel.notifier !== undefined) {
      const unknown = unknownNotifier(config, outbox, sel.notifier);
      if (unknown) return fail(err, unknown, 1);
      const { rows, alerts } = outbox.commands.dropPending(sel.notifier);
      out.write(
        rows === 0
          ? `${sel.notifier}: nothing waiting\n`
          : `${sel.notifier}: dropped ${alerts} waiting alerts${alerts === rows ? '' : ` (in ${rows} messages)`}\n`,
      );
      return 0;
    }
    const described = sel.id === undefined ? '' : describeDead(outbox, sel.id);
    const dropped = outbox.commands.dropDead(sel.id);
    if (sel.id !== undefined && dropped.size === 0) return fail(err, `no dead alert with id ${sel.id} (see relay outbox --dead)`, 1);
    out.write(
      dropped.size === 0
        ? 'no dead alerts\n'
        : `dropped ${sel.id === undefined ? `${sum(dropped)} dead alerts` : `dead alert ${described}`}: ${perNotifier(dropped)}\n`,
    );
    return 0;
  });
}

function selectionProblem(sel: RowSelection): string | undefined {
  if (sel.dead && sel.notifier !== undefined) return 'give a notifier or --dead [ID], not both';
  if (!sel.dead && sel.notifier === undefined) return 'give a notifier (its waiting alerts) or --dead [ID] (alerts given up on)';
  if (sel.id !== undefined && !(Number.isInteger(sel.id) && sel.id > 0)) return 'an id is a number from relay outbox --dead';
  return undefined;
}

/**
 * A name neither in the config nor in the outbox is a typo: said so, with the names there are. A notifier
 * since removed from the config may still have rows waiting, which retry and drop act on.
 */
function unknownNotifier(config: Config, outbox: Outbox, name: string): string | undefined {
  const pending = outbox.pending();
  if (Object.hasOwn(config.notifiers, name) || pending.has(name)) return undefined;
  const known = [...new Set([...Object.keys(config.notifiers), ...pending.keys()])];
  return `no notifier ${name} in the config or the outbox${known.length === 0 ? '' : ` (notifiers: ${known.join(', ')})`}`;
}

function describeDead(outbox: Outbox, id: number): string {
  const [row] = outbox.dead(1, id);
  return row ? `${id} ([${row.rule}] ${row.title})` : String(id);
}

function withOutbox(config: Config, fn: (outbox: Outbox) => number): number {
  const outbox = Outbox.open(config.state_dir);
  try {
    return fn(outbox);
  } finally {
    outbox.close();
  }
}

function fail(err: NodeJS.WritableStream, message: string, code = 2): number {
  err.write(`${message}\n`);
  return code;
}

function sum(counts: Map<string, number>): number {
  return [...counts.values()].reduce((a, b) => a + b, 0);
}

function perNotifier(counts: Map<string, number>): string {
  return [...counts].map(([n, c]) => `${n} ${c}`).join(', ');
}
