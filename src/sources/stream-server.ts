// The accepting side shared by the TCP and Unix listeners: connection limit, idle timeout, an optional
// per-connection peer check, socket errors kept to their own connection, and a close() that ends them all.
import net, { type Socket } from 'node:net';
import { ErrorCodes, RelayError } from '../errors.ts';
import type { Intake } from './intake.ts';

/**
 * Decides on each new connection: `false` refuses it, `true` accepts it, and a string accepts it and
 * names the peer on its events (e.g. `uid=0` from SO_PEERCRED).
 */
export type PeerCheck = (socket: Socket) => boolean | string;

/** What one connection's bytes are fed to. */
export interface ConnectionReader {
  push(chunk: Buffer): void;
  end(): void;
}

export interface StreamServerOptions {
  intake: Intake;
  maxConnections: number;
  idleTimeoutMs: number;
  acceptPeer?: PeerCheck;
  /** The peer's name when the check gave none (`ip:port` for TCP). */
  describePeer(socket: Socket): string | undefined;
  open(peer: string | undefined): ConnectionReader;
}

export class StreamServer {
  readonly server = net.createServer((socket) => this.#accept(socket));
  readonly #sockets = new Set<Socket>();

  constructor(private readonly opts: StreamServerOptions) {}

  listen(options: net.ListenOptions, where: string): Promise<void> {
    const { intake } = this.opts;
    return new Promise((resolve, reject) => {
      const fail = (err: Error) =>
        reject(new RelayError(ErrorCodes.LISTEN, `listener ${intake.name} cannot listen on ${where}: ${err.message}`, { cause: err }));
      this.server.once('error', fail);
      this.server.listen(options, () => {
        this.server.off('error', fail);
        this.server.on('error', (err) => intake.log.error({ err }, 'listener socket error'));
        resolve();
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
      for (const s of this.#sockets) s.destroy();
    });
  }

  #accept(socket: Socket): void {
    const { intake, maxConnections } = this.opts;
    // Resets and the like concern this peer only; without a handler they would crash the process.
    socket.on('error', (err) => intake.log.debug({ err }, 'connection error'));
    let peer = this.opts.describePeer(socket);
    if (this.#sockets.size >= maxConnections) {
      intake.rejected(peer, `max_connections (${maxConnections}) reached`);
      socket.destroy();
      return;
    }
    const verdict = this.#check(socket);
    if (verdict === false) {
      intake.rejected(peer, 'peer not allowed');
      socket.destroy();
      return;
    }
    if (typeof verdict === 'string') peer = verdict;

    this.#sockets.add(socket);
    intake.stats.connections++;
    const reader = this.opts.open(peer);
    socket.setTimeout(this.opts.idleTimeoutMs, () => {
      intake.log.debug({ peer }, 'idle connection closed');
      socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    socket.on('end', () => reader.end());
    socket.on('close', () => {
      this.#sockets.delete(socket);
      intake.stats.connections--;
    });
  }

  /** A throwing check refuses: an access check that cannot decide must not let the peer in. */
  #check(socket: Socket): boolean | string {
    if (!this.opts.acceptPeer) return true;
    try {
      return this.opts.acceptPeer(socket);
    } catch (err) {
      this.opts.intake.log.error({ err }, 'peer check failed');
      return false;
    }
  }
}
