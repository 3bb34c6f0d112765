// `relay replay LOGFILE`: a file of syslog lines (or sudo plugin JSON lines) through the configured
// pipeline on a clock taken from the lines' own timestamps, sending nothing; prints each alert as it would
// have gone out, per notifier. The way to try a rule change on yesterday's auth.log before deploying it.
// Every line becomes an event through the listeners' own functions, so replay and live give the same alerts.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Alert } from '../alert.ts';
import { ManualClock } from '../clock.ts';
import type { Config } from '../config/schema.ts';
import type { RelayEvent } from '../event.ts';
import { severityName } from '../event.ts';
import { emptyPipelineStats, type Pipeline, type PipelineStats } from '../pipeline/pipeline.ts';
import { asPlan, type Plan } from '../plan/plan.ts';
import { composePipeline } from '../plan/compose-pipeline.ts';
import { syslogEvent } from '../sources/syslog-frame.ts';
import { parseSudoEvent } from '../sources/sudo/event-schema.ts';
import { sudoEvent } from '../sources/sudo/listener.ts';
import { notifierSettings } from '../config/notifier-entry.ts';
import { jsonLineEvent } from '../sources/unix.ts';
import { parseFields, unparsedApp } from '../../parsers/index.ts';
import { messageShape } from '../../parsers/message-shape.ts';

/** RFC 3164 §4.3.3: a message without a PRI is taken as user.notice. Log files have dropped it. */
const NO_PRI = '<13>';
/** Time the clock is run on after the last line, hour by hour, so open groups, windows and calls play out. */
const DRAIN_HOURS = 24 * 30;
/** Unreadable lines are counted; this many are kept to show, so a file of garbage costs no memory. */
const UNREADABLE_SHOWN = 20;
const LISTENER = 'replay';
/** Distinct unrecognised shapes kept to list; past it further shapes are only counted, so memory stays bounded. */
const UNPARSED_SHAPES = 1000;

/** One alert as one notifier would have been handed it, at the replayed time it would have been sent. */
export interface ReplaySend {
  at: number;
  notifier: string;
  alert: Alert;
}

export interface ReplayResult {
  stats: PipelineStats;
  lines: number;
  /** Lines that did not parse as syslog: like a listener, replay still passes them on (raw text kept). */
  parseErrors: number;
  /** Lines starting with `{` that are not a JSON object: a JSON listener drops them too. */
  unreadable: number;
  unreadableShown: { line: number; reason: string }[];
  sent: Record<string, number>;
  /** Lines of a program parsers/ reads that no shape of it matched: `app: shape` → lines. */
  unparsed: Map<string, number>;
  /** Such lines of shapes past UNPARSED_SHAPES distinct ones. */
  unparsedOther: number;
}

/** Streams `file` line by line (constant memory whatever its size) through a {@link Replay}. */
export async function replayFile(file: string, plan: Plan | Config, onSend: (send: ReplaySend) => void): Promise<ReplayResult> {
  const replay = new Replay(asPlan(plan), onSend);
  const input = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  // Each line is handled as readline emits it, so no line waits in a queue (and survives into the old heap).
  lines.on('line', (line) => replay.line(line));
  await new Promise<void>((resolve, reject) => {
    // A read error (ENOENT, EISDIR) fails the replay rather than ending it as if the file were complete.
    lines.once('error', reject);
    lines.once('close', resolve);
  });
  return replay.end();
}

/** The same for lines already at hand (a generated day in a test). */
export function replayLines(lines: Iterable<string>, plan: Plan | Config, onSend: (send: ReplaySend) => void): ReplayResult {
  const replay = new Replay(asPlan(plan), onSend);
  for (const line of lines) replay.line(line);
  return replay.end();
}

/** The pipeline on a clock that follows the lines' own timestamps, fed one line at a time. */
export class Replay {
  /** The wall clock only dates RFC 3164 lines (which carry no year), as it does for a listener. */
  private readonly readAt = new Date();
  private readonly result: ReplayResult = {
    stats: emptyPipelineStats(),
    lines: 0,
    parseErrors: 0,
    unreadable: 0,
    unreadableShown: [],
    sent: {},
    unparsed: new Map(),
    unparsedOther: 0,
  };
  private clock: ManualClock | undefined;
  private pipeline: Pipeline | undefined;
  private n = 0;

  constructor(
    private readonly plan: Plan,
    private readonly onSend: (send: ReplaySend) => void,
  ) {}

