// relay's HTTP endpoint as the running relay keeps it (`http:`): /metrics, /healthz and /readyz, /events and
// /notify with tokens, and the answer routes while a rule asks "was this you?". A reload builds it again
// when what it serves changed; when the new settings cannot bind, it comes back with the previous ones.
import type { Alert } from './alert.ts';
import type { Clock } from './clock.ts';
import type { Config } from './config/schema.ts';
import { notifierSettings } from './config/notifier-entry.ts';
import type { RelayEvent } from './event.ts';
import type { Logger } from './log.ts';
import type { RelayReadings } from './metrics/relay-readings.ts';
import type { HttpServer } from './http/http-server.ts';
import { relayEndpoint } from './http/relay-endpoint.ts';
import type { Asker } from './people/ask.ts';
import { answerRoutes } from './people/answer-routes.ts';

export interface RelayHttpParts {
  readings(): RelayReadings;
  accept(event: RelayEvent): void;
  enqueue(alert: Alert): void;
  /** The running pipeline's asker, looked up per request, so a reload's new pipeline answers. */
  askerOf(): Asker | undefined;
}

export class RelayHttp {
  private server: HttpServer | undefined;
  private answers = false;

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly parts: RelayHttpParts,
  ) {}

  /** Where it listens (the bound port also when configured with port 0); undefined without `http:`. */
  address(): string | undefined {
    return this.server?.address();
  }

  /** Whether the answer routes are served now. */
  servesAnswers(): boolean {
    return this.answers;
  }

  async start(config: Config): Promise<void> {
    if (!config.http) return;
    this.server = relayEndpoint(config.http, () => this.parts.readings(), this.log, {
      accept: (e) => this.parts.accept(e),
      enqueue: (a) => this.parts.enqueue(a),
      notifiers: notifierUrls(config),
      clock: this.clock,
    });
    this.answers = this.parts.askerOf() !== undefined;
    if (this.answers) this.server.register(answerRoutes(() => this.parts.askerOf()!, this.clock, config.answers?.slack_signing_secret));
    await this.server.start();
  }

  async stop(): Promise<void> {
    await this.server?.stop().catch((err: unknown) => this.log.warn({ err }, 'http endpoint did not close cleanly'));
    this.server = undefined;
    this.answers = false;
  }

  /** The endpoint with `config`'s settings; when it cannot bind, with the previous ones again. */
  async restart(config: Config, previous: Config): Promise<void> {
    await this.stop();
    try {
      await this.start(config);
      if (this.server) this.log.info({ address: this.address() }, 'http endpoint started with the new settings');
    } catch (err) {
      this.server = undefined;
      this.log.error({ err }, 'reload: the http endpoint could not start with the new settings; trying the previous ones');
      await this.start({ ...config, http: previous.http }).catch((again: unknown) => {
        this.server = undefined;
        this.log.error({ err: again }, 'reload: the http endpoint is down');
      });
    }
  }
}

/** The notifiers that can send (URL not empty), name → URL: what /notify may name. */
function notifierUrls(config: Config): Map<string, string> {
  const urls = new Map<string, string>();
  for (const [name, entry] of Object.entries(config.notifiers)) {
    const { url } = notifierSettings(entry);
    if (url !== '') urls.set(name, url);
  }
  return urls;
}
