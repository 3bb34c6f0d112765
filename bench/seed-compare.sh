#!/usr/bin/env bash
# relay against the seed pipeline (syslog-ng + python() + Apprise), on the same loads, in one process tree.
# Uses the seed's own scripts (../shared/bench/seed-pipeline): each scenario runs once with syslog-ng as the
# peer, then once against a fresh relay (TARGET mode), RUNS times interleaved; prints both tables and ratios.
#   bench/seed-compare.sh                     # a b c d e, RUNS=1 (about 6 minutes)
#   RUNS=3 SCENARIOS="b d" bench/seed-compare.sh
#   RELAY_ONLY=1 RELAY_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" SCENARIOS=e bench/seed-compare.sh
# The relay runs from dist/: `npm run build` first (npm run bench does).
# Needs: syslog-ng-core syslog-ng-mod-python apprise (Debian), loggen, curl, python3.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SEED=${SEED:-$ROOT/../shared/bench/seed-pipeline}
SCENARIOS=${SCENARIOS:-"a b c d e"}
RUNS=${RUNS:-1}
WORK=$(mktemp -d /tmp/relay-bench.XXXXXX)
export RESULTS=${RESULTS:-$WORK/results.jsonl} BL_WORK=$WORK
RELAY_PID=""
# The generated 20 MB input of e and the relay's state go; the results stay for the tables below.
trap '[ -n "$RELAY_PID" ] && kill "$RELAY_PID" 2>/dev/null; rm -rf "$WORK/tmp" "$WORK/state"; true' EXIT

script_of() { case $1 in b) echo b_seed.sh ;; c) echo c_delay.sh ;; d) echo d_429.sh ;; e) echo e_filter.sh ;; a) echo a_ingest.sh ;; esac; }
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

start_relay() { # scenario port sink_port
  local match='{}'
  [ "$1" = e ] && match='{ app: sudo, message: "/FAILED/" }'
  [ "$1" = a ] && match='{ app: no-such-program }'   # the ingest ceiling: parse and match, alert nothing
  rm -rf "$WORK/state"                               # each run starts with an empty outbox
  cat > "$WORK/relay.yaml" <<YAML
listeners:
  - { name: tcp, type: tcp, address: "127.0.0.1:$2" }
notifiers:
  sink: json://127.0.0.1:$3/alert
rules:
  - { name: all, match: $match, notify: [sink], title: "{{host}} {{app}}", body: "{{message}}" }
delivery: { backoff: 200ms, max_backoff: 5s }
state_dir: $WORK/state
log: { level: warn }
http: { address: "127.0.0.1:$(free_port)" }
YAML
  # exec'd node is the relay process itself, so the seed scripts read its CPU and RSS; the compiled dist/
  # (bin/relay.js, `npm run build`) is what users install, so its start-up weight is the one measured.
  (cd "$ROOT" && exec node ${RELAY_NODE_FLAGS:-} bin/relay.js run --config "$WORK/relay.yaml" 2>"$WORK/relay.log" >"$WORK/relay.out") &
  RELAY_PID=$!
  for _ in $(seq 100); do (echo > "/dev/tcp/127.0.0.1/$2") 2>/dev/null && return; sleep 0.1; done
  echo "relay did not start: $(cat "$WORK/relay.log")" >&2; exit 1
}

for run in $(seq "$RUNS"); do
  for s in $SCENARIOS; do
    script=$(script_of "$s")
    echo "=== run $run: $s peer (syslog-ng + Apprise)" >&2
    [ -n "${RELAY_ONLY:-}" ] || LABEL=peer "$SEED/$script"
    echo "=== run $run: $s relay" >&2
    port=$(free_port); sink=$(free_port)
    start_relay "$s" "$port" "$sink"
    LABEL=relay SINK_PORT=$sink TARGET=127.0.0.1:$port TARGET_PID=$RELAY_PID "$SEED/$script"
    kill "$RELAY_PID"; wait "$RELAY_PID" 2>/dev/null || true; RELAY_PID=""
  done
done
python3 "$SEED/summarize.py" "$RESULTS"
node --import tsx "$ROOT/bench/ratios.ts" "$RESULTS"
echo "raw results: $RESULTS" >&2
