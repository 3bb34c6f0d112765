// How relay ends a stream connection it gives up for any reason but abuse (idle, reload, stop): FIN (over
// TLS close_notify, then FIN), reading on until the peer closes, so nothing it had sent is lost. A TCP peer
// that goes quiet without closing is then reset, not silently closed: one that never noticed the FIN
// (syslog-ng over TLS while it has nothing to send) gets an error at its next write and sends that message
// again on a new connection, instead of into this one.
import type { Socket } from 'node:net';

/** A peer that has not closed its side this long after relay ended the connection is reset. */
export const END_GRACE_MS = 5_000;

/** A peer that sent nothing for this long after relay ended the connection is reset before the grace is up. */
const END_QUIET_MS = 250;

export interface Endable {
  /** The accepted socket. */
  socket: Socket;
  /** What relay reads and ends: the socket, or its TLS session once the peer began one. */
  stream: Socket;
  /** Chunks read, so an ended connection can tell a quiet peer. */
  reads: number;
  /** Relay has ended it and waits for the peer to close. */
  ending?: Promise<void>;
}

export interface EndOptions {
  /** END_GRACE_MS unless a test sets it. */
  graceMs?: number;
  /** TCP: reset rather than close (a Unix socket has no reset). */
  reset: boolean;
}

/** Ends `c` once (later calls get the same promise); resolves when its socket has closed. */
export function endConnection(c: Endable, opts: EndOptions): Promise<void> {
  c.ending ??= new Promise<void>((resolve) => {
    if (c.socket.closed) return resolve();
    const cut = setTimeout(() => resetConnection(c, opts), opts.graceMs ?? END_GRACE_MS);
    let reads = c.reads;
    const quiet = setInterval(() => {
      if (c.reads === reads) resetConnection(c, opts);
      reads = c.reads;
    }, END_QUIET_MS);
    c.socket.once('close', () => {
      clearTimeout(cut);
      clearInterval(quiet);
      resolve();
    });
    c.stream.end();
  });
  return c.ending;
}

export function resetConnection(c: Endable, opts: EndOptions): void {
  if (opts.reset && !c.socket.destroyed) c.socket.resetAndDestroy();
  else c.stream.destroy();
}
