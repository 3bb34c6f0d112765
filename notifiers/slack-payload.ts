// The message Slack receives, for webhooks and chat.postMessage alike: escaped mrkdwn (so `<!channel>`,
// `<!here>` and `<@U…>` stay text), colour by severity, and Block Kit sections when blocks=yes.
import { splitText } from './overflow.ts';
import type { SlackLook } from './slack.ts';
import { escapeSlack } from './text-escape.ts';
import type { Message } from './types.ts';

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
        ...splitText(m.body, SECTION_MAX, (t) => escapeSlack(t).length).map((t) => ({ type: 'section', text: { type: 'mrkdwn', text: escapeSlack(t) } })),
        ...(footer ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: footer }] }] : []),
      ],
    };
  }
  return {
    ...base,
    attachments: [{ color: colour(m), title: title || undefined, text: body, footer, mrkdwn_in: ['text'] }],
  };
}

function colour(m: Message): string {
  if (m.severity !== undefined) return m.severity <= 3 ? '#A32037' : m.severity === 4 ? '#CACF29' : '#3AA3E3';
  return { info: '#3AA3E3', success: '#3AA337', warning: '#CACF29', failure: '#A32037' }[m.type];
}
