// The accepting side shared by the TCP, TLS and Unix listeners: connection limits (overall and per peer),
// the frame deadline and idle timeout, an optional per-connection peer check, an optional secure layer
// (TLS) between accept and the first byte read, socket errors kept to their own connection, and a close()
// that ends them all. A refused connection is destroyed at accept, alone: the other senders go on being
// served. A connection relay ends for any other reason than abuse (idle, reload, stop) is ended as its peer
// expects and read to its end (connection-end.ts); a TCP connection is reset when relay's process dies
// (abort-on-close/). Limits and timeouts can be changed on the running server (a reload), and it can stop
// accepting while its connections go on (pause).
import net, { type Socket } from 'node:net';
import type { Clock } from '../clock.ts';
import { ErrorCodes, RelayError } from '../errors.ts';
import { abortOnClose } from './abort-on-close/abort-on-close.ts';
import { Deadline, type FrameProgress } from './connection-deadline.ts';
import { endConnection, resetConnection, type Endable, type EndOptions } from './connection-end.ts';
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
  /** max_message_size changed (a reload). */
  resize(maxSize: number): void;
}

/**
 * What turns an accepted connection into a verified one (TLS): `wrap` returns the socket to read from and
 * calls `secured` with the peer's verified identity once it may send; a connection that fails it is ended
 * by the layer, which counts and says why. The slot is held from accept, and `frame_timeout` bounds the wait.
 */
export interface SecureLayer {
  wrap(socket: Socket, peer: string | undefined, intake: Intake, secured: (identity: string | undefined) => void): Socket;
}

/** What a reload may change on a running server. */
export interface StreamLimits {
  maxConnections: number;
  /** Open connections one peer may hold; unset = no per-peer cap. */
  maxConnectionsPerPeer?: number;
  /** A frame begun but not complete this long closes the connection. */
  frameTimeoutMs: number;
  /** No frame begun for this long closes the connection. */
  idleTimeoutMs: number;
}

export interface StreamServerOptions extends StreamLimits {
  intake: Intake;
  clock: Clock;
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
  /** How long a peer relay ended a connection to has to close its side; END_GRACE_MS unless a test sets it. */
  endGraceMs?: number;
  /** TCP: every connection ends with a reset unless both sides closed cleanly, also when relay's process dies (abort-on-close). */
  resetOnEnd?: boolean;
}

/**
 * Connections the kernel queues for accept. Node's 511 overflowed when a fleet of 3,000–10,000 TLS hosts came
 * back after a restart (bench/fleet-tls.ts): while a turn of the event loop runs hundreds of handshakes,
 * connections keep arriving, and those dropped retry their SYN after 1, 3, 7, 15 s. The kernel caps it at
 * net.core.somaxconn (4096 since Linux 5.4), the knob for a larger fleet.
 */
export const LISTEN_BACKLOG = 65_535;

interface Connection extends Endable {
  deadline: Deadline;
  /** The peer began the secure layer's handshake, which has not completed. */
  handshaking: boolean;
  reader?: ConnectionReader;
}

export class StreamServer {
  #server: net.Server | undefined;
  readonly #connections = new Map<Socket, Connection>();
  readonly #perPeer = new Map<string, number>();
  readonly #budget: TurnBudget;
  /** Read by every connection's deadline, so new timeouts reach the open connections too. */
  readonly #limits: StreamLimits;

  readonly #ending: EndOptions;

  constructor(private readonly opts: StreamServerOptions) {
    this.#budget = new TurnBudget(opts.eventsPerTurn);
    this.#ending = { graceMs: opts.endGraceMs, reset: opts.resetOnEnd === true };
    const { maxConnections, maxConnectionsPerPeer, frameTimeoutMs, idleTimeoutMs } = opts;
    this.#limits = { maxConnections, maxConnectionsPerPeer, frameTimeoutMs, idleTimeoutMs };
  }

  /** Times a connection was paused because the listener had handed on its events for this turn. */
  get pauses(): number {
    return this.#budget.pauses;
  }

  /** The bound address while accepting (net.Server's address()), else null. */
  address(): ReturnType<net.Server['address']> {
    return this.#server?.address() ?? null;
  }

