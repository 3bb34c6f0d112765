// A "was this you?" question as relay keeps it in the state store (namespace `questions`): who was asked
// what about which event, until when, and how it ended. Everything an escalation needs is rendered when the
// question is asked, so a restarted relay can escalate without the event.
import type { Answer } from './answer-token.ts';

export type QuestionStatus = 'pending' | 'yes' | 'no' | 'unanswered' | 'not asked' | 'quieted';

export interface QuestionRecord {
  id: string;
  rule: string;
  /** The user name asked, and their display name. */
  user: string;
  name: string;
  /** The notifiers the person was asked through. */
  via: string[];
  escalate: string[];
  question: string;
  /**
   * What the event was, whole (host, user, runas, the full command and its arguments, else the message): a
   * "yes" quiets only the same event again, never another one whose question happens to render the same.
   */
  identity: string;
  /** The rule's title and body for the event. */
  title: string;
  body: string;
  /** Escalation titles, rendered at ask time. */
  denied: string;
  unanswered: string;
  askedAt: number;
  deadline: number;
  status: QuestionStatus;
  answeredAt?: number;
  /** `page` (the confirmation page's button) or `slack` (a Slack button). */
  answeredVia?: 'page' | 'slack';
  /** Why it was not asked (cap reached), or which "yes" quieted it. */
  note?: string;
  /** After "yes": the same question to the same person is quiet until askedAt + this. */
  quietFor: number;
  severity?: number;
  /**
   * Later calls for the same person and rule while this question was open (at most FOLD_MAX, the rest
   * counted in foldedMore): one question per person and rule at a time, so a flood naming someone asks them
   * once and never fills answers.max_pending for everyone else. They escalate with this question; after a
   * "yes", which did not cover them (the person never saw them), they are asked next, together.
   */
  folded?: FoldedCall[];
  foldedMore?: number;
  /** How many of `folded` the question listed when it was asked (what a "yes" to it covers). */
  foldedShown?: number;
}

/** What asking a call needs, but the person (the question's own). */
export type FoldedCall = Pick<
  QuestionRecord,
  'question' | 'identity' | 'title' | 'body' | 'denied' | 'unanswered' | 'quietFor' | 'severity' | 'via' | 'escalate'
> & { timeout: number };

export const QUESTIONS = 'questions';
/** The identity of an event for quieting: the fields that say what ran where as whom, else its whole message. */
export function eventIdentity(event: { host?: string; app?: string; message: string; fields: Record<string, unknown> }): string {
  const { user, runas_user, command, argv } = event.fields;
  const what = command === undefined && argv === undefined ? { message: event.message } : { command, argv };
  return JSON.stringify({ host: event.host, app: event.app, user, runas_user, ...what });
}

/** Where an answer came from: the confirmation page, or a Slack button pressed by this Slack user. */
export type AnswerSource = { via: 'page'; peer?: string } | { via: 'slack'; slackUser: string; peer?: string };

export type AnswerResult = { ok: true; question: QuestionRecord; answer: Answer } | { ok: false; why: string; question?: QuestionRecord };

export interface AskStats {
  asked: number;
  quieted: number;
  /** Calls folded into a question already open for the same person and rule. */
  folded: number;
  yes: number;
  no: number;
  unanswered: number;
  refused: number;
}
