// The sudo audit plugin reports one sudo call as several events sharing an `id`: accept … exit (or
// exec_error), or a lone reject/error. This stage turns each call into one event carrying user, runas,
// host, cwd, command, argv and the outcome. A call whose exit is not reported within `sudo_exit_timeout`
// goes on anyway, as "no exit seen"; an exit that comes after that (or without its accept, e.g. across a
// restart) goes on by itself, marked `late`. Every other event passes through untouched.
// Open calls (with their timeout's end) and the remembered timed-out ids live in the state store, so a
// call accepted before a restart or a SIGKILL still meets its exit after it. At most
// limits.pending_sudo_calls calls wait at once: past that the oldest goes on as "no exit seen".
import type { Clock, Timer } from '../clock.ts';
import type { RelayEvent } from '../event.ts';
import { shellQuote } from './shell-quote.ts';
import type { Logger } from '../log.ts';
import type { StateNamespace, StateStore } from '../state/state-store.ts';
import type { KeyLimit } from './key-limit.ts';
import { eventFromJson, eventToJson, type EventJson } from './state-json.ts';
import { Stage } from './stage.ts';

const TERMINAL = new Set(['exit', 'exec_error', 'reject', 'error']);
/** An event received this long after its own timestamp was delivered late (spool, backlog): the alert says when the call happened. */
const LATE_MS = 60_000;
/** Ids of calls that timed out, remembered so a late exit can say so; bounded. */
const REMEMBER_TIMED_OUT = 10_000;
/** The outcome of a call pushed out of the open calls by a newer one. */
const EVICTED = 'no exit seen (limits.pending_sudo_calls reached)';

interface Call {
  accept: RelayEvent;
  /** Epoch ms the exit timeout ends. */
  deadline: number;
  timer: Timer;
}

interface CallJson {
  accept: EventJson;
  deadline: number;
}

export class Correlate extends Stage<RelayEvent, RelayEvent> {
  /** Open calls, oldest first (insertion order), so the cap evicts the oldest. */
  private readonly open = new Map<string, Call>();
  /** Timed-out call id → when it timed out, oldest first. */
  private readonly timedOut = new Map<string, number>();
  private readonly openState: StateNamespace;
  private readonly timedOutState: StateNamespace;

  constructor(
    private readonly exitTimeout: number,
    private readonly clock: Clock,
    private readonly limit: KeyLimit,
    store: StateStore,
    log: Logger,
  ) {
    super();
    this.openState = store.namespace('correlate', (id) => {
      const call = this.open.get(id);
      return call && { accept: eventToJson(call.accept), deadline: call.deadline };
    });
    this.timedOutState = store.namespace('correlate-timed-out', (id) => this.timedOut.get(id));
    this.restore(log);
  }

  push(event: RelayEvent): void {
    const id = auditCallId(event);
    if (id === undefined) return this.next.push(event);
    const kind = event.fields.event as string;
    const call = this.open.get(id);
    if (kind === 'accept') {
      // sudo may report an accept twice (policy plugin and front end): the first one stands for the call.
      if (!call) this.accept(id, event);
      return;
    }
    if (!TERMINAL.has(kind)) return this.next.push(event);
    if (call) this.close(id, call);
    const late = !call && this.timedOut.has(id);
    if (late) {
      this.timedOut.delete(id);
      this.timedOutState.changed(id);
    }
    this.next.push(callEvent(call?.accept, event, late ? { late: true } : {}));
  }

  /** Let every open call go on as "no exit seen" (end of a replay). */
  override flush(): void {
    for (const id of [...this.open.keys()]) this.expire(id);
  }

  /** Stop: open calls stay in the store and wait for their exit, or their timeout, after the next start. */
  override stop(): void {
    for (const call of this.open.values()) call.timer.cancel();
    this.openState.save();
    this.timedOutState.save();
  }