  /** New limits and timeouts: limits apply to the next accept, timeouts to the open connections too. */
  retune(limits: StreamLimits): void {
    Object.assign(this.#limits, limits);
    for (const c of this.#connections.values()) c.deadline.retime();
  }

  /** The readers of the open connections (a reload hands them a new max_message_size). */
  readers(): ConnectionReader[] {
    return [...this.#connections.values()].flatMap((c) => (c.reader ? [c.reader] : []));
  }

  listen(options: net.ListenOptions, where: string): Promise<void> {
    const { intake } = this.opts;
    const server = net.createServer((socket) => this.#accept(socket));
    return new Promise((resolve, reject) => {
      const fail = (err: Error) =>
        reject(new RelayError(ErrorCodes.LISTEN, `listener ${intake.name} cannot listen on ${where}: ${err.message}`, { cause: err }));
      server.once('error', fail);
      server.listen({ backlog: LISTEN_BACKLOG, ...options }, () => {
        server.off('error', fail);
        server.on('error', (err) => intake.log.error({ err }, 'listener socket error'));
        this.#server = server;
        resolve();
      });
    });
  }

  /** Stops accepting: the address is free at once (a Unix socket file is removed), open connections go on. */
  pause(): void {
    this.#server?.close();
    this.#server = undefined;
  }

  /** Stops accepting and ends every connection; resolves once all are closed, so the counters at stop are final. */
  async close(): Promise<void> {
    this.pause();
    await Promise.all([...this.#connections.values()].map((c) => endConnection(c, this.#ending)));
  }

  #accept(socket: Socket): void {
    const { intake } = this.opts;
    const { maxConnections, maxConnectionsPerPeer } = this.#limits;
    // Resets and the like concern this peer only; without a handler they would crash the process.
    socket.on('error', (err) => intake.log.debug({ err }, 'connection error'));
    let peer = this.opts.describePeer(socket);
    if (this.#connections.size >= maxConnections) {
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
    if (this.opts.resetOnEnd) abortOnClose(socket);
    this.#serve(socket, peer, key);
  }

  #serve(socket: Socket, peer: string | undefined, key: string | undefined): void {
    const { intake, secure } = this.opts;
    // Until the first byte, a connection is idle, also over TLS (syslog-ng connects at once and begins TLS
    // with its first message); from the first byte until the secure layer lets the peer send, it counts as
    // inside a frame: frame_timeout bounds the handshake.
    const progress: FrameProgress = {
      get inFrame() {
        return connection.handshaking || connection.reader?.inFrame === true;
      },
      get framesBegun() {
        return connection.reader?.framesBegun ?? 0;
      },
    };
    const deadline = new Deadline(this.opts.clock, this.#limits, progress, (why) => {
      // The secure layer counts a handshake that ran out of time, with this reason.
      if (connection.handshaking) {
        return connection.stream.destroy(new Error(`handshake not complete within frame_timeout (${this.#limits.frameTimeoutMs} ms)`));
      }
      // A frame left unfinished is a trickling or broken sender: cut off. An idle one is ended cleanly.
      if (why === 'frame') {
        intake.frameTimeout(peer, this.#limits.frameTimeoutMs);
        connection.stream.destroy();
      } else if (connection.ending === undefined) {
        intake.idleTimeout(peer);
        void endConnection(connection, this.#ending);
      }
    });
    const connection: Connection = { socket, stream: socket, deadline, handshaking: false, reads: 0 };
    const begin = (identity: string | undefined) => {
      connection.handshaking = false;
      const { stream } = connection;
      const r = (connection.reader = this.opts.open(peer, identity));
      stream.on('data', (chunk: Buffer) => {
        const received = intake.stats.received;
        const screened = intake.screened;
        const startedAt = this.#budget.now();
        connection.reads++;
        r.push(chunk);
        deadline.pushed();
        const turnedAway = intake.screened - screened;
        this.#budget.spend(stream, intake.stats.received - received - turnedAway, turnedAway, startedAt);
      });
      stream.on('end', () => r.end());
      deadline.pushed();
    };
    if (secure === undefined) begin(undefined);
    else {
      socket.once('data', (first: Buffer) => {
        // A peer that begins after relay ended the connection is reset, so it reconnects instead of waiting.
        if (connection.ending !== undefined) return resetConnection(connection, this.#ending);
        socket.pause();
        socket.unshift(first);
        connection.handshaking = true;
        const stream = (connection.stream = secure.wrap(socket, peer, intake, begin));
        stream.on('error', (err) => intake.log.debug({ err }, 'connection error'));
        deadline.pushed();
      });
    }
    socket.on('close', () => {
      deadline.cancel();
      this.#connections.delete(socket);
      if (key !== undefined) {
        const n = this.#perPeer.get(key)! - 1;
        if (n === 0) this.#perPeer.delete(key);
        else this.#perPeer.set(key, n);
      }
      intake.closed();
    });
    this.#connections.set(socket, connection);
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
