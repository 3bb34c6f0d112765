// `relay test-url URL`: prove a notifier works — one message, the masked URL, the outcome and the time taken.
// The URL may use `${env:NAME}` and `${file:/path}` as config.yaml does, so a token need not be typed into a
// shell history; what they bring in is masked in everything printed.
import { createNotifier } from '../../notifiers/registry.ts';
import { maskInvalidUrl } from '../../notifiers/mask-invalid-url.ts';
import type { Notifier } from '../../notifiers/types.ts';
import type { MessageType } from '../message-type.ts';
import { resolveSecrets, type SecretProblem } from '../config/secrets.ts';
import { describeError } from '../describe-error.ts';
import { NotifyError } from '../errors.ts';
import { redact } from '../redactor.ts';

/** `--type` (Apprise's `-n`): the types an alert can have. */

export const EXIT_SENT = 0;
export const EXIT_FAILED = 1;
export const EXIT_INVALID = 2;

export async function testUrl(
  raw: string,
  opts: { title: string; body: string; type?: MessageType },
  out: NodeJS.WritableStream,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const print = (line: string): void => void out.write(`${redact(line)}\n`);
  const problems: SecretProblem[] = [];
  const url = resolveSecrets(raw, env, problems);
  if (problems.length > 0) {
    for (const p of problems) print(`cannot test ${raw}: ${p.message}`);
    return EXIT_INVALID;
  }
  // The same path a running relay takes (overflow limits included), so a pass here means a pass there.
  let notifier: Notifier;
  try {
    notifier = createNotifier('test-url', url);
  } catch (e) {
    const message = (e as Error).message;
    const shown = maskInvalidUrl(url);
    print(message.includes(shown) ? `invalid URL: ${message}` : `invalid URL ${shown}: ${message}`);
    return EXIT_INVALID;
  }
  print(`${notifier.service}: ${notifier.maskedUrl}`);
  const started = performance.now();
  try {
    await notifier.send({ title: opts.title, body: opts.body, type: opts.type ?? 'info' }, { signal: AbortSignal.timeout(30_000) });
    print(`sent in ${elapsed(started)}`);
    return EXIT_SENT;
  } catch (e) {
    const answer = e instanceof NotifyError && e.providerAnswer ? `\nprovider answered: ${e.providerAnswer}` : '';
    const retry = e instanceof NotifyError ? ` (${e.retryable ? 'retryable' : 'not retryable'})` : '';
    print(`failed after ${elapsed(started)}: ${describeError(e)}${retry}${answer}`);
    return EXIT_FAILED;
  }
}

function elapsed(started: number): string {
  return `${Math.round(performance.now() - started)} ms`;
}
