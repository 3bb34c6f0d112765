// One outbox row in its two shapes: as delivery sees it (OutboxRow, with parsed JSON fields and camelCase
// names) and as it is stored in outbox.db's `outbox` table, and the mapping from the stored to the seen one.
// Apart from outbox-db.ts so the modules that only read rows (fold, fallbacks, digests) need not see SQL.
import type { Alert } from '../alert.ts';
import type { MessageType } from '../message-type.ts';
import type { AnswerLinks, Recipient } from '../../notifiers/types.ts';

/** What a row folded by delivery.max_queue holds, stored with it so later rows of its rule can be folded into it. */
export interface FoldedSummary {
  alerts: number;
  events: number;
  firstAt: number;
  lastAt: number;
  examples: string[];
}

export interface OutboxRow {
  /** Insertion order: a notifier's lane sends in this order. */
  seq: number;
  alertId: string;
  notifier: string;
  title: string;
  body: string;
  type: MessageType;
  severity?: number;
  rule: string;
  key: string;
  /** Events this row stands for. */
  count: number;
  /** Alerts this row stands for: 1, or more for a row that delivery.max_queue folded. */
  alerts: number;
  /** Set on a row that folded others: what it holds, so more can be folded into it. */
  folded?: FoldedSummary;
  /** The notifier this row was meant for, when it was rerouted to its fallback. */
  reroutedFrom?: string;
  /** A row for one person (notify_person): never folded into a digest with other rows. */
  recipient?: Recipient;
  answers?: AnswerLinks;
  createdAt: number;
  enqueuedAt: number;
  /** Failed tries so far. */
  attempts: number;
  /** Not to be tried before this time (the provider's Retry-After or our backoff). */
  nextAttemptAt: number;
  lastError?: string;
}

/**
 * What a lane's loop decides on (order, key, retry time, age, fallback, pace), without the title and body:
 * it reads the head once per finished send, and only the rows it picks are read whole.
 */
export type OutboxHead = Pick<
  OutboxRow,
  'seq' | 'rule' | 'key' | 'attempts' | 'nextAttemptAt' | 'enqueuedAt' | 'reroutedFrom' | 'recipient' | 'lastError'
>;

/** What enters the outbox: an alert for some notifiers, or a copy rerouted from another notifier. */
export interface NewRows {
  alert: Alert;
  notifiers: readonly string[];
  alerts?: number;
  folded?: FoldedSummary;
  reroutedFrom?: string;
}

/** A row of the `outbox` table as SQLite returns it. */
export interface Row {
  seq: number;
  alert_id: string;
  notifier: string;
  title: string;
  body: string;
  type: MessageType;
  severity: number | null;
  rule: string;
  key: string;
  count: number;
  alerts: number;
  folded: string | null;
  rerouted_from: string | null;
  recipient: string | null;
  answers: string | null;
  created_at: number;
  enqueued_at: number;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
}

/** The columns of an OutboxHead as SQLite returns them. */
export type HeadRow = Pick<Row, 'seq' | 'rule' | 'key' | 'attempts' | 'next_attempt_at' | 'enqueued_at' | 'rerouted_from' | 'recipient'>;

export function fromHeadRow(r: HeadRow): OutboxHead {
  return {
    seq: r.seq,
    rule: r.rule,
    key: r.key,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    enqueuedAt: r.enqueued_at,
    ...(r.rerouted_from === null ? {} : { reroutedFrom: r.rerouted_from }),
    ...(r.recipient === null ? {} : { recipient: JSON.parse(r.recipient) as Recipient }),
  };
}

export function fromRow(r: Row): OutboxRow {
  return {
    seq: r.seq,
    alertId: r.alert_id,
    notifier: r.notifier,
    title: r.title,
    body: r.body,
    type: r.type,
    ...(r.severity === null ? {} : { severity: r.severity }),
    rule: r.rule,
    key: r.key,
    count: r.count,
    alerts: r.alerts,
    ...(r.folded === null ? {} : { folded: JSON.parse(r.folded) as FoldedSummary }),
    ...(r.rerouted_from === null ? {} : { reroutedFrom: r.rerouted_from }),
    ...(r.recipient === null ? {} : { recipient: JSON.parse(r.recipient) as Recipient }),
    ...(r.answers === null ? {} : { answers: JSON.parse(r.answers) as AnswerLinks }),
    createdAt: r.created_at,
    enqueuedAt: r.enqueued_at,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    ...(r.last_error === null ? {} : { lastError: r.last_error }),
  };
}
