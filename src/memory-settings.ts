// Imported by bin/relay.js before the CLI's modules are parsed (and first by the CLI, for tsx runs): the
// process-wide memory settings that must be in place before anything allocates much.
//
// V8 doubles the young generation (up to 16 MiB per semi-space, 32 MiB committed) whenever a scavenge sees
// many survivors, and loading the modules at start-up is exactly that, so an idle relay held ~30 MiB of empty
// nursery. Growth factor 1 keeps the nursery at its initial 1 MiB per semi-space for the whole run: a flood's
// garbage is then collected in many small scavenges instead of swelling the RSS. `replay` relied on the same
// setting to stay flat.
//
// --optimize-for-size makes V8 size the old generation conservatively. Under the soak's steady load the old
// space then settled at ~20.5 MB committed instead of climbing to 22.5 MB and the RSS stopped rising after the
// first minute; b's alerts/s and CPU seconds did not move (5 full collections instead of 4). It replaces `run`'s
// former --heap-growing-percent=50. What it does not change (V8 11.3, `--trace-gc-verbose` in b): with it every
// incrementally marked full collection is a memory-reducing one, after which V8 sets the next limit at
// max(1.1 × live, live + 8 MB) + the young generation, so b's old space still peaks ~9 MB above its ~15 MB live
// set (--heap-growing-percent=10, a 2 or 4 MiB nursery and --no-incremental-marking did not lower b's peak).
//
// glibc gives each thread that allocates its own malloc arena (up to 8 per core), and V8's worker threads and
// libuv's pool each kept ~1 MB in theirs after a burst. Two arenas (the main thread's and one shared by the
// others) hold the same memory in fewer, fuller places, which free-memory-release.ts then trims.
import { setFlagsFromString } from 'node:v8';
import { limitArenas } from './memory/malloc/malloc-control.ts';

setFlagsFromString('--semi-space-growth-factor=1');
setFlagsFromString('--optimize-for-size');
limitArenas(2);
