// POST /slack/actions: Slack's interactivity Request URL. Slack posts a form with one field, `payload` (JSON,
// type block_actions) when a button is pressed; relay checks Slack's signature over the raw body first
// (slack-signature.ts), then the button's own signed answer token, and that the Slack user who pressed it is
// the person asked. Anything refused changes nothing, is logged, and is said to the presser (slack-response.ts).
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../clock.ts';
import type { Asker } from './ask.ts';
import { ANSWER_ACTIONS } from '../../notifiers/slack-payload.ts';
import { peerOf } from './peer.ts';
import { verifySlackRequest } from './slack-signature.ts';
import { respondInSlack } from './slack-response.ts';

interface BlockActions {
  type: string;
  user?: { id?: string };
  actions?: { action_id?: string; value?: string }[];
  response_url?: string;
}

export function slackActionRoute(scope: FastifyInstance, askerOf: () => Asker, clock: Clock, signingSecret: string): void {
  scope.post('/slack/actions', async (request, reply) => {
    const body = typeof request.body === 'string' ? request.body : '';
    const header = (name: string) => {
      const v = request.headers[name];
      return typeof v === 'string' ? v : undefined;
    };
    const signed = verifySlackRequest(
      signingSecret,
      { timestamp: header('x-slack-request-timestamp'), signature: header('x-slack-signature') },
      body,
      clock.now(),
    );
    if (!signed.ok) {
      askerOf().refuseRequest({ why: signed.why, via: 'slack', peer: peerOf(request) }, 'Slack action refused; nothing changed');
      return reply.code(401).send({ error: signed.why });
    }
    let payload: BlockActions;
    try {
      payload = JSON.parse(new URLSearchParams(body).get('payload') ?? '') as BlockActions;
    } catch {
      return reply.code(400).send({ error: 'no payload' });
    }
    const action = payload.actions?.find((a) => a.action_id === ANSWER_ACTIONS.yes || a.action_id === ANSWER_ACTIONS.no);
    if (payload.type !== 'block_actions' || !action?.value || !payload.user?.id) return reply.code(200).send();
    const result = askerOf().answer(action.value, { via: 'slack', slackUser: payload.user.id, peer: peerOf(request) });
    // Acknowledged at once (Slack wants it within 3 s); what the person sees comes through response_url.
    respondInSlack(payload.response_url, result, request.log);
    return reply.code(200).send(result.ok ? { answer: result.answer } : { refused: result.why });
  });
}
