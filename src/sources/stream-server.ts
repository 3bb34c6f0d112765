// The accepting side shared by the TCP and Unix listeners: connection limits (overall and per peer), the
// frame deadline and idle timeout, an optional per-connection peer check, socket errors kept to their own
// connection, and a close() that ends them all. A refused connection is destroyed at accept, alone: the
// other senders go on being served.
import net, { type Socket } from 'node:net';
import type { Clock } from '../clock.ts';
import { ErrorCodes, RelayError } from '../errors.ts';
import { Deadline, type FrameProgress } from './connection-deadline.ts';
import type { Intake } from './intake.ts';
import { TurnBudget } from './turn-budget.ts';

/**
 * Decides on each new connection: `false` refuses it, `true` accepts it, and a string accepts it and
 * names the peer on its events (e.g. `uid=0` from SO_PEERCRED).
 */
export type PeerCheck = (socket: Socket) => boolean | string;

/** What one connection's bytes are fed to; its frame progress drives the connection's deadline. */
export interface ConnectionReader extends FrameProgress {
  push(chunk: Buffer): void;
  end(): void;
}

export interface StreamServerOptions {
  intake: Intake;
  clock: Clock;
  maxConnections: number;
  /** Open connections one peer may hold; unset = no per-peer cap. */
  maxConnectionsPerPeer?: number;
  /** A frame begun but not complete this long closes the connection. */
  frameTimeoutMs: number;
  /** No frame begun for this long closes the connection. */
  idleTimeoutMs: number;
  acceptPeer?: PeerCheck;
  /** The peer's name when the check gave none (`ip:port` for TCP). */
  describePeer(socket: Socket): string | undefined;
  /** What connections count against `maxConnectionsPerPeer` together (the remote address for TCP). */
  peerKey(socket: Socket, checked: string | undefined): string | undefined;
  open(peer: string | undefined): ConnectionReader;
  /** Events the listener hands on per turn of the event loop before a connection pauses (turn-budget.ts). */
  eventsPerTurn?: number;
}

export class StreamServer {
  readonly server = net.createServer((socket) => this.#accept(socket));
  readonly #sockets = new Set<Socket>();
  readonly #perPeer = new Map<string, number>();
  readonly #budget: TurnBudget;

  constructor(private readonly opts: StreamServerOptions) {
    this.#budget = new TurnBudget(opts.eventsPerTurn);
  }

  /** Times a connection was paused because the listener had handed on its events for this turn. */
  get pauses(): number {
    return this.#budget.pauses;
  }

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

  /** Resolves once the server and every connection are closed, so the counters at stop are final. */
  async close(): Promise<void> {
    if (!this.server.listening) return;
    const serverClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const connectionsClosed = [...this.#sockets].map((s) => {
      s.destroy();
      return new Promise<void>((resolve) => s.once('close', () => resolve()));
    });
    await Promise.all([serverClosed, ...connectionsClosed]);
  }

  #accept(socket: Socket): void {
    const { intake, maxConnections, maxConnectionsPerPeer } = this.opts;
    // Resets and the like concern this peer only; without a handler they would crash the process.
    socket.on('error', (err) => intake.log.debug({ err }, 'connection error'));
    let peer = this.opts.describePeer(socket);
    if (this.#sockets.size >= maxConnections) {
      intake.refused(peer, 'max_connections', `max_connections (${maxConnections}) reached`);
      socket.destroy();
      return;
    }
    const verdict = this.#check(socket);
    if (verdict === false) {
      intake.refused(peer, 'not_allowed', 'peer not allowed');
      socket.destroy();
      return;
    }
    if (typeof verdict === 'string') peer = verdict;
    const key = this.opts.peerKey(socket, typeof verdict === 'string' ? verdict : undefined);
    const held = key === undefined ? 0 : (this.#perPeer.get(key) ?? 0);
    if (maxConnectionsPerPeer !== undefined && held >= maxConnectionsPerPeer) {
      intake.refused(peer, 'per_peer', `max_connections_per_peer (${maxConnectionsPerPeer}) reached by ${key}`);
      socket.destroy();
      return;
    }

    this.#sockets.add(socket);
    if (key !== undefined) this.#perPeer.set(key, held + 1);
    intake.accepted();
    const reader = this.opts.open(peer);
    const deadline = new Deadline(this.opts.clock, this.opts, reader, (why) => {
      if (why === 'frame') intake.frameTimeout(peer, this.opts.frameTimeoutMs);
      else intake.idleTimeout(peer);
      socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => {
      const before = intake.stats.received;
      reader.push(chunk);
      deadline.pushed();
      this.#budget.spend(socket, intake.stats.received - before);
    });
    socket.on('end', () => reader.end());
    socket.on('close', () => {
      deadline.cancel();
      this.#sockets.delete(socket);
      if (key !== undefined) {
        const n = this.#perPeer.get(key)! - 1;
        if (n === 0) this.#perPeer.delete(key);
        else this.#perPeer.set(key, n);
      }
      intake.closed();
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
