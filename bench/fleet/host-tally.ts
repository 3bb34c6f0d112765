// Which hosts a receiver has passed a message on for, by epoch: relay's alerts at the sink and syslog-ng's
// output lines both name the host (`host-00042`) and carry the epoch of the session the message came in
// (`epoch=1`). After a restart the bench asks when every host had one of the new epoch through.
const LINE = /host-(\d+)\b.*?epoch=(\d+)/;

export class HostTally {
  /** The highest epoch seen per host, -1 for none yet. */
  readonly #seen: Int32Array;
  #epoch = 0;
  #covered = 0;
  /** Messages noted in all. */
  total = 0;
  /** When the last host got a message of the expected epoch through (Date.now()). */
  allAt: number | undefined;

  constructor(readonly hosts: number) {
    this.#seen = new Int32Array(hosts).fill(-1);
  }

  /** Hosts with a message of the expected epoch (or a later one) through. */
  get covered(): number {
    return this.#covered;
  }

  /** From now on, count hosts with a message of epoch `e` or later. */
  expect(e: number): void {
    this.#epoch = e;
    this.#covered = this.#seen.filter((s) => s >= e).length;
    this.allAt = undefined;
  }

  note(text: string): void {
    const m = LINE.exec(text);
    if (!m) return;
    this.total++;
    const [i, e] = [Number(m[1]), Number(m[2])];
    const before = this.#seen[i];
    if (before === undefined || e <= before) return;
    this.#seen[i] = e;
    if (before < this.#epoch && e >= this.#epoch && ++this.#covered === this.hosts) this.allAt = Date.now();
  }
}
