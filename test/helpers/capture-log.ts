// A pino logger whose JSON lines the test can read, from `level` up, redacted as relay's own logger is.
import { pino } from 'pino';
import { loggerOptions, type Logger } from '../../src/log.ts';

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

const LEVELS = { debug: 20, info: 30, warn: 40, error: 50 } as const;
type Level = keyof typeof LEVELS;

export function captureLog(level: Level = 'debug'): { log: Logger; lines: LogLine[]; at: (level: Level) => LogLine[] } {
  const lines: LogLine[] = [];
  const log = pino(loggerOptions(level), { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) });
  return { log, lines, at: (l) => lines.filter((line) => line.level === LEVELS[l]) };
}
