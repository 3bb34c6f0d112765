// The listeners after a reload, compared by name. An unchanged one keeps its socket and connections; a
// changed one takes its new settings in place when they need no new socket (timeouts, limits, allow, TLS
// files, ...), and otherwise is handed over: its successor binds first, then the old socket stops accepting
// and its connections are ended cleanly and read to their end, so nothing a sender had written is lost, and
// the successor's counters go on from the old ones. When the new address is the old one's (a new type on the
// same port, a new format on the same socket path), the old socket stops accepting just before the new one
// binds; when the new settings cannot bind at all, the old listener runs on with its old ones. A removed one
// stops the same clean way; an added one starts.
import type { ListenerConfig } from '../config/schema.ts';
import { describeError } from '../describe-error.ts';
import type { Logger } from '../log.ts';
import type { Source } from '../sources/source.ts';
import type { NamedChanges } from './config-diff.ts';

export interface ListenerSwap {
  /** The listeners running now, in the new config's order. */
  sources: Source[];
  /** Bound a new socket: added ones, and changed ones handed over to a successor. */
  started: string[];
  /** Closed their socket: removed ones, and changed ones handed over to a successor. */
  stopped: string[];
  /** Settings unchanged. */
  kept: string[];
  /** Changed settings applied to the running socket. */
  reconfigured: string[];
  /** Listeners of the new config that could not take their settings (a changed one may still run with its old ones). */
  failed: string[];
}

export async function swapListeners(
  running: readonly Source[],
  after: readonly ListenerConfig[],
  changes: NamedChanges,
  make: (config: ListenerConfig) => Source,
  log: Logger,
): Promise<ListenerSwap> {
  const swap: ListenerSwap = { sources: [], started: [], stopped: [], kept: [], reconfigured: [], failed: [] };
  const bySource = new Map(running.map((s) => [s.name, s]));
  /** Old listeners closing their connections; the swap is done when they are. */
  const closing: Promise<void>[] = [];
  const retire = async (old: Source, closed: () => void = () => undefined) => {
    await old.pause();
    const stopped = old.stop().catch((err: unknown) => {
      log.warn({ listener: old.name, err: describeError(err) }, 'reload: listener did not close cleanly');
    });
    closing.push(stopped.then(closed));
  };
  // Removed ones first: their addresses are free before anything binds.
  for (const name of changes.removed) {
    const old = bySource.get(name);
    // One that could not bind at the last reload is not running.
    if (!old) continue;
    await retire(old);
    swap.stopped.push(name);
  }
  for (const config of after) {
    const old = bySource.get(config.name);
    if (old && changes.kept.includes(config.name)) {
      // Files a listener reads at start (TLS certificates) are read again; its socket stays open.
      try {
        old.reload?.();
      } catch (err) {
        log.error({ listener: old.name, err: describeError(err) }, 'reload: listener kept its old certificates');
      }
      swap.sources.push(old);
      swap.kept.push(config.name);
      continue;
    }
    if (old && (await reconfigureInPlace(old, config, swap, log))) continue;
    const next = make(config);
    if (old) next.inherit(old);
    const outcome = await handOver(old, next, log);
    if (outcome === 'started') {
      swap.sources.push(next);
      swap.started.push(config.name);
      if (old) {
        swap.stopped.push(config.name);
        // Once the old connections are closed their counts are final: keep those, not the old listener.
        await retire(old, () => {
          const final = old.stats();
          next.inherit({ stats: () => final });
        });
      }
    } else {
      swap.failed.push(config.name);
      if (outcome === 'old runs') {
        swap.sources.push(old!);
        log.warn({ listener: config.name }, 'reload: listener runs on with its old settings');
      }
    }
  }
  await Promise.all(closing);
  return swap;
}

/** True when the listener took its new settings, or could not and runs on with the old ones (counted failed). */
async function reconfigureInPlace(old: Source, config: ListenerConfig, swap: ListenerSwap, log: Logger): Promise<boolean> {
  try {
    if (!(await old.reconfigure(config))) return false;
    swap.sources.push(old);
    swap.reconfigured.push(config.name);
    log.info({ listener: config.name }, 'listener took its new settings in place');
  } catch (err) {
    swap.sources.push(old);
    swap.failed.push(config.name);
    log.error({ listener: config.name, err: describeError(err) }, 'reload: listener runs on with its old settings');
  }
  return true;
}

/**
 * Binds `next`, `old` still accepting. When the address is in use — by `old` itself, as far as relay can
 * tell — `old` stops accepting and `next` tries once more; if that fails too, `old` binds again.
 */
async function handOver(old: Source | undefined, next: Source, log: Logger): Promise<'started' | 'old runs' | 'down'> {
  const first = await bind(next);
  if (first === undefined) return started(next, log);
  if (!old || !addressInUse(first)) return failed(next, first, log, old ? 'old runs' : 'down');
  await old.pause();
  const second = await bind(next);
  if (second === undefined) return started(next, log);
  try {
    await old.start();
    return failed(next, second, log, 'old runs');
  } catch (err) {
    log.error({ listener: old.name, err: describeError(err) }, 'reload: listener could not bind its old settings again either');
    await old.stop();
    return failed(next, second, log, 'down');
  }
}

async function bind(source: Source): Promise<unknown> {
  try {
    await source.start();
    return undefined;
  } catch (err) {
    await source.stop().catch(() => undefined);
    return err ?? new Error('start failed');
  }
}

function started(source: Source, log: Logger): 'started' {
  log.info({ listener: source.name, type: source.type, address: source.address() }, 'listening');
  return 'started';
}

function failed<T>(source: Source, err: unknown, log: Logger, outcome: T): T {
  log.error({ listener: source.name, err: describeError(err) }, 'reload: listener could not start');
  return outcome;
}

function addressInUse(err: unknown): boolean {
  for (let e = err; e instanceof Error; e = e.cause) if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') return true;
  return false;
}
