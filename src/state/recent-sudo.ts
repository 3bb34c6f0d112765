// The last sudo events the running relay received, in state_dir/sudo-recent.json, so `relay test-sudo`
// (another process) can show them. One writer (the daemon), written whole and renamed into place so a
// reader never sees half a file; writes are coalesced so a burst of sudo calls costs one write.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RelayEvent } from '../event.ts';

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

  constructor(private readonly stateDir: string) {}

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
    mkdirSync(this.stateDir, { recursive: true, mode: 0o750 });
    const file = recentSudoPath(this.stateDir);
    writeFileSync(`${file}.tmp`, JSON.stringify(this.entries, null, 1), { mode: 0o640 });
    renameSync(`${file}.tmp`, file);
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
