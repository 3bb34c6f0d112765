// Log text is data, never markup: these escape it for each format a provider would reinterpret.

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML[c]!);
}

/**
 * Slack mrkdwn and Google Chat's text format pair `*`, `_`, `~` and backticks into bold, italics, strikes and
 * code, and neither has an escape for them (a backslash shows as itself). A zero-width space on each side
 * leaves the character to read and to copy, and gives it nothing to pair with.
 */
function breakEmphasis(text: string): string {
  return text.replace(/[*_~`]/g, '\u200b$&\u200b');
}

/**
 * Slack mrkdwn: &, < and > are its control characters, and escaping them is what turns `<!channel>`,
 * `<!here>` and `<@U123>` into plain text instead of pings (Slack's own guidance); emphasis is broken apart.
 */
export function escapeSlack(text: string): string {
  return breakEmphasis(text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
}

/**
 * CommonMark-ish markdown as Discord, Mattermost and Rocket.Chat render it: inline markers anywhere, and the
 * block markers only where they start a line and only in the shape that makes a block (`# `, `- `, `1. `,
 * a `---` or `===` rule): a backslash before anything else is shown as-is, so `10.0.0.5: …` must keep none.
 */
export function escapeMarkdown(text: string): string {
  return (
    text
      .replace(/[\\`*_~|[\]()<>]/g, '\\$&')
      .replace(/^(\s*)(#{1,6}(?=\s|$)|[+-](?=\s|$)|-{2,}(?=\s*$)|=+(?=\s*$))/gm, '$1\\$2')
      // A backslash escapes punctuation only: `1\.` is a number, where `\1.` would show its backslash.
      .replace(/^(\s*\d+)\.(?=\s|$)/gm, '$1\\.')
  );
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
  return breakEmphasis(text.replace(/</g, '<\u200b'));
}

/**
 * The markdown subset Teams renders in an Adaptive Card's TextBlock: `**bold**`, `_italic_`, `[label](url)`
 * links and `- ` / `1. ` lists. Cards have no escape character, so a zero-width space splits each marker
 * from what it would pair with: `[x](http://evil.example)` stays text (Teams still links a bare URL, as
 * any client would).
 */
export function escapeCardMarkdown(text: string): string {
  return text.replace(/[*_[\]()]/g, '$&\u200b').replace(/^(\s*)([+-]|\d+\.)(?=\s)/gm, '$1$2\u200b');
}
