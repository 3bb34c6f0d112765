// Sudo events that arrive inside syslog, wrapped by a host's syslog-ng (syslog-ng/sudo-forward.conf):
// RFC 5424 with [relay_sudo@32473 uid="…" via="socket|spool"] and the plugin's JSON line as MSG. Such a
// message becomes the same sudo event the local socket yields (same schema, correlated per host; a resend
// is dropped in entry.ts, as the socket's are) only when its sender is trusted on that listener (by address, or on a tls listener by its verified
// certificate) and the writer's uid is allowed; otherwise it
// stays an ordinary syslog event flagged `fields.untrusted_sudo`, so it can never raise a sudo alert.
// sudo's own syslog lines (`sudo: alice : command not allowed ; …`, read by parsers/sudo.ts) are vouched
// for the same way: believed only from a trusted sender whose syslog-ng recorded an allowed writer uid
// ([relay_writer@32473 uid="…"], syslog-ng/relay.conf); any other becomes `fields.event:
// unverified_sudo_line`, counted per listener, since anyone who can write to a host's syslog can write one.
import type { ListenerConfig } from '../../config/schema.ts';
import type { RelayEvent } from '../../event.ts';
import type { Logger } from '../../log.ts';
import { splitHostPort } from '../host-port.ts';
import { sudoEvent } from './listener.ts';
import { parseSudoEvent } from './event-schema.ts';
import { WarnLimiter } from '../warn-limiter.ts';
import { senderTrust, type SenderTrust } from './trusted-senders.ts';
import { peerTrust, type PeerTrust } from './trusted-peers.ts';

/** The SD-ID sudo-forward.conf writes; 32473 is the documentation enterprise number (RFC 5612). */
export const SUDO_SD_ID = 'relay_sudo@32473';

/** The SD-ID syslog-ng/relay.conf writes on every forwarded line: the uid of the process that wrote it. */
export const WRITER_SD_ID = 'relay_writer@32473';

/** What parsers/sudo.ts makes of sudo's own lines about a call. */
const SUDO_LINE_EVENTS = new Set(['accept', 'reject', 'error', 'continued']);

/** Distinct (sender, claimed host) pairs said in the log; past it (`last_said` marks the last) no more are. */
const OTHER_HOSTS_SAID = 1000;

interface ListenerTrust {
  senders: SenderTrust;
  /** tls listeners: the certificate identities believed. */
  peers?: PeerTrust;
  uids: Set<number>;
}

export class SyslogWrappedSudo {
  readonly #trust = new Map<string, ListenerTrust>();
  readonly #warn: WarnLimiter;
  /** sudo syslog lines turned into unverified_sudo_line, per listener. */
  readonly unverified: Map<string, number>;
  /** Sender name and claimed host pairs already said; bounded, so a flood of names cannot grow it. */
  readonly #otherHosts = new Set<string>();

