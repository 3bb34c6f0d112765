// `relay run`: start the relay, stop it cleanly on SIGTERM/SIGINT, and on SIGHUP re-read the config
// without ever stopping. All handlers are in place before start-up begins, so a signal that arrives while
// listeners are still opening is handled just the same.
import { isDeepStrictEqual } from 'node:util';
import { ConfigError, loadConfigFile } from '../config/load.ts';
import { formatProblem } from '../config/problems.ts';
import type { Config } from '../config/schema.ts';
import type { Logger } from '../log.ts';

export async function runRelay(config: Config, configFile: string, log: Logger): Promise<void> {
  let running = config;
  const startup = (async () => {
    // Loaded here so `check` and `test-url` start without the listeners and pipeline.
    const { App } = await import('../app.ts');
    const app = new App(config, { log });
    await app.start();
    return app;
  })();
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    // A failed start has already closed what it opened; the awaiting caller reports it.
    startup.then(
      (app) =>
        app.stop().then(
          () => process.exit(0),
          (e: unknown) => {
            log.error({ err: e }, 'error while stopping');
            process.exit(1);
          },
        ),
      () => undefined,
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // logrotate and a closed terminal send SIGHUP too: it must never end relay.
  process.on('SIGHUP', () => {
    log.info({ config: configFile }, 'reload requested');
    const next = readConfig(configFile, log);
    if (next) running = reload(running, next, log);
  });
  await startup;
}

/** The config file again, or undefined with its problems logged as `relay check` prints them. */
function readConfig(file: string, log: Logger): Config | undefined {
  try {
    return loadConfigFile(file);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    log.error({ problems: e.problems.map(formatProblem) }, 'config refused: relay keeps running with the config it has');
    return undefined;
  }
}

/**
 * Applies a valid new config to the running relay and returns the config now in force. Nothing is applied
 * live yet: carrying open groups, repeat, throttle and frequency state across a change needs the state store,
 * so a changed config is reported and the running one stays until a restart.
 */
function reload(running: Config, next: Config, log: Logger): Config {
  const changed = (Object.keys(next) as (keyof Config)[]).filter((k) => !isDeepStrictEqual(running[k], next[k]));
  if (changed.length === 0) {
    log.info('config unchanged and valid');
  } else {
    log.warn({ changed }, 'config valid but not applied: live reload of changed settings arrives with the state store; restart relay to apply it');
  }
  return running;
}
