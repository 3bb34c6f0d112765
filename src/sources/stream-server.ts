// The accepting side shared by the TCP, TLS and Unix listeners: connection limits (overall and per peer),
// the frame deadline and idle timeout, an optional per-connection peer check, an optional secure layer
// (TLS) between accept and the first byte read, socket errors kept to their own connection, and a close()
// that ends them all. A refused connection is destroyed at accept, alone: the
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

/**
 * What turns an accepted connection into a verified one (TLS): `wrap` returns the socket to read from and
 * calls `secured` with the peer's verified identity once it may send; a connection that fails it is ended
 * by the layer, which counts and says why. The slot is held from accept, and `frame_timeout` bounds the wait.
 */
export interface SecureLayer {
  wrap(socket: Socket, peer: string | undefined, intake: Intake, secured: (identity: string | undefined) => void): Socket;
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
  secure?: SecureLayer;
  /** `identity`: the peer's verified certificate identity, when a secure layer gave one. */
  open(peer: string | undefined, identity?: string): ConnectionReader;
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

    if (key !== undefined) this.#perPeer.set(key, held + 1);
    intake.accepted();
    let reader: ConnectionReader | undefined;
    // Until the secure layer lets the peer send, the connection counts as inside a frame: frame_timeout bounds the handshake.
    const progress: FrameProgress = {
      get inFrame() {
        return reader === undefined || reader.inFrame;
      },
      get framesBegun() {
        return reader?.framesBegun ?? 0;
      },
    };
    const deadline = new Deadline(this.opts.clock, this.opts, progress, (why) => {
      // The secure layer counts a handshake that ran out of time, with this reason.
      if (reader === undefined) return stream.destroy(new Error(`handshake not complete within frame_timeout (${this.opts.frameTimeoutMs} ms)`));
      if (why === 'frame') intake.frameTimeout(peer, this.opts.frameTimeoutMs);
      else intake.idleTimeout(peer);
      stream.destroy();
    });
    const begin = (identity: string | undefined) => {
      const r = (reader = this.opts.open(peer, identity));
      stream.on('data', (chunk: Buffer) => {
        const received = intake.stats.received;
        const screened = intake.screened;
        const startedAt = this.#budget.now();
        r.push(chunk);
        deadline.pushed();
        const turnedAway = intake.screened - screened;
        this.#budget.spend(stream, intake.stats.received - received - turnedAway, turnedAway, startedAt);
      });
      stream.on('end', () => r.end());
      deadline.pushed();
    };
    const stream = this.opts.secure ? this.opts.secure.wrap(socket, peer, intake, begin) : socket;
    if (stream !== socket) stream.on('error', (err) => intake.log.debug({ err }, 'connection error'));
    if (this.opts.secure) deadline.pushed();
    else begin(undefined);
    stream.on('close', () => {
      deadline.cancel();
      this.#sockets.delete(stream);
      if (key !== undefined) {
        const n = this.#perPeer.get(key)! - 1;
        if (n === 0) this.#perPeer.delete(key);
        else this.#perPeer.set(key, n);
      }
      intake.closed();
    });
    this.#sockets.add(stream);
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
