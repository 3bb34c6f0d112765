// The last sudo events the running relay received, in state_dir/sudo-recent.json, so `relay test-sudo`
// (another process) can show them. One writer (the daemon), written whole and renamed into place so a
// reader never sees half a file; writes are coalesced so a burst of sudo calls costs one write. It only
// serves a diagnosis, so a write the disk refuses is said once and relay goes on.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RelayEvent } from '../event.ts';
import { silentLogger, type Logger } from '../log.ts';

export interface RecentSudoEvent {
  receivedAt: string;
  listener: string;
  peer?: string;
  host?: string;
  event: unknown;
  user: unknown;
  command: unknown;
  id: unknown;
}

const KEEP = 20;
const COALESCE_MS = 200;

export function recentSudoPath(stateDir: string): string {
  return join(stateDir, 'sudo-recent.json');
}

export class RecentSudoLog {
  private readonly entries: RecentSudoEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private failing = false;

  constructor(private readonly stateDir: string, private readonly log: Logger = silentLogger) {}

  record(e: RelayEvent): void {
    this.entries.push({
      receivedAt: e.receivedAt.toISOString(),
      listener: e.listener,
      peer: e.peer,
      host: e.host,
      event: e.fields.event,
      user: e.fields.user,
      command: e.fields.command,
      id: e.fields.id,
    });
    if (this.entries.length > KEEP) this.entries.splice(0, this.entries.length - KEEP);
    this.timer ??= setTimeout(() => this.flush(), COALESCE_MS).unref();
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.entries.length === 0) return;
    const file = recentSudoPath(this.stateDir);
    try {
      if (!existsSync(this.stateDir)) mkdirSync(this.stateDir, { recursive: true, mode: 0o700 });
      // It holds who ran what as root: relay's user only.
      writeFileSync(`${file}.tmp`, JSON.stringify(this.entries, null, 1), { mode: 0o600 });
      renameSync(`${file}.tmp`, file);
    } catch (e) {
      if (!this.failing) this.log.error({ file, err: (e as Error).message, code: (e as NodeJS.ErrnoException).code }, 'cannot write the recent sudo events for relay test-sudo; relay goes on without them');
      this.failing = true;
      return;
    }
    if (this.failing) this.log.info({ file }, 'recent sudo events written again');
    this.failing = false;
  }
}

/** What the daemon last wrote; [] when it has written nothing yet. */
export function readRecentSudo(stateDir: string): RecentSudoEvent[] {
  try {
    return JSON.parse(readFileSync(recentSudoPath(stateDir), 'utf8')) as RecentSudoEvent[];
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}
