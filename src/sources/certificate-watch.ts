// relay's own certificate on a TLS listener: its serial and expiry, read each time the files load (start,
// reload), said in the log when it changed (a renewal a reload picked up is not "config unchanged"), and a
// warning from EXPIRY_WARNING before it expires, at each load and then twice a day while relay runs, so a
// fleet's hosts never meet an expired certificate unannounced. /metrics shows the expiry per listener.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Logger } from '../log.ts';

export interface ServerCertificate {
  serial: string;
  /** Epoch ms of notAfter. */
  expiresAt: number;
}

/** How long before expiry relay starts warning. */
export const EXPIRY_WARNING_MS = 14 * 24 * 3600_000;
const CHECK_EVERY_MS = 12 * 3600_000;

export class CertificateWatch {
  current: ServerCertificate | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** The certificate file just loaded (its pair with the key already checked). */
  loaded(file: string): void {
    const cert = new X509Certificate(readFileSync(file));
    const next = { serial: cert.serialNumber, expiresAt: Date.parse(cert.validTo) };
    const before = this.current;
    this.current = next;
    if (before?.serial !== next.serial) {
      this.log.info(
        {
          cert: file,
          serial: next.serial,
          expires: new Date(next.expiresAt).toISOString(),
          ...(before ? { replaced: before.serial } : {}),
        },
        before ? 'TLS certificate renewed' : 'TLS certificate loaded',
      );
    }
    this.check();
    this.#timer ??= setInterval(() => this.check(), CHECK_EVERY_MS).unref();
  }

  check(): void {
    const c = this.current;
    if (c === undefined) return;
    const left = c.expiresAt - this.now();
    if (left > EXPIRY_WARNING_MS) return;
    const days = Math.floor(left / (24 * 3600_000));
    this.log.warn(
      { serial: c.serial, expires: new Date(c.expiresAt).toISOString() },
      left <= 0 ? 'TLS certificate has expired: senders will refuse it' : `TLS certificate expires in ${days} days: renew it, then reload`,
    );
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
