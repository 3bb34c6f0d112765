// A JSON file in state_dir that the daemon rewrites whole for another process to read (relay test-sudo):
// written to a temp file and renamed into place, so a reader never sees half of it; writes coalesced, so a
// burst of events costs one write. It only serves a diagnosis, so a write the disk refuses is said once (and
// again when it heals) and relay goes on.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../log.ts';
import { giveToStateDirOwner } from './state-dir-owner.ts';

export interface JsonSnapshotOptions {
  /** The file, in state_dir (created if missing). */
  file: string;
  coalesceMs: number;
  log: Logger;
  /** The error logged once when a write fails, and the line logged when one succeeds again. */
  failed: string;
  healed: string;
}

export class JsonSnapshot {
  private timer: NodeJS.Timeout | undefined;
  private failing = false;

  /** `content` returns what to write, or undefined when there is nothing yet. */
  constructor(private readonly opts: JsonSnapshotOptions, private readonly content: () => unknown) {}

  /** Writes within coalesceMs, once for everything changed until then. */
  schedule(): void {
    this.timer ??= setTimeout(() => this.flush(), this.opts.coalesceMs).unref();
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const data = this.content();
    if (data === undefined) return;
    const { file, log } = this.opts;
    const stateDir = dirname(file);
    try {
      if (!existsSync(stateDir)) mkdirSync(stateDir, { recursive: true, mode: 0o700 });
      // It holds who ran what as root, and where: relay's user only.
      writeFileSync(`${file}.tmp`, JSON.stringify(data, null, 1), { mode: 0o600 });
      giveToStateDirOwner(`${file}.tmp`, stateDir);
      renameSync(`${file}.tmp`, file);
    } catch (e) {
      if (!this.failing) log.error({ file, err: (e as Error).message, code: (e as NodeJS.ErrnoException).code }, this.opts.failed);
      this.failing = true;
      return;
    }
    if (this.failing) log.info({ file }, this.opts.healed);
    this.failing = false;
  }
}

/** What the daemon last wrote to `file`; `empty` when it has written nothing yet. */
export function readJsonSnapshot<T>(file: string, empty: T): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return empty;
    throw e;
  }
}
