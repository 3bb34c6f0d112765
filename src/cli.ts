// The `relay` command: run, check, reload, replay, silence, answers, test-url, test-sudo, outbox, repair, notifiers.
import './memory-settings.ts';
import { createRequire } from 'node:module';
import { Command, Option } from 'commander';
import { ConfigError, readStateDir } from './config/load.ts';
import { loadPlan } from './plan/load-plan.ts';
import type { Plan } from './plan/plan.ts';
import { locateConfig, SYSTEM_CONFIG, type ConfigChoice } from './config/locate.ts';
import type { Config } from './config/schema.ts';
import { createLogger } from './log.ts';
import { testUrl } from './commands/test-url.ts';
import { MESSAGE_TYPES } from './message-type.ts';
import { testSudo } from './commands/test-sudo.ts';
import { testSudoRemote } from './commands/test-sudo-remote.ts';
import { parseDuration } from './config/duration.ts';
import { runRelay } from './commands/run.ts';
import { reloadRelay } from './commands/reload.ts';
import { dropOutbox, retryOutbox, showOutbox, type RowSelection } from './commands/outbox.ts';
import { repairStateDir } from './commands/repair.ts';
import { failureLine } from './commands/failure-line.ts';
import { ExitCodes } from './commands/exit-codes.ts';
import { osErrorText } from './os-error.ts';
import { listNotifiers } from './commands/notifiers.ts';
import { formatSend, formatTotals, formatUnparsed, replayFile } from './commands/replay.ts';
import { addSilence, expireSilence, listSilences } from './commands/silence.ts';
import { listAnswers } from './commands/answers.ts';

// `#package.json` (package.json `imports`) resolves from src/ and from dist/ alike.
const { version } = createRequire(import.meta.url)('#package.json') as { version: string };

const program = new Command()
  .name('relay')
  .version(version, '-V, --version', 'print the version')
  .description('Alerting relay: syslog and sudo events in, throttled notifications out (Apprise URLs).')
  .showHelpAfterError()
  // A wrong argument, option or choice (`test-url --type bogus`) is a usage error (2), never "the command
  // failed" (1, which test-url uses for a delivery that failed); help and --version still exit 0.
  .exitOverride((e) => process.exit(e.exitCode === 0 ? ExitCodes.OK : ExitCodes.USAGE))
  // Options belong to the command they follow: `relay outbox retry X --config F` is retry's --config.
  .enablePositionalOptions();

const configOption = () => new Option('-c, --config <file>', 'config file (default: $RELAY_CONFIG, ./config.yaml, /etc/relay/config.yaml)');

program
  .command('run')
  .description('listen and relay alerts until SIGTERM/SIGINT; SIGHUP re-reads the config and applies it live')
  .addOption(configOption())
  .action(async (opts: { config?: string }) => {
    const { plan, choice } = chooseAndLoad(opts.config);
    const log = createLogger({ level: plan.config.log.level });
    log.info({ config: choice.file, from: choice.from }, 'using config');
    try {
      await runRelay(plan, choice.file, log);
    } catch (e) {
      fail(e, 'cannot start: ', ExitCodes.START);
    }
  });

program
  .command('check')
  .description('validate the config; prints every problem as file:line:col and exits 1, or exits 0')
  .addOption(configOption())
  .action((opts: { config?: string }) => {
    const { choice } = chooseAndLoad(opts.config);
    process.stdout.write(`${choice.file}: ok\n`);
  });

program
  .command('reload')
  .description('make the running relay re-read its config (SIGHUP through state_dir/relay.pid); a config with problems is not sent')
  .addOption(configOption())
  .action((opts: { config?: string }) => {
    process.exitCode = reloadRelay(loadOrExit(opts.config), process.stdout, process.stderr);
  });

program
  .command('replay')
  .description(
    "feed a file of syslog (or sudo JSON) lines through the rules on the lines' own clock; prints what would be sent, sends nothing",
  )
  .argument('<logfile>', 'e.g. /var/log/auth.log, or a file of sudo plugin JSON lines')
  .addOption(configOption())
  .option('--unparsed', 'also list the shapes of lines from sshd, su, login, PAM, … that the parsers did not recognise')
  .action(async (logfile: string, opts: { config?: string; unparsed?: boolean }) => {
    const plan = loadPlanOrExit(opts.config);
    try {
      const result = await replayFile(logfile, plan, (send) => process.stdout.write(formatSend(send)));
      process.stdout.write(formatTotals(result, plan.config));
      if (opts.unparsed) process.stdout.write(formatUnparsed(result));
    } catch (e) {
      process.stderr.write(`relay: cannot replay ${logfile}: ${osErrorText(e)}\n`);
      process.exitCode = 1;
    }
  });

