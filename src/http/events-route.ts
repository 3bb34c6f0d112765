// POST /events: one JSON event, a JSON array of them, or NDJSON (one per line), each through the same path as
// a syslog line (App.accept). Invalid items are answered one by one (400, with the index and why) while the
// valid ones of the same request still go in; the answer says how many did.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.ts';
import { ErrorCodes } from '../errors.ts';
import type { RelayEvent } from '../event.ts';
import { httpError } from './http-error.ts';
import { httpEvent } from './http-event.ts';
import type { HttpStats } from './http-stats.ts';

export interface EventsOptions {
  accept(event: RelayEvent): void;
  clock: Clock;
  stats: HttpStats;
  maxItems: number;
  maxDepth: number;
}

/** An NDJSON line that is not JSON, kept in place so the answer can name its line. */
class BadLine {
  constructor(readonly error: string) {}
}

export interface EventsAnswer {
  accepted: number;
  rejected: number;
  errors: { index: number; error: string }[];
  note?: string;
}

export function eventsRoute(opts: EventsOptions) {
  return (server: FastifyInstance): void => {
    // Encapsulated: the NDJSON parser serves this route only.
    server.register(async (scope) => {
      // Each line through fastify's own JSON parser (secure-json-parse: `__proto__` and `constructor.prototype` refused).
      const json = scope.getDefaultJsonParser('error', 'error');
      const parseLine = (request: FastifyRequest, line: string): unknown => {
        let out: unknown;
        json(request, line, (err, value) => (out = err ? new BadLine(`line is not JSON: ${err.message}`) : value));
        return out;
      };
      scope.addContentTypeParser('application/x-ndjson', { parseAs: 'string' }, (request, body, done) =>
        done(
          null,
          ndjson(body as string, opts.maxItems, (line) => parseLine(request, line)),
        ),
      );
      scope.post('/events', { config: { auth: 'token' } }, async (request, reply) => {
        const items = itemsOf(request);
        if (typeof items === 'string') return reply.code(400).send(httpError(400, ErrorCodes.HTTP_BODY, items));
        if (items.length > opts.maxItems) {
          return reply
            .code(413)
            .send(
              httpError(
                413,
                ErrorCodes.HTTP_BODY,
                `more than ${opts.maxItems} events in one request (http.max_items); send them in several`,
              ),
            );
        }
        const answer = take(items, request, opts);
        const token = request.tokenName ?? '';
        opts.stats.event(token, 'accepted', answer.accepted);
        opts.stats.event(token, 'rejected', answer.rejected);
        request.log.debug({ token, accepted: answer.accepted, rejected: answer.rejected }, 'http events');
        return reply.code(answer.rejected > 0 ? 400 : 200).send(answer);
      });
    });
  };
}

function itemsOf(request: FastifyRequest): unknown[] | string {
  const body = request.body;
  if (Array.isArray(body)) return body;
  if (body !== null && typeof body === 'object') return [body];
  return 'send one JSON object, a JSON array of objects (Content-Type: application/json), or NDJSON (application/x-ndjson)';
}

function take(items: unknown[], request: FastifyRequest, opts: EventsOptions): EventsAnswer {
  const arrival = {
    receivedAt: new Date(opts.clock.now()),
    peer: `${request.ip}:${request.socket.remotePort ?? 0}`,
    token: request.tokenName ?? '',
  };
  const errors: EventsAnswer['errors'] = [];
  let accepted = 0;
  items.forEach((item, index) => {
    const mapped = item instanceof BadLine ? { error: item.error } : httpEvent(item, arrival, opts.maxDepth);
    if ('error' in mapped) {
      errors.push({ index, error: mapped.error });
      return;
    }
    opts.accept(mapped.event);
    accepted++;
  });
  const answer: EventsAnswer = { accepted, rejected: errors.length, errors };
  if (errors.length > 0)
    answer.note =
      accepted > 0
        ? `the ${accepted} valid event${accepted === 1 ? ' was' : 's were'} accepted; only the ones listed in errors were not`
        : 'no event was accepted';
  return answer;
}

/** NDJSON: one JSON value per non-empty line; past `maxItems` + 1 lines nothing more is parsed (the request is refused anyway). */
function ndjson(text: string, maxItems: number, parse: (line: string) => unknown): unknown[] {
  const out: unknown[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (out.length > maxItems) break;
    out.push(parse(line));
  }
  return out;
}
