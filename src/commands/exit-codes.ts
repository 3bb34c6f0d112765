// What `relay`'s exit status means, the same for every command (README "The command"). A service manager
// can tell a relay that could not start (a port taken, state_dir in use or not writable) from a config
// with problems, which no restart mends.
export const ExitCodes = {
  OK: 0,
  /** The config has problems, or the command could not do what it was asked. */
  FAILED: 1,
  /** The command was given wrong arguments. */
  USAGE: 2,
  /**
   * `relay run` could not start: a listener or the HTTP endpoint cannot bind; state_dir is locked, not
   * writable or holds a damaged file.
   */
  START: 3,
} as const;
