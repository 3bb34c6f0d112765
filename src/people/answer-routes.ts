// relay's HTTP routes for answers: GET /answer?t=TOKEN shows the confirmation page (answers nothing),
// POST /answer (form field t) answers; POST /slack/actions takes Slack's signed button presses. The routes
// live in their own fastify scope, so their form parser does not touch other features' routes.
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../clock.ts';
import type { HttpFeature } from '../http/http-server.ts';
import type { Asker } from './ask.ts';
import { confirmPage, donePage, PAGE_HEADERS, refusedPage } from './answer-page.ts';
import { slackActionRoute } from './slack-actions.ts';
import { peerOf } from './peer.ts';

/** A form with one token, or Slack's payload: far below this. */
const BODY_LIMIT = 64 * 1024;

/** `askerOf`: the running pipeline's asker, looked up per request, so a reload's new pipeline answers. */
export function answerRoutes(askerOf: () => Asker, clock: Clock, slackSigningSecret: string | undefined): HttpFeature {
  return (server) => {
    void server.register(async (scope: FastifyInstance) => {
      // The raw text is kept: Slack's signature is over the exact bytes it sent.
      scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_req, body, done) =>
        done(null, body),
      );
      scope.get('/answer', async (request, reply) => {
        const token = String((request.query as Record<string, unknown>).t ?? '');
        const seen = askerOf().preview(token);
        reply.headers(PAGE_HEADERS);
        if (!seen.ok) return reply.code(seen.why === 'bad signature' || seen.why === 'malformed' ? 403 : 410).send(refusedPage(seen.why));
        return reply.send(confirmPage(seen.question, seen.answer, token));
      });
      scope.post('/answer', async (request, reply) => {
        const token = new URLSearchParams(typeof request.body === 'string' ? request.body : '').get('t') ?? '';
        const result = askerOf().answer(token, { via: 'page', peer: peerOf(request) });
        reply.headers(PAGE_HEADERS);
        if (!result.ok)
          return reply.code(result.why === 'bad signature' || result.why === 'malformed' ? 403 : 410).send(refusedPage(result.why));
        return reply.send(donePage(result.question, result.answer));
      });
      if (slackSigningSecret !== undefined) slackActionRoute(scope, askerOf, clock, slackSigningSecret);
    });
  };
}
