// POST /notify and /notify/{KEY}: Apprise API's notify call (JSON or form-encoded), so `apprise://` URLs,
// Apprise API clients and scripts work unchanged. The message becomes an alert for the notifiers its tags
// (or KEY, also sent as header X-Apprise-Config-ID) select, handed to the durable outbox like every alert:
// the answer (200, what Apprise clients check) says it is stored, not that the provider took it.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Alert } from '../alert.ts';
import type { Clock } from '../clock.ts';
import { ErrorCodes } from '../errors.ts';
import { httpError } from './http-error.ts';
import { formRecord, notifyRequest } from './notify-request.ts';
import { notifyTargets, urlTargets, type TagConfig } from './notify-targets.ts';

export interface NotifyOptions {
  enqueue(alert: Alert): void;
  clock: Clock;
  tags: TagConfig;
}

/** What the outbox knows the alert by; never a configured rule's name (those cannot hold a slash). */
export const NOTIFY_RULE = '/notify';

export function notifyRoute(opts: NotifyOptions) {
  return (server: FastifyInstance): void => {
    server.register(async (scope) => {
      scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) =>
        done(null, formRecord(new URLSearchParams(body as string))),
      );
      const handler = async (request: FastifyRequest<{ Params: { key?: string } }>, reply: FastifyReply) => {
        const payload = request.body;
        if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
          return reply
            .code(415)
            .send(
              httpError(415, ErrorCodes.HTTP_BODY, 'send a JSON object (application/json) or a form (application/x-www-form-urlencoded)'),
            );
        }
        const query = formRecord(new URLSearchParams(request.url.split('?')[1] ?? ''));
        const parsed = notifyRequest(payload as Record<string, unknown>, query);
        if ('error' in parsed) return reply.code(400).send(httpError(400, ErrorCodes.HTTP_NOTIFY, parsed.error));
        const key = request.params.key ?? headerKey(request.headers['x-apprise-config-id']);
        const targets = parsed.urls.length > 0 ? urlTargets(parsed.urls, opts.tags) : notifyTargets(parsed.tags, key, opts.tags);
        if ('error' in targets) return reply.code(400).send(httpError(400, ErrorCodes.HTTP_NOTIFY, targets.error));
        const token = request.tokenName ?? '';
        const alert: Alert = {
          id: randomUUID(),
          rule: NOTIFY_RULE,
          notify: targets.notifiers,
          title: parsed.title,
          body: parsed.body,
          type: parsed.type,
          key: `${NOTIFY_RULE}\u0000${token}\u0000${parsed.title}\u0000${parsed.body}`,
          createdAt: opts.clock.now(),
          count: 1,
        };
        opts.enqueue(alert);
        request.log.info({ token, alert: alert.id, notifiers: targets.notifiers, type: parsed.type }, 'http notify queued');
        return reply.code(200).send({ queued: true, alert: alert.id, notifiers: targets.notifiers });
      };
      scope.post('/notify', { config: { auth: 'token' } }, handler);
      scope.post('/notify/:key', { config: { auth: 'token' } }, handler);
    });
  };
}

function headerKey(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}
