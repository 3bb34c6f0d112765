// Certificates for TLS tests, made with the real openssl: a CA, a server certificate for 127.0.0.1, client
// certificates by name, and a second ("rogue") CA whose clients relay must not trust. EC keys: fast to make;
// 30 days, past the 14 days before expiry from which relay warns about its own certificate.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CertPair {
  cert: string;
  key: string;
}

export interface TestCerts {
  dir: string;
  /** The CA relay trusts (PEM path). */
  ca: string;
  /** CN=relay-server, SAN IP:127.0.0.1 and DNS:localhost, signed by `ca`. */
  server: CertPair;
  /** A client certificate (CN=name, SAN DNS:name) signed by `ca`. */
  client(name: string): CertPair;
  /** A client certificate signed by a CA relay does not know. */
  rogue(name: string): CertPair;
  /** A new server certificate (new key, new serial) for the same names, as a renewal brings. */
  renewServer(): CertPair;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

function makeCa(dir: string, name: string): CertPair {
  const pair = { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  openssl(
    [
      'req',
      '-x509',
      ...EC,
      '-keyout',
      pair.key,
      '-out',
      pair.cert,
      '-days',
      '30',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  return pair;
}

function signed(dir: string, ca: CertPair, file: string, cn: string, san: string, usage: string): CertPair {
  const pair = { cert: join(dir, `${file}.crt`), key: join(dir, `${file}.key`) };
  const csr = join(dir, `${file}.csr`);
  const ext = join(dir, `${file}.ext`);
  writeFileSync(ext, `subjectAltName=${san}\nextendedKeyUsage=${usage}\nbasicConstraints=CA:FALSE\n`);
  openssl(['req', '-new', ...EC, '-keyout', pair.key, '-out', csr, '-subj', `/CN=${cn}`], dir);
  openssl(
    ['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', pair.cert, '-days', '30', '-extfile', ext],
    dir,
  );
  return pair;
}

export function makeCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'relay-certs-'));
  const ca = makeCa(dir, 'ca');
  let rogueCa: CertPair | undefined;
  let renewals = 0;
  return {
    dir,
    ca: ca.cert,
    server: signed(dir, ca, 'server', 'relay-server', 'IP:127.0.0.1,DNS:localhost', 'serverAuth'),
    client: (name) => signed(dir, ca, `client-${name}`, name, `DNS:${name}`, 'clientAuth'),
    renewServer: () => signed(dir, ca, `server-${++renewals}`, 'relay-server', 'IP:127.0.0.1,DNS:localhost', 'serverAuth'),
    rogue: (name) => signed(dir, (rogueCa ??= makeCa(dir, 'rogue-ca')), `rogue-${name}`, name, `DNS:${name}`, 'clientAuth'),
  };
}
