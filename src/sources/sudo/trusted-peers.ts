// Which TLS clients relay believes when they forward sudo events (a tls listener's `sudo.trusted_peers`):
// by the verified certificate identity (peer_cert), each for the host its certificate names, or for the
// hosts listed. Stronger than an address: the certificate cannot be borrowed by another machine on the
// network, and one host's certificate does not vouch for another host's sudo calls.
import type { TrustedPeer } from '../../config/schema.ts';

/** Undefined when the peer may send sudo events for `host`; otherwise why not. */
export type PeerTrust = (identity: string | undefined, host: string) => string | undefined;

export function peerTrust(entries: readonly TrustedPeer[]): PeerTrust {
  const hostsOf = new Map<string, Set<string> | 'own'>();
  for (const e of entries) {
    if (typeof e === 'string') hostsOf.set(e.toLowerCase(), 'own');
    else hostsOf.set(e.peer.toLowerCase(), new Set(e.hosts.map((h) => h.toLowerCase())));
  }
  return (identity, host) => {
    if (identity === undefined) return 'no verified client certificate';
    const hosts = hostsOf.get(identity.toLowerCase());
    if (hosts === undefined) return `certificate ${identity} is not in trusted_peers`;
    const ok = hosts === 'own' ? identity.toLowerCase() === host.toLowerCase() : hosts.has(host.toLowerCase());
    return ok ? undefined : `certificate ${identity} may not send sudo events for host ${host}`;
  };
}
