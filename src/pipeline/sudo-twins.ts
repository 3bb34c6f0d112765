// One alert per sudo call whatever paths it took. A host running the relay_audit plugin that also forwards
// its auth log reports each call twice: as the plugin's events and as sudo's own syslog line (its twin, by
// sudo-call-key.ts). This stage comes first, before correlate, because the plugin's decision (accept, reject,
// error) arrives within moments of the line, while its correlated alert may wait minutes for the exit.
// The plugin's events always go on untouched (they carry the exit status); a line goes on only when no
// plugin decision is its twin. From a host whose plugin has reported to relay, a line waits up to
// `correlate.sudo_line_wait` for its twin; from any other host there is nothing to wait for and it goes on
// at once. A plugin decision is kept for a line that comes after it (a host's auth-log backlog drains after
// its sudo events). Each decision answers for one line, so a command run twice in a second is two calls;
// the very line it answered for (same timestamp) sent again by a host's disk buffer is dropped as well.
// Held lines, kept decisions and the plugin's hosts live in the state store: a line held when relay stops is
// not lost and waits again after the start (its twin may be in the host's disk buffer, sent once relay is
// back); a decision made before a restart still answers for its line after it. Each map is capped
// (key-limit.ts says when a cap is reached).
import type { Clock, Timer } from '../clock.ts';
import type { RelayEvent } from '../event.ts';
import type { Logger } from '../log.ts';
import type { StateNamespace, StateStore } from '../state/state-store.ts';
import { auditCallId } from './correlate.ts';
import type { KeyLimit } from './key-limit.ts';
import { eventFromJson, eventToJson, type EventJson } from './state-json.ts';
import { Stage } from './stage.ts';
import { callHost, lineCallKey, pluginCallKey } from './sudo-call-key.ts';

/** How long a plugin decision answers for a line that comes after it (at least sudo_line_wait). */
export const DECISION_MEMORY = 10 * 60_000;
/** How long a host whose plugin reported counts as running it: its lines wait for their twin meanwhile. */
export const PLUGIN_HOST_MEMORY = 30 * 24 * 3_600_000;

interface HeldLine {
  event: RelayEvent;
  twin: string;
  /** Epoch ms it goes on alone. */
  deadline: number;
  timer: Timer;
}

interface Decision {
  twin: string;
  /** Epoch ms it is forgotten. */
  until: number;
  /** It has answered for a line already. */
  used: boolean;
  /** That line's own timestamp (epoch ms), by which the same line sent again is known. */
  line?: number;
}

export interface SudoTwinsLimits {
  lines: KeyLimit;
  decisions: KeyLimit;
  hosts: KeyLimit;
}

export class SudoTwins extends Stage<RelayEvent, RelayEvent> {
  /** Held lines by arrival number, oldest first. */
  private readonly lines = new Map<string, HeldLine>();
  private nextLine = 0;
  /** Plugin decisions by call (host and call id), oldest first. */
  private readonly decisions = new Map<string, Decision>();
  /** Hosts whose plugin reported → when it last did, least recent first. */
  private readonly pluginHosts = new Map<string, number>();
  /** Twin → held lines, and twin → decisions that answered for no line yet; oldest first. */
  private readonly heldByTwin = new Index();
  private readonly unusedByTwin = new Index();
  private readonly usedByTwin = new Index();
  private readonly linesState: StateNamespace;
  private readonly decisionsState: StateNamespace;
  private readonly hostsState: StateNamespace;

  constructor(
    private readonly wait: number,
    private readonly clock: Clock,
    private readonly limits: SudoTwinsLimits,
    store: StateStore,
    private readonly log: Logger,
  ) {
    super();
    this.linesState = store.namespace('sudo-lines', (n) => {
      const line = this.lines.get(n);
      return line && { event: eventToJson(line.event), twin: line.twin, deadline: line.deadline };
    });
    this.decisionsState = store.namespace('sudo-decisions', (call) => this.decisions.get(call));
    this.hostsState = store.namespace('sudo-plugin-hosts', (host) => this.pluginHosts.get(host));
    this.restore();
  }

  push(event: RelayEvent): void {
    const call = auditCallId(event);
    if (call !== undefined) {
      this.pluginReported(callHost(event));
      const twin = pluginCallKey(event);
      if (twin !== undefined && !this.decisions.has(call)) this.decided(call, twin);
      return this.next.push(event);
    }
    const twin = lineCallKey(event);
    if (twin === undefined) return this.next.push(event);
    this.forgetOldDecisions();
    const answering = this.unusedByTwin.first(twin);
    if (answering !== undefined) return this.answered(answering, event);
    if (this.resent(twin, event)) return;
    if (!this.runsPlugin(callHost(event))) return this.next.push(event);
    if (!this.limits.lines.take('')) {
      this.limits.lines.overflow('', 1);
      this.release(this.lines.keys().next().value!);
      this.limits.lines.take('');
    }
    this.hold(String(this.nextLine++).padStart(15, '0'), { event, twin, deadline: this.clock.now() + this.wait });
  }

  /** End of a replay: held lines go on now. */
  override flush(): void {
    for (const n of [...this.lines.keys()]) this.release(n);
  }

  /** Stop: held lines and decisions stay in the store, for the next start. */
  override stop(): void {
    for (const line of this.lines.values()) line.timer.cancel();
    this.linesState.save();
    this.decisionsState.save();
    this.hostsState.save();
  }

  private pluginReported(host: string): void {
    if (!this.pluginHosts.delete(host) && !this.limits.hosts.take('')) {
      this.limits.hosts.overflow('', 1);
      const stalest = this.pluginHosts.keys().next().value!;
      this.pluginHosts.delete(stalest);
      this.hostsState.changed(stalest);
    }
    this.pluginHosts.set(host, this.clock.now());
    this.hostsState.changed(host);
  }

