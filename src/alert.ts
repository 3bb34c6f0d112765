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
  body: string;
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
