// The process logger: pretty lines on a terminal, JSON lines otherwise (for journald, files, shippers).
// Every line passes the redactor on its way out, so a config secret is never logged, whatever field holds it.
import { pino, type Logger, type LoggerOptions } from 'pino';
import { redact } from './redactor.ts';

export type { Logger };

export function createLogger(opts: { level?: string; pretty?: boolean } = {}): Logger {
  const level = opts.level ?? process.env.RELAY_LOG_LEVEL ?? 'info';
  const pretty = opts.pretty ?? process.stderr.isTTY;
  if (pretty) {
    return pino({
      ...loggerOptions(level),
      transport: { target: 'pino-pretty', options: { destination: 2, translateTime: 'SYS:HH:MM:ss.l' } },
    });
  }
  return pino(loggerOptions(level), pino.destination(2));
}

/** What every relay logger shares: the level, and redaction of the finished line (only lines written pay). */
export function loggerOptions(level: string): LoggerOptions {
  return { level, hooks: { streamWrite: redact } };
}

/** A logger that drops everything, for tests and for the `check` command. */
export const silentLogger: Logger = pino({ level: 'silent' });
