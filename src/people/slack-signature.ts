// Slack's request signing (https://api.slack.com/authentication/verifying-requests-from-slack): Slack sends
// X-Slack-Request-Timestamp and X-Slack-Signature = "v0=" + hex HMAC-SHA256(signing secret, "v0:" +
// timestamp + ":" + raw body). A request is taken only when the signature matches (constant-time) and its
// timestamp is within 5 minutes of relay's clock, so a captured request cannot be replayed later.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SLACK_MAX_SKEW_S = 5 * 60;

export type SlackCheck = { ok: true } | { ok: false; why: string };

export function slackSignature(secret: string, timestamp: string, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export function verifySlackRequest(
  secret: string,
  headers: { timestamp?: string; signature?: string },
  body: string,
  nowMs: number,
): SlackCheck {
  const { timestamp, signature } = headers;
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || !signature) return { ok: false, why: 'no Slack signature headers' };
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > SLACK_MAX_SKEW_S)
    return { ok: false, why: 'Slack timestamp older than 5 minutes (or in the future)' };
  const expected = Buffer.from(slackSignature(secret, timestamp, body));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, why: 'bad Slack signature' };
  return { ok: true };
}
