// Asking a person "was this you?" and acting on the answer. A question is kept in the state store from the
// moment it is asked (deadline included), so a restart re-arms its timeout and its links keep working.
// "yes" closes it (and may quiet the same question for that person); "no" escalates at once; no answer by
// the deadline escalates saying nobody answered. Every refused answer (bad signature, expired, already
// answered, someone else's) changes nothing and is logged.
import { randomUUID } from 'node:crypto';
import type { Alert } from '../alert.ts';
import type { Clock, Timer } from '../clock.ts';
import { formatDuration } from '../config/duration.ts';
import type { Logger } from '../log.ts';
import { MemoryStateStore, type StateNamespace, type StateStore } from '../state/state-store.ts';
import type { AnswerLinks } from '../../notifiers/types.ts';
import type { AnswersConfig } from '../config/people-schema.ts';
import { signToken, verifyToken, type Answer } from './answer-token.ts';
import type { Person } from './directory.ts';
import { confirmedNotice, escalation, questionAlerts, quietedNotice } from './escalation.ts';
import { foldInto } from './fold.ts';
import { QUESTIONS, type AnswerResult, type AnswerSource, type AskStats, type FoldedCall, type QuestionRecord } from './question.ts';
import { QuietWindows } from './quiet-windows.ts';
import { RefusalLog } from './refusal-log.ts';

/** What the directed stage hands over for one person and one event: the question's fields, before it is asked. */
export type AskRequest = Pick<
  QuestionRecord,
  'rule' | 'via' | 'escalate' | 'question' | 'identity' | 'title' | 'body' | 'denied' | 'unanswered' | 'quietFor' | 'severity'
> & {
  person: Person;
  timeout: number;
};

export class Asker {
  readonly stats: AskStats = { asked: 0, quieted: 0, folded: 0, yes: 0, no: 0, unanswered: 0, refused: 0 };
  /** Each person asked, to ask them again about what folded into their question. */
  private readonly persons = new Map<string, Person>();
  private readonly questions = new Map<string, QuestionRecord>();
  private readonly quiet = new QuietWindows();
  private saved: StateNamespace = this.namespace(new MemoryStateStore());
  private readonly timers = new Map<string, Timer>();
  /** Slack user ID of each person asked, for checking who pressed a button. */
  private readonly slackIds = new Map<string, string>();
  private readonly refusals: RefusalLog;

  constructor(
    private readonly config: AnswersConfig,
    private readonly clock: Clock,
    private readonly emit: (alert: Alert) => void,
    private readonly log: Logger,
    slackIds: ReadonlyMap<string, string>,
  ) {
    for (const [user, id] of slackIds) this.slackIds.set(user, id);
    this.refusals = new RefusalLog(log, clock);
  }

  /** A request refused before its token was read (a bad Slack signature): counted and logged like the rest. */
  refuseRequest(fields: Record<string, unknown>, msg: string): void {
    this.stats.refused++;
    this.refusals.warn(fields, msg);
  }

  /** Questions and quiet windows from the store: pending ones get their timeout back, overdue ones escalate now. */
  attach(store: StateStore): void {
    this.close();
    this.saved = this.namespace(store);
    this.questions.clear();
    this.quiet.attach(store, this.clock.now());
    const loaded = [...this.saved.load().values()] as QuestionRecord[];
    for (const q of loaded.sort((a, b) => a.askedAt - b.askedAt)) this.questions.set(q.id, q);
    const pending = loaded.filter((q) => q.status === 'pending');
    if (pending.length > 0) this.log.info({ pending: pending.length }, 'questions waiting for an answer resumed');
    for (const q of pending) this.arm(q);
  }

