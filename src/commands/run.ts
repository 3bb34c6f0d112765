// `relay run`: start the relay, stop it cleanly on SIGTERM/SIGINT, and on SIGHUP re-read the config and apply
// it live without ever stopping. It first takes state_dir's lock (one relay per state_dir) and writes
// state_dir/relay.pid, which says where `relay reload` sends its SIGHUP and who holds the lock. All handlers
// are in place before the listeners open, so a signal that arrives meanwhile is handled just the same.
import { ConfigError } from '../config/load.ts';
import { loadPlan } from '../plan/load-plan.ts';
import type { Plan } from '../plan/plan.ts';
import { formatProblem } from '../config/problems.ts';
import { describeError } from '../describe-error.ts';
import type { Logger } from '../log.ts';
import type { App, ReloadReport } from '../app.ts';
import { removePidFile, writePidFile } from '../state/pid-file.ts';
import { StateDirLock } from '../state/state-dir-lock.ts';
import { systemClock } from '../clock.ts';
import { FreeMemoryRelease } from '../memory/free-memory-release.ts';

/** Resolves once relay listens; rejects (having closed what it opened) when it cannot start. */
export async function runRelay(plan: Plan, configFile: string, log: Logger): Promise<void> {
  const { config } = plan;
  const lock = StateDirLock.acquire(config.state_dir);
  const replaced = writePidFile(config.state_dir);
  if (replaced.state === 'stale') {
    log.info({ file: replaced.file, pid: replaced.pid }, 'replaced a stale pid file (relay was not stopped cleanly)');
  }
  const unlock = () => {
    removePidFile(config.state_dir);
    lock.release();
  };
  const release = new FreeMemoryRelease(systemClock);
  const startup = (async () => {
    // Loaded here so `check` and `test-url` start without the listeners and pipeline.
    const { App } = await import('../app.ts');
    const app = new App(plan, { log });
    await app.start();
    release.start();
    return app;
  })();
  let stopping = false;
  // One reload at a time, in the order the signals came.
  let reloads = Promise.resolve();
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    release.stop();
    log.info({ signal }, 'stopping');
    // A failed start has already closed what it opened; the awaiting caller reports it.
    startup.then(
      (app) =>
        reloads
          .then(() => app.stop())
          .then(
            () => 0,
            (e: unknown) => {
              log.error({ err: e }, 'error while stopping');
              return 1;
            },
          )
          .then((code) => {
            unlock();
            process.exit(code);
          }),
      () => undefined,
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // logrotate, a closed terminal, systemd's ExecReload and `relay reload` send SIGHUP: it must never end relay.
  process.on('SIGHUP', () => {
    reloads = reloads
      .then(async () => {
        const app = await startup.catch(() => undefined);
        if (!app || stopping) return;
        log.info({ config: configFile }, 'reload requested');
        await reload(app, configFile, log);
      })
      .catch((err: unknown) => log.error({ err: describeError(err) }, 'reload failed; relay keeps running'));
  });
  await startup.catch((e: unknown) => {
    unlock();
    throw e;
  });
}

/**
 * Builds the next plan from the file and applies it, saying in one line what changed (or that nothing did;
 * certificates are read again either way). A file with problems is refused with them, as `relay check`
 * prints them; the running plan is untouched either way.
 */
async function reload(app: App, file: string, log: Logger): Promise<void> {
  let report: ReloadReport;
  try {
    report = await app.reload((running) => loadPlan(file, process.env, running));
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    log.error({ problems: e.problems.map(formatProblem) }, 'config refused: relay keeps running with the config it has');
    return;
  }
  if (report.diff.changed.length === 0) log.info({ listeners: { kept: report.listeners.kept } }, 'config unchanged and valid');
  else
    log.info(
      summary(report),
      report.diff.atRestart.length > 0 ? 'config reloaded; some settings apply at the next restart' : 'config reloaded',
    );
}

function summary({ diff, listeners, http }: ReloadReport): Record<string, unknown> {
  const { kept, reconfigured, started, stopped, failed } = listeners;
  const named = (c: { added: string[]; removed: string[]; changed: string[] }) => ({
    added: c.added,
    removed: c.removed,
    changed: c.changed,
  });
  return {
    changed: diff.changed,
    listeners: { started, stopped, reconfigured, kept, ...(failed.length > 0 ? { failed } : {}) },
    rules: named(diff.rules),
    notifiers: named(diff.notifiers),
    http,
    ...(diff.atRestart.length > 0 ? { atRestart: diff.atRestart } : {}),
  };
}