  /** @param unverified counts carried over from the one a reload replaces */
  constructor(
    listeners: readonly ListenerConfig[],
    private readonly log: Logger,
    unverified: ReadonlyMap<string, number> = new Map(),
  ) {
    this.unverified = new Map(unverified);
    for (const l of listeners) {
      // UDP senders can be spoofed: a sudo event over UDP is never believed.
      if (l.type === 'tcp' && l.sudo)
        this.#trust.set(l.name, { senders: senderTrust(l.sudo.trusted_senders), uids: new Set(l.sudo.allow_uids) });
      if (l.type === 'tls' && l.sudo) {
        this.#trust.set(l.name, {
          senders: senderTrust(l.sudo.trusted_senders),
          peers: peerTrust(l.sudo.trusted_peers),
          uids: new Set(l.sudo.allow_uids),
        });
      }
    }
    this.#warn = new WarnLimiter(log);
  }

  /**
   * The event to pass on: unchanged when it carries no sudo marker, the sudo event when it is believed,
   * flagged when not.
   */
  unwrap(ev: RelayEvent): RelayEvent {
    const sd = ev.kind === 'syslog' ? ev.structuredData?.[SUDO_SD_ID] : undefined;
    if (sd === undefined) return ev;
    const host = ev.host;
    const why = this.#distrust(ev, sd, host);
    if (why !== undefined) {
      this.#warn.warn(
        { listener: ev.listener, peer: ev.peer, host, reason: why },
        'sudo event from syslog not believed; kept as an ordinary event',
      );
      return { ...ev, fields: { ...ev.fields, untrusted_sudo: why } };
    }
    const parsed = parseSudoEvent(ev.message);
    if (!parsed.ok) {
      this.#warn.warn(
        { listener: ev.listener, peer: ev.peer, host, reason: parsed.reason },
        'bad sudo event from syslog; kept as an ordinary event',
      );
      return { ...ev, fields: { ...ev.fields, untrusted_sudo: parsed.reason } };
    }
    const out = sudoEvent(parsed.event, { listener: ev.listener, receivedAt: ev.receivedAt, peer: ev.peer });
    // The host as its syslog-ng names it (what trusted_senders pins), not as the line claims.
    out.host = host;
    // The verified certificate stays with the event, so rules can match on it as on any syslog line.
    if (ev.peer_cert !== undefined) out.peer_cert = ev.peer_cert;
    out.fields = { ...out.fields, host, sender_uid: Number(sd.uid), via: sd.via ?? 'socket' };
    if (parsed.event.host !== host) {
      out.fields.plugin_host = parsed.event.host;
      // Not hidden: the alert names the host as its sender names it, and the log says (once per sender and
      // name) that the line claimed another.
      this.#sayOtherHost(ev, host, parsed.event.host);
    }
    return out;
  }

  /**
   * A parsed event as the rules get it: a sudo syslog line relay cannot verify becomes
   * `fields.event: unverified_sudo_line` (`fields.sudo_event` keeps what it claimed, `fields.unverified` why).
   */
  vouch(ev: RelayEvent): RelayEvent {
    if (ev.kind !== 'syslog' || ev.app !== 'sudo' || !SUDO_LINE_EVENTS.has(ev.fields.event as string)) return ev;
    const why = this.#distrust(ev, ev.structuredData?.[WRITER_SD_ID] ?? {}, ev.host);
    if (why === undefined) return ev;
    this.unverified.set(ev.listener, (this.unverified.get(ev.listener) ?? 0) + 1);
    this.#warn.warn(
      { listener: ev.listener, peer: ev.peer, host: ev.host, reason: why },
      'sudo line from syslog not verified; alerted as unverified',
    );
    return { ...ev, fields: { ...ev.fields, event: 'unverified_sudo_line', sudo_event: ev.fields.event, unverified: why } };
  }

  #sayOtherHost(ev: RelayEvent, host: string | undefined, pluginHost: string): void {
    const pair = `${host}\u0000${pluginHost}`;
    if (this.#otherHosts.has(pair) || this.#otherHosts.size >= OTHER_HOSTS_SAID) return;
    this.#otherHosts.add(pair);
    this.log.warn(
      {
        listener: ev.listener,
        peer: ev.peer,
        host,
        plugin_host: pluginHost,
        ...(this.#otherHosts.size === OTHER_HOSTS_SAID ? { last_said: true } : {}),
      },
      "sudo event names another host than its sender does; alerted under the sender's name, the other kept as fields.plugin_host",
    );
  }

  #distrust(ev: RelayEvent, sd: Record<string, string>, host: string | undefined): string | undefined {
    const trust = this.#trust.get(ev.listener);
    if (!trust) return `listener ${ev.listener} takes no sudo events (no \`sudo:\` with trusted_senders or trusted_peers)`;
    if (host === undefined) return 'no HOSTNAME in the syslog header';
    if (ev.peer === undefined) return 'sender address unknown';
    const senderWhy = trust.senders(splitHostPort(ev.peer).host, host);
    if (senderWhy !== undefined) {
      // Either way of being trusted will do: by address, or by the verified certificate.
      if (!trust.peers) return senderWhy;
      const peerWhy = trust.peers(ev.peer_cert, host);
      if (peerWhy !== undefined) return `${senderWhy}; ${peerWhy}`;
    }
    const uid = sd.uid !== undefined && /^\d+$/.test(sd.uid) ? Number(sd.uid) : undefined;
    if (uid === undefined) return 'no writer uid recorded';
    if (!trust.uids.has(uid)) return `writer uid ${uid} is not in allow_uids`;
    return undefined;
  }
}
