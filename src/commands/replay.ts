// `relay replay LOGFILE`: a file of syslog lines (or sudo plugin JSON lines) through the configured
// pipeline on a clock taken from the lines' own timestamps, sending nothing; prints what would have gone
// out, per notifier. The way to try a rule change on yesterday's auth.log before deploying it.
import { readFileSync } from 'node:fs';
import type { Alert } from '../alert.ts';
import { ManualClock } from '../clock.ts';
import type { Config } from '../config/schema.ts';
import { notifierSettings } from '../config/notifier-entry.ts';
import type { RelayEvent } from '../event.ts';
import { severityName } from '../event.ts';
import { Pipeline, type PipelineStats } from '../pipeline/pipeline.ts';
import { syslogEvent } from '../sources/syslog-frame.ts';
import { parseFields } from '../../parsers/index.ts';

/** RFC 3164 §4.3.3: a message without a PRI is taken as user.notice. Log files have dropped it. */
const NO_PRI = '<13>';
/** rsyslog's file format on Debian 12: `2025-03-01T12:00:00.123456+00:00 host app[pid]: message`. */
const FILE_ISO = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d))\s+(\S+)\s+([^\s:[]+)(?:\[(\d+)\])?:\s?(.*)$/s;
/** Time the clock is run on after the last line, hour by hour, so open groups, windows and calls play out. */
const DRAIN_HOURS = 24 * 30;

export interface ReplayResult {
  alerts: Alert[];
  stats: PipelineStats;
  lines: number;
  unreadable: { line: number; reason: string }[];
}

export function replayFile(file: string, config: Config): ReplayResult {
  const text = readFileSync(file, 'utf8');
  const unreadable: ReplayResult['unreadable'] = [];
  const events: RelayEvent[] = [];
  let lines = 0;
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    lines++;
    const e = lineEvent(line.replace(/\r$/, ''), new Date());
    if ('reason' in e) unreadable.push({ line: i + 1, reason: e.reason });
    else events.push(e);
  });

  const first = events.find((e) => e.timestamp)?.timestamp?.getTime() ?? Date.now();
  const clock = new ManualClock(first);
  const alerts: Alert[] = [];
  const pipeline = new Pipeline(config, clock, (a) => alerts.push(a));
  for (const event of events) {
    // Lines out of order (several hosts' clocks) cannot move time back; they count as "now".
    clock.advanceTo(Math.max(clock.now(), event.timestamp?.getTime() ?? clock.now()));
    pipeline.push(parseFields({ ...event, receivedAt: new Date(clock.now()) }));
  }
  for (let h = 0; h < DRAIN_HOURS && clock.pending() > 0; h++) clock.advance(3_600_000);
  pipeline.flush();
  return { alerts, stats: pipeline.stats(), lines, unreadable };
}

/** One line → an event, or why it could not be read. */
export function lineEvent(line: string, now: Date): RelayEvent | { reason: string } {
  if (line.startsWith('{')) return jsonEvent(line, now);
  const iso = FILE_ISO.exec(line);
  if (iso) {
    const timestamp = new Date(iso[1]!);
    return {
      receivedAt: timestamp, listener: 'replay', kind: 'syslog', facility: 'user', severity: 5, timestamp,
      host: iso[2]!, app: iso[3]!, ...(iso[4] ? { procid: iso[4] } : {}), message: iso[5]!, raw: line, fields: {},
    };
  }
  const event = syslogEvent(Buffer.from(line.startsWith('<') ? line : NO_PRI + line), { listener: 'replay', receivedAt: now });
  return event.parseError ? { reason: event.parseError } : event;
}

function jsonEvent(line: string, now: Date): RelayEvent | { reason: string } {
  let fields: unknown;
  try {
    fields = JSON.parse(line);
  } catch (e) {
    return { reason: `not JSON: ${(e as Error).message}` };
  }
  if (!fields || typeof fields !== 'object' || Array.isArray(fields)) return { reason: 'a JSON line must be an object' };
  const f = fields as Record<string, unknown>;
  const ts = typeof f.ts === 'string' ? new Date(f.ts) : undefined;
  const timestamp = ts && !Number.isNaN(ts.getTime()) ? ts : undefined;
  return {
    receivedAt: timestamp ?? now, listener: 'replay', kind: f.v !== undefined && typeof f.event === 'string' ? 'sudo' : 'json',
    ...(timestamp ? { timestamp } : {}), ...(typeof f.host === 'string' ? { host: f.host } : {}), message: line, fields: f,
  };
}

/** The report: per notifier, every alert with its time, type, rule and count; then the totals. */
export function formatReplay(result: ReplayResult, config: Config): string {
  const out: string[] = [];
  for (const [name, entry] of Object.entries(config.notifiers)) {
    const { url } = notifierSettings(entry);
    const mine = result.alerts.filter((a) => a.notify.includes(name));
    out.push(`== ${name}${url === '' ? ' (disabled: its URL is empty)' : ''}: ${mine.length} alert${mine.length === 1 ? '' : 's'}`);
    for (const a of mine) {
      out.push(`${new Date(a.createdAt).toISOString()} ${a.type}${a.severity === undefined ? '' : `/${severityName(a.severity)}`} rule=${a.rule} events=${a.count}`);
      out.push(`  ${a.title}`, ...a.body.split('\n').map((l) => `  | ${l}`));
    }
  }
  const s = result.stats;
  out.push(
    '',
    `${result.lines} lines, ${s.events} events, ${result.unreadable.length} unreadable; matched ${JSON.stringify(s.matched)}, unmatched ${s.unmatched}`,
    `${s.alerts} alerts would have been sent; silenced ${s.silenced} events, ${s.repeatsHeld} repeats and ${s.throttled} throttled alerts folded into others. Nothing was sent.`,
    ...result.unreadable.map((u) => `line ${u.line}: ${u.reason}`),
  );
  return `${out.join('\n')}\n`;
}
