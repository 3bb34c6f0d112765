// Hands the allocator's free pages back to the kernel every few seconds while `relay run` runs. Under a steady
// load the RSS otherwise creeps up while V8's heap does not: glibc keeps what Buffers, sockets and SQLite
// freed as holes inside its arenas and trims only the top of the main one by itself. One malloc_trim(0) is a
// fraction of a millisecond, so every 10 s it costs nothing measurable (README → Benchmarks).
import type { Clock, Timer } from '../clock.ts';
import { releaseFree } from './malloc/malloc-control.ts';

export const RELEASE_INTERVAL_MS = 10_000;

export class FreeMemoryRelease {
  #timer: Timer | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly release: () => boolean = releaseFree,
  ) {}

  start(): void {
    if (this.#timer) return;
    const tick = () => {
      this.release();
      this.#timer = this.clock.setTimer(RELEASE_INTERVAL_MS, tick);
    };
    this.#timer = this.clock.setTimer(RELEASE_INTERVAL_MS, tick);
  }

  stop(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }
}