  /** Asks about `req`, listing `more` (calls folded into a question "yes" closed) in the same question. */
  ask(req: AskRequest, more: FoldedCall[] = []): void {
    const now = this.clock.now();
    this.persons.set(req.person.user, req.person);
    const quiet = this.quiet.find({ rule: req.rule, user: req.person.user, identity: req.identity }, now);
    const q: QuestionRecord = {
      id: randomUUID(),
      rule: req.rule,
      user: req.person.user,
      name: req.person.name,
      via: req.via,
      escalate: req.escalate,
      question: req.question,
      identity: req.identity,
      title: req.title,
      body: req.body,
      denied: req.denied,
      unanswered: req.unanswered,
      askedAt: now,
      deadline: now + req.timeout,
      status: 'pending',
      quietFor: req.quietFor,
      ...(req.severity === undefined ? {} : { severity: req.severity }),
    };
    if (quiet !== undefined) {
      // Not asked again, but never silent: kept for `relay answers` and told to the escalation notifiers.
      this.stats.quieted++;
      const note = `${q.user} answered "yes" to the same event at ${new Date(quiet.since).toISOString()} (question ${quiet.question})`;
      this.save({ ...q, status: 'quieted', note });
      this.emit(quietedNotice({ ...q, note }, now));
      this.log.info(
        { rule: q.rule, user: q.user, question: q.id, after: quiet.question },
        'question quiet after an earlier "yes"; recorded',
      );
      const [next, ...rest] = more;
      if (next !== undefined) this.ask({ ...next, rule: req.rule, person: req.person }, rest);
      return;
    }
    const open = [...this.questions.values()].find((o) => o.status === 'pending' && o.rule === q.rule && o.user === q.user);
    if (open !== undefined) {
      this.stats.folded++;
      const { person: _, ...call } = req;
      this.save(foldInto(open, call));
      this.log.info({ rule: q.rule, user: q.user, question: open.id }, 'call folded into the question already open for this person');
      return;
    }
    if (more.length > 0) Object.assign(q, { folded: more, foldedShown: more.length });
    if (this.pendingCount() >= this.config.max_pending) {
      // Asking nobody must not mean telling nobody: the question goes straight to the escalation notifiers.
      this.finish(
        { ...q, status: 'not asked', note: `${this.config.max_pending} questions already wait for answers (answers.max_pending)` },
        now,
      );
      return;
    }
    this.stats.asked++;
    this.save(q);
    this.arm(q);
    const answers = this.links(q);
    for (const alert of questionAlerts(q, req.person, answers, now)) this.emit(alert);
    this.log.info(
      { rule: req.rule, user: q.user, question: q.id, via: req.via, deadline: new Date(q.deadline).toISOString() },
      'asked "was this you?"',
    );
  }

  /** After a "yes": the calls that folded into its question (never shown to the person) are asked next, together. */
  private askWaiting(q: QuestionRecord): void {
    const person = this.persons.get(q.user);
    const [first, ...rest] = (q.folded ?? []).slice(q.foldedShown ?? 0);
    if (person === undefined || first === undefined) return;
    this.ask({ ...first, rule: q.rule, person }, rest);
  }

  /** What a token would answer, without answering (the confirmation page's GET). */
  preview(token: string): AnswerResult {
    return this.check(token, { via: 'page' }, false);
  }

  answer(token: string, from: AnswerSource): AnswerResult {
    const result = this.check(token, from, true);
    if (!result.ok) return result;
    const now = this.clock.now();
    const q: QuestionRecord = { ...result.question, status: result.answer, answeredAt: now, answeredVia: from.via };
    this.timers.get(q.id)?.cancel();
    this.timers.delete(q.id);
    if (result.answer === 'yes') {
      this.stats.yes++;
      this.save(q);
      if (q.quietFor > 0) this.quiet.open(q, now);
      this.emit(confirmedNotice(q, now));
      this.askWaiting(q);
      this.log.info({ rule: q.rule, user: q.user, question: q.id, via: from.via }, `${q.user} confirmed: it was them`);
    } else {
      this.stats.no++;
      this.log.warn(
        { rule: q.rule, user: q.user, question: q.id, via: from.via, escalate: q.escalate },
        `${q.user} says it was not them; escalating`,
      );
      this.finish(q, now);
    }
    return { ...result, question: q };
  }

