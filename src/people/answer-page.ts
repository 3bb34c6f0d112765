// The confirmation page an answer link opens: the question and one button. Opening the page answers
// nothing (mail scanners and chat unfurlers fetch links); the button POSTs the signed token. No script, no
// cookie, nothing from outside: every value is HTML-escaped, and the headers forbid framing, caching and referrers.
import type { Answer } from './answer-token.ts';
import type { QuestionRecord } from './question.ts';

export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
};

export function confirmPage(q: QuestionRecord, answer: Answer, token: string): string {
  const label = answer === 'yes' ? 'Yes, it was me' : 'No, it was not me';
  return page(
    'Was this you?',
    `<p>${escapeHtml(q.name)}, relay asks: <strong>${escapeHtml(q.question)}</strong></p>
<pre>${escapeHtml(q.title)}\n${escapeHtml(q.body)}</pre>
<form method="post" action="answer"><input type="hidden" name="t" value="${escapeHtml(token)}"><button type="submit">${label}</button></form>
<p>Answer by ${escapeHtml(new Date(q.deadline).toISOString())}.</p>`,
  );
}

export function donePage(q: QuestionRecord, answer: Answer): string {
  return page(
    'Thank you',
    answer === 'yes'
      ? '<p>Recorded: it was you. Nothing more happens.</p>'
      : `<p>Recorded: it was not you. ${escapeHtml(q.escalate.join(', '))} ${q.escalate.length === 1 ? 'has' : 'have'} been told.</p>`,
  );
}

export function refusedPage(why: string): string {
  return page('This link cannot answer', `<p>${escapeHtml(why)}.</p><p>Nothing was changed.</p>`);
}

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title>
<style>body{font-family:sans-serif;max-width:40em;margin:2em auto;padding:0 1em}pre{white-space:pre-wrap;background:#f4f4f4;padding:1em}button{font-size:1.2em;padding:.5em 1em}</style>
</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
