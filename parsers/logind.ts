// systemd-logind's session lines: the one place that says a session began for every login path
// (sshd, console, display manager) with the same words.
import { firstShape, type Shape } from './shape.ts';
import type { Fields } from './sudo.ts';

const SHAPES: Shape[] = [
  [/^New session (\S+) of user (\S+?)\.?$/, (m) => ({ event: 'session_opened', session_id: m[1]!, user: m[2]!, outcome: 'success' })],
  [/^Removed session (\S+?)\.?$/, (m) => ({ event: 'session_closed', session_id: m[1]!, outcome: 'closed' })],
  [/^Session (\S+) logged out\./, (m) => ({ event: 'session_logout', session_id: m[1]!, outcome: 'closed' })],
];

export function parseLogind(message: string): Fields | undefined {
  return firstShape(SHAPES, message);
}
