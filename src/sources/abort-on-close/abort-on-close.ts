// Ending a TCP connection with a reset instead of a FIN, whoever closes it: relay, or the kernel when relay's
// process dies, SIGKILL included. A syslog sender that got a FIN may go on writing into a session nobody
// reads (syslog-ng over TLS does not watch for it while idle), and the first message it writes is lost: a
// reset makes that write fail, so the sender reconnects and sends it again. Node has no API for SO_LINGER
// but resetAndDestroy(), at the moment of closing, which a killed process never reaches; so this wraps the
// small N-API addon in this folder, compiled by relay's own `install` script beside peer-cred. It is optional:
// without it relay resets the connections it ends itself, and says at start that a kill is not covered.
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';

interface Addon {
  abortOnClose(fd: number): void;
}

const addon = load();

function load(): Addon | undefined {
  try {
    // `#abort-on-close-addon` (package.json `imports`) names the compiled file from the package root, so the
    // same line works from src/ under tsx and from dist/ once built.
    return createRequire(import.meta.url)('#abort-on-close-addon') as Addon;
  } catch {
    return undefined;
  }
}

/** Whether the addon loaded: without it, abortOnClose() does nothing. */
export const abortOnCloseBuilt = addon !== undefined;

/** Sets SO_LINGER to zero on an accepted TCP socket; false when the addon is missing or the socket has no descriptor. */
export function abortOnClose(socket: Socket): boolean {
  // net.Socket keeps its libuv handle in the undocumented `_handle`; `fd` is its descriptor on Unix.
  const fd = (socket as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
  if (addon === undefined || typeof fd !== 'number' || fd < 0) return false;
  try {
    addon.abortOnClose(fd);
    return true;
  } catch {
    return false;
  }
}
