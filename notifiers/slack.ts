// slack:// — an incoming webhook (slack://A/B/C, or the native https://hooks.slack.com/services/A/B/C) or a
// bot token (slack://xoxb-…/#channel) posting through @slack/web-api's chat.postMessage. A bot token also
// reaches one person (a rule's notify_person): a DM through conversations.open, with answer buttons when
// the message asks "was this you?". A bot URL without a channel is valid and reaches people only.
import { endpoint } from './endpoints.ts';
import { httpSend } from './http.ts';
import { slackPayload, type SlackLook } from './slack-payload.ts';
import { escapeSlack } from './text-escape.ts';
import type { NotifierModule } from './types.ts';
import { boolParam, enc, invalid, query, secret, segments, textParam, username } from './url-fields.ts';

export type SlackConfig = SlackLook & ({ mode: 'webhook'; webhook: [a: string, b: string, c: string] } | { mode: 'bot'; token: string });

const TOKEN_PART = /^[A-Za-z0-9]+$/;
const TARGET = /^[#@]?[A-Za-z0-9._-]+$/;

export const slackNotifier: NotifierModule<SlackConfig> = {
  service: 'Slack',
  schemes: ['slack'],
  forms: [
    'slack://TokenA/TokenB/TokenC[/#channel]',
    'slack://botname@TokenA/TokenB/TokenC',
    'slack://xoxb-TOKEN/#channel[/#channel2]',
    'https://hooks.slack.com/services/TokenA/TokenB/TokenC',
  ],
  options: ['footer=yes|no', 'blocks=yes|no', 'image=URL (icon)', 'botname=NAME', 'to=#channel'],
  limits: { title: 250, body: 35_000, unit: 'utf16', escape: escapeSlack },
  // About 1 message per second per channel (incoming webhooks and chat.postMessage alike).
  pace: { requests: 1, perMs: 1000 },
  reachesPeople: (c, person) => c.mode === 'bot' && person.slack !== undefined,
  drawsAnswers: true,
  accepts: (url) => url.hostname === 'hooks.slack.com' && url.pathname.startsWith('/services/'),
  parse(url) {
    const native = url.protocol === 'https:';
    const parts = native ? segments(url).slice(1) : [url.hostname, ...segments(url)].filter(Boolean);
    const look: SlackLook = {
      channels: [],
      botname: textParam(url, 'botname') ?? (native ? undefined : username(url)),
      iconUrl: textParam(url, 'image'),
      footer: boolParam(url, 'footer', false),
      blocks: boolParam(url, 'blocks', false),
    };
    const [first = '', ...rest] = parts;
    if (/^xox[bp]-/.test(first)) {
      look.channels = targets(rest, url);
      return { mode: 'bot', token: first, ...look };
    }
    const webhook = parts.slice(0, 3);
    if (webhook.length < 3 || !webhook.every((p) => TOKEN_PART.test(p))) {
      invalid('Slack webhook URL needs three tokens (slack://TokenA/TokenB/TokenC) or a bot token (slack://xoxb-…/#channel)');
    }
    look.channels = targets(parts.slice(3), url);
    return { mode: 'webhook', webhook: webhook as [string, string, string], ...look };
  },
  toUrl(c, { mask }) {
    const user = c.botname ? `${enc(c.botname)}@` : '';
    const auth = c.mode === 'bot' ? maskToken(c.token, mask) : `${c.webhook[0]}/${c.webhook[1]}/${secret(c.webhook[2], mask)}`;
    const path = c.channels.map((ch) => `/${enc(ch)}`).join('');
    return `slack://${user}${auth}${path}${query({ image: c.iconUrl, footer: c.footer || undefined, blocks: c.blocks || undefined })}`;
  },
  async send(c, m, ctx) {
    if (c.mode === 'bot') {
      // @slack/web-api is loaded only by relays that post with a bot token.
      const { postWithBotToken } = await import('./slack-web-api.ts');
      return postWithBotToken(c.token, c, m, ctx);
    }
    // http.ts rather than @slack/webhook: its axios errors drop the Retry-After header we need.
    const url = `${endpoint('slackHooks')}/services/${c.webhook.join('/')}`;
    for (const channel of c.channels.length ? c.channels : [undefined]) {
      await httpSend({
        url,
        method: 'POST',
        signal: ctx.signal,
        headers: { 'content-type': 'application/json', 'user-agent': 'relay' },
        body: JSON.stringify({ ...slackPayload(c, m), ...(channel ? { channel } : {}) }),
      });
    }
  },
};

function targets(parts: string[], url: URL): string[] {
  const all = [
    ...parts,
    ...(textParam(url, 'to')
      ?.split(/[\s,]+/)
      .filter(Boolean) ?? []),
  ];
  for (const t of all) if (!TARGET.test(t)) invalid(`Slack channel ${JSON.stringify(t)} is not #name, @user or a channel ID`);
  return all;
}

/** A bot token keeps its type prefix when masked, so people can tell which token a config uses. */
function maskToken(token: string, mask: boolean): string {
  return mask ? `${token.slice(0, 5)}****` : enc(token);
}
