// The alerts a question makes: what asks the person (one per notifier it goes through), and what an
// unconfirmed question becomes: on "no" it says who denied what, on silence that nobody
// answered; the body gives the event as the rule rendered it and the question's story (asked when, through
// what, answered how). It goes to the ask's `escalate` notifiers like any other alert; so does, at info
// level, an event a "yes" kept from being asked again.
import { randomUUID } from 'node:crypto';
import type { Alert } from '../alert.ts';
import type { AnswerLinks, Recipient } from '../../notifiers/types.ts';
import { foldedLines } from './fold.ts';
import type { QuestionRecord } from './question.ts';

export function escalation(q: QuestionRecord, now: number): Alert {
  const at = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const story =
    q.status === 'no'
      ? `${q.user} (${q.name}) answered "no, not me" at ${at(q.answeredAt!)} through ${q.answeredVia === 'slack' ? 'a Slack button' : 'the answer page'}.`
      : q.status === 'not asked'
        ? `${q.user} (${q.name}) was not asked: ${q.note}.`
        : `${q.user} (${q.name}) did not answer by ${at(q.deadline)}.`;
  return {
    id: randomUUID(),
    rule: q.rule,
    notify: q.escalate,
    title: q.status === 'no' ? q.denied : q.status === 'not asked' ? `not asked (${q.note}): ${q.question}` : q.unanswered,
    body: `${q.title}\n${q.body}\n\nAsked ${q.user} at ${at(q.askedAt)} through ${q.via.join(', ')}: "${q.question}"\n${story}\nquestion ${q.id}${foldedLines(q, `{n} more calls for ${q.user} came while it was open, and go with it:`)}`,
    type: 'failure',
    ...(q.severity === undefined ? {} : { severity: q.severity }),
    key: `${q.rule}\u0000escalation\u0000${q.id}`,
    createdAt: now,
    count: 1,
  };
}

/** What a "yes" quieted: the event and which answer quieted it, at info level to the escalation notifiers. */
export function quietedNotice(q: QuestionRecord, now: number): Alert {
  return {
    id: randomUUID(),
    rule: q.rule,
    notify: q.escalate,
    title: `not asked again (${q.user} said yes before): ${q.question}`,
    body: `${q.title}\n${q.body}\n\n${q.note}; the same event within on_yes.quiet_for is not asked again.\nquestion ${q.id}`,
    type: 'info',
    ...(q.severity === undefined ? {} : { severity: q.severity }),
    key: `${q.rule}\u0000quieted\u0000${q.id}`,
    createdAt: now,
    count: 1,
  };
}

/** The question to the person, once per notifier it goes through, with its answer links. */
export function questionAlerts(q: QuestionRecord, person: Recipient, answers: AnswerLinks, now: number): Alert[] {
  const waiting = foldedLines(q, 'and {n} more calls are waiting for you; your answer is for all of them:');
  return q.via.map((via) => ({
    id: randomUUID(),
    rule: q.rule,
    notify: [via],
    title: `Was this you? ${q.question}`,
    body: `${q.title}\n${q.body}${waiting}\n\nPlease answer by ${new Date(q.deadline).toISOString()}; after that relay tells ${q.escalate.join(', ')}.`,
    type: 'warning',
    ...(q.severity === undefined ? {} : { severity: q.severity }),
    key: `${q.rule}\u0000question\u0000${q.id}`,
    createdAt: now,
    count: 1,
    recipient: person,
    answers,
  }));
}

/**
 * A "yes": the person's word, told to the escalation notifiers at info level, since whoever reads their mail
 * or chat (perhaps whoever is using their account) could have given it.
 */
export function confirmedNotice(q: QuestionRecord, now: number): Alert {
  const at = new Date(q.answeredAt ?? now).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const via = q.answeredVia === 'slack' ? 'a Slack button' : 'the answer page';
  return {
    id: randomUUID(),
    rule: q.rule,
    notify: q.escalate,
    title: `${q.user} confirmed: ${q.question}`,
    body: `${q.title}\n${q.body}\n\n${q.user} (${q.name}) answered "yes, it was me" at ${at} through ${via}.\nquestion ${q.id}`,
    type: 'info',
    ...(q.severity === undefined ? {} : { severity: q.severity }),
    key: `${q.rule}\u0000confirmed\u0000${q.id}`,
    createdAt: now,
    count: 1,
  };
}
