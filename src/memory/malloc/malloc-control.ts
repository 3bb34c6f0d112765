// glibc's allocator controls, which Node does not expose: how many malloc arenas threads may spread over, and
// handing the free pages inside them back to the kernel. Wraps the small N-API addon in this folder, compiled
// by relay's own `install` script (node-gyp) beside peer-cred. It is optional: where it was not built (or
// was built for another Node), as elsewhere than glibc, both calls do nothing and return false, and relay
// runs the same with a little more memory.
import { createRequire } from 'node:module';

interface Addon {
  limitArenas(n: number): boolean;
  releaseFree(): boolean;
}

const addon = load();

function load(): Addon | undefined {
  try {
    // `#malloc-addon` (package.json `imports`) names the compiled file from the package root, so the same
    // line works from src/ under tsx and from dist/ once built.
    return createRequire(import.meta.url)('#malloc-addon') as Addon;
  } catch {
    return undefined;
  }
}

/** Caps the arenas (mallopt M_ARENA_MAX); a thread that has not allocated yet then shares an existing one. */
export function limitArenas(n: number): boolean {
  return addon?.limitArenas(n) ?? false;
}

/** malloc_trim(0): true when some memory went back to the kernel. */
export function releaseFree(): boolean {
  return addon?.releaseFree() ?? false;
}
