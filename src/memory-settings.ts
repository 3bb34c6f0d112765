// Imported by bin/relay.js before the CLI's modules are parsed (and first by the CLI, for tsx runs): the
// process-wide memory settings that must be in place before anything allocates much. Each lowers the RSS of
// a loaded relay; README → Benchmarks has the figures.
//
// V8 doubles the young generation (up to 16 MiB per semi-space) whenever a scavenge sees many survivors, and
// loading the modules at start-up is exactly that, so an idle relay would hold a nursery sized for its
// start-up. Growth factor 1 keeps it at its initial 1 MiB per semi-space for the whole run: a flood's garbage
// is then collected in many small scavenges instead of swelling the RSS.
//
// --optimize-for-size makes V8 size the old generation conservatively, so it is collected before it grows
// far past what is live (docs/pipeline.md, process memory settings, says how far it still grows).
//
// glibc gives each thread that allocates its own malloc arena (up to 8 per core), and V8's worker threads and
// libuv's pool each keep some memory in theirs after a burst. Two arenas (the main thread's and one shared by
// the others) hold the same memory in fewer, fuller places, which free-memory-release.ts then trims. Only
// where the optional malloc addon was built (malloc-control.ts).
import { setFlagsFromString } from 'node:v8';
import { limitArenas } from './memory/malloc/malloc-control.ts';

setFlagsFromString('--semi-space-growth-factor=1');
setFlagsFromString('--optimize-for-size');
limitArenas(2);
