// Notices when another process changed outbox.db (`relay outbox retry`, `drop`), through SQLite's
// `PRAGMA data_version`, which moves only for other connections' commits, checked every second.
import type { Logger } from '../log.ts';
import type { Outbox } from './outbox.ts';

const EVERY_MS = 1000;

/** Calls `changed` with the pending counts after another process's change; returns a stop function. */
export function watchOutbox(outbox: Outbox, changed: (pending: Map<string, number>) => void, log: Logger): () => void {
  let version = outbox.dataVersion();
  // Real time, not the injected clock: it watches another process, not a timing rule.
  const timer = setInterval(() => {
    if (outbox.isClosed) {
      clearInterval(timer);
      return;
    }
    let pending: Map<string, number>;
    try {
      const now = outbox.dataVersion();
      if (now === version) return;
      version = now;
      pending = outbox.pending();
    } catch (e) {
      log.error({ err: e instanceof Error ? e.message : String(e) }, 'cannot read the outbox');
      return;
    }
    changed(pending);
  }, EVERY_MS).unref();
  return () => clearInterval(timer);
}
