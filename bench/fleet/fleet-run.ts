// One receiver under the fleet: started, the simulated hosts connect (spread over the ramp), every host's
// first message passed on, then a steady window in which its RSS is sampled every second and its CPU
// counted; then a restart as a service manager does it (SIGTERM, wait for the exit, start again), timed
// until every host holds a session with the new process and has had a message passed on by it.
import type { FleetCerts } from './fleet-certs.ts';
import { cpuSeconds, listenOverflows, peakRssKb, rssKb } from './proc-usage.ts';
import type { Receiver } from './receiver.ts';
import { Simulator, type SimulatorReport } from './simulator-process.ts';

export interface FleetOptions {
  hosts: number;
  /** Seconds of steady load measured. */
  steadyS: number;
  intervalMs: number;
  dir: string;
}

export interface FleetRun {
  receiver: string;
  /** From the simulator's start until every host held a session and had its first message passed on. */
  rampS: number | undefined;
  /** Median of the 1-s samples over the steady window. */
  steadyRssKb: number;
  /** VmHWM of the first process, ramp and steady load. */
  peakRssKb: number;
  cpuSPerMin: number;
  /** Messages passed on per second over the steady window. */
  passedPerS: number;
  /** SIGTERM until the process had exited. */
  stopS: number;
  /** SIGTERM until the new process listened. */
  downS: number;
  /** From listening again until every host held a session with the new process. */
  reconnectS: number | undefined;
  /** From listening again until every host had a message of its new session passed on. */
  passedS: number | undefined;
  /** Hosts without a message through the new process when the run gave up. */
  missing: number;
  /** The new process: CPU seconds and peak RSS from its start until every host's message was through. */
  restartCpuS: number;
  restartPeakRssKb: number;
  /** The simulator's CPU seconds over the same time: the hosts' side of the handshakes, on the same 2 cores. */
  restartSimulatorCpuS: number;
  /** Connection attempts refused or failed in the handshake, as the hosts saw them, over the restart. */
  failedAttempts: number;
  /** Rise of the kernel's ListenOverflows (any listener on this machine) over the restart. */
  listenOverflows: number;
  /** The receiver's own counters at the end. */
  counters: Record<string, number>;
  /** The simulator, over the steady window: CPU seconds per minute and RSS. */
  simulatorCpuSPerMin: number;
  simulatorRssKb: number;
  pending: number;
  dropped: number;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? Number.NaN;
const say = (s: string) => process.stderr.write(`  fleet: ${s}\n`);

/** Resolves when `done` holds (polled every 50 ms), or false after `ms`. */
async function until(done: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await pause(50)) if (done()) return true;
  return done();
}

export async function fleetRun(receiver: Receiver, certs: FleetCerts, opts: FleetOptions): Promise<FleetRun> {
  const { hosts, intervalMs } = opts;
  const { tally } = receiver;
  // Long enough for the slowest receiver seen to take the whole fleet's handshakes at the ramp's pace, and then some.
  const patienceMs = 60_000 + hosts * 10;
  await receiver.start();
  const started = Date.now();
  const sim = Simulator.start(
    { port: receiver.port, hosts, ca: certs.ca, clients: certs.clients, intervalMs, reopenMs: [1000, 2000], rampMs: hosts },
    opts.dir,
  );
  try {
    const all = await sim.waitFor((r) => r.allCurrentAt !== undefined, patienceMs);
    const through = all !== undefined && (await until(() => tally.allAt !== undefined, intervalMs + 30_000));
    const rampS = through ? (Math.max(all.allCurrentAt!, tally.allAt!) - started) / 1000 : undefined;
    say(
      `${receiver.name}: ${sim.last?.secure}/${hosts} sessions, ${tally.covered}/${hosts} hosts passed on, ramp ${rampS ?? 'incomplete'} s`,
    );

    const pid = receiver.pid;
    const [cpu0, passed0, sim0] = [cpuSeconds(pid), tally.total, sim.last!];
    const samples: number[] = [];
    for (let s = 0; s < opts.steadyS; s++) {
      await pause(1000);
      samples.push(rssKb(pid));
    }
    const [cpu1, passed1, sim1] = [cpuSeconds(pid), tally.total, sim.last!];
    const peak = peakRssKb(pid);
    say(`${receiver.name}: steady ${opts.steadyS} s, ${(((cpu1 - cpu0) / opts.steadyS) * 60).toFixed(1)} CPU s/min`);

    const restart = await restartTimed(receiver, sim, patienceMs);
    return {
      receiver: receiver.name,
      rampS,
      steadyRssKb: median(samples),
      peakRssKb: peak,
      cpuSPerMin: ((cpu1 - cpu0) / opts.steadyS) * 60,
      passedPerS: (passed1 - passed0) / opts.steadyS,
      ...restart,
      counters: await receiver.counters(),
      simulatorCpuSPerMin: ((sim1.cpuS - sim0.cpuS) / opts.steadyS) * 60,
      simulatorRssKb: sim1.rssKb,
    };
  } catch (err) {
    throw new Error(`${receiver.name}: ${(err as Error).message}\n${receiver.log()}`);
  } finally {
    await sim.stop();
    await receiver.stop();
    await receiver.close();
  }
}

type Restart = Pick<
  FleetRun,
  | 'stopS'
  | 'downS'
  | 'reconnectS'
  | 'passedS'
  | 'missing'
  | 'restartCpuS'
  | 'restartPeakRssKb'
  | 'restartSimulatorCpuS'
  | 'failedAttempts'
  | 'listenOverflows'
  | 'pending'
  | 'dropped'
>;

async function restartTimed(receiver: Receiver, sim: Simulator, patienceMs: number): Promise<Restart> {
  const { tally } = receiver;
  // The new epoch is in force in the simulator before the SIGTERM: no session opened after it reaches the old process.
  tally.expect(1);
  sim.epoch(1);
  await sim.waitFor((r) => r.epoch === 1, 5000);
  const [overflows0, failed0] = [listenOverflows(), sim.last!.failedAttempts];
  const t0 = Date.now();
  await receiver.stop();
  const simCpu0 = sim.last!.cpuS;
  const stopped = Date.now();
  await receiver.start();
  const up = Date.now();
  const pid = receiver.pid;
  say(`${receiver.name}: restarted (stop ${(stopped - t0) / 1000} s, listening ${(up - t0) / 1000} s after the SIGTERM)`);
  const back = await sim.waitFor((r) => r.allCurrentAt !== undefined, patienceMs);
  await until(() => tally.allAt !== undefined, patienceMs - (Date.now() - up));
  const last: SimulatorReport = sim.last!;
  say(`${receiver.name}: ${last.current}/${tally.hosts} back, ${tally.covered}/${tally.hosts} passed on`);
  return {
    stopS: (stopped - t0) / 1000,
    downS: (up - t0) / 1000,
    reconnectS: back?.allCurrentAt === undefined ? undefined : (back.allCurrentAt - up) / 1000,
    passedS: tally.allAt === undefined ? undefined : (tally.allAt - up) / 1000,
    missing: tally.hosts - tally.covered,
    restartCpuS: cpuSeconds(pid),
    restartPeakRssKb: peakRssKb(pid),
    restartSimulatorCpuS: last.cpuS - simCpu0,
    failedAttempts: last.failedAttempts - failed0,
    listenOverflows: listenOverflows() - overflows0,
    pending: last.pending,
    dropped: last.dropped,
  };
}