  private runsPlugin(host: string): boolean {
    const oldest = this.clock.now() - PLUGIN_HOST_MEMORY;
    for (const [stale, at] of this.pluginHosts) {
      if (at > oldest) break;
      this.pluginHosts.delete(stale);
      this.limits.hosts.release('');
      this.hostsState.changed(stale);
    }
    return this.pluginHosts.has(host);
  }

  private decided(call: string, twin: string): void {
    this.forgetOldDecisions();
    if (!this.limits.decisions.take('')) {
      this.limits.decisions.overflow('', 1);
      this.forget(this.decisions.keys().next().value!);
      this.limits.decisions.take('');
    }
    this.decisions.set(call, { twin, until: this.clock.now() + Math.max(DECISION_MEMORY, this.wait), used: false });
    this.unusedByTwin.add(twin, call);
    this.decisionsState.changed(call);
    const held = this.heldByTwin.first(twin);
    if (held === undefined) return;
    const line = this.lines.get(held)!;
    this.drop(held);
    this.answered(call, line.event);
  }

  /** The plugin reported the call of `line`: the line goes no further, and the decision answers for no other. */
  private answered(call: string, line: RelayEvent): void {
    const decision = this.decisions.get(call)!;
    decision.used = true;
    const at = line.timestamp?.getTime();
    if (at !== undefined) decision.line = at;
    this.unusedByTwin.remove(decision.twin, call);
    this.usedByTwin.add(decision.twin, call);
    this.decisionsState.changed(call);
    this.log.debug(
      { stage: 'sudo-twins', host: line.host, user: line.fields.user, command: line.fields.command },
      "sudo's syslog line dropped: the plugin reported its call",
    );
  }

  /** The same line as one a decision answered for (a host's disk buffer resending it): it is dropped too. */
  private resent(twin: string, line: RelayEvent): boolean {
    const at = line.timestamp?.getTime();
    if (at === undefined || !this.usedByTwin.all(twin).some((call) => this.decisions.get(call)!.line === at)) return false;
    this.log.debug({ stage: 'sudo-twins', host: line.host, command: line.fields.command }, "sudo's syslog line received again; dropped");
    return true;
  }

  private hold(n: string, line: Omit<HeldLine, 'timer'>): void {
    const timer = this.clock.setTimer(Math.max(0, line.deadline - this.clock.now()), () => this.release(n));
    this.lines.set(n, { ...line, timer });
    this.heldByTwin.add(line.twin, n);
    this.linesState.changed(n);
  }

  /** A held line whose twin did not come in time goes on by itself. */
  private release(n: string): void {
    const line = this.lines.get(n);
    if (!line) return;
    this.drop(n);
    this.next.push(line.event);
  }

  private drop(n: string): void {
    const line = this.lines.get(n)!;
    line.timer.cancel();
    this.lines.delete(n);
    this.heldByTwin.remove(line.twin, n);
    this.limits.lines.release('');
    this.linesState.changed(n);
  }

  private forget(call: string): void {
    const decision = this.decisions.get(call)!;
    this.decisions.delete(call);
    this.unusedByTwin.remove(decision.twin, call);
    this.usedByTwin.remove(decision.twin, call);
    this.limits.decisions.release('');
    this.decisionsState.changed(call);
  }

  /** Oldest first, so the first one still valid ends the sweep. */
  private forgetOldDecisions(): void {
    const now = this.clock.now();
    for (const [call, d] of this.decisions) {
      if (d.until > now) break;
      this.forget(call);
    }
  }

  /** What the store holds; a line waits again in full, since its twin may come only now that relay is back. */
  private restore(): void {
    const hosts = [...this.hostsState.load()] as [string, number][];
    for (const [host, at] of hosts.sort((a, b) => a[1] - b[1])) {
      this.limits.hosts.hold('');
      this.pluginHosts.set(host, at);
    }
    const decisions = [...this.decisionsState.load()] as [string, Decision][];
    for (const [call, d] of decisions.sort((a, b) => a[1].until - b[1].until)) {
      this.limits.decisions.hold('');
      this.decisions.set(call, d);
      (d.used ? this.usedByTwin : this.unusedByTwin).add(d.twin, call);
    }
    this.forgetOldDecisions();
    const lines = [...this.linesState.load()] as [string, { event: EventJson; twin: string; deadline: number }][];
    const fresh = this.clock.now() + this.wait;
    for (const [n, line] of lines.sort(([a], [b]) => (a < b ? -1 : 1))) {
      this.limits.lines.hold('');
      this.hold(n, { event: eventFromJson(line.event), twin: line.twin, deadline: Math.max(line.deadline, fresh) });
      this.nextLine = Number(n) + 1;
    }
    if (lines.length > 0)
      this.log.info(
        { stage: 'sudo-twins', lines: lines.length },
        "sudo's syslog lines still waiting for the plugin's report were restored",
      );
  }
}

/** Twin → keys, oldest first; a twin without keys takes no room. */
class Index {
  private readonly keys = new Map<string, string[]>();

  first(twin: string): string | undefined {
    return this.keys.get(twin)?.[0];
  }

  all(twin: string): readonly string[] {
    return this.keys.get(twin) ?? [];
  }

  add(twin: string, key: string): void {
    const keys = this.keys.get(twin);
    if (keys) keys.push(key);
    else this.keys.set(twin, [key]);
  }

  remove(twin: string, key: string): void {
    const keys = this.keys.get(twin);
    if (!keys) return;
    const at = keys.indexOf(key);
    if (at >= 0) keys.splice(at, 1);
    if (keys.length === 0) this.keys.delete(twin);
  }
}
