// The `listeners:` entries: udp, tcp, tls (RFC 5425) and unix sockets, a union tagged by `type`, with the
// sudo trust options of the network listeners.
// A namespace import lets the bundle keep only the parts of zod relay uses (not its dozens of locales).
import * as z from 'zod';
import { Cidr, Duration, HostPort, Name } from './value-schema.ts';

const NetworkCommon = {
  name: Name,
  address: HostPort,
  /** Largest accepted message in bytes; longer frames are rejected and counted. */
  max_message_size: z.number().int().positive().default(65_536),
};

/** Source addresses a network listener takes; others are refused at accept (tcp, tls) or dropped (udp). Unset = any. */
const Allow = z.array(Cidr).min(1, 'allow needs at least one address or CIDR (leave it out to take any address)').optional();

export const UdpListener = z.strictObject({
  ...NetworkCommon,
  type: z.literal('udp'),
  allow: Allow,
  /** SO_RCVBUF in bytes (the kernel doubles it); unset = the kernel default. What overflows it the kernel drops, and relay reports. */
  receive_buffer: z.number().int().positive().optional(),
});

/** A sender relay believes for sudo events: any host name from these addresses, or only the names listed. */
export const TrustedSenderSchema = z.union([Cidr, z.strictObject({ address: Cidr, hosts: z.array(z.string().min(1)).min(1) })]);
export type TrustedSender = z.infer<typeof TrustedSenderSchema>;

/** Sudo events forwarded by hosts' syslog-ng (syslog-ng/sudo-forward.conf) on a network listener. */
const ListenerSudo = z.strictObject({
  /** Only these senders' sudo events are believed; from anyone else they stay ordinary, flagged events. */
  trusted_senders: z.array(TrustedSenderSchema).default([]),
  /** uids, as the host's syslog-ng recorded the writer of the plugin's socket, allowed to report sudo calls. */
  allow_uids: z.array(z.number().int().nonnegative()).default([0]),
});

const StreamCommon = {
  allow: Allow,
  /**
   * Open connections, handshakes included. 20,000: a fleet of 10,000 hosts (bench/fleet-tls.ts) with room for
   * as many stale sessions of hosts that vanished without a FIN (held until idle_timeout) as there are hosts.
   */
  max_connections: z.number().int().positive().default(20_000),
  /** Open connections one remote address may hold, so one host cannot take every slot. */
  max_connections_per_peer: z.number().int().positive().default(32),
  /** A frame begun and not complete within this closes the connection (a trickling sender cannot hold a slot); on tls it bounds the handshake too. */
  frame_timeout: Duration.default(30_000),
  /** A connection that begins no frame for this long is closed. */
  idle_timeout: Duration.default(300_000),
};

export const TcpListener = z.strictObject({
  ...NetworkCommon,
  type: z.literal('tcp'),
  sudo: ListenerSudo.optional(),
  ...StreamCommon,
});

/** A certificate identity relay believes for sudo events: for the host it names, or for the hosts listed. */
export const TrustedPeerSchema = z.union([
  z.string().min(1),
  z.strictObject({ peer: z.string().min(1), hosts: z.array(z.string().min(1)).min(1) }),
]);
export type TrustedPeer = z.infer<typeof TrustedPeerSchema>;

/** Syslog over TLS (RFC 5425): a TCP listener whose connections are TLS, with client certificates. */
export const TlsListener = z.strictObject({
  ...NetworkCommon,
  type: z.literal('tls'),
  sudo: ListenerSudo.extend({
    /**
     * Verified certificate identities (peer_cert) whose sudo events are believed, besides trusted_senders: a
     * name alone for the host named like the certificate, `{peer, hosts}` for the hosts listed.
     */
    trusted_peers: z.array(TrustedPeerSchema).default([]),
  }).optional(),
  ...StreamCommon,
  /** PEM files, relative to the config file's directory; re-read on reload. */
  cert: z.string().min(1),
  key: z.string().min(1),
  /** The CA (PEM, may hold several) client certificates must chain to; needed unless client_auth is none. */
  ca: z.string().min(1).optional(),
  /** `required`: no connection without a certificate the CA signed; `optional`: a certificate, if sent, must verify; `none`: none asked. */
  client_auth: z.enum(['none', 'optional', 'required']).default('required'),
  /** Client certificate identities (subject CN, DNS or IP SAN) allowed to connect; empty = any the CA signed. */
  allowed_peers: z.array(z.string().min(1)).default([]),
  min_version: z.enum(['TLSv1.2', 'TLSv1.3']).default('TLSv1.2'),
});

export const UnixListener = z.strictObject({
  name: Name,
  type: z.literal('unix'),
  /** Socket path (relative: to the config file's directory); its directory is created if missing. */
  address: z.string().min(1),
  /** Socket file mode, octal string. */
  mode: z
    .string()
    .regex(/^0?[0-7]{3}$/, 'mode is octal, e.g. "0660"')
    .default('0660'),
  /** `json`: any JSON object per line; `sudo`: relay's sudo audit plugin events (validated, deduplicated). */
  format: z.enum(['json', 'sudo']).default('json'),
  /** sudo format: the plugin's spool file (events it could not send), collected at start and every spool_interval. */
  spool: z.string().min(1).optional(),
  spool_interval: Duration.default(60_000),
  /** Peer uids allowed to send (SO_PEERCRED, checked per connection); empty list = anyone who can open the socket. */
  allow_uids: z.array(z.number().int().nonnegative()).default([0]),
  max_message_size: z.number().int().positive().default(65_536),
  max_connections: z.number().int().positive().default(256),
  /** Open connections one peer uid may hold (needs allow_uids, which names the uid); unset = no cap. */
  max_connections_per_peer: z.number().int().positive().optional(),
  frame_timeout: Duration.default(30_000),
  idle_timeout: Duration.default(300_000),
});

export const Listener = z.discriminatedUnion('type', [UdpListener, TcpListener, TlsListener, UnixListener]);

export type ListenerConfig = z.infer<typeof Listener>;
export type UdpListenerConfig = z.infer<typeof UdpListener>;
export type TcpListenerConfig = z.infer<typeof TcpListener>;
export type TlsListenerConfig = z.infer<typeof TlsListener>;
export type UnixListenerConfig = z.infer<typeof UnixListener>;