const silence = program.command('silence').description('mute alerts for a while: add, list, expire (kept in state_dir across restarts)');
silence
  .command('add')
  .description('mute alerts matching every --match for --for; prints the new id')
  .requiredOption(
    '-m, --match <field=value...>',
    'host=web1, fields.user=root, rule=auth-failure, message=/regex/; a field twice means "one of"',
  )
  .requiredOption('--for <duration>', 'how long, e.g. 30m, 2h, 1d')
  .option('--starts <time>', 'start later, ISO 8601 (default: now)')
  .option('--comment <text>', 'why (shown by list)')
  .addOption(configOption())
  .action((opts: { match: string[]; for: string; starts?: string; comment?: string; config?: string }) => {
    process.exitCode = addSilence(loadOrExit(opts.config), opts, process.stdout, process.stderr);
  });
silence
  .command('list')
  .description('silences not yet expired (with --all, every one) and how many events each muted')
  .option('--all', 'include expired silences')
  .addOption(configOption())
  .action((opts: { all?: boolean; config?: string }) => listSilences(loadOrExit(opts.config), opts, process.stdout));
silence
  .command('expire')
  .description('end a silence now')
  .argument('<id>', 'from `relay silence list`')
  .addOption(configOption())
  .action((id: string, opts: { config?: string }) => {
    process.exitCode = expireSilence(loadOrExit(opts.config), id, process.stdout, process.stderr);
  });

program
  .command('answers')
  .description('"was this you?" questions and their answers (yes, no, unanswered), oldest first, from state_dir')
  .option('--pending', 'only questions still waiting for an answer')
  .option('--limit <n>', 'the most recent questions to list', '100')
  .addOption(configOption())
  .action((opts: { pending?: boolean; limit: string; config: string }) => {
    process.exitCode = listAnswers(
      stateDirOrExit(opts.config),
      { pending: opts.pending ?? false, limit: Number(opts.limit) },
      process.stdout,
    );
  });

program
  .command('test-url')
  .description('send one test notification; exit 0 sent, 1 delivery failed, 2 invalid URL')
  .argument('<url>', 'notifier URL, e.g. json://127.0.0.1:8080/hook')
  .option('--title <title>', 'title', 'relay test')
  .option('--body <body>', 'body', 'This is a test notification from relay.')
  .addOption(
    new Option('-n, --type <type>', "the alert's type, to check the service's colours and priorities")
      .choices(MESSAGE_TYPES)
      .default('info'),
  )
  .action(async (url: string, opts: { title: string; body: string; type: (typeof MESSAGE_TYPES)[number] }) => {
    process.exitCode = await testUrl(url, opts, process.stdout);
  });

program
  .command('test-sudo')
  .description('run one harmless sudo call and show that the running relay received it (and the last sudo events)')
  .addOption(configOption())
  .option('--no-run', 'only show the last sudo events relay received')
  .option('--timeout <ms>', 'how long to wait for the event', '5000')
  .option(
    '--remote [host]',
    'on the central relay: per host (or just HOST), ok, STOPPED (its heartbeats stopped) or QUIET (no heartbeat, no sudo event for --quiet-after); runs no sudo',
  )
  .option('--quiet-after <duration>', 'with --remote: a host without heartbeat and no sudo event for this long is quiet', '24h')
  .action(async (opts: { config?: string; run: boolean; timeout: string; remote?: string | true; quietAfter: string }) => {
    if (opts.remote !== undefined) {
      const quietAfterMs = parseDuration(opts.quietAfter);
      if (quietAfterMs === undefined) return program.error(`--quiet-after: not a duration: ${opts.quietAfter} (e.g. 30m, 24h, 7d)`);
      const host = opts.remote === true ? undefined : opts.remote;
      process.exitCode = testSudoRemote(loadOrExit(opts.config), { host, quietAfterMs }, process.stdout);
      return;
    }
    process.exitCode = await testSudo(loadOrExit(opts.config), { run: opts.run, timeoutMs: Number(opts.timeout) }, process.stdout);
  });

const outbox = program
  .command('outbox')
  .enablePositionalOptions()
  .description('alerts waiting for delivery per notifier, and with --dead the ones relay gave up on and why; retry and drop act on them')
  .addOption(configOption())
  .option('--dead', 'also list dead alerts (rejected by the provider, or older than delivery.max_age)')
  .option('--limit <n>', 'dead alerts to list', '20')
  .action((opts: { config?: string; dead?: boolean; limit: string }) => {
    process.exitCode = showOutbox(loadOrExit(opts.config), { dead: opts.dead ?? false, limit: Number(opts.limit) }, process.stdout);
  });
