#!/usr/bin/env bash
# Issue 10 benchmark: warm containers, side by side with cold ones and bare runc, in one run.
#   1. start latency of single-task jobs (`date +%s%N`, one at a time, GAP_MS apart): mrt serve
#      with warm start (the default) against mrt serve with mrt.pool.warm=0 against bare
#      `runc run` of the same config.json (bench/start-latency.py says how each is timed)
#   2. throughput through gearmand, pool 2, TASKS x `true`, on a daemon just started (no
#      warm-up run): batches of 100 and single-task jobs, warm and cold, against a bare
#      `runc run` loop of 2 at once
# Rootless as an unprivileged user (default mrt-test).
# Usage: bench/warm-start.sh [TASKS] [LATENCY_TASKS]  (after ./mvnw package; appends to
# bench/RESULTS.md)
set -euo pipefail
cd "$(dirname "$0")/.."
TASKS=${1:-1000}
LATENCY_TASKS=${2:-1000}
GAP_MS=${GAP_MS:-100}
USER_NAME=${MRT_TEST_USER:-mrt-test}
JAR=$PWD/target/quarkus-app/quarkus-run.jar
[ -f "$JAR" ] || { echo "bench: build first: ./mvnw package -DskipTests" >&2; exit 1; }
command -v gearmand >/dev/null || { echo "bench: apt-get install gearman-job-server" >&2; exit 1; }

. bench/lib.sh
make_workdir warm
cp bench/start-latency.py "$W/latency.py"
mkdir -p "$W/runc-state"
printf '[supportedBatchCommands]\ntrue_v0.0 = true\ndate_v0.0 = date\n' > "$W/modules"
give_to_user
# Fill the cache; the baselines run the very specs mrt uses for these jobs.
use_mrt
bundle_of "$W/bundle-true" true
bundle_of "$W/bundle-date" date +%s%N

start_gearmand
HTTP_PORT=$(free_port)

serve_start() { # warm(count) log -> sets SERVE_PID
  as_user env "${MRT_ENV[@]}" MRT_GEARMAN_SERVERS="127.0.0.1:$PORT" \
    MRT_ARCHIVEMATICA_MODULES_FILE="$W/modules" MRT_ARCHIVEMATICA_SHARED_DIRECTORY="$W/shared" \
    MRT_ARCHIVEMATICA_CLIENT_ASSETS_DIRECTORY="$W/shared" MRT_POOL_SIZE=2 MRT_POOL_WARM="$1" \
    QUARKUS_HTTP_PORT="$HTTP_PORT" "${MRT_SERVE[@]}" >"$2" 2>&1 &
  SERVE_PID=$!
  for _ in $(seq 300); do grep -q "connected to gearmand" "$2" && return; sleep 0.1; done
  echo "bench: mrt serve did not connect; see $2" >&2; cat "$2" >&2; exit 1
}
serve_stop() {
  local child; child=$(pgrep -P "$SERVE_PID" || true) # the JVM under runuser, else mrt itself
  kill -TERM "${child:-$SERVE_PID}"
  wait "$SERVE_PID" || true
}
warm_counts() { # -> "N hits, M misses" from the running serve's metrics
  curl -s "http://127.0.0.1:$HTTP_PORT/metrics" | awk '/^mrt_warm_hits_total/ {h+=$2} /^mrt_warm_misses_total/ {m+=$2} END {printf "%d hits, %d misses", h, m}'
}

# Each run leaves its warm hits and misses in $W/counts-NAME (runs are command substitutions).
latency_serve() { # warm -> JSON
  local log="$W/logs/latency-$1.log"
  serve_start "$1" "$log"
  python3 "$W/latency.py" mrt "$PORT" date_v0.0 "$LATENCY_TASKS" "$GAP_MS"
  warm_counts > "$W/counts-latency-$1"
  serve_stop
}
throughput_serve() { # warm batch window -> JSON
  local log="$W/logs/throughput-$1-$2.log"
  serve_start "$1" "$log"
  python3 "$W/submit.py" "$PORT" true_v0.0 "$TASKS" "$2" "$3"
  warm_counts > "$W/counts-throughput-$1-$2"
  serve_stop
}
runc_loop() { # TASKS bare runc runs of `true`, 2 at once -> JSON
  as_user python3 - "$RUNC" "$W" "$TASKS" <<'PY'
import concurrent.futures, json, subprocess, sys, time
runc, w, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
def one(i):
    return subprocess.run([runc, "--root", w + "/runc-state", "run", "--bundle",
                           w + "/bundle-true", "bench-%d" % i], stdin=subprocess.DEVNULL,
                          capture_output=True).returncode
start = time.time()
with concurrent.futures.ThreadPoolExecutor(2) as ex:
    res = list(ex.map(one, range(n)))
s = time.time() - start
print(json.dumps({"tasks": n, "seconds": round(s, 3), "tasks_per_s": round(n / s, 1),
                  "nonzero_exits": sum(r != 0 for r in res)}))
PY
}

