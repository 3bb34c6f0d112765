// The process logger: pretty lines on a terminal, JSON lines otherwise (for journald, files, shippers).
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(opts: { level?: string; pretty?: boolean } = {}): Logger {
  const level = opts.level ?? process.env.RELAY_LOG_LEVEL ?? 'info';
  const pretty = opts.pretty ?? process.stderr.isTTY;
  if (pretty) {
    return pino({ level, transport: { target: 'pino-pretty', options: { destination: 2, translateTime: 'SYS:HH:MM:ss.l' } } });
  }
  return pino({ level }, pino.destination(2));
}

/** A logger that drops everything, for tests and for the `check` command. */
export const silentLogger: Logger = pino({ level: 'silent' });
