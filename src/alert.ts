// An alert: what a rule made of one or more events, on its way to the notifiers it names.
import type { MessageType } from './message-type.ts';
import type { AnswerLinks, Recipient } from '../notifiers/types.ts';

export interface Alert {
  /** Unique per alert; the outbox and logs use it. */
  id: string;
  rule: string;
  /** Notifier names from the rule. */
  notify: readonly string[];
  title: string;
  /** The rendered title without its event count, so a stage that recounts (folds) can say its own count. */
  headline?: string;
  body: string;
  /** A rate limit's release message: its list of held alerts, one line each, so a later limit holding it lists them too. */
  held?: readonly string[];
  /** A digest's events per key (its rule's `key:` values), so a limit that holds several digests keeps each key's count. */
  keys?: readonly (readonly [string, number])[];
  type: MessageType;
  severity?: number;
  /** Identity for dedupe/throttle: same key = "the same alert again". */
  key: string;
  createdAt: number;
  /** How many events this alert stands for (1 unless aggregated or folded). */
  count: number;
  /** For one person only (a rule's notify_person): the notifiers send it to this person, never to a channel. */
  recipient?: Recipient;
  /** "Was this you?" answer links for the recipient (a rule's ask). */
  answers?: AnswerLinks;
}

/** The title an alert standing for `count` events carries: its headline and, past one, the count. */
export function countedTitle(alert: Pick<Alert, 'title' | 'headline'>, count: number): string {
  const head = alert.headline ?? alert.title;
  return count > 1 ? `${head} (${count} events)` : head;
}
