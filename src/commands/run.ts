// `relay run`: start the relay and stop it cleanly on SIGTERM/SIGINT. The handlers are in place before
// start-up begins, so a signal that arrives while listeners are still opening stops relay just the same.
import type { Config } from '../config/schema.ts';
import type { Logger } from '../log.ts';

export async function runRelay(config: Config, log: Logger): Promise<void> {
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
  await startup;
}
