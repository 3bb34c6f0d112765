// Telling the person in Slack what their button press did. Slack ignores the body of the answer to a
// block_actions request; the message is updated through the payload's response_url instead: on a recorded
// answer the question is replaced (its buttons go), on a refused one an ephemeral note says why. Only a
// response_url on Slack's hooks host (RELAY_SLACK_HOOKS_URL in tests) is ever called.
import { endpoint } from '../../notifiers/endpoints.ts';
import { escapeSlack } from '../../notifiers/text-escape.ts';
import type { FastifyBaseLogger } from 'fastify';
import type { AnswerResult } from './question.ts';

export function respondInSlack(responseUrl: string | undefined, result: AnswerResult, log: FastifyBaseLogger): void {
  if (!responseUrl?.startsWith(`${endpoint('slackHooks')}/`)) return;
  // The question carries log text (a command line): escaped, so `<!channel>` or `<https://…|Yes>` in it stay text.
  const question = result.ok ? escapeSlack(result.question.question) : '';
  const body = result.ok
    ? {
        replace_original: true,
        text:
          result.answer === 'yes'
            ? `Recorded: you ran it. "${question}" is closed.`
            : `Recorded: it was not you. "${question}" went to ${escapeSlack(result.question.escalate.join(', '))}.`,
      }
    : { replace_original: false, response_type: 'ephemeral', text: `Not recorded: ${escapeSlack(result.why)}.` };
  fetch(responseUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  })
    .then((res) => {
      if (!res.ok) log.warn({ status: res.status }, "Slack did not take the answer's confirmation");
    })
    .catch((err: unknown) => log.warn({ err: (err as Error).message }, "Slack did not take the answer's confirmation"));
}
