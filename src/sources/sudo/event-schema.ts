// The JSON line the relay_audit sudo plugin sends (sudo-plugin/relay_audit.c), one per event: its
// schema, its type, and a parse that never throws, so the listener can count and log bad lines.
// A namespace import lets the bundle keep only the parts of zod relay uses (not its dozens of locales).
import * as z from 'zod';

const int = z.number().int();
const nonNegInt = int.nonnegative();

/** Fields every event carries; which of them are present depends on what sudo told the plugin. */
const base = {
  v: z.literal(1),
  /** One sudo call: hostname-pid-starttime-random. Joins an accept with its exit. */
  id: z.string().min(1),
  /** Position of the event within its call; `id` + `seq` identifies one line. */
  seq: nonNegInt,
  ts: z.iso.datetime({ precision: 3 }),
  host: z.string(),
  user: z.string(),
  uid: nonNegInt,
  runas_user: z.string().optional(),
  runas_uid: nonNegInt.optional(),
  cwd: z.string().optional(),
  tty: z.string().optional(),
  /** sudo's own pid. */
  pid: nonNegInt,
  /** The resolved command after accept; what the user typed before. Absent for `sudo -l`, `sudo -v`. */
  command: z.string().optional(),
  /** Size-capped (argc and `truncated` tell when something was cut). Invalid UTF-8 bytes read `\xHH`. */
  argv: z.array(z.string()).optional(),
  argc: nonNegInt.optional(),
  truncated: z.literal(true).optional(),
  /** Claimed by relay's self-checks (RELAY_PROBE=1 in sudo's environment); see isProbe in listener.ts. */
  probe: z.literal(true).optional(),
  /** Lines the plugin could neither send nor spool (spool full) since its last report, on this host. */
  lost: z.number().int().positive().optional(),
  /** sudo.conf options the plugin did not apply (unknown key or bad value), and the first names. */
  ignored_options: z.number().int().positive().optional(),
  ignored_option_names: z.array(z.string()).optional(),
};

const errnoFields = {
  errno: nonNegInt,
  errno_name: z.string().optional(),
  /** strerror(errno), in sudo's locale. */
  error: z.string(),
};

const accept = z.object({ ...base, event: z.literal('accept'), command: z.string(), argv: z.array(z.string()) });

const reject = z.object({
  ...base,
  event: z.literal('reject'),
  /** The plugin that said no, e.g. `sudoers_policy`. */
  plugin: z.string().optional(),
  /** sudo's audit message: `command not allowed`, `user NOT in sudoers`, `/x: command not found`. */
  reason: z.string().optional(),
});

/** A plugin error (`authentication failure`, ...) or, with plugin `sudo` and an errno, a front-end failure. */
const error = z.object({
  ...base,
  event: z.literal('error'),
  plugin: z.string().optional(),
  reason: z.string().optional(),
  errno: nonNegInt.optional(),
  errno_name: z.string().optional(),
  error: z.string().optional(),
});

const exit = z
  .object({
    ...base,
    event: z.literal('exit'),
    status: int.min(0).max(255).optional(),
    signal: z.number().int().positive().optional(),
    signal_name: z.string().optional(),
    core_dumped: z.boolean().optional(),
  })
  .refine((e) => (e.status === undefined) !== (e.signal === undefined), {
    message: 'an exit event has either status or signal',
  });

const execError = z.object({ ...base, event: z.literal('exec_error'), ...errnoFields });

export const SudoEventSchema = z.discriminatedUnion('event', [accept, reject, error, exit, execError]);

export type SudoEvent = z.infer<typeof SudoEventSchema>;
export type SudoEventName = SudoEvent['event'];

export type SudoEventParse = { ok: true; event: SudoEvent } | { ok: false; reason: string };

/** Parses one line (without its newline); `reason` says what was wrong, for the listener's log. */
export function parseSudoEvent(line: string): SudoEventParse {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    return { ok: false, reason: `not JSON: ${(e as Error).message}` };
  }
  const result = SudoEventSchema.safeParse(value);
  if (result.success) return { ok: true, event: result.data };
  const problems = result.error.issues.slice(0, 3).map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message));
  return { ok: false, reason: `not a sudo event: ${problems.join('; ')}` };
}

/** Identifies one line of one sudo call: the same event read twice (socket and spool, or a re-read
 * spool) has the same key. */
export function sudoEventKey(e: Pick<SudoEvent, 'id' | 'seq'>): string {
  return `${e.id}/${e.seq}`;
}
