// Syslog over TLS (RFC 5425: octet-counted frames in a TLS session): the TCP listener with a TLS layer on
// each accepted connection, so limits, deadlines, `allow` and framing are the TCP listener's own. The layer
// verifies client certificates (`client_auth`, `allowed_peers`), counts and says why a handshake failed
// (plain TCP on the TLS port included), and hands the verified identity on as `peer_cert`. cert, key and ca
// are read at start and again on reload(), for connections accepted after it; new TLS settings of a reload
// (files, client_auth, allowed_peers, min_version) apply in place the same way, the socket kept.
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import tls from 'node:tls';
import type { ListenerConfig, TlsListenerConfig } from '../config/schema.ts';
import { ErrorCodes, RelayError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { certIdentity, namesMatch } from './cert-identity.ts';
import type { Intake } from './intake.ts';
import type { EventSink } from './source.ts';
import type { SecureLayer } from './stream-server.ts';
import { TcpSource, type TcpSourceOptions } from './tcp.ts';
import { osErrorText } from '../os-error.ts';
import { CertificateWatch, type ServerCertificate } from './certificate-watch.ts';

export class TlsSource extends TcpSource {
  readonly #layer: TlsLayer;

  constructor(config: TlsListenerConfig, sink: EventSink, log: Logger, opts: Omit<TcpSourceOptions, 'secure'> = {}) {
    const layer = new TlsLayer(config, log.child({ listener: config.name }));
    super(config, sink, log, { ...opts, secure: layer });
    this.#layer = layer;
  }

  /** relay's own certificate on this listener, as last loaded. */
  certificate(): ServerCertificate | undefined {
    return this.#layer.certificate;
  }

  override stop(): Promise<void> {
    this.#layer.stopWatching();
    return super.stop();
  }

  override start(): Promise<void> {
    this.#layer.load();
    return super.start();
  }

  /** Re-reads cert, key and ca; new connections use them, open ones keep their session. Throws (keeping the old) when they do not load. */
  reload(): void {
    this.#layer.load();
  }

  /** The TLS settings load first: when they do not, nothing changes (the reload says so and the old ones serve on). */
  override async reconfigure(config: ListenerConfig): Promise<boolean> {
    if (config.type !== 'tls' || config.address !== this.settings.address) return false;
    this.#layer.use(config);
    this.apply(config);
    return true;
  }
}

class TlsLayer implements SecureLayer {
  #context: tls.SecureContext | undefined;
  #allowed: ReadonlySet<string>;
  readonly #watch: CertificateWatch;

  constructor(
    private config: TlsListenerConfig,
    log: Logger,
  ) {
    this.#allowed = allowedPeers(config);
    this.#watch = new CertificateWatch(log);
  }

  get certificate(): ServerCertificate | undefined {
    return this.#watch.current;
  }

  stopWatching(): void {
    this.#watch.stop();
  }

  load(): void {
    this.#context = secureContext(this.config);
    this.#watch.loaded(this.config.cert);
  }

  /** New settings for connections accepted from now on; throws, keeping the old, when their files do not load. */
  use(config: TlsListenerConfig): void {
    this.#context = secureContext(config);
    this.config = config;
    this.#allowed = allowedPeers(config);
    this.#watch.loaded(config.cert);
  }

  wrap(socket: Socket, peer: string | undefined, intake: Intake, secured: (identity: string | undefined) => void): Socket {
    const { client_auth } = this.config;
    const session = new tls.TLSSocket(socket, {
      isServer: true,
      secureContext: this.#context,
      requestCert: client_auth !== 'none',
      // `required`: OpenSSL itself ends a handshake that brings no certificate, with the alert that says so;
      // a certificate that does not verify is refused once the handshake is done (#refusal).
      rejectUnauthorized: client_auth === 'required',
    });
    let settled = false;
    const fail = (reason: string) => {
      if (settled) return;
      settled = true;
      intake.handshakeFailed(peer, reason);
    };
    session.once('secure', () => {
      const why = this.#refusal(session);
      if (why !== undefined) {
        fail(why);
        session.destroy();
        return;
      }
      settled = true;
      secured(certIdentity(session.getPeerCertificate())?.identity);
    });
    session.on('error', (err) => fail(handshakeError(err)));
    session.once('close', () => fail('connection closed during the handshake'));
    return session;
  }

  /** Why a completed handshake still may not send, or undefined when it may. */
  #refusal(session: tls.TLSSocket): string | undefined {
    if (this.config.client_auth === 'none') return undefined;
    const cert = session.getPeerCertificate();
    if (!cert || Object.keys(cert).length === 0) {
      if (this.config.client_auth === 'required') return 'no client certificate';
      return this.#allowed.size > 0 ? 'no client certificate, and allowed_peers needs one' : undefined;
    }
    const untrusted = verifyError(session);
    if (untrusted !== undefined) return `client certificate not trusted: ${untrusted}`;
    if (this.#allowed.size === 0) return undefined;
    const named = certIdentity(cert);
    if (named && namesMatch(named.names, this.#allowed)) return undefined;
    return `client certificate ${named ? `(${named.names.join(', ')}) ` : ''}is not in allowed_peers`;
  }
}

/**
 * OpenSSL's verdict on the client's chain against `ca` (e.g. UNABLE_TO_VERIFY_LEAF_SIGNATURE). Node sets
 * `authorized` only on sockets its own tls.Server accepted; relay accepts them itself (limits and `allow`
 * come first), so it asks the session the way that server does.
 */
function verifyError(session: tls.TLSSocket): string | undefined {
  const err = (session as unknown as { ssl?: { verifyError(): (Error & { code?: string }) | null } }).ssl?.verifyError();
  if (err === undefined) return 'the TLS session cannot say whether the certificate verified';
  return err === null ? undefined : (err.code ?? err.message);
}

function allowedPeers(config: TlsListenerConfig): ReadonlySet<string> {
  return new Set(config.allowed_peers.map((p) => p.toLowerCase()));
}

/** OpenSSL's reason, and what it means when someone speaks plain syslog or HTTP to the TLS port. */
function handshakeError(err: Error & { code?: string; reason?: string }): string {
  if (err.code === 'ERR_SSL_WRONG_VERSION_NUMBER' || err.code === 'ERR_SSL_HTTP_REQUEST' || err.code === 'ERR_SSL_UNKNOWN_PROTOCOL') {
    return `not TLS (plain TCP on the TLS port?): ${err.reason ?? err.message}`;
  }
  return err.reason ?? err.message;
}

/** cert, key and ca as one context, or an error naming the file that does not load. */
export function secureContext(config: TlsListenerConfig): tls.SecureContext {
  const read = (what: 'cert' | 'key' | 'ca', path: string) => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new RelayError(ErrorCodes.TLS_FILES, `listener ${config.name}: cannot read ${what} ${path}: ${osErrorText(err)}`, {
        cause: err,
      });
    }
  };
  const cert = read('cert', config.cert);
  const key = read('key', config.key);
  const ca = config.ca === undefined ? undefined : read('ca', config.ca);
  try {
    return tls.createSecureContext({ cert, key, ...(ca ? { ca } : {}), minVersion: config.min_version });
  } catch (err) {
    throw new RelayError(
      ErrorCodes.TLS_FILES,
      `listener ${config.name}: cert ${config.cert}, key ${config.key}${config.ca ? `, ca ${config.ca}` : ''} do not load: ${(err as Error).message}`,
      { cause: err },
    );
  }
}
