// The `relay` command: run, check, test-url, notifiers.
import { Command, Option } from 'commander';
import { loadConfigFile, ConfigError } from './config/load.ts';
import { createLogger } from './log.ts';
import { testUrl } from './commands/test-url.ts';
import { listNotifiers } from './commands/notifiers.ts';

const program = new Command()
  .name('relay')
  .description('Alerting relay: syslog and sudo events in, throttled notifications out (Apprise URLs).')
  .showHelpAfterError();

const configOption = () => new Option('-c, --config <file>', 'config file').default('config.yaml');

program
  .command('run')
  .description('listen and relay alerts until SIGTERM/SIGINT')
  .addOption(configOption())
  .action(async (opts: { config: string }) => {
    const config = loadOrExit(opts.config);
    const log = createLogger({ level: config.log.level });
    // Loaded here so `check` and `test-url` start without the listeners and pipeline.
    const { App } = await import('./app.ts');
    const app = new App(config, { log });
    await app.start();
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'stopping');
      app.stop().then(
        () => process.exit(0),
        (e) => {
          log.error({ err: e }, 'error while stopping');
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });

program
  .command('check')
  .description('validate the config; prints every problem as file:line:col and exits 1, or exits 0')
  .addOption(configOption())
  .action((opts: { config: string }) => {
    loadOrExit(opts.config);
    process.stdout.write(`${opts.config}: ok\n`);
  });

program
  .command('test-url')
  .description('send one test notification; exit 0 sent, 1 delivery failed, 2 invalid URL')
  .argument('<url>', 'notifier URL, e.g. json://127.0.0.1:8080/hook')
  .option('--title <title>', 'title', 'relay test')
  .option('--body <body>', 'body', 'This is a test notification from relay.')
  .action(async (url: string, opts: { title: string; body: string }) => {
    process.exitCode = await testUrl(url, opts, process.stdout);
  });

program
  .command('notifiers')
  .description('list the notifier URL schemes relay understands')
  .action(() => listNotifiers(process.stdout));

function loadOrExit(file: string) {
  try {
    return loadConfigFile(file);
  } catch (e) {
    if (e instanceof ConfigError) {
      for (const p of e.problems) process.stderr.write(`${p.file}:${p.line}:${p.col}: ${p.message}\n`);
      process.exit(1);
    }
    throw e;
  }
}

await program.parseAsync();
