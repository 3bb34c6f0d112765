// Run-time silences as the silence stage reads them, wherever they are kept (silence-db.ts: state_dir).
import type { Match } from '../config/match-schema.ts';

export interface SilenceRecord {
  readonly id: string;
  readonly match: Match;
  /** Epoch ms; the silence mutes from `starts` (inclusive) to `ends` (exclusive). */
  readonly starts: number;
  readonly ends: number;
  readonly comment?: string;
}

/** Where run-time silences live; `list` may return expired ones, the stage checks the time itself. */
export interface SilenceStore {
  list(now: number): readonly SilenceRecord[];
  addCounts(counts: ReadonlyMap<string, number>): void;
}