  /** Every question kept, oldest first (`relay answers` reads the same records from state.db). */
  list(): QuestionRecord[] {
    return [...this.questions.values()];
  }

  pendingCount(): number {
    let n = 0;
    for (const q of this.questions.values()) if (q.status === 'pending') n++;
    return n;
  }

  close(): void {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
    this.refusals.flush();
  }

  private check(token: string, from: AnswerSource, answering: boolean): AnswerResult {
    const refuse = (why: string, question?: QuestionRecord): AnswerResult => {
      if (answering) {
        this.stats.refused++;
        this.refusals.warn(
          {
            why,
            via: from.via,
            peer: from.peer,
            question: question?.id,
            user: question?.user,
            ...(from.via === 'slack' ? { slackUser: from.slackUser } : {}),
          },
          'answer refused; nothing changed',
        );
      }
      return { ok: false, why, ...(question ? { question } : {}) };
    };
    const verified = verifyToken(this.config.secret, token);
    if (!verified.ok) return refuse(verified.why);
    const { claims } = verified;
    const q = this.questions.get(claims.q);
    if (!q) return refuse('unknown question');
    if (q.user !== claims.u) return refuse(`token is for ${claims.u}, the question asked ${q.user}`, q);
    if (q.status !== 'pending') return refuse(`already closed (${q.status})`, q);
    if (this.clock.now() >= claims.e) return refuse('link expired', q);
    if (from.via === 'slack') {
      const expected = this.slackIds.get(q.user);
      if (!expected || expected !== from.slackUser) return refuse(`pressed by Slack user ${from.slackUser}, not ${q.user}`, q);
    }
    return { ok: true, question: q, answer: claims.a };
  }

  private links(q: QuestionRecord): AnswerLinks {
    const link = (a: Answer) => {
      const token = signToken(this.config.secret, { q: q.id, u: q.user, a, e: q.deadline });
      return { url: `${this.config.url}/answer?t=${token}`, token };
    };
    return { yes: link('yes'), no: link('no'), buttons: this.config.slack_signing_secret !== undefined };
  }

  /** The question's timeout; one whose deadline passed while relay was down escalates now. */
  private arm(q: QuestionRecord): void {
    const left = q.deadline - this.clock.now();
    if (left <= 0) {
      this.expire(q.id);
      return;
    }
    this.timers.set(
      q.id,
      this.clock.setTimer(left, () => this.expire(q.id)),
    );
  }

  private expire(id: string): void {
    this.timers.delete(id);
    const q = this.questions.get(id);
    if (q?.status !== 'pending') return;
    this.stats.unanswered++;
    this.log.warn(
      { rule: q.rule, user: q.user, question: q.id, timeout: formatDuration(q.deadline - q.askedAt) },
      'no answer in time; escalating',
    );
    this.finish({ ...q, status: 'unanswered' }, this.clock.now());
  }

  /** A closed question that escalates: saved with its outcome, and its escalation alert emitted. */
  private finish(q: QuestionRecord, now: number): void {
    this.save(q);
    this.emit(escalation(q, now));
  }

  private save(q: QuestionRecord): void {
    this.questions.set(q.id, q);
    this.saved.changed(q.id);
    this.prune();
  }

  /** Where questions are kept: each id's entry is what the map holds for it at the end of the turn. */
  private namespace(store: StateStore): StateNamespace {
    return store.namespace(QUESTIONS, (id) => this.questions.get(id));
  }

  /** Closed questions beyond answers.keep go, oldest first (Map order is insertion: oldest first). */
  private prune(): void {
    let closed = this.questions.size - this.pendingCount();
    for (const [id, q] of this.questions) {
      if (closed <= this.config.keep) break;
      if (q.status === 'pending') continue;
      this.questions.delete(id);
      this.saved.changed(id);
      closed--;
    }
  }
}
