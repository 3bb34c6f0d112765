// Whether a relay's resident set stayed flat over a run, judged one way for every scenario that samples it
// (the soak, the UDP flood): from a reference sample on (past start-up and the first heap growth), the end
// may not exceed the reference by more than 10 %, and the least-squares slope may not exceed 0.5 MB/min.
// Both, because a slow leak hides under the 10 % in a short run and GC sawtooth tilts a slope over a few points.

export interface RssSample {
  s: number;
  kb: number;
}

export interface Flatness {
  refS: number;
  refKb: number;
  endKb: number;
  slopeMbPerMin: number;
  flat: boolean;
}

export const FLAT_CRITERION = 'end ≤ 1.1 × reference, slope ≤ 0.5 MB/min';

/** `samples` in time order; the reference is the first one at or after `fromS` seconds. */
export function rssFlatness(samples: RssSample[], fromS: number): Flatness {
  const tail = samples.filter((x) => x.s >= fromS);
  const ref = tail[0] ?? samples.at(-1) ?? { s: 0, kb: NaN };
  const end = samples.at(-1) ?? ref;
  const n = tail.length;
  const meanS = tail.reduce((a, x) => a + x.s, 0) / n;
  const meanKb = tail.reduce((a, x) => a + x.kb, 0) / n;
  const cov = tail.reduce((a, x) => a + (x.s - meanS) * (x.kb - meanKb), 0);
  const varS = tail.reduce((a, x) => a + (x.s - meanS) ** 2, 0);
  const slopeMbPerMin = n >= 2 && varS > 0 ? ((cov / varS) * 60) / 1024 : NaN;
  return { refS: ref.s, refKb: ref.kb, endKb: end.kb, slopeMbPerMin, flat: end.kb <= ref.kb * 1.1 && slopeMbPerMin <= 0.5 };
}
