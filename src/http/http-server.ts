// relay's HTTP endpoint: one fastify server on `http.address`, to which each feature registers its routes
// (metrics and health now; ingest later). The App starts it with the listeners and stops it with them.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { ErrorCodes, RelayError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { joinHostPort, splitHostPort } from '../sources/host-port.ts';

/** A feature's routes, added to the server before it listens. */
export type HttpFeature = (server: FastifyInstance) => void;

/** A client that has not sent its whole request by then is cut off, so a slow one cannot hold a socket. */
const REQUEST_TIMEOUT_MS = 30_000;

/** Scrapes and probes come every few seconds, scanners try paths: one line each at debug, not info. */
class RequestLog extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ method: request.method, url: request.url }, 'http request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = { method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    if (error) reply.log.error({ ...line, err: error }, 'http request failed');
    else reply.log.debug(line, 'http request done');
  }

  override routeNotFound(request: FastifyRequest): void {
    request.log.debug({ method: request.method, url: request.url }, 'http route not found');
  }
}

export class HttpServer {
  private readonly server: FastifyInstance;

  constructor(private readonly configured: string, log: Logger) {
    // Typed as fastify's logger interface, so routes see a plain FastifyInstance.
    const loggerInstance: FastifyBaseLogger = log;
    this.server = Fastify({ loggerInstance, logController: new RequestLog(), requestTimeout: REQUEST_TIMEOUT_MS });
  }

  register(feature: HttpFeature): void {
    feature(this.server);
  }

  async start(): Promise<void> {
    const { host, port } = splitHostPort(this.configured);
    try {
      await this.server.listen({ host, port, listenTextResolver: (address) => `http endpoint listening at ${address}` });
    } catch (err) {
      throw new RelayError(ErrorCodes.LISTEN, `http endpoint cannot listen on ${this.configured}: ${(err as Error).message}`, { cause: err });
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
