// Log text is data, never markup: these escape it for each format a provider would reinterpret.

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML[c]!);
}

/**
 * Slack mrkdwn: only &, < and > are control characters, and escaping them is what turns `<!channel>`,
 * `<!here>` and `<@U123>` into plain text instead of pings (Slack's own guidance).
 */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * CommonMark-ish markdown as Discord, Mattermost and Rocket.Chat render it: inline markers anywhere, and the
 * block markers (#, >, -, +, numbered lists) only where they start a line.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_~|[\]()<>]/g, '\\$&').replace(/^(\s*)([#>+-]|\d+\.)/gm, (_, lead: string, mark: string) => `${lead}\\${mark}`);
}

/**
 * Markdown for Mattermost and Rocket.Chat, where a bare `@channel`, `@all` or `@here` in a webhook post
 * notifies everyone: a zero-width space after `@` keeps the text readable and the mention dead.
 */
export function escapeChatMarkdown(text: string): string {
  return escapeMarkdown(text).replace(/@(?=\w)/g, '@\u200b');
}

/**
 * Google Chat's text format reads `<users/all>` and `<users/123>` as mentions (and `<url|label>` as a link):
 * a zero-width space after each `<` leaves the text as it reads and makes none of it markup.
 */
export function escapeGoogleChat(text: string): string {
  return text.replace(/</g, '<\u200b');
}
