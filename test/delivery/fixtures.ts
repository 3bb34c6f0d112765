// Shared pieces of the delivery tests: a delivery config, alerts, and a logger whose lines the test can read.
import { pino, type Logger } from 'pino';
import type { Alert } from '../../src/alert.ts';
import type { DeliveryConfig } from '../../src/config/schema.ts';

export const DELIVERY: DeliveryConfig = {
  backoff: 1000, max_backoff: 60_000, timeout: 5000, shutdown_grace: 1000, max_age: 86_400_000, fold_after: 5,
};

export function alert(n: number, more: Partial<Alert> = {}): Alert {
  return { id: `a${n}`, rule: 'r', notify: ['hook'], title: `t${n}`, body: `b${n}`, type: 'info', key: `k${n}`, createdAt: 0, count: 1, ...more };
}

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** A debug-level logger that keeps its JSON lines in `lines`. */
export function captureLog(): { log: Logger; lines: LogLine[]; at: (level: 'debug' | 'info' | 'warn' | 'error') => LogLine[] } {
  const lines: LogLine[] = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) });
  const levels = { debug: 20, info: 30, warn: 40, error: 50 };
  return { log, lines, at: (level) => lines.filter((l) => l.level === levels[level]) };
}
