// Silences: time-bounded mutes, from config and from `relay silence add` (kept by a SilenceStore so they
// survive a restart). A muted hit is counted per silence, never dropped without a trace: the counts go back
// to the store (`relay silence list` shows them) and into the stats.
import type { Clock, Timer } from '../clock.ts';
import type { SilenceConfig } from '../config/schema.ts';
import type { ConfigProblem } from '../config/problems.ts';
import type { Hit } from './hit.ts';
import type { SilenceRecord, SilenceStore } from '../state/silence-store.ts';
import { compileSilenceMatch, type SilenceMatcher } from './silence-match.ts';
import { Stage } from './stage.ts';

const COUNT_FLUSH_MS = 10_000;

export class Silence extends Stage<Hit, Hit> {
  readonly counts = new Map<string, number>();
  silenced = 0;
  private store: SilenceStore | undefined;
  private readonly fromConfig: SilenceRecord[];
  private readonly compiled = new Map<string, SilenceMatcher>();
  private unsaved = new Map<string, number>();
  private saveTimer: Timer | undefined;

  /** @param compiled the config silences' matchers, compiled by the plan (run-time ones are compiled when first seen) */
  constructor(
    config: readonly SilenceConfig[],
    compiled: readonly SilenceMatcher[],
    private readonly clock: Clock,
  ) {
    super();
    this.fromConfig = config.map((s, i) => ({
      id: `config:${i}`,
      match: s.match,
      starts: s.starts ?? 0,
      ends: s.ends,
      comment: s.comment,
    }));
    compiled.forEach((m, i) => this.compiled.set(`config:${i}`, m));
  }

  /** Run-time silences become visible (relay start); counts are saved there from now on. */
  attach(store: SilenceStore): void {
    this.store = store;
  }

  push(hit: Hit): void {
    const muting = this.muting(hit);
    if (!muting) return this.next.push(hit);
    this.silenced += hit.count;
    this.counts.set(muting.id, (this.counts.get(muting.id) ?? 0) + hit.count);
    if (this.store && !muting.id.startsWith('config:')) this.remember(muting.id, hit.count);
  }

  /** Save counts not yet written to the store (shutdown). */
  override flush(): void {
    this.saveTimer?.cancel();
    this.saveTimer = undefined;
    if (this.store && this.unsaved.size > 0) this.store.addCounts(this.unsaved);
    this.unsaved = new Map();
  }

  override stop(): void {
    this.flush();
  }

  private muting(hit: Hit): SilenceRecord | undefined {
    const now = this.clock.now();
    const all = this.store ? [...this.fromConfig, ...this.store.list(now)] : this.fromConfig;
    return all.find((s) => s.starts <= now && now < s.ends && this.matcher(s)(hit));
  }

  private matcher(s: SilenceRecord): SilenceMatcher {
    let m = this.compiled.get(s.id);
    if (!m) {
      // Stored silences were checked when added; a problem here means the store was edited by hand.
      const problems: ConfigProblem[] = [];
      m = compileSilenceMatch(s.match, ['silences', s.id], problems);
      if (problems.length > 0) m = () => false;
      this.compiled.set(s.id, m);
    }
    return m;
  }

  /** Counts are written in batches: a flood of muted events must not mean a flood of disk writes. */
  private remember(id: string, n: number): void {
    this.unsaved.set(id, (this.unsaved.get(id) ?? 0) + n);
    this.saveTimer ??= this.clock.setTimer(COUNT_FLUSH_MS, () => this.flush());
  }
}
