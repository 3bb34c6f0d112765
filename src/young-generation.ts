// Imported by bin/relay.js before the CLI's modules are parsed (and first by the CLI, for tsx runs): V8 doubles the young generation (up to 16 MiB
// per semi-space, 32 MiB committed) whenever a scavenge sees many survivors, and loading the modules at
// start-up is exactly that, so an idle relay held ~30 MiB of empty nursery. Growth factor 1 keeps the
// nursery at its initial 1 MiB per semi-space for the whole run: a flood's garbage is then collected in
// many small scavenges instead of swelling the RSS. `replay` relied on the same setting to stay flat.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--semi-space-growth-factor=1');