  private accept(id: string, event: RelayEvent): void {
    // More than one only when the cap was lowered below the calls restored at start.
    while (!this.limit.take('')) {
      this.limit.overflow('', 1);
      this.expire(this.open.keys().next().value!, EVICTED);
    }
    this.arm(id, { accept: event, deadline: this.clock.now() + this.exitTimeout, timer: { cancel() {} } });
    this.openState.changed(id);
  }

  private arm(id: string, call: Call): void {
    call.timer = this.clock.setTimer(Math.max(0, call.deadline - this.clock.now()), () => this.expire(id));
    this.open.set(id, call);
  }

  private close(id: string, call: Call): void {
    call.timer.cancel();
    this.open.delete(id);
    this.limit.release('');
    this.openState.changed(id);
  }

  private expire(id: string, outcome?: string): void {
    const call = this.open.get(id);
    if (!call) return;
    this.close(id, call);
    this.remember(id, this.clock.now());
    this.next.push(callEvent(call.accept, undefined, outcome ? { outcome } : {}));
  }

  private remember(id: string, at: number): void {
    this.timedOut.delete(id);
    this.timedOut.set(id, at);
    this.timedOutState.changed(id);
    if (this.timedOut.size <= REMEMBER_TIMED_OUT) return;
    const oldest = this.timedOut.keys().next().value!;
    this.timedOut.delete(oldest);
    this.timedOutState.changed(oldest);
  }

  /** Calls from the store, oldest first; one whose timeout passed while relay was down times out at once. */
  private restore(log: Logger): void {
    const calls = [...this.openState.load()] as [string, CallJson][];
    calls.sort((a, b) => a[1].deadline - b[1].deadline);
    for (const [id, j] of calls) {
      this.limit.hold('');
      this.arm(id, { accept: eventFromJson(j.accept), deadline: j.deadline, timer: { cancel() {} } });
    }
    const timedOut = [...this.timedOutState.load()] as [string, number][];
    timedOut.sort((a, b) => a[1] - b[1]);
    for (const [id, at] of timedOut) this.timedOut.set(id, at);
    if (calls.length > 0)
      log.info({ stage: 'correlate', calls: calls.length }, 'correlate: sudo calls still waiting for their exit were restored');
  }
}

/** The call id (host and id) when the event is one of the audit plugin's (its listener kind, or a JSON line shaped so). */
export function auditCallId(event: RelayEvent): string | undefined {
  if (event.kind !== 'sudo' && event.kind !== 'json') return undefined;
  const f = event.fields;
  if (f.v === undefined || typeof f.event !== 'string' || (typeof f.id !== 'string' && typeof f.id !== 'number')) return undefined;
  return `${event.fields.host ?? event.host ?? ''}\u0000${f.id}`;
}

function callEvent(accept: RelayEvent | undefined, end: RelayEvent | undefined, more: Record<string, unknown>): RelayEvent {
  const base = (accept ?? end)!;
  const fields: Record<string, unknown> = {
    ...accept?.fields,
    ...end?.fields,
    outcome: outcome(end),
    ...more,
    correlated: accept !== undefined && end !== undefined,
  };
  fields.event = end?.fields.event ?? 'accept';
  notePluginTrouble(fields, accept, end);
  const host = str(fields.host) ?? base.host;
  const who = str(fields.user) ?? '?';
  const runas = str(fields.runas_user) ?? 'root';
  const argv = Array.isArray(fields.argv) && fields.argv.length > 0 ? fields.argv.map(String) : undefined;
  fields.command_line = argv ? shellQuote(argv) : (str(fields.command) ?? '?');
  const calledAt = whenCalled(accept) ?? whenCalled(end);
  if (calledAt) fields.called_at = calledAt.toISOString();
  const late = lateness(accept, end);
  if (late?.by) fields.delayed_by = late.by;
  return {
    ...base,
    receivedAt: end?.receivedAt ?? base.receivedAt,
    kind: 'sudo',
    app: base.app ?? 'sudo',
    host,
    severity: severityOf(end),
    message: `${who} ran ${String(fields.command_line)} as ${runas}${host ? ` on ${host}` : ''}: ${String(fields.outcome)}${late && calledAt ? lateNote(calledAt, late) : ''}`,
    fields,
  };
}

