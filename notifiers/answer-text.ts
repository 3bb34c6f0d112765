// "Was this you?" answer links as text, for every notifier that does not draw buttons: two lines under the
// body. They come from relay's own Message.answers, never from log text, and point at relay's
// confirmation page (a GET there only shows the question; the answer is the page's POST).
import type { Message } from './types.ts';

export function withAnswerLinks(message: Message): Message {
  if (!message.answers) return message;
  const { yes, no } = message.answers;
  return {
    ...message,
    answers: undefined,
    body: `${message.body}\n\nWas this you? Answer on relay's page (the link opens a page with a button; the link alone answers nothing):\nYes, it was me: ${yes.url}\nNo, it was not me: ${no.url}`,
  };
}
