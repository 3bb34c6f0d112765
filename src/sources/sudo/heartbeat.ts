// A host's proof that its sudo path is alive: syslog-ng's MARK on the sudo destination of
// syslog-ng/sudo-forward.conf (mark-mode(periodical)), which that destination's template turns into
// `-- MARK -- relay-sudo every=60 host=web1`. syslog-ng makes a MARK in the destination itself, past the log
// paths' rewrites: it has no APP-NAME, MSGID or structured data but its own `meta`, and its HOSTNAME is
// syslog-ng's own name, not relay_hostname; hence the tag names the path, the interval and the host. A
// plain `-- MARK --` (a global mark-mode sends one on every destination) proves no sudo path and stays an
// ordinary event.
// A heartbeat is believed as a syslog-wrapped sudo event is (the sender trusted for that host on that
// listener, by address or certificate) and is consumed here: it is liveness, not an incident, so no rule
// (a catch-all included) ever sees a trusted one. An untrusted one stays an ordinary event flagged
// `fields.untrusted_heartbeat`, as an untrusted sudo event is.
import type { Heartbeat } from '../../state/sudo-hosts.ts';
import type { ListenerConfig } from '../../config/schema.ts';
import type { RelayEvent } from '../../event.ts';
import type { Logger } from '../../log.ts';
import { splitHostPort } from '../host-port.ts';
import { WarnLimiter } from '../warn-limiter.ts';
import { SUDO_SD_ID, WRITER_SD_ID } from './syslog-wrapped.ts';
import { senderTrust, type SenderTrust } from './trusted-senders.ts';
import { peerTrust, type PeerTrust } from './trusted-peers.ts';

/** What the sudo destination's template makes of its MARK (syslog-ng/sudo-forward.conf, t_relay_sudo). */
const TAGGED_MARK = /^-- MARK -- relay-sudo every=(\d+) host=(\S+)$/;

export type { Heartbeat };

export type HeartbeatRead = { beat: Heartbeat } | { event: RelayEvent };

export class SudoHeartbeats {
  readonly #trust = new Map<string, { senders: SenderTrust; peers?: PeerTrust }>();
  readonly #warn: WarnLimiter;

  constructor(listeners: readonly ListenerConfig[], log: Logger) {
    for (const l of listeners) {
      // UDP senders can be spoofed: as for sudo events, only tcp and tls listeners with `sudo:` trust anyone.
      if ((l.type === 'tcp' || l.type === 'tls') && l.sudo) {
        const peers = l.type === 'tls' ? peerTrust(l.sudo.trusted_peers) : undefined;
        this.#trust.set(l.name, { senders: senderTrust(l.sudo.trusted_senders), ...(peers ? { peers } : {}) });
      }
    }
    this.#warn = new WarnLimiter(log);
  }

  /** The heartbeat a trusted sender sent; any other event as it goes on (an untrusted heartbeat flagged). */
  read(ev: RelayEvent): HeartbeatRead {
    const tagged = ev.kind === 'syslog' ? TAGGED_MARK.exec(ev.message) : null;
    // Lines from a log path carry relay_sudo or relay_writer (sudo-forward.conf, relay.conf): a user who
    // logs the tag's text through them cannot pass it off as the destination's own MARK.
    if (!tagged || ev.structuredData?.[SUDO_SD_ID] || ev.structuredData?.[WRITER_SD_ID]) return { event: ev };
    const host = tagged[2] as string;
    const why = this.#distrust(ev, host);
    if (why !== undefined) {
      this.#warn.warn(
        { listener: ev.listener, peer: ev.peer, host, reason: why },
        'sudo-path heartbeat not believed; kept as an ordinary event',
      );
      return { event: { ...ev, fields: { ...ev.fields, untrusted_heartbeat: why } } };
    }
    const beat: Heartbeat = { host, every: Math.max(1, Number(tagged[1])), listener: ev.listener, receivedAt: ev.receivedAt };
    if (ev.peer !== undefined) beat.peer = ev.peer;
    return { beat };
  }

  #distrust(ev: RelayEvent, host: string): string | undefined {
    const trust = this.#trust.get(ev.listener);
    if (!trust) return `listener ${ev.listener} takes no sudo events (no \`sudo:\` with trusted_senders or trusted_peers)`;
    if (ev.peer === undefined) return 'sender address unknown';
    const senderWhy = trust.senders(splitHostPort(ev.peer).host, host);
    if (senderWhy === undefined || !trust.peers) return senderWhy;
    const peerWhy = trust.peers(ev.peer_cert, host);
    return peerWhy === undefined ? undefined : `${senderWhy}; ${peerWhy}`;
  }
}
