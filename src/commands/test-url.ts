// `relay test-url URL`: prove a notifier works — one message, the masked URL, the outcome and the time taken.
import { createNotifier, maskLoose } from '../../notifiers/registry.ts';
import type { MessageType, Notifier } from '../../notifiers/types.ts';
import { MessageTypeSchema } from '../config/schema.ts';
import { NotifyError } from '../errors.ts';

/** `--type` (Apprise's `-n`): the types an alert can have. */
export const MESSAGE_TYPES: readonly MessageType[] = MessageTypeSchema.options;

export const EXIT_SENT = 0;
export const EXIT_FAILED = 1;
export const EXIT_INVALID = 2;

export async function testUrl(raw: string, opts: { title: string; body: string; type?: MessageType }, out: NodeJS.WritableStream): Promise<number> {
  // The same path a running relay takes (overflow limits included), so a pass here means a pass there.
  let notifier: Notifier;
  try {
    notifier = createNotifier('test-url', raw);
  } catch (e) {
    out.write(`invalid URL ${maskLoose(raw)}: ${(e as Error).message}\n`);
    return EXIT_INVALID;
  }
  out.write(`${notifier.service}: ${notifier.maskedUrl}\n`);
  const started = performance.now();
  try {
    await notifier.send({ title: opts.title, body: opts.body, type: opts.type ?? 'info' }, { signal: AbortSignal.timeout(30_000) });
    out.write(`sent in ${elapsed(started)}\n`);
    return EXIT_SENT;
  } catch (e) {
    const answer = e instanceof NotifyError && e.providerAnswer ? `\nprovider answered: ${e.providerAnswer}` : '';
    const retry = e instanceof NotifyError ? ` (${e.retryable ? 'retryable' : 'not retryable'})` : '';
    out.write(`failed after ${elapsed(started)}: ${(e as Error).message}${retry}${answer}\n`);
    return EXIT_FAILED;
  }
}

function elapsed(started: number): string {
  return `${Math.round(performance.now() - started)} ms`;
}