  line(raw: string): void {
    this.n++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    const result = this.result;
    result.lines++;
    const event = lineEvent(line, this.readAt);
    if ('reason' in event) {
      result.unreadable++;
      if (result.unreadableShown.length < UNREADABLE_SHOWN) result.unreadableShown.push({ line: this.n, reason: event.reason });
      return;
    }
    if (event.parseError !== undefined) result.parseErrors++;
    const clock = (this.clock ??= new ManualClock(event.timestamp?.getTime() ?? this.readAt.getTime()));
    this.pipeline ??= composePipeline(this.plan, {
      clock,
      deliver: {
        enqueue: (alert: Alert) => {
          const notifier = alert.notify[0]!;
          result.sent[notifier] = (result.sent[notifier] ?? 0) + 1;
          this.onSend({ at: clock.now(), notifier, alert });
        },
      },
    }).pipeline;
    // Lines out of order (several hosts' clocks) cannot move time back; they count as "now".
    clock.advanceTo(Math.max(clock.now(), event.timestamp?.getTime() ?? clock.now()));
    // What App.accept does with an event a listener hands it, received at the replayed time.
    const parsed = parseFields({ ...event, receivedAt: new Date(clock.now()) });
    this.countUnparsed(parsed);
    this.pipeline.push(parsed);
  }

  private countUnparsed(parsed: RelayEvent): void {
    const app = unparsedApp(parsed);
    if (app === undefined) return;
    const shape = `${app}: ${messageShape(parsed.message)}`;
    const { unparsed } = this.result;
    const n = unparsed.get(shape);
    if (n === undefined && unparsed.size >= UNPARSED_SHAPES) this.result.unparsedOther++;
    else unparsed.set(shape, (n ?? 0) + 1);
  }

  /** Runs the clock on until what is held (groups, repeats, open sudo calls) has gone out, then totals. */
  end(): ReplayResult {
    if (this.clock && this.pipeline) {
      for (let h = 0; h < DRAIN_HOURS && this.clock.pending() > 0; h++) this.clock.advance(3_600_000);
      this.pipeline.flush();
      this.result.stats = this.pipeline.stats();
    }
    return this.result;
  }
}

/**
 * One line → the event a listener would have made of it, or why a JSON listener would refuse it. Syslog
 * lines go through the syslog listeners' own parser (a log file's missing `<PRI>` added back as RFC 3164
 * says); JSON lines through the sudo listener's validation, or else the JSON listener's mapping.
 */
export function lineEvent(line: string, receivedAt: Date): RelayEvent | { reason: string } {
  const origin = { listener: LISTENER, receivedAt };
  if (line.startsWith('{')) {
    const sudo = parseSudoEvent(line);
    if (sudo.ok) return sudoEvent(sudo.event, origin);
    try {
      return jsonLineEvent(line, origin);
    } catch (e) {
      return { reason: `not a JSON object: ${(e as Error).message}` };
    }
  }
  return syslogEvent(Buffer.from(line.startsWith('<') ? line : NO_PRI + line), origin);
}

/** One send, as the report prints it: when, where, what type and rule, then the message itself. */
export function formatSend(send: ReplaySend): string {
  const a = send.alert;
  const severity = a.severity === undefined ? '' : `/${severityName(a.severity)}`;
  const lines = [
    `${new Date(send.at).toISOString()} → ${send.notifier} ${a.type}${severity} rule=${a.rule} events=${a.count}`,
    `  ${a.title}`,
    ...a.body.split('\n').map((l) => `  | ${l}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** The closing totals: alerts per notifier, then what the pipeline did with the lines. */
export function formatTotals(result: ReplayResult, config: Config): string {
  const out: string[] = [''];
  for (const [name, entry] of Object.entries(config.notifiers)) {
    const { url } = notifierSettings(entry);
    const n = result.sent[name] ?? 0;
    out.push(`== ${name}${url === '' ? ' (disabled: its URL is empty)' : ''}: ${n} alert${n === 1 ? '' : 's'}`);
  }
  const s = result.stats;
  out.push(
    `${result.lines} lines, ${s.events} events (${result.parseErrors} not parsed as syslog, kept as raw text), ${result.unreadable} unreadable; matched ${JSON.stringify(s.matched)}, unmatched ${s.unmatched}`,
    `${s.alerts} alerts would have been sent; silenced ${s.silenced} events, ${s.repeatsHeld} repeats and ${s.throttled} throttled alerts folded into others. Nothing was sent.`,
    ...result.unreadableShown.map((u) => `line ${u.line}: ${u.reason}`),
  );
  if (result.unreadable > result.unreadableShown.length)
    out.push(`… and ${result.unreadable - result.unreadableShown.length} more unreadable lines`);
  return `${out.join('\n')}\n`;
}

/** `relay replay --unparsed`: the shapes of lines parsers/ did not recognise, most frequent first. */
export function formatUnparsed(result: ReplayResult): string {
  const total = [...result.unparsed.values()].reduce((a, b) => a + b, 0) + result.unparsedOther;
  const out = [``, `== ${total} line${total === 1 ? '' : 's'} of a program parsers/ reads matched none of its shapes`];
  for (const [shape, n] of [...result.unparsed].sort((a, b) => b[1] - a[1])) out.push(`${String(n).padStart(7)} × ${shape}`);
  if (result.unparsedOther > 0) out.push(`… and ${result.unparsedOther} more lines of further shapes`);
  return `${out.join('\n')}\n`;
}
