// After a "yes", the same event to the same person is not asked again for `on_yes.quiet_for`: the windows
// those answers opened, kept in the state store (namespace `answer-quiet`) so a restart keeps them. The key
// is the event's whole identity (question.ts, eventIdentity), never the rendered question. Windows are
// opened only by answers, so they are bounded by the questions asked; expired ones go as new ones come.
import { MemoryStateStore, type StateNamespace, type StateStore } from '../state/state-store.ts';
import type { QuestionRecord } from './question.ts';

/** `rule \0 user \0 identity` → the window a "yes" opened for that event. */
export const QUIET = 'answer-quiet';

/** A "yes" that keeps the same event quiet: until when, since when, and which question it answered. */
export interface QuietWindow {
  until: number;
  since: number;
  question: string;
}

export function quietKey(r: Pick<QuestionRecord, 'rule' | 'user' | 'identity'>): string {
  return `${r.rule}\u0000${r.user}\u0000${r.identity}`;
}

/** A window as the state store gives it back (one written by an older relay was a bare number: dropped). */
function isQuietWindow(v: unknown): v is QuietWindow {
  const w = v as QuietWindow | undefined;
  return (
    typeof w === 'object' && w !== null && typeof w.until === 'number' && typeof w.since === 'number' && typeof w.question === 'string'
  );
}

export class QuietWindows {
  private readonly windows = new Map<string, QuietWindow>();
  private saved: StateNamespace = this.namespace(new MemoryStateStore());

  /** The windows kept in `store`; expired or unreadable ones are dropped from it. */
  attach(store: StateStore, now: number): void {
    this.saved = this.namespace(store);
    this.windows.clear();
    for (const [key, window] of this.saved.load()) {
      if (isQuietWindow(window) && window.until > now) this.windows.set(key, window);
      else this.saved.changed(key);
    }
  }

  /** The open window for this event and person, if a "yes" opened one. */
  find(r: Pick<QuestionRecord, 'rule' | 'user' | 'identity'>, now: number): QuietWindow | undefined {
    const w = this.windows.get(quietKey(r));
    return w !== undefined && w.until > now ? w : undefined;
  }

  /** A "yes" to `q`: its event is quiet for q.quietFor from now. */
  open(q: QuestionRecord, now: number): void {
    for (const [key, window] of this.windows) {
      if (window.until > now) continue;
      this.windows.delete(key);
      this.saved.changed(key);
    }
    const key = quietKey(q);
    this.windows.set(key, { until: now + q.quietFor, since: now, question: q.id });
    this.saved.changed(key);
  }

  private namespace(store: StateStore): StateNamespace {
    return store.namespace(QUIET, (key) => this.windows.get(key));
  }
}
