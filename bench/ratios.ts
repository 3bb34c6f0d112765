// Reads the seed scripts' JSON-lines results and prints relay ÷ peer for the figures that matter.
import { readFileSync } from 'node:fs';

const FIELDS = ['delivered', 'lost', 'total_s', 'alerts_per_s', 'lat_p50_ms', 'cpu_s', 'rss_peak_kb'];
const rows = readFileSync(process.argv[2]!, 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Record<string, unknown>);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const figure = (test: string, label: string, field: string): number | undefined => {
  const xs = rows
    .filter((r) => r.test === test && r.label === label)
    .map((r) =>
      field === 'cpu_s' && typeof r.cpu_pct === 'number' && typeof r.total_s === 'number' ? (r.cpu_pct * r.total_s) / 100 : r[field],
    )
    .filter((v): v is number => typeof v === 'number');
  return xs.length ? median(xs) : undefined;
};

console.log('\n| test | figure | peer | relay | relay/peer |\n| --- | --- | --- | --- | --- |');
for (const test of [...new Set(rows.map((r) => String(r.test)))]) {
  for (const field of FIELDS) {
    const peer = figure(test, 'peer', field);
    const relay = figure(test, 'relay', field);
    if (peer === undefined && relay === undefined) continue;
    const ratio = peer && relay !== undefined ? (relay / peer).toFixed(2) : 'n/a';
    console.log(`| ${test} | ${field} | ${peer ?? 'n/a'} | ${relay ?? 'n/a'} | ${ratio} |`);
  }
}
