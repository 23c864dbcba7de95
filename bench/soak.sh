#!/usr/bin/env bash
# Issue 9 soak: TASKS tasks (default 50000) through a real gearmand into one `mrt serve`,
# rootless as an unprivileged user (default mrt-test), pool 2, batches of 100, task mode (a
# fresh container per task). Of every 500 tasks: 1 sleeps past its function's 1 s timeout
# (killed, 124), 10 exit 3, the rest run `true`.
# Samples the daemon after the first 1,000 tasks and at the end: RSS, Java heap used after a
# full GC (jcmd GC.run + GC.heap_info), open file descriptors and threads. Then checks that
# nothing of mrt's own failed (no WORK_FAIL, each exit code where it belongs, no ERROR or
# exception in its log) and that nothing is left under its state directory.
# Usage: bench/soak.sh [TASKS]   (after ./mvnw package; appends to bench/RESULTS.md)
set -euo pipefail
cd "$(dirname "$0")/.."
TASKS=${1:-50000}
FIRST=1000
USER_NAME=${MRT_TEST_USER:-mrt-test}
JAR=$PWD/target/quarkus-app/quarkus-run.jar
[ -f "$JAR" ] || { echo "bench: build first: ./mvnw package -DskipTests" >&2; exit 1; }
command -v gearmand >/dev/null || { echo "bench: apt-get install gearman-job-server" >&2; exit 1; }
[ "$TASKS" -gt "$FIRST" ] || { echo "bench: TASKS must be more than $FIRST" >&2; exit 1; }

. bench/lib.sh
make_workdir soak
printf '[supportedBatchCommands]\nsoak_v0.0 = sh\n' > "$W/modules"
printf 'mrt.functions."soak_v0.0".timeout=1s\n' > "$W/mrt.properties"
give_to_user
MRT_ENV=(MRT_CACHE_DIR="$W/cache" MRT_STATE_DIR="$W/state")

start_gearmand

LOG=$W/logs/serve.log
as_user env "${MRT_ENV[@]}" MRT_GEARMAN_SERVERS="127.0.0.1:$PORT" \
  MRT_ARCHIVEMATICA_MODULES_FILE="$W/modules" MRT_ARCHIVEMATICA_SHARED_DIRECTORY="$W/shared" \
  MRT_ARCHIVEMATICA_CLIENT_ASSETS_DIRECTORY="$W/shared" MRT_POOL_SIZE=2 QUARKUS_HTTP_PORT=0 \
  java -jar "$W/app/quarkus-run.jar" serve --config "$W/mrt.properties" >"$LOG" 2>&1 &
PIDS+=($!)
for _ in $(seq 600); do grep -q "connected to gearmand" "$LOG" && break; sleep 0.1; done
JVM=$(pgrep -u "$USER_NAME" -f "$W/app/quarkus-run.jar serve" | head -1)
[ -n "$JVM" ] || { echo "bench: serve did not start"; cat "$LOG"; exit 1; }

ARGS=$(python3 -c 'import json; print(json.dumps(["-c '"'"'sleep 30'"'"'"] + ["-c '"'"'exit 3'"'"'"] * 10 + ["-c true"] * 489))')

sample() { # label -> one JSON object
  as_user jcmd "$JVM" GC.run >/dev/null
  local heap rss fds threads
  heap=$(as_user jcmd "$JVM" GC.heap_info | grep -oE 'used [0-9]+K' | head -1 | grep -oE '[0-9]+')
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$JVM/status")
  threads=$(awk '/Threads/ {print $2}' "/proc/$JVM/status")
  fds=$(ls "/proc/$JVM/fd" | wc -l)
  printf '{"at":"%s","rss_kib":%s,"heap_used_after_gc_kib":%s,"fds":%s,"threads":%s}\n' \
    "$1" "$rss" "$heap" "$fds" "$threads"
}

start=$(date +%s)
first=$(python3 "$W/submit.py" "$PORT" soak_v0.0 "$FIRST" 100 4 "$ARGS")
s1=$(sample "$FIRST tasks")
rest=$(python3 "$W/submit.py" "$PORT" soak_v0.0 $((TASKS - FIRST)) 100 4 "$ARGS")
s2=$(sample "$TASKS tasks")
seconds=$(( $(date +%s) - start ))

kill -TERM "$JVM"
for _ in $(seq 600); do kill -0 "$JVM" 2>/dev/null || break; sleep 0.1; done
# Files only: the empty bundles/, runc/ and batches/ directories stay; the API token and the
# content-addressed /etc/hosts files are meant to.
left=$(find "$W/state" -mindepth 1 -not -type d -not -name api-token -not -path '*/network/hosts-*' | wc -l)
left_bundles=$( (ls -A "$W/state/bundles" 2>/dev/null || true) | wc -l)
left_containers=$( (ls -A "$W/state/runc" 2>/dev/null || true) | wc -l)
errors=$(grep -cE ' ERROR |Exception' "$LOG" || true)
pastas=$(pgrep -u "$USER_NAME" -x pasta | wc -l || true)

summary=$(python3 - "$first" "$rest" "$s1" "$s2" <<'EOF'
import json, sys
first, rest, s1, s2 = (json.loads(a) for a in sys.argv[1:5])
exits = {}
for r in (first, rest):
    for k, v in r["exits"].items():
        exits[k] = exits.get(k, 0) + v
print(json.dumps({"failed_batches": first["failed_batches"] + rest["failed_batches"],
                  "exits": exits, "tasks_per_s_after_first": rest["tasks_per_s"],
                  "growth": {k: s2[k] - s1[k] for k in s1 if k != "at"}}))
EOF
)
echo "first $first"; echo "rest  $rest"; echo "$s1"; echo "$s2"; echo "$summary"
echo "left under the state directory: $left_bundles bundles, $left_containers containers, $left other; ERROR/exception lines in the log: $errors"

{
  echo
  echo "## Soak, $(date -u +%Y-%m-%d) ($(uname -m), $(nproc) cores, rootless as $USER_NAME, $(java -version 2>&1 | head -1))"
  echo
  echo "\`bench/soak.sh $TASKS\`: $TASKS tasks in batches of 100 through gearmand, pool 2, a fresh"
  echo "container per task; of every 500 tasks 1 overruns its 1 s timeout, 10 exit 3. ${seconds} s in all."
  echo
  echo "| sample | RSS KiB | heap after GC KiB | FDs | threads |"
  echo "|---|---|---|---|---|"
  for s in "$s1" "$s2"; do
    python3 -c 'import json,sys; s=json.loads(sys.argv[1]); print("| %s | %d | %d | %d | %d |" % (s["at"], s["rss_kib"], s["heap_used_after_gc_kib"], s["fds"], s["threads"]))' "$s"
  done
  echo
  echo "- exit codes: $(echo "$summary" | python3 -c 'import json,sys; print(json.load(sys.stdin)["exits"])'); failed batches (WORK_FAIL): $(echo "$summary" | python3 -c 'import json,sys; print(json.load(sys.stdin)["failed_batches"])')"
  echo "- throughput after the first $FIRST: $(echo "$rest" | python3 -c 'import json,sys; print(json.load(sys.stdin)["tasks_per_s"])') tasks/s"
  echo "- left after SIGTERM: $left_bundles bundles, $left_containers runc containers, $left other entries under the state directory; $pastas pasta processes; ERROR or exception lines in serve's log: $errors"
} >> bench/RESULTS.md
echo "appended to bench/RESULTS.md"
