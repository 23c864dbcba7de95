#!/usr/bin/env bash
# Issue 3 benchmark: `mrt serve` throughput against a bare runc loop, in one run.
#   - TASKS tasks (default 1000) of `true` through gearmand into `mrt serve`, rootless as an
#     unprivileged user (default mrt-test), pool size 2, in batches of 128 and of 1;
#     then batches of 128 with pool size 1 and 4
#   - the baseline: bare `runc run` of the same bundle (the config.json `mrt spec --network none -- true`, serve's default network,
#     prints), the runc mrt unpacked in its cache, TASKS runs with 2 at once
# Submitter: bench/gearman-submit.py (Gearman client in python3 stdlib), enough jobs in flight
# that the pool never waits for the client (2 x pool for single tasks, 2 batches of 128). Latencies: job = submit -> reply; task =
# submit of its batch -> its finishedTimestamp (for batches of 128 that includes its place in
# the batch). Runs in about 2 minutes.
# Usage: bench/serve-vs-runc.sh [TASKS]   (after ./mvnw package; appends to bench/RESULTS.md)
set -euo pipefail
cd "$(dirname "$0")/.."
TASKS=${1:-1000}
WARMUP=${WARMUP:-1000} # single-task jobs through mrt before each measured run
USER_NAME=${MRT_TEST_USER:-mrt-test}
JAR=$PWD/target/quarkus-app/quarkus-run.jar
[ -f "$JAR" ] || { echo "bench: build first: ./mvnw package -DskipTests" >&2; exit 1; }
command -v gearmand >/dev/null || { echo "bench: apt-get install gearman-job-server" >&2; exit 1; }

. bench/lib.sh
make_workdir serve
mkdir -p "$W/bundle" "$W/runc-state"
printf '[supportedBatchCommands]\ntrue_v0.0 = true\n' > "$W/modules"
give_to_user
# Warm the cache; the baseline runs the very spec mrt uses.
use_mrt
bundle_of "$W/bundle" true

start_gearmand

serve_run() { # pool batch -> JSON line of gearman-submit.py
  local pool=$1 batch=$2 log="$W/logs/serve-$1-$2.log"
  as_user env "${MRT_ENV[@]}" MRT_GEARMAN_SERVERS="127.0.0.1:$PORT" \
    MRT_ARCHIVEMATICA_MODULES_FILE="$W/modules" MRT_ARCHIVEMATICA_SHARED_DIRECTORY="$W/shared" \
    MRT_ARCHIVEMATICA_CLIENT_ASSETS_DIRECTORY="$W/shared" MRT_POOL_SIZE="$pool" \
    "${MRT[@]}" serve >"$log" 2>&1 &
  local pid=$!
  for _ in $(seq 300); do grep -q "connected to gearmand" "$log" && break; sleep 0.1; done
  # Warm-up, as a daemon that has been serving a while: without it about half of mrt's CPU
  # per single-task job is JIT compilation (measured: 5.9 ms of JVM CPU per job after 20
  # warm-up jobs, 2.7 ms after 1500). Both paths: single-task jobs and whole batches.
  python3 "$W/submit.py" "$PORT" true_v0.0 "$WARMUP" 1 4 >/dev/null
  python3 "$W/submit.py" "$PORT" true_v0.0 256 128 2 >/dev/null
  # Enough jobs in flight that the pool never waits for the client, no more: single tasks
  # 2 x pool; batches of 128 fill the pool alone, so one running and one queued.
  local window=$((2 * pool)); [ "$batch" -gt 1 ] && window=2
  python3 "$W/submit.py" "$PORT" true_v0.0 "$TASKS" "$batch" "$window"
  local child; child=$(pgrep -P "$pid" || true) # the JVM under runuser, else mrt itself
  kill -TERM "${child:-$pid}"
  wait "$pid" || true
}

runc_run() { # TASKS bare runc runs, 2 at once -> JSON line
  as_user python3 - "$RUNC" "$W" "$TASKS" <<'EOF'
import concurrent.futures, json, subprocess, sys, time
runc, w, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
def one(i):
    t = time.time()
    r = subprocess.run([runc, "--root", w + "/runc-state", "run", "--bundle", w + "/bundle",
                        "bench-%d" % i], stdin=subprocess.DEVNULL, capture_output=True)
    return (time.time() - t) * 1000, r.returncode
start = time.time()
with concurrent.futures.ThreadPoolExecutor(2) as ex:
    res = list(ex.map(one, range(n)))
s = time.time() - start
ms = sorted(r[0] for r in res)
pct = lambda p: round(ms[min(len(ms) - 1, int(round(p / 100 * (len(ms) - 1))))], 1)
print(json.dumps({"tasks": n, "seconds": round(s, 3), "tasks_per_s": round(n / s, 1),
                  "nonzero_exits": sum(r[1] != 0 for r in res), "job_p50": pct(50),
                  "job_p99": pct(99), "task_p50": pct(50), "task_p99": pct(99)}))
EOF
}

echo "measuring ($TASKS tasks each, rootless as $USER_NAME)..." >&2
R_RUNC=$(runc_run)
R_P2_B128=$(serve_run 2 128)
R_P2_B1=$(serve_run 2 1)
R_P1_B128=$(serve_run 1 128)
R_P4_B128=$(serve_run 4 128)

field() { python3 -c 'import json,sys; v=json.loads(sys.argv[1])[sys.argv[2]]; print("n/a" if v is None else v)' "$1" "$2"; }
ratio() { python3 -c 'import sys; print("%.2fx" % (float(sys.argv[1]) / float(sys.argv[2])))' "$1" "$2"; }
row() { # label json
  echo "| $1 | $(field "$2" tasks_per_s) | $(ratio "$(field "$2" tasks_per_s)" "$(field "$R_RUNC" tasks_per_s)") | $(field "$2" task_p50) | $(field "$2" task_p99) | $(field "$2" job_p50) | $(field "$2" job_p99) | $(field "$2" nonzero_exits) |"
}

{
  echo
  echo "## serve"
  echo
  echo "### \`mrt serve\` against a bare runc loop ($TASKS x \`true\`, rootless, $(date -u +%F))"
  echo
  echo "Command: \`bench/serve-vs-runc.sh $TASKS\` on $(nproc) cores, $(uname -r), $($RUNC --version | head -1), gearmand $(dpkg-query -W -f '${Version}' gearman-job-server 2>/dev/null). Each mrt serve is first warmed with $WARMUP single-task jobs and 2 batches of 128."
  echo
  echo "| what | tasks/s | vs bare runc | task p50 ms | task p99 ms | job p50 ms | job p99 ms | non-zero exits |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  row "bare \`runc run\`, 2 at once" "$R_RUNC"
  row "mrt serve, pool 2, batches of 128" "$R_P2_B128"
  row "mrt serve, pool 2, batches of 1" "$R_P2_B1"
  row "mrt serve, pool 1, batches of 128" "$R_P1_B128"
  row "mrt serve, pool 4, batches of 128" "$R_P4_B128"
  echo
  echo "Job latency: submit to reply, with 2 x pool size single-task jobs or 2 batches in flight"
  echo "(so it includes waiting in gearmand's queue). Task latency: submit of its batch to the task's finishedTimestamp;"
  echo "in batches of 128 it includes the task's place in the batch. For bare runc both are one"
  echo "\`runc run\`."
} | tee -a bench/RESULTS.md
