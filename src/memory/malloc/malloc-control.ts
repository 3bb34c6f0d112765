// glibc's allocator controls, which Node does not expose: how many malloc arenas threads may spread over, and
// handing the free pages inside them back to the kernel. Wraps the small N-API addon in this folder, compiled
// by relay's own `install` script (node-gyp) beside peer-cred. Elsewhere than glibc both calls return false.
import { createRequire } from 'node:module';

interface Addon {
  limitArenas(n: number): boolean;
  releaseFree(): boolean;
}

// `#malloc-addon` (package.json `imports`) names the compiled file from the package root, so the same line
// works from src/ under tsx and from dist/ once built.
const addon = createRequire(import.meta.url)('#malloc-addon') as Addon;

/** Caps the arenas (mallopt M_ARENA_MAX); a thread that has not allocated yet then shares an existing one. */
export function limitArenas(n: number): boolean {
  return addon.limitArenas(n);
}

/** malloc_trim(0): true when some memory went back to the kernel. */
export function releaseFree(): boolean {
  return addon.releaseFree();
}
