// `relay answers`: every "was this you?" question relay keeps in state_dir/state.db, oldest first — who was
// asked what, until when, and the answer (yes, no, unanswered, not asked). Read from another process than
// the running relay: SQLite's WAL lets it read while relay writes.
import { existsSync } from 'node:fs';
import { systemClock } from '../clock.ts';
import { silentLogger } from '../log.ts';
import { SqliteStateStore, stateDbPath } from '../state/sqlite-state-store.ts';
import { QUESTIONS, type QuestionRecord } from '../people/question.ts';

export interface AnswersOptions {
  /** Only questions still waiting. */
  pending?: boolean;
  limit: number;
}

export function listAnswers(stateDir: string, opts: AnswersOptions, out: NodeJS.WritableStream, now = Date.now()): number {
  const file = stateDbPath(stateDir);
  if (!existsSync(file)) {
    out.write(`no questions: ${file} does not exist yet\n`);
    return 0;
  }
  const store = SqliteStateStore.open(stateDir, systemClock, silentLogger);
  let questions: QuestionRecord[];
  try {
    questions = ([...store.load(QUESTIONS).values()] as QuestionRecord[]).sort((a, b) => a.askedAt - b.askedAt);
  } finally {
    store.close();
  }
  const shown = questions.filter((q) => !opts.pending || q.status === 'pending').slice(-opts.limit);
  if (shown.length === 0) {
    out.write(opts.pending ? 'no question waits for an answer\n' : 'no questions asked yet\n');
    return 0;
  }
  const at = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  for (const q of shown) {
    const outcome =
      q.status === 'pending'
        ? `pending, ${Math.max(0, Math.round((q.deadline - now) / 1000))}s left (until ${at(q.deadline)})`
        : q.status === 'yes' || q.status === 'no'
          ? `${q.status === 'yes' ? 'yes, it was me' : 'NO, not me'} at ${at(q.answeredAt!)} (${q.answeredVia})`
          : q.status === 'unanswered'
            ? `unanswered by ${at(q.deadline)}`
            : `${q.status === 'quieted' ? 'not asked again' : 'not asked'}: ${q.note}`;
    out.write(`${at(q.askedAt)}  ${q.user}  ${q.rule}  "${q.question}"  ${outcome}  [${q.id}]\n`);
  }
  return 0;
}
