// Who a verified client certificate says its holder is: the subject CN and the DNS and IP SANs, and the one
// name events carry as `peer_cert` (the CN, else the first SAN).
import type { PeerCertificate } from 'node:tls';

export interface CertIdentity {
  /** What `peer_cert` holds. */
  identity: string;
  /** Every name the certificate gives (CN, DNS SANs, IP SANs), what `allowed_peers` is matched against. */
  names: string[];
}

export function certIdentity(cert: PeerCertificate): CertIdentity | undefined {
  const cn = typeof cert.subject?.CN === 'string' ? cert.subject.CN : undefined;
  const sans = (cert.subjectaltname ?? '').split(', ').flatMap((entry) => {
    const m = /^(DNS|IP Address):(.+)$/.exec(entry);
    return m ? [m[2]!.replace(/^"|"$/g, '')] : [];
  });
  const names = [...(cn === undefined ? [] : [cn]), ...sans];
  return names.length === 0 ? undefined : { identity: names[0]!, names };
}

/** Names compare case-insensitively (DNS names are), IP addresses as written. */
export function namesMatch(names: readonly string[], allowed: ReadonlySet<string>): boolean {
  return names.some((n) => allowed.has(n.toLowerCase()));
}
