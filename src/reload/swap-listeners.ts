// The listeners after a reload: a listener whose settings did not change keeps its socket (and its
// connections); a removed one stops; a changed one stops and starts with its new settings, and when the new
// settings cannot bind, the old ones are bound again so the input is not lost; an added one starts.
import type { ListenerConfig } from '../config/schema.ts';
import { describeError } from '../describe-error.ts';
import type { Logger } from '../log.ts';
import type { Source } from '../sources/source.ts';
import type { NamedChanges } from './config-diff.ts';

export interface ListenerSwap {
  /** The listeners running now, in the new config's order. */
  sources: Source[];
  started: string[];
  stopped: string[];
  kept: string[];
  /** Listeners of the new config that could not bind (a changed one may still run with its old settings). */
  failed: string[];
}

export async function swapListeners(
  running: readonly Source[], before: readonly ListenerConfig[], after: readonly ListenerConfig[], changes: NamedChanges,
  make: (config: ListenerConfig) => Source, log: Logger,
): Promise<ListenerSwap> {
  const swap: ListenerSwap = { sources: [], started: [], stopped: [], kept: [], failed: [] };
  const bySource = new Map(running.map((s) => [s.name, s]));
  const oldConfig = new Map(before.map((l) => [l.name, l]));
  const stop = async (name: string) => {
    await bySource.get(name)?.stop();
    bySource.delete(name);
    swap.stopped.push(name);
  };
  const start = async (config: ListenerConfig): Promise<Source | undefined> => {
    const source = make(config);
    try {
      await source.start();
      log.info({ listener: source.name, type: source.type, address: source.address() }, 'listening');
      return source;
    } catch (err) {
      await source.stop().catch(() => undefined);
      log.error({ listener: config.name, err: describeError(err) }, 'reload: listener could not start');
      return undefined;
    }
  };
  // Removed and changed ones first: their ports and socket paths are free before anything binds.
  for (const name of [...changes.removed, ...changes.changed]) await stop(name);
  for (const config of after) {
    const kept = bySource.get(config.name);
    if (kept) {
      // Files a listener reads at start (TLS certificates) are read again; its socket stays open.
      try {
        kept.reload?.();
      } catch (err) {
        log.error({ listener: kept.name, err: describeError(err) }, 'reload: listener kept its old certificates');
      }
      swap.sources.push(kept);
      swap.kept.push(config.name);
      continue;
    }
    let source = await start(config);
    if (source) swap.started.push(config.name);
    else {
      swap.failed.push(config.name);
      const old = changes.changed.includes(config.name) ? oldConfig.get(config.name) : undefined;
      source = old && (await start(old));
      if (source) {
        log.warn({ listener: config.name }, 'reload: listener runs on with its old settings');
        swap.stopped.splice(swap.stopped.indexOf(config.name), 1);
      }
    }
    if (source) swap.sources.push(source);
  }
  return swap;
}
