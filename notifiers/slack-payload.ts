// The message Slack receives, for webhooks and chat.postMessage alike: escaped mrkdwn (so `<!channel>`,
// `<!here>` and `<@U…>` stay text), colour by severity, and Block Kit sections when blocks=yes.
import { splitText } from './overflow.ts';
import { escapeSlack } from './text-escape.ts';
import type { Message } from './types.ts';

/** How a Slack message looks, whichever way it is sent (webhook or bot token). */
export interface SlackLook {
  /** `#channel`, `@user` or a channel ID; empty sends to the webhook's own channel. */
  channels: string[];
  botname?: string;
  iconUrl?: string;
  footer: boolean;
  blocks: boolean;
}

/** Block Kit caps one section's text at 3,000 characters. */
const SECTION_MAX = 3000;

export function slackPayload(look: SlackLook, m: Message): Record<string, unknown> {
  const title = escapeSlack(m.title);
  const body = escapeSlack(m.body);
  const base = {
    username: look.botname,
    icon_url: look.iconUrl,
    // Never let Slack turn plain "@channel" or names into links and pings.
    parse: 'none',
    link_names: false,
    // What notifications and attachment-less clients show: the title as it reads (escaped only as Slack
    // requires, which it shows back as the characters), not a second, bolded copy of the message.
    text: title || body,
  };
  const footer = look.footer ? `relay · ${m.type}` : undefined;
  if (look.blocks) {
    return {
      ...base,
      blocks: [
        ...(m.title ? [{ type: 'header', text: { type: 'plain_text', text: m.title.slice(0, 150) } }] : []),
        // The body is log text: verbatim, so Slack does not turn a bare URL in it into a link either.
        ...splitText(m.body, SECTION_MAX, (t) => escapeSlack(t).length).map((t) => ({
          type: 'section',
          text: { type: 'mrkdwn', text: escapeSlack(t), verbatim: true },
        })),
        ...(footer ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: footer }] }] : []),
      ],
    };
  }
  return {
    ...base,
    attachments: [{ color: colour(m), title: title || undefined, text: body, footer, mrkdwn_in: ['text'] }],
  };
}

/** Action IDs of the answer buttons; relay's /slack/actions route reads them back. */
export const ANSWER_ACTIONS = { yes: 'relay_answer_yes', no: 'relay_answer_no' } as const;

/**
 * A DM to one person: always Block Kit, and when it asks "was this you?" an actions block whose buttons
 * carry the signed answer tokens (or, when relay cannot verify Slack's requests, the links as text).
 */
export function directPayload(look: SlackLook, m: Message): Record<string, unknown> {
  const base = slackPayload({ ...look, blocks: true }, m);
  if (!m.answers) return base;
  const { yes, no, buttons } = m.answers;
  const ask = buttons
    ? {
        type: 'actions',
        block_id: 'relay_answer',
        elements: [
          {
            type: 'button',
            action_id: ANSWER_ACTIONS.yes,
            style: 'primary',
            text: { type: 'plain_text', text: 'Yes, it was me' },
            value: yes.token,
          },
          {
            type: 'button',
            action_id: ANSWER_ACTIONS.no,
            style: 'danger',
            text: { type: 'plain_text', text: 'No, not me' },
            value: no.token,
          },
        ],
      }
    : { type: 'section', text: { type: 'mrkdwn', text: `Was this you? <${yes.url}|Yes, it was me> · <${no.url}|No, not me>` } };
  return { ...base, blocks: [...(base.blocks as unknown[]), ask] };
}

function colour(m: Message): string {
  if (m.severity !== undefined) return m.severity <= 3 ? '#A32037' : m.severity === 4 ? '#CACF29' : '#3AA3E3';
  return { info: '#3AA3E3', success: '#3AA337', warning: '#CACF29', failure: '#A32037' }[m.type];
}
