// Who is on the other end of a Unix socket connection: relay accepts sudo events only from root.
// Node exposes no SO_PEERCRED, so this wraps the small N-API addon in this folder, compiled by relay's own
// `install` script (node-gyp) in a checkout and in an installed package alike. It is loaded on first use,
// by a unix listener that checks allow_uids: every other command and listener runs without it.
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { ErrorCodes, RelayError } from '../../../errors.ts';

export interface PeerCred {
  pid: number;
  uid: number;
  gid: number;
}

interface Addon {
  peerCred(fd: number): PeerCred;
}

let addon: Addon | undefined;

/**
 * The compiled addon, loaded once. Missing (never built, or built for another Node), it is a one-line error
 * that says how to build it.
 */
export function loadPeerCred(): Addon {
  if (addon) return addon;
  try {
    // `#peer-cred-addon` (package.json `imports`) names the compiled file from the package root, so the same
    // line works from src/ under tsx and from dist/ once built.
    addon = createRequire(import.meta.url)('#peer-cred-addon') as Addon;
    return addon;
  } catch (cause) {
    const why = String((cause as Error).message).split('\n')[0];
    const fix = "`npm run install` in relay's package directory (needs make, a C compiler and python3)";
    throw new RelayError(
      ErrorCodes.LISTEN,
      `cannot check allow_uids: the peer-cred addon is not built (${why}); build it with ${fix}, ` +
        'or set allow_uids: [] on the unix listener',
      { cause },
    );
  }
}

/** The credentials the peer had when it called connect(2), read from a socket file descriptor. */
export function peerCredOfFd(fd: number): PeerCred {
  return loadPeerCred().peerCred(fd);
}

/** The credentials of the process that connected `socket` (a connection accepted on a Unix server). */
export function peerCred(socket: Socket): PeerCred {
  // net.Socket keeps its libuv pipe in the undocumented `_handle`; `fd` is its descriptor on Unix.
  const fd = (socket as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
  if (typeof fd !== 'number' || fd < 0) {
    throw new RelayError(ErrorCodes.LISTEN, 'cannot read peer credentials: the socket has no open file descriptor');
  }
  const loaded = loadPeerCred();
  try {
    return loaded.peerCred(fd);
  } catch (cause) {
    throw new RelayError(ErrorCodes.LISTEN, `cannot read peer credentials (SO_PEERCRED): ${(cause as Error).message}`, {
      cause,
    });
  }
}
