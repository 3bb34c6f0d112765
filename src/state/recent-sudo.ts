// The last sudo events the running relay received, in state_dir/sudo-recent.json, so `relay test-sudo`
// (another process) can show them. One writer (the daemon), through JsonSnapshot.
import { join } from 'node:path';
import type { RelayEvent } from '../event.ts';
import { silentLogger, type Logger } from '../log.ts';
import { JsonSnapshot, readJsonSnapshot } from './json-snapshot.ts';

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
  private readonly snapshot: JsonSnapshot;

  constructor(stateDir: string, log: Logger = silentLogger) {
    this.snapshot = new JsonSnapshot(
      {
        file: recentSudoPath(stateDir), coalesceMs: COALESCE_MS, log,
        failed: 'cannot write the recent sudo events for relay test-sudo; relay goes on without them',
        healed: 'recent sudo events written again',
      },
      () => (this.entries.length === 0 ? undefined : this.entries),
    );
  }

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
    this.snapshot.schedule();
  }

  flush(): void {
    this.snapshot.flush();
  }
}

/** What the daemon last wrote; [] when it has written nothing yet. */
export function readRecentSudo(stateDir: string): RecentSudoEvent[] {
  return readJsonSnapshot<RecentSudoEvent[]>(recentSudoPath(stateDir), []);
}