field() { python3 -c 'import json,sys; v=json.loads(sys.argv[1])[sys.argv[2]]; print("n/a" if v is None else v)' "$1" "$2"; }
ratio() { python3 -c 'import sys; print("%.2fx" % (float(sys.argv[1]) / float(sys.argv[2])))' "$1" "$2"; }

echo "start latency ($LATENCY_TASKS single-task jobs each, ${GAP_MS} ms apart)..." >&2
L_BARE=$(as_user python3 "$W/latency.py" bare "$RUNC" "$W/runc-state" "$W/bundle-date" "$LATENCY_TASKS" "$GAP_MS")
L_WARM=$(latency_serve 2)
L_COLD=$(latency_serve 0)
echo "throughput ($TASKS tasks each, pool 2, daemon just started)..." >&2
T_RUNC=$(runc_loop)
T_WARM_100=$(throughput_serve 2 100 2)
T_WARM_1=$(throughput_serve 2 1 4)
T_COLD_100=$(throughput_serve 0 100 2)
T_COLD_1=$(throughput_serve 0 1 4)
T_RUNC_AFTER=$(runc_loop)

lrow() { echo "| $1 | $(field "$2" p50) | $(field "$2" p99) | $(field "$2" mean) | $(ratio "$(field "$2" p50)" "$(field "$L_BARE" p50)") | $3 |"; }
trow() { echo "| $1 | $(field "$2" tasks_per_s) | $(ratio "$(field "$2" tasks_per_s)" "$(field "$T_RUNC" tasks_per_s)") | $(field "$2" nonzero_exits) | $3 |"; }
{
  echo
  echo "## warm-start, $(date -u +%FT%H:%MZ)"
  echo
  echo "Command: \`bench/warm-start.sh $TASKS $LATENCY_TASKS\` (GAP_MS=$GAP_MS), rootless as $USER_NAME, on $(nproc) cores, $(uname -r), $($RUNC --version | head -1), $(java -version 2>&1 | head -1)."
  echo
  echo "### Start latency: job sent -> its process running (\`date +%s%N\` inside), ms"
  echo
  echo "| what | p50 | p99 | mean | p50 vs bare runc | warm hits |"
  echo "|---|---:|---:|---:|---:|---|"
  lrow "bare \`runc run\` of the same config.json" "$L_BARE" ""
  lrow "mrt serve, warm (mrt.pool.warm=2)" "$L_WARM" "$(cat "$W/counts-latency-2")"
  lrow "mrt serve, cold (mrt.pool.warm=0)" "$L_COLD" ""
  echo
  echo "mrt's figures include the Gearman round trip and job decoding (sent -> handed to the pool), bare runc's only the spawn of runc."
  echo
  echo "### Throughput: pool 2, $TASKS x \`true\` through gearmand, daemon just started"
  echo
  echo "| what | tasks/s | vs bare runc | non-zero exits | warm hits |"
  echo "|---|---:|---:|---:|---|"
  trow "bare \`runc run\`, 2 at once (before)" "$T_RUNC" ""
  trow "mrt serve warm, batches of 100" "$T_WARM_100" "$(cat "$W/counts-throughput-2-100")"
  trow "mrt serve warm, single-task jobs" "$T_WARM_1" "$(cat "$W/counts-throughput-2-1")"
  trow "mrt serve cold, batches of 100" "$T_COLD_100" ""
  trow "mrt serve cold, single-task jobs" "$T_COLD_1" ""
  trow "bare \`runc run\`, 2 at once (after)" "$T_RUNC_AFTER" ""
} | tee -a bench/RESULTS.md
