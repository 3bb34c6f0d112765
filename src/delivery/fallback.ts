// A notifier's fallback (`notifiers: {NAME: {url, fallback, fallback_after}}`): alerts that went dead on it
// are copied to the fallback, alerts that waited there longer than fallback_after are moved to it, once,
// each with a first line saying where it was meant to go and why it came here. A copy is never rerouted
// again (one hop), so a chain of fallbacks cannot bounce an alert around.
import { formatDuration } from '../config/duration.ts';
import type { Logger } from '../log.ts';
import type { NewRows, Outbox, OutboxRow } from '../outbox/outbox.ts';

export interface FallbackRoute {
  to: string;
  /** ms; unset: only dead alerts are rerouted. */
  after?: number;
}

/** What a reroute did: alerts rerouted, and the fallback's name once per row that is in the outbox now. */
export interface Rerouted {
  alerts: number;
  landed: string[];
}

export class Fallbacks {
  /** `enabled`: notifiers that can send (a fallback whose URL is not set is no fallback). */
  constructor(
    private readonly routes: ReadonlyMap<string, FallbackRoute>,
    private readonly enabled: ReadonlySet<string>,
    private readonly outbox: Outbox,
    private readonly log: Logger,
  ) {
    for (const [from, route] of routes) {
      if (enabled.has(from) && !enabled.has(route.to)) {
        log.warn(
          { notifier: from, fallback: route.to },
          'the fallback of this notifier is disabled (its URL is empty): nothing is rerouted to it',
        );
      }
    }
  }

  /** When `head` of `from` must move to the fallback: never without fallback_after, or for a copy. */
  dueAt(from: string, head: Pick<OutboxRow, 'enqueuedAt' | 'reroutedFrom'>): number {
    const route = this.route(from);
    if (route?.after === undefined || head.reroutedFrom !== undefined) return Infinity;
    return head.enqueuedAt + route.after;
  }

  /** Dead rows of `from`: buried, the reroutable ones copied to the fallback in the same transaction. */
  bury(from: string, rows: readonly OutboxRow[], reason: string, now: number): Rerouted {
    const route = this.route(from);
    const copies = route ? reroutable(rows) : [];
    if (!route || copies.length === 0) {
      this.outbox.bury(rows, reason, now);
      return { alerts: 0, landed: [] };
    }
    const why = `dead there: ${reason}`;
    return this.done(
      from,
      route.to,
      copies,
      this.outbox.reroute(
        rows,
        copies.map((r) => rerouteCopy(r, route.to, why)),
        { bury: reason },
        now,
      ),
      why,
    );
  }

  /**
   * Rows of `from` that waited longer than fallback_after move to the fallback (not those being sent now:
   * `sending` holds their seqs). Also returns how many left.
   */
  moveWaiting(from: string, now: number, sending: ReadonlySet<number> = new Set()): Rerouted & { rows: number } {
    const route = this.route(from)!;
    const rows = reroutable(this.outbox.enqueuedBefore(from, now - route.after!)).filter((r) => !sending.has(r.seq));
    const last = rows.find((r) => r.lastError !== undefined)?.lastError;
    const why = `not delivered within fallback_after (${formatDuration(route.after!)})${last ? `; last error: ${last}` : ''}`;
    return {
      rows: rows.length,
      ...this.done(
        from,
        route.to,
        rows,
        this.outbox.reroute(
          rows,
          rows.map((r) => rerouteCopy(r, route.to, why)),
          'remove',
          now,
        ),
        why,
      ),
    };
  }

  private done(from: string, to: string, rows: readonly OutboxRow[], stored: boolean[], why: string): Rerouted {
    const alerts = rows.reduce((n, r) => n + r.alerts, 0);
    this.log.warn(
      { notifier: from, fallback: to, alerts, title: rows[0]?.title, why },
      `alerts meant for ${from} rerouted to its fallback ${to}`,
    );
    return { alerts, landed: rows.flatMap((_, i) => (stored[i] ? [to] : [])) };
  }

  private route(from: string): FallbackRoute | undefined {
    const route = this.routes.get(from);
    return route && this.enabled.has(route.to) ? route : undefined;
  }
}

/** The rows that may still be rerouted: not copies from another notifier themselves. */
function reroutable(rows: readonly OutboxRow[]): OutboxRow[] {
  return rows.filter((r) => r.reroutedFrom === undefined);
}

function rerouteCopy(row: OutboxRow, to: string, why: string): NewRows {
  return {
    alert: {
      id: row.alertId,
      rule: row.rule,
      notify: [to],
      title: row.title,
      key: row.key,
      createdAt: row.createdAt,
      count: row.count,
      type: row.type,
      ...(row.severity === undefined ? {} : { severity: row.severity }),
      body: `(meant for ${row.notifier}; rerouted to ${to}: ${why})\n${row.body}`,
    },
    notifiers: [to],
    alerts: row.alerts,
    ...(row.folded ? { folded: row.folded } : {}),
    reroutedFrom: row.notifier,
  };
}
