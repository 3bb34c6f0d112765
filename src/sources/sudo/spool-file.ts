// Takes the sudo plugin's spool file away from its writers and reads it line by line, remembering how
// far the consumer got, so that a crash re-reads at most the line being handled at that moment.
//
// Files, for a spool at P:
//   P              the plugin appends whole lines here (O_APPEND, one write per line)
//   P.collecting   P renamed by the reader; read, then deleted
//   P.collecting.pos  byte offset up to which lines were handed over (absent = 0)
// A P.collecting left by a crash or an early stop is finished before P is taken again.
import { constants as fsConstants } from 'node:fs';
import { access, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

export type SpoolLine = { complete: true; line: string } | { complete: false; line: string };

export interface SpoolFileOptions {
  /** After the rename, how long to let a plugin that opened the old name finish its one write. */
  graceMs?: number;
  /** Longer lines are reported incomplete and skipped, bounding memory. */
  maxLineBytes?: number;
}

const POS_WIDTH = 20;

function isMissing(e: unknown): boolean {
  return (e as NodeJS.ErrnoException).code === 'ENOENT';
}

async function removeIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (e) {
    if (!isMissing(e)) throw e;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch (e) {
    if (isMissing(e)) return false;
    throw e;
  }
}

async function readPos(path: string): Promise<number> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    if (isMissing(e)) return 0;
    throw e;
  }
  try {
    const n = Number.parseInt((await fh.readFile('utf8')).trim(), 10);
    return Number.isSafeInteger(n) && n >= 0 ? n : 0;
  } finally {
    await fh.close();
  }
}

/** Renames the spool to its .collecting name; false when there is nothing to collect. */
async function takeSpool(path: string, collecting: string, pos: string, graceMs: number): Promise<boolean> {
  // A .pos without its .collecting is stale and would skip the start of the file about to be taken.
  await removeIfPresent(pos);
  try {
    await rename(path, collecting);
  } catch (e) {
    if (isMissing(e)) return false;
    throw e;
  }
  await sleep(graceMs);
  return true;
}

export type LineHandler = (line: SpoolLine) => Promise<void> | void;

/** Hands each line of `collecting` from byte `start` to `onLine`, saving the position after each one
 * it accepted. Returns false if stopped early (the file is kept), true once it is fully handed over. */
async function drainFrom(
  collecting: string,
  posPath: string,
  start: number,
  onLine: LineHandler,
  opts: Required<Omit<SpoolFileOptions, 'graceMs'>> & { signal: AbortSignal | undefined },
): Promise<boolean> {
  const fh = await open(collecting, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW);
  // Not truncated on open: a crash right after opening must not lose the saved position.
  const posFh = await open(posPath, fsConstants.O_RDWR | fsConstants.O_CREAT, 0o600);
  const chunk = Buffer.alloc(64 * 1024);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let oversize = false;
  let readAt = start;
  let consumed = start;
  try {
    for (;;) {
      const { bytesRead } = await fh.read(chunk, 0, chunk.length, readAt);
      if (bytesRead === 0) break;
      readAt += bytesRead;
      let from = 0;
      for (let nl = chunk.indexOf(0x0a, from); nl !== -1 && nl < bytesRead; nl = chunk.indexOf(0x0a, from)) {
        if (opts.signal?.aborted) return false;
        const piece = chunk.subarray(from, nl);
        const tooLong = oversize || pendingBytes + piece.length > opts.maxLineBytes;
        const line = tooLong ? '' : Buffer.concat([...pending, piece]).toString('utf8');
        consumed += pendingBytes + piece.length + 1;
        pending = [];
        pendingBytes = 0;
        oversize = false;
        from = nl + 1;
        await onLine(tooLong ? { complete: false, line: `(line longer than ${opts.maxLineBytes} bytes)` } : { complete: true, line });
        await posFh.write(String(consumed).padStart(POS_WIDTH), 0);
      }
      if (from < bytesRead) {
        const rest = chunk.subarray(from, bytesRead);
        if (oversize || pendingBytes + rest.length > opts.maxLineBytes) {
          oversize = true;
          pending = [];
        } else {
          pending.push(Buffer.from(rest));
        }
        pendingBytes += rest.length;
      }
    }
    if (pendingBytes > 0) {
      if (opts.signal?.aborted) return false;
      // No newline at the end: a torn write (crash, full disk) that can never be completed.
      await onLine({ complete: false, line: oversize ? '' : Buffer.concat(pending).toString('utf8') });
    }
  } finally {
    await fh.close();
    await posFh.close();
  }
  await unlink(collecting);
  await removeIfPresent(posPath);
  return true;
}

export interface DrainOptions extends SpoolFileOptions {
  /** Aborting stops after the line being handled; the rest stays for the next drain. */
  signal?: AbortSignal;
}

/**
 * Hands every line spooled at `path` to `onLine`, one at a time. A line counts as handed over when
 * `onLine` resolves; if it throws, the drain stops and that line comes again next time. After a crash,
 * the line being handled then is delivered again (at-least-once, never lost); the caller's dedupe by
 * event key removes such repeats within one process.
 */
export async function drainSpoolFile(path: string, onLine: LineHandler, opts: DrainOptions = {}): Promise<void> {
  const graceMs = opts.graceMs ?? 200;
  const inner = { maxLineBytes: opts.maxLineBytes ?? 8 * 1024 * 1024, signal: opts.signal };
  const collecting = `${path}.collecting`;
  const pos = `${collecting}.pos`;
  // First a file left over from an earlier run, then what was spooled since.
  if (await exists(collecting)) {
    if (!(await drainFrom(collecting, pos, await readPos(pos), onLine, inner))) return;
  }
  if (opts.signal?.aborted) return;
  if (await takeSpool(path, collecting, pos, graceMs)) await drainFrom(collecting, pos, 0, onLine, inner);
}
