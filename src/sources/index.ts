// Config → running listener: the one place that knows which class serves which `type`.
import type { ListenerConfig } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import type { EventSink, FrameScreen, Source } from './source.ts';
import { TcpSource } from './tcp.ts';
import { TlsSource } from './tls.ts';
import { UdpSource } from './udp.ts';
import { UnixSource, type UnixSourceOptions } from './unix.ts';
import { SudoSource } from './sudo/listener.ts';

export type { PeerCheck } from './stream-server.ts';
export type { LineToEvent, LineOrigin, UnixSourceOptions } from './unix.ts';

/**
 * `acceptPeer` applies to stream listeners (tcp, tls, unix); `toEvent` to unix only; `clock` to all;
 * `screen` to the syslog listeners (udp, tcp, tls).
 */
export type SourceOptions = UnixSourceOptions & { screen?: FrameScreen };

export function createSource(config: ListenerConfig, sink: EventSink, log: Logger, opts: SourceOptions = {}): Source {
  switch (config.type) {
    case 'udp':
      return new UdpSource(config, sink, log, { clock: opts.clock, screen: opts.screen });
    case 'tcp':
      return new TcpSource(config, sink, log, { acceptPeer: opts.acceptPeer, clock: opts.clock, screen: opts.screen });
    case 'tls':
      return new TlsSource(config, sink, log, { acceptPeer: opts.acceptPeer, clock: opts.clock, screen: opts.screen });
    case 'unix': {
      // Peers are checked against allow_uids unless the caller brings its own check.
      const peers = { acceptPeer: opts.acceptPeer, allowUids: opts.acceptPeer === undefined, clock: opts.clock };
      if (config.format === 'sudo') return new SudoSource(config, sink, log, peers);
      return new UnixSource(config, sink, log, { ...peers, toEvent: opts.toEvent });
    }
  }
}
