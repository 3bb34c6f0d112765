// Tests and the bench rewrite the machine's sudo.conf: this puts the original back in every case,
// on normal teardown and from a process 'exit' hook if teardown never runs — with the files install.sh
// keeps beside it (the pre-install copy and its record), so no run leaves them to the next.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

export class SudoConfGuard {
  readonly path: string;
  readonly #originals: Map<string, Buffer | undefined>;
  readonly #onExit = (): void => this.restore();

  constructor(path = '/etc/sudo.conf') {
    this.path = path;
    this.#originals = new Map(
      [path, `${path}.relay-orig`, `${path}.relay-install`].map((p) => [p, existsSync(p) ? readFileSync(p) : undefined]),
    );
    process.on('exit', this.#onExit);
  }

  /** Idempotent and synchronous, so it also works inside the exit hook. */
  restore(): void {
    for (const [path, original] of this.#originals) {
      if (original === undefined) rmSync(path, { force: true });
      else if (!existsSync(path) || !readFileSync(path).equals(original)) writeFileSync(path, original, { mode: 0o644 });
    }
  }

  dispose(): void {
    this.restore();
    process.off('exit', this.#onExit);
  }
}
