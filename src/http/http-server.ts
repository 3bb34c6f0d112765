// relay's HTTP endpoint: one fastify server on `http.address`, to which each feature registers its routes
// (metrics, health, ingest). The App starts it with the listeners and stops it with them.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { ErrorCodes, RelayError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { joinHostPort, splitHostPort } from '../sources/host-port.ts';

/** A feature's routes, added to the server before it listens. */
export type HttpFeature = (server: FastifyInstance) => void;

/** Limits on what a client may send; the defaults are http's in config. */
export interface HttpLimits {
  /** Largest body in bytes: a longer one is answered 413 while it is read (by Content-Length, or as it streams). */
  bodyLimit?: number;
  /** A client that has not sent its whole request by then is answered 408 and cut off, so a slow one cannot hold a socket. */
  requestTimeoutMs?: number;
}

/** Scrapes and probes come every few seconds, scanners try paths: one line each at debug, not info. */
class RequestLog extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ method: request.method, url: request.url }, 'http request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = {
      method: request.method,
      url: request.url,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
      ...(request.tokenName ? { token: request.tokenName } : {}),
    };
    if (error) reply.log.error({ ...line, err: error }, 'http request failed');
    else reply.log.debug(line, 'http request done');
  }

  /** A client's mistake (413, 415, bad JSON) is the answer, not relay's trouble: debug, no stack; never the request's headers. */
  override defaultErrorLog(error: Error & { code?: string }, request: FastifyRequest, reply: FastifyReply): void {
    const line = { method: request.method, url: request.url, status: reply.statusCode };
    if (reply.statusCode >= 500) reply.log.error({ ...line, err: error }, error.message);
    else reply.log.debug({ ...line, code: error.code, why: error.message }, 'http request refused');
  }

  override routeNotFound(request: FastifyRequest): void {
    request.log.debug({ method: request.method, url: request.url }, 'http route not found');
  }
}

export class HttpServer {
  private readonly server: FastifyInstance;

  constructor(
    private readonly configured: string,
    log: Logger,
    limits: HttpLimits = {},
  ) {
    // Typed as fastify's logger interface, so routes see a plain FastifyInstance.
    const loggerInstance: FastifyBaseLogger = log;
    const requestTimeout = limits.requestTimeoutMs ?? 30_000;
    this.server = Fastify({
      loggerInstance,
      logController: new RequestLog(),
      requestTimeout,
      bodyLimit: limits.bodyLimit ?? 1_048_576,
      // Node reads the timeout when it creates the server (setting it afterwards, as fastify does, changes
      // nothing), and checks it on this interval (30 s by default), so a short timeout needs a shorter one.
      http: { requestTimeout, connectionsCheckingInterval: Math.max(100, Math.min(requestTimeout / 2, 30_000)) },
    });
    // A refused body's sender is not read any further: the connection closes once the 413 is out.
    this.server.addHook('onError', async (_request, reply, error) => {
      if ((error as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE') reply.header('connection', 'close');
    });
  }

  register(feature: HttpFeature): void {
    feature(this.server);
  }

  async start(): Promise<void> {
    const { host, port } = splitHostPort(this.configured);
    try {
      await this.server.listen({ host, port, listenTextResolver: (address) => `http endpoint listening at ${address}` });
    } catch (err) {
      throw new RelayError(ErrorCodes.LISTEN, `http endpoint cannot listen on ${this.configured}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  /** In-flight requests finish; idle keep-alive connections (a scraper's) are closed. */
  stop(): Promise<void> {
    return this.server.close();
  }

  /** `host:port` as bound (the real port also when configured with port 0). */
  address(): string {
    const a = this.server.server.address();
    return a && typeof a === 'object' ? joinHostPort(a.address, a.port) : this.configured;
  }
}
