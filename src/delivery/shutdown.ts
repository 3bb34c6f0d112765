// Whether delivery is stopping, the sends it cuts short when it stops, and who waits to hear that a lane made
// progress (`Dispatcher.drain`, until every lane is done or waits past its deadline).
export class Shutdown {
  private stopping = false;
  /** One per send in flight, each aborted at its timeout or at shutdown. */
  private readonly aborts = new Set<AbortController>();
  private listener: (() => void) | undefined;

  get stopped(): boolean {
    return this.stopping;
  }

  /** A send's cut-off: aborted by `stop`, until the send `release`s it. */
  track(abort: AbortController): void {
    this.aborts.add(abort);
  }

  release(abort: AbortController): void {
    this.aborts.delete(abort);
  }

  /** Told whenever a lane finishes a send or starts to wait; undefined: nobody. */
  onProgress(listener: (() => void) | undefined): void {
    this.listener = listener;
  }

  progress(): void {
    this.listener?.();
  }

  /** Nothing new starts, and every send in flight is cut short: its rows stay for the next start. */
  stop(): void {
    this.stopping = true;
    for (const abort of this.aborts) abort.abort();
  }
}
