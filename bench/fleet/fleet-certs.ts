// The fleet's certificates, made with the real openssl (test/helpers/certs.ts): a CA, the receiver's server
// certificate for 127.0.0.1, and a pool of distinct client certificates (CN fleet-0000, fleet-0001, …) that
// the hosts share in turn. A pool, because openssl takes about 12 ms a certificate here: 10,000 would add two
// minutes to every run, and a receiver verifies a shared certificate exactly as it verifies its own.
import { makeCerts, type CertPair } from '../../test/helpers/certs.ts';

export interface FleetCerts {
  dir: string;
  ca: string;
  server: CertPair;
  /** The pool; host i uses clients[i % clients.length]. */
  clients: CertPair[];
  /** The clients' names, for relay's allowed_peers. */
  names: string[];
}

export const clientName = (k: number) => `fleet-${String(k).padStart(4, '0')}`;

export function fleetCerts(pool: number): FleetCerts {
  const certs = makeCerts();
  const names = Array.from({ length: pool }, (_, k) => clientName(k));
  return { dir: certs.dir, ca: certs.ca, server: certs.server, clients: names.map((n) => certs.client(n)), names };
}
