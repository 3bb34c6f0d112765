import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TcpListener } from '../../src/config/listener-schema.ts';
import type { RelayEvent } from '../../src/event.ts';
import { silentLogger } from '../../src/log.ts';
import { TcpSource } from '../../src/sources/tcp.ts';
import { DEFAULT_EVENTS_PER_TURN, SCREENED_PER_EVENT, TurnBudget } from '../../src/sources/turn-budget.ts';
import { connect } from '../helpers/net.ts';
import { hostPort, until } from './loopback.ts';

/** Node reads a stream in chunks of at most 64 KiB: one read past the bound is what a pause cannot undo. */
const READ_CHUNK = 64 * 1024;

let source: TcpSource | undefined;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await source?.stop();
  source = undefined;
});

/** A listener whose sink counts events per turn of the event loop (a turn ends when setImmediate runs). */
async function listen(screen?: (frame: Buffer) => boolean) {
  const seen = { events: 0, thisTurn: 0, mostInOneTurn: 0, turns: 0 };
  let turnOpen = false;
  const sink = (_: RelayEvent) => {
    seen.events++;
    seen.mostInOneTurn = Math.max(seen.mostInOneTurn, ++seen.thisTurn);
    if (!turnOpen) {
      turnOpen = true;
      setImmediate(() => {
        turnOpen = false;
        seen.thisTurn = 0;
        seen.turns++;
      });
    }
  };
  const config = TcpListener.parse({ name: 'flood', type: 'tcp', address: '127.0.0.1:0' });
  source = new TcpSource(config, sink, silentLogger, { screen });
  await source.start();
  const open = async () => {
    const s = await connect(hostPort(source!.address()));
    sockets.push(s);
    return s;
  };
  return { seen, open };
}

const flood = (n: number, tag: string) => {
  const line = (i: number) => `<13>1 2026-01-01T00:00:00Z web1 app - - - ${tag} line ${String(i).padStart(6, '0')} ${'x'.repeat(40)}\n`;
  return Array.from({ length: n }, (_, i) => line(i)).join('');
};

describe('a listener pauses a connection once it has handed on its events for this turn, and resumes it after the next turn', () => {
  it('a flood on one connection reaches the rules in batches of at most the bound plus one read, and every line arrives', async () => {
    const { seen, open } = await listen();
    const data = flood(40_000, 'a');
    const lineLength = data.indexOf('\n') + 1;
    const s = await open();
    s.end(data);
    await until(() => seen.events === 40_000);
    expect(seen.mostInOneTurn).toBeLessThanOrEqual(DEFAULT_EVENTS_PER_TURN + Math.ceil(READ_CHUNK / lineLength));
    expect(seen.turns).toBeGreaterThanOrEqual(40_000 / (DEFAULT_EVENTS_PER_TURN + READ_CHUNK / lineLength));
    expect(source!.stats().received).toBe(40_000);
  });

  it('two flooding connections share one bound per listener, and both are read to the end', async () => {
    const { seen, open } = await listen();
    const data = flood(20_000, 'b');
    const lineLength = data.indexOf('\n') + 1;
    const [s1, s2] = [await open(), await open()];
    s1.end(data);
    s2.end(data);
    await until(() => seen.events === 40_000);
    expect(seen.mostInOneTurn).toBeLessThanOrEqual(DEFAULT_EVENTS_PER_TURN + 2 * Math.ceil(READ_CHUNK / lineLength));
    expect(source!.stats().received).toBe(40_000);
  });

  it('frames the screen turns away weigh a fraction of an event: read in larger batches, still in bounded turns, all counted', async () => {
    const turned = { frames: 0, thisTurn: 0, mostInOneTurn: 0 };
    let turnOpen = false;
    const { open } = await listen(() => {
      turned.frames++;
      turned.mostInOneTurn = Math.max(turned.mostInOneTurn, ++turned.thisTurn);
      if (!turnOpen) {
        turnOpen = true;
        setImmediate(() => {
          turnOpen = false;
          turned.thisTurn = 0;
        });
      }
      return false;
    });
    const data = flood(40_000, 's');
    const lineLength = data.indexOf('\n') + 1;
    (await open()).end(data);
    await until(() => source!.stats().received === 40_000);
    expect(turned.frames).toBe(40_000);
    expect(turned.mostInOneTurn).toBeLessThanOrEqual(DEFAULT_EVENTS_PER_TURN * SCREENED_PER_EVENT + Math.ceil(READ_CHUNK / lineLength));
  });
});

/** `n` turns of the event loop (each ends when setImmediate's callbacks run). */
async function nextTurns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
}

describe('TurnBudget', () => {
  const socket = () => {
    const s = {
      paused: false,
      destroyed: false,
      pause: () => {
        s.paused = true;
      },
      resume: () => {
        s.paused = false;
      },
    };
    return s;
  };

  it('pauses once events and weighted screened frames together reach the bound, and resumes after the next turn', async () => {
    const budget = new TurnBudget(4);
    const s = socket();
    budget.spend(s as unknown as Socket, 3, SCREENED_PER_EVENT - 1);
    expect(s.paused).toBe(false);
    budget.spend(s as unknown as Socket, 0, 1);
    expect([s.paused, budget.pauses]).toEqual([true, 1]);
    await nextTurns(2);
    expect(s.paused).toBe(false);
  });

  it("keeps a paused connection out of the next turn's reads, so the I/O the spent turn started is handled first", async () => {
    const budget = new TurnBudget(1);
    const s = socket();
    budget.spend(s as unknown as Socket, 1);
    await nextTurns(1);
    expect(s.paused).toBe(true);
    // The next turn starts afresh: another connection may read its share meanwhile.
    const other = socket();
    budget.spend(other as unknown as Socket, 0, SCREENED_PER_EVENT - 1);
    expect(other.paused).toBe(false);
    await nextTurns(1);
    expect(s.paused).toBe(false);
  });

  it('pauses once the turn has read for its time bound, however few events that was, and starts the next turn afresh', async () => {
    let now = 1000;
    const budget = new TurnBudget(512, 2, () => now);
    const s = socket();
    budget.spend(s as unknown as Socket, 1, 0, now);
    now += 1.5;
    budget.spend(s as unknown as Socket, 1, 0, now - 0.5);
    expect(s.paused).toBe(false);
    now += 0.5;
    budget.spend(s as unknown as Socket, 1, 0, now - 0.2);
    expect([s.paused, budget.pauses]).toEqual([true, 1]);
    await nextTurns(2);
    expect(s.paused).toBe(false);
    budget.spend(s as unknown as Socket, 1, 0, now);
    expect(s.paused).toBe(false);
  });
});
