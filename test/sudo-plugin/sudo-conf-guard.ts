// Tests and the bench rewrite the machine's sudo.conf: this puts the original back in every case,
// on normal teardown and from a process 'exit' hook if teardown never runs.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

export class SudoConfGuard {
  readonly path: string;
  readonly #original: Buffer | undefined;
  readonly #onExit = (): void => this.restore();

  constructor(path = '/etc/sudo.conf') {
    this.path = path;
    this.#original = existsSync(path) ? readFileSync(path) : undefined;
    process.on('exit', this.#onExit);
  }

  /** Idempotent and synchronous, so it also works inside the exit hook. */
  restore(): void {
    if (this.#original === undefined) rmSync(this.path, { force: true });
    else if (!existsSync(this.path) || !readFileSync(this.path).equals(this.#original)) writeFileSync(this.path, this.#original, { mode: 0o644 });
  }

  dispose(): void {
    this.restore();
    process.off('exit', this.#onExit);
  }
}