const rowSelection = (notifier: string | undefined, opts: { dead?: string | boolean }): RowSelection => ({
  dead: opts.dead !== undefined,
  ...(notifier === undefined ? {} : { notifier }),
  ...(typeof opts.dead === 'string' ? { id: Number(opts.dead) } : {}),
});
outbox
  .command('retry')
  .description('NOTIFIER: its waiting alerts are due now; --dead [ID]: dead alerts (or one) back in the queue')
  .argument('[notifier]', 'a notifier name')
  .option('--dead [id]', 'dead alerts, or the one with this id (from relay outbox --dead)')
  .addOption(configOption())
  .action((notifier: string | undefined, opts: { dead?: string | boolean; config: string }) => {
    process.exitCode = retryOutbox(loadOrExit(opts.config), rowSelection(notifier, opts), process.stdout, process.stderr);
  });
outbox
  .command('drop')
  .description('NOTIFIER: delete its waiting alerts; --dead [ID]: delete dead alerts (or one)')
  .argument('[notifier]', 'a notifier name')
  .option('--dead [id]', 'dead alerts, or the one with this id (from relay outbox --dead)')
  .addOption(configOption())
  .action((notifier: string | undefined, opts: { dead?: string | boolean; config: string }) => {
    process.exitCode = dropOutbox(loadOrExit(opts.config), rowSelection(notifier, opts), process.stdout, process.stderr);
  });

program
  .command('repair')
  .description(
    'check the SQLite files in state_dir and move a damaged one aside (relay then starts with an empty one); ' +
      'refuses while relay runs on state_dir',
  )
  .addOption(configOption())
  .action((opts: { config: string }) => {
    process.exitCode = repairStateDir(loadOrExit(opts.config), process.stdout, process.stderr);
  });

program
  .command('notifiers')
  .description('list the notifier URL schemes relay understands')
  .action(() => listNotifiers(process.stdout));

/** The config a command uses, named in one line on stderr (`run` names it in its first log line, `check` on stdout). */
function loadOrExit(flag: string | undefined): Config {
  return loadPlanOrExit(flag).config;
}

/** state_dir alone (config/load.ts, readStateDir): the config's secrets need not be in this shell. */
function stateDirOrExit(flag: string | undefined): string {
  const choice = locateOrExit(flag);
  process.stderr.write(`relay: using config ${choice.file} (from ${choice.from})\n`);
  try {
    return readStateDir(choice.file);
  } catch (e) {
    exitOnConfigError(e);
  }
}

function loadPlanOrExit(flag: string | undefined): Plan {
  const { plan, choice } = chooseAndLoad(flag);
  process.stderr.write(`relay: using config ${choice.file} (from ${choice.from})\n`);
  return plan;
}

function chooseAndLoad(flag: string | undefined): { plan: Plan; choice: ConfigChoice } {
  const choice = locateOrExit(flag);
  try {
    return { plan: loadPlan(choice.file), choice };
  } catch (e) {
    exitOnConfigError(e);
  }
}

function locateOrExit(flag: string | undefined): ConfigChoice {
  const choice = locateConfig(flag);
  if (choice) return choice;
  process.stderr.write(
    `relay: no config file: give --config FILE or set RELAY_CONFIG, or put config.yaml in the current directory or ${SYSTEM_CONFIG}\n`,
  );
  process.exit(ExitCodes.FAILED);
}

/** A config's problems, one `file:line:col: message` line each, then exit 1; anything else is thrown on. */
function exitOnConfigError(e: unknown): never {
  if (!(e instanceof ConfigError)) throw e;
  for (const p of e.problems) process.stderr.write(`${p.file}:${p.line}:${p.col}: ${p.message}\n`);
  process.exit(ExitCodes.FAILED);
}

/**
 * Ends the process on a failure: one line when relay knows the failure, the stack (without the source line
 * Node would quote, which from the bundle is a page of minified code) when it is a bug.
 */
function fail(e: unknown, prefix = '', code: number = ExitCodes.FAILED): never {
  const line = failureLine(e);
  process.stderr.write(line === undefined ? `relay: unexpected error: ${(e as Error)?.stack ?? String(e)}\n` : `relay: ${prefix}${line}\n`);
  process.exit(code);
}

// A reader that goes away (`relay notifiers | head -1`) ends the command quietly, as it would a C program.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? ExitCodes.OK);
  fail(e);
});

try {
  await program.parseAsync();
} catch (e) {
  fail(e);
}
