// An alert's type (Apprise's info/success/warning/failure: each notifier's colour, icon or priority) when
// its rule sets none, from what the alert is about: crit or worse is a failure; err and warning, a rule
// whose threshold was crossed, and anything that reports a failed or refused attempt (failed logins, a
// rejected sudo, a sudo command that could not run) are warnings; the rest (a sudo that exited 0, an
// accepted login, a notice) is info. An authentication-failure digest is thus a warning, not info.
import type { MessageType } from '../message-type.ts';
import type { Batch } from './hit.ts';

/** `fields.event` values (parsers/, the sudo plugin) that say an attempt failed or was refused. */
const FAILED_ATTEMPT = /fail|invalid|reject|denied|error/i;

export function defaultType(batch: Batch): MessageType {
  const severity = batch.severity;
  if (severity !== undefined && severity <= 2) return 'failure';
  if (severity !== undefined && severity <= 4) return 'warning';
  if (batch.rule.config.kind === 'frequency') return 'warning';
  const event = batch.first.event.fields.event;
  return typeof event === 'string' && FAILED_ATTEMPT.test(event) ? 'warning' : 'info';
}