/** The call's own time: the plugin's timestamp (the sudo listener sets it; a JSON line carries `ts`). */
function whenCalled(event: RelayEvent | undefined): Date | undefined {
  if (!event) return undefined;
  if (event.timestamp) return event.timestamp;
  const ts = typeof event.fields.ts === 'string' ? new Date(event.fields.ts) : undefined;
  return ts && !Number.isNaN(ts.getTime()) ? ts : undefined;
}

/** How late the call's events reached relay, when one came from the spool or long after its own time. */
function lateness(...events: (RelayEvent | undefined)[]): { by?: string; spool: boolean } | undefined {
  let lag = 0;
  let spool = false;
  for (const e of events) {
    if (!e) continue;
    spool ||= e.peer === 'spool';
    const at = whenCalled(e);
    if (at) lag = Math.max(lag, e.receivedAt.getTime() - at.getTime());
  }
  if (!spool && lag < LATE_MS) return undefined;
  return { ...(lag >= LATE_MS ? { by: roughly(lag) } : {}), spool };
}

/** ` (called at 10:00:00Z, received 7m later from the plugin's spool)` */
function lateNote(calledAt: Date, late: { by?: string; spool: boolean }): string {
  const received = [late.by ? `received ${late.by} later` : 'received', late.spool ? "from the plugin's spool" : '']
    .filter(Boolean)
    .join(' ');
  return ` (called at ${calledAt.toISOString().replace('.000Z', 'Z')}, ${received})`;
}

/** 42s, 7m, 3h: a delay as people say it. */
function roughly(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return `${s}s`;
  if (s < 90 * 60) return `${Math.round(s / 60)}m`;
  return `${Math.round(s / 3600)}h`;
}

function outcome(end: RelayEvent | undefined): string {
  if (!end) return 'no exit seen';
  const f = end.fields;
  switch (f.event) {
    case 'exit':
      if (f.signal !== undefined) return `killed by ${String(f.signal_name ?? f.signal)}${f.core_dumped ? ' (core dumped)' : ''}`;
      return `exit ${String(f.status ?? '?')}`;
    case 'exec_error':
      return `could not run: ${String(f.error ?? f.errno ?? 'exec error')}`;
    case 'reject':
      return `rejected: ${String(f.reason ?? 'no reason given')}`;
    default:
      return `error: ${String(f.reason ?? 'no reason given')}`;
  }
}

/** Refused or failed to start → warning; ended badly or unknown → notice; exit 0 → info. */
function severityOf(end: RelayEvent | undefined): number {
  if (!end) return 5;
  const f = end.fields;
  if (f.event === 'exit') return f.signal === undefined && Number(f.status) === 0 ? 6 : 5;
  return 4;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * What the plugin could not do (lines it lost, sudo.conf options it ignored) goes into the outcome, so
 * every alert text and template that shows the outcome shows it; `lost` counts both events' reports.
 */
function notePluginTrouble(fields: Record<string, unknown>, accept: RelayEvent | undefined, end: RelayEvent | undefined): void {
  const lost = Number(accept?.fields.lost ?? 0) + Number(end?.fields.lost ?? 0);
  const notes: string[] = [];
  if (lost > 0) {
    fields.lost = lost;
    notes.push(`the sudo plugin lost ${lost} earlier event${lost === 1 ? '' : 's'} on this host (spool full)`);
  }
  if (typeof fields.ignored_options === 'number') {
    const names = Array.isArray(fields.ignored_option_names) ? `: ${fields.ignored_option_names.map(String).join(', ')}` : '';
    notes.push(`the sudo plugin ignored ${fields.ignored_options} sudo.conf option${fields.ignored_options === 1 ? '' : 's'}${names}`);
  }
  if (notes.length > 0) {
    fields.plugin_trouble = notes.join('; ');
    fields.outcome = `${String(fields.outcome)} [${fields.plugin_trouble}]`;
  }
}
