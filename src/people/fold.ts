// One open question per person and rule: a later call for them folds into it (question.ts, `folded`), is
// listed wherever the question is (its escalation, the next question), and never fills the global
// answers.max_pending, so a flood of lines naming one person cannot keep another's real question unasked.
import type { FoldedCall, QuestionRecord } from './question.ts';

/** Calls listed by name in one question; past it they are counted. */
export const FOLD_MAX = 50;

/** `q` with `call` folded in. */
export function foldInto(q: QuestionRecord, call: FoldedCall): QuestionRecord {
  const folded = q.folded ?? [];
  if (folded.length < FOLD_MAX) return { ...q, folded: [...folded, call] };
  return { ...q, foldedMore: (q.foldedMore ?? 0) + 1 };
}

/** How many calls a question stands for beyond its own. */
export function foldedCount(q: Pick<QuestionRecord, 'folded' | 'foldedMore'>): number {
  return (q.folded?.length ?? 0) + (q.foldedMore ?? 0);
}

/** The folded calls as lines under a question's text, or '' when there are none. */
export function foldedLines(q: Pick<QuestionRecord, 'folded' | 'foldedMore'>, heading: string): string {
  const n = foldedCount(q);
  if (n === 0) return '';
  const listed = (q.folded ?? []).map((f) => `- ${f.title}: ${f.question}`);
  const more = q.foldedMore ? [`- and ${q.foldedMore} more not listed`] : [];
  return `\n\n${heading.replace('{n}', String(n))}\n${[...listed, ...more].join('\n')}`;
}
