// SMTP failures → NotifyError: a 4xx reply (greylisting, mailbox busy) means "try later", a 5xx means the
// server will never take this message; connection trouble is worth retrying.
import { ErrorCodes, NotifyError } from '../src/errors.ts';
import { describeError } from '../src/describe-error.ts';

interface SmtpFailure extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
}

export function mailError(e: unknown, signal: AbortSignal | undefined): NotifyError {
  const err = e as SmtpFailure;
  const answer = err.response ?? err.message;
  if (signal?.aborted) return new NotifyError(ErrorCodes.NOTIFY_FAILED, 'send by email aborted', { retryable: true, cause: e });
  if (err.responseCode !== undefined && err.responseCode >= 400 && err.responseCode < 500) {
    return new NotifyError(ErrorCodes.NOTIFY_FAILED, `SMTP server asked to try later: ${answer}`, {
      retryable: true,
      providerAnswer: answer,
      cause: e,
    });
  }
  if ((err.responseCode !== undefined && err.responseCode >= 500) || err.code === 'EAUTH' || err.code === 'EENVELOPE') {
    return new NotifyError(ErrorCodes.NOTIFY_REJECTED, `SMTP server refused the message: ${answer}`, {
      retryable: false,
      providerAnswer: answer,
      cause: e,
    });
  }
  const timedOut = err.code === 'ETIMEDOUT';
  return new NotifyError(timedOut ? ErrorCodes.NOTIFY_TIMEOUT : ErrorCodes.NOTIFY_FAILED, `SMTP delivery failed: ${describeError(e)}`, {
    retryable: true,
    cause: e,
  });
}
