#!/usr/bin/env bash
# Issue 8 benchmark: mrt's archivematica runner against MCPClient's own model, in one run.
#   A. `mrt serve`, mrt.archivematica.runner=archivematica, pool 2: every Gearman batch pays a
#      fresh container + Python + django.setup() + module import + run_task
#   B. MCPClient's model: ONE long-lived Python in the same image (`mrt run`, started once):
#      Django set up and the module imported once, then run_task timed per batch
#   C. as A, with warm start (mrt.pool.warm, the default; A has it off): the batch's container
#      was started before it, Python, Django and the module already set up
# Script: the harness's echo_args (echoargs_v0.0), batches of 1 and of 128, A and B interleaved
# batch by batch, one batch at a time (Gearman window 1). The Tasks rows are inserted before
# each batch as MCPServer does (outside the timings), so the UPDATEs hit real rows.
# Rootful: B must be (`mrt run` refuses rootless for an image whose User is not root);
# MRT_BENCH_ROOTLESS=1 runs A and C rootless as mrt-test; MRT_BENCH_B_NETWORK=endpoint puts B
# behind the same pasta endpoint network as A and C. Takes about 2 minutes.
# Usage: bench/runner-vs-inprocess.sh [BATCHES_OF_1] [BATCHES_OF_128]   (as root, after
# ./mvnw package; prints a section for bench/RESULTS.md)
set -euo pipefail
cd "$(dirname "$0")/.."
N1=${1:-30} N128=${2:-10}
USER_NAME=${MRT_TEST_USER:-mrt-test}
[ -f target/quarkus-app/quarkus-run.jar ] || { echo "bench: build first: ./mvnw package -DskipTests" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "bench: run as root (B is a rootful container)" >&2; exit 1; }
for c in gearmand gearadmin mariadbd mariadb-install-db mariadb umoci mmdebstrap; do
  command -v "$c" >/dev/null || { echo "bench: $c is missing" >&2; exit 1; }; done

START=$SECONDS
W=$(mktemp -d /tmp/mrt-bench-inproc.XXXXXX)
PIDS=() BUILD_TMP=""
descendants() { local c; for c in $(pgrep -P "$1"); do descendants "$c"; echo "$c"; done; }
stop_inproc() { # EOF on its stdin ends B's driver, and with it `mrt run`
  local pid=${INPROC_PID:-} # bash unsets INPROC_PID once the coprocess has ended
  [ -n "$pid" ] || return 0
  [ -n "${INPROC[1]:-}" ] && eval "exec ${INPROC[1]}>&-"
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill "$pid" 2>/dev/null || true
}
cleanup() { # children first: `mrt serve` runs under a subshell (and runuser when rootless)
  stop_inproc
  for p in "${PIDS[@]}"; do kill $(descendants "$p") "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$W" ${BUILD_TMP:+"$BUILD_TMP"}
}
trap cleanup EXIT

# --- The harness image, built as src/test/java/dev/mrt/it/HarnessImage.java builds it. Its
# cache keys are computed the same way, so the integration tests' /tmp/mrt-it/harness is
# reused when it holds this very tree; otherwise it is built (once) under /tmp/mrt-bench.
DJ=/usr/lib/python3/dist-packages/django
MMDEB=(env SOURCE_DATE_EPOCH=1700000000 mmdebstrap --mode=unshare --variant=essential
  --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr
  --include=python3-minimal,python3-django,python3-mysqldb
  "--dpkgopt=path-exclude=/usr/share/man/*" "--dpkgopt=path-exclude=/usr/share/locale/*"
  "--dpkgopt=path-exclude=/usr/share/info/*" "--dpkgopt=path-exclude=/usr/share/doc/*"
  "--dpkgopt=path-include=/usr/share/doc/*/copyright"
  "--customize-hook=find \"\$1$DJ\" -name '*.po' -delete"
  "--customize-hook=find \"\$1$DJ\" -path '*/locale/*' -name '*.mo' ! -path '*/locale/en/*' -delete"
  "--customize-hook=echo 'archivematica:x:333:333:Archivematica:/var/lib/archivematica:/usr/sbin/nologin' >> \"\$1/etc/passwd\""
  "--customize-hook=echo 'archivematica:x:333:' >> \"\$1/etc/group\""
  "--customize-hook=mkdir -p \"\$1/var/lib/archivematica\" && chown 333:333 \"\$1/var/lib/archivematica\"")
ARCH=amd64; [ "$(uname -m)" = aarch64 ] && { ARCH=arm64; MMDEB+=(--architectures=arm64); }
MMDEB+=(bookworm)
TREE=$PWD/src/test/harness
TREE_FILES=$(cd "$TREE" && find . -type f ! -path '*/__pycache__/*' ! -name '*.pyc' | sed 's|^\./||' | LC_ALL=C sort)
read -r RKEY IKEY < <(python3 -c '
import hashlib, sys
rootfs = hashlib.sha256("\0".join(sys.argv[3:]).encode()).hexdigest()
h = hashlib.sha256(("harness-image-2\0" + rootfs + "\0").encode())
for f in sys.argv[2].split("\n"):
    h.update((f + "\0").encode() + open(sys.argv[1] + "/" + f, "rb").read() + b"\0")
print(rootfs[:16], h.hexdigest()[:16])' "$TREE" "$TREE_FILES" "${MMDEB[@]}")
build_image() { # DIR: builds the layout in DIR, then moves DIR to /tmp/mrt-bench/image-KEY
  local d rootfs="" tmp=$1 img=$1/layout:harness
  for d in /tmp/mrt-it/harness /tmp/mrt-bench; do
    [ -f "$d/rootfs-$RKEY.tar" ] && rootfs=$d/rootfs-$RKEY.tar && break; done
  if [ -z "$rootfs" ]; then
    echo "bench: mmdebstrap of the harness rootfs (about a minute)..."
    "${MMDEB[@]}" "$tmp/rootfs.tar"
    rootfs=/tmp/mrt-bench/rootfs-$RKEY.tar && mv "$tmp/rootfs.tar" "$rootfs"
  fi
  # The harness as a layer at /src/lib, owned by root and read-only, as an installed package.
  mkdir -p "$tmp/layer/src/lib"
  tar -C "$TREE" -cf - -T <(echo "$TREE_FILES") | tar -C "$tmp/layer/src/lib" -xf -
  find "$tmp/layer" -type d -exec chmod 755 {} + && find "$tmp/layer" -type f -exec chmod 644 {} +
  tar -C "$tmp/layer" --owner=0 --group=0 --numeric-owner --sort=name -cf "$tmp/harness.tar" src
  umoci init --layout "$tmp/layout" && umoci new --image "$img"
  [ "$ARCH" = amd64 ] || umoci config --image "$img" --architecture "$ARCH"
  umoci raw add-layer --image "$img" "$rootfs" && umoci raw add-layer --image "$img" "$tmp/harness.tar"
  umoci config --image "$img" --config.user archivematica --config.workingdir / \
    --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --config.env DJANGO_SETTINGS_MODULE=settings.test \
    --config.env PYTHONPATH=/src/lib:/src/lib/clientScripts \
    --config.env ARCHIVEMATICA_MCPCLIENT_MCPCLIENT_ARCHIVEMATICACLIENTMODULES=/src/lib/archivematicaClientModules
  umoci gc --layout "$tmp/layout" # each config step leaves the old config and manifest behind
  rm -rf "$tmp/layer" "$tmp/harness.tar" && cp "$TREE/archivematicaClientModules" "$tmp/"
  chmod -R a+rX "$tmp" && mv "$tmp" "/tmp/mrt-bench/image-$IKEY"
}
LAYOUT=""
for d in /tmp/mrt-it/harness /tmp/mrt-bench; do
  [ -f "$d/image-$IKEY/layout/index.json" ] && LAYOUT=$d/image-$IKEY/layout && break; done
if [ -z "$LAYOUT" ]; then
  mkdir -p /tmp/mrt-bench && BUILD_TMP=$(mktemp -d /tmp/mrt-bench/building-XXXXXX)
  build_image "$BUILD_TMP" >&2 && BUILD_TMP="" && LAYOUT=/tmp/mrt-bench/image-$IKEY/layout
fi
IMAGE=oci:$LAYOUT:harness

cp -r target/quarkus-app "$W/app" && cp bench/gearman-submit.py "$W/submit.py"
mkdir -p "$W/shared" "$W/logs" "$W/driver" "$W/db"
chmod 755 "$W" && chmod 777 "$W/shared" # the scripts run as the image's archivematica (333)
cp "$TREE/archivematicaClientModules" "$W/modules"
CACHE_A=$W/cache CACHE_B=$W/cache # one unpack of the image, shared as mrt shares its cache
. bench/lib.sh
if [ "${MRT_BENCH_ROOTLESS:-0}" = 1 ]; then
  give_to_user; MODE="A rootless as $USER_NAME"; CACHE_B=$W/cache-root
else as_user() { env HOME="$W" "$@"; }; MODE="rootful"; fi
MRT=(java -jar "$W/app/quarkus-run.jar")
use_launcher # A and C are `mrt serve` as installed: through the launcher, its JVM flags
GPORT=$(free_port) GPORT_C=$(free_port) DBPORT=$(free_port) HTTPPORT=$(free_port) HTTPPORT_C=$(free_port)

# --- MariaDB as src/test/java/dev/mrt/it/MariaDb.java starts it, with its Jobs and Tasks tables.
DBOPTS=(--no-defaults --innodb-buffer-pool-size=32M --innodb-log-file-size=8M --user=root
  --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci)
DB_ENV=(ARCHIVEMATICA_MCPCLIENT_CLIENT_HOST=127.0.0.1 ARCHIVEMATICA_MCPCLIENT_CLIENT_PORT=$DBPORT
  ARCHIVEMATICA_MCPCLIENT_CLIENT_USER=archivematica ARCHIVEMATICA_MCPCLIENT_CLIENT_PASSWORD=bench
  ARCHIVEMATICA_MCPCLIENT_CLIENT_DATABASE=MCP)
export MYSQL_PWD=bench # for the mariadb client, here and in A's submitter
SQL=(mariadb -h127.0.0.1 -P"$DBPORT" -uarchivematica MCP)
cat > "$W/db/init.sql" <<'EOF' # one statement a line, as mariadbd reads it
CREATE DATABASE MCP;
CREATE USER 'archivematica'@'127.0.0.1' IDENTIFIED BY 'bench';
GRANT ALL ON MCP.* TO 'archivematica'@'127.0.0.1';
EOF
mariadb-install-db "${DBOPTS[@]}" --datadir="$W/db/data" --skip-test-db \
  --auth-root-authentication-method=normal >"$W/logs/db-install.log" 2>&1
mariadbd "${DBOPTS[@]}" --datadir="$W/db/data" --socket="$W/db/sock" --pid-file="$W/db/pid" \
  --log-error="$W/logs/mariadbd.log" --tmpdir="$W/db" --bind-address=127.0.0.1 --port="$DBPORT" \
  --skip-networking=0 --skip-name-resolve --init-file="$W/db/init.sql" >/dev/null 2>&1 &
PIDS+=($!)
for _ in $(seq 300); do "${SQL[@]}" -e 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.1; done
# The DDL comes out of MariaDb.java's text blocks, so the two cannot drift apart.
python3 -c 'import re, sys
ddl = re.findall(r"_DDL =\s*\"\"\"\n(.*?)\"\"\"", open(sys.argv[1]).read(), re.S)
if len(ddl) != 2: sys.exit("bench: expected the Jobs and Tasks DDL in %s, found %d" % (sys.argv[1], len(ddl)))
print(";\n".join(ddl) + ";")' \
  src/test/java/dev/mrt/it/MariaDb.java | "${SQL[@]}"
# The rows MCPServer inserts before it submits a batch (Task.bulk_log); A and B both use it.
cat > "$W/driver/rows.py" <<'EOF'
import uuid
def insert_sql(function, task_uuids):
    job = str(uuid.uuid4())
    rows = ",".join("('%s','%s',UTC_TIMESTAMP(6),'','bench','%s','','','','')" % (t, job, function)
                    for t in task_uuids)
    return ("INSERT INTO Jobs (jobUUID, jobType, createdTime, SIPUUID, unitType, microserviceGroup)"
            " VALUES ('%s','%s',UTC_TIMESTAMP(6),'%s','unitTransfer','bench');" % (job, function, job),
            "INSERT INTO Tasks (taskUUID, jobuuid, createdTime, fileUUID, fileName, exec, arguments,"
            " client, stdOut, stdError) VALUES " + rows + ";")
EOF
# --- B: the long-lived MCPClient-style process, driven over stdin: a batch size in, ms out.
cat > "$W/driver/inproc.py" <<'EOF'
import subprocess, sys, time, uuid
import django
django.setup()
from client import loader, worker
from client.job import Job
from django.db import connection
from rows import insert_sql  # next to this script, so on sys.path
function, module = sys.argv[1], loader.load_module(sys.argv[2])
# "fresh": what A pays on top of B per batch, less the container: a new Python that sets
# Django up, connects to the database and imports the module.
FRESH = ("import django; django.setup(); from client import loader, worker, job;"
         " from django.db import connection; connection.ensure_connection();"
         " loader.load_module(%r)" % sys.argv[2])
print("ready %s %s" % (sys.version.split()[0], django.get_version()), flush=True)
for line in sys.stdin:
    t = time.perf_counter()
    if line.strip() == "fresh":
        subprocess.run([sys.executable, "-c", FRESH], stdout=subprocess.DEVNULL, check=True)
        print("%.3f 0" % ((time.perf_counter() - t) * 1000), flush=True)
        continue
    tasks = [str(uuid.uuid4()) for _ in range(int(line))]
    with connection.cursor() as c:
        for statement in insert_sql(function, tasks):
            c.execute(statement)
    t = time.perf_counter()
    jobs = [Job(function, u, [], capture_output=False) for u in tasks]
    worker.run_task(function, module, jobs)
    print("%.3f %d" % ((time.perf_counter() - t) * 1000, sum(j.get_exit_code() != 0 for j in jobs)),
          flush=True)
EOF
# --- A's submitter: gearman-submit.py, its batch() wrapped to insert the rows first: that is
# before its timer starts (it stamps a job once the packet is sent).
cat > "$W/driver/submit-rows.py" <<'EOF'
import importlib.util, json, subprocess, sys
from rows import insert_sql
submit_py, sql, function = sys.argv[1], sys.argv[2].split(), sys.argv[4]
spec = importlib.util.spec_from_file_location("submit", submit_py)
submit = importlib.util.module_from_spec(spec); spec.loader.exec_module(submit)
plain = submit.batch
def batch(n, *rest):
    data = plain(n, *rest)
    rows = insert_sql(function, list(json.loads(data)["tasks"]))
    subprocess.run(sql, input="\n".join(rows), text=True, check=True)
    return data
submit.batch = batch
sys.argv = [submit_py] + sys.argv[3:]  # PORT FUNCTION TASKS BATCH WINDOW
submit.main()
EOF
chmod -R a+rX "$W/driver"

# B on the host's network, as MCPClient runs; MRT_BENCH_B_NETWORK=endpoint gives it the
# network A and C have (pasta, the database's port only), to tell that cost apart.
B_NETWORK=host
[ "${MRT_BENCH_B_NETWORK:-host}" = endpoint ] && B_NETWORK=127.0.0.1:$DBPORT
echo "bench: starting B (mrt run, one Python) and A (mrt serve), $MODE..." >&2
B_ARGS=(); for e in "${DB_ENV[@]}"; do B_ARGS+=(-e "$e"); done
coproc INPROC { exec env HOME="$W" MRT_CACHE_DIR="$CACHE_B" MRT_STATE_DIR="$W/state-b" \
  "${MRT[@]}" run -i --network "$B_NETWORK" --image "$IMAGE" -v "$W/driver:/bench:ro" "${B_ARGS[@]}" \
  -- python3 /bench/inproc.py echoargs_v0.0 echo_args 2>"$W/logs/inproc.log"; }
read -r -t 300 -u "${INPROC[0]}" _ PY_VERSION DJANGO_VERSION || { cat "$W/logs/inproc.log" >&2; exit 1; }
start_serve() { # NAME GEARMAN_PORT HTTP_PORT WARM: one mrt serve with its own gearmand
  gearmand --listen=127.0.0.1 --port="$2" --log-file="$W/logs/gearmand-$1.log" >/dev/null 2>&1 &
  PIDS+=($!)
  for _ in $(seq 100); do gearadmin --status -p "$2" >/dev/null 2>&1 && break; sleep 0.1; done
  as_user env "${DB_ENV[@]}" MRT_CACHE_DIR="$CACHE_A" MRT_STATE_DIR="$W/state-$1" \
    MRT_GEARMAN_SERVERS="127.0.0.1:$2" MRT_POOL_SIZE=2 MRT_POOL_WARM="$4" QUARKUS_HTTP_PORT="$3" \
    MRT_ARCHIVEMATICA_RUNNER=archivematica MRT_ARCHIVEMATICA_IMAGE="$IMAGE" \
    MRT_ARCHIVEMATICA_MODULES_FILE="$W/modules" MRT_ARCHIVEMATICA_SHARED_DIRECTORY="$W/shared" \
    MRT_ARCHIVEMATICA_CLIENT_ASSETS_DIRECTORY="$W/shared" "${MRT_SERVE[@]}" >"$W/logs/serve-$1.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 600); do grep -q "connected to gearmand" "$W/logs/serve-$1.log" && break; sleep 0.1; done
  grep -q "connected to gearmand" "$W/logs/serve-$1.log" || { cat "$W/logs/serve-$1.log" >&2; exit 1; }
}
start_serve a "$GPORT" "$HTTPPORT" 0
start_serve c "$GPORT_C" "$HTTPPORT_C" 2

A_BAD=0 B_BAD=0 C_BAD=0
serve_batch() { # NAME GEARMAN_PORT size -> submit-to-reply ms of one batch through mrt serve
  local r ms bad; r=$(timeout 300 python3 "$W/driver/submit-rows.py" "$W/submit.py" "${SQL[*]}" \
    "$2" echoargs_v0.0 "$3" "$3" 1) || { tail -20 "$W/logs/serve-$1.log" >&2; exit 1; }
  read -r ms bad < <(python3 -c 'import json,sys; r=json.loads(sys.argv[1])
print(r["job_p50"], r["failed_batches"] + r["nonzero_exits"])' "$r")
  echo "$bad" >>"$W/bad-$1"; echo "$ms"
}
a_batch() { serve_batch a "$GPORT" "$1"; }
c_batch() { serve_batch c "$GPORT_C" "$1"; }
b_batch() { # size (or "fresh") -> ms of one batch's run_task in the long-lived Python
  local ms bad; echo "$1" >&"${INPROC[1]}"
  read -r -t 300 -u "${INPROC[0]}" ms bad || { cat "$W/logs/inproc.log" >&2; exit 1; }
  B_BAD=$((B_BAD + bad)); echo "$ms"
}
# Warm-up, not counted: A's first batch unpacks the image into mrt's cache; the JVM JITs,
# both sides warm the page cache and MariaDB's buffer pool.
for n in 1 1 1 128 128; do
  a_batch "$n" >/dev/null; b_batch "$n" >/dev/null; c_batch "$n" >/dev/null; done
curl -s "http://127.0.0.1:$HTTPPORT_C/metrics" > "$W/metrics-c-before"
echo "bench: measuring $N1 batches of 1 and $N128 of 128 per side, interleaved..." >&2
for _ in $(seq "$N1"); do a_batch 1 >>"$W/a1"; b_batch 1 >>"$W/b1"; c_batch 1 >>"$W/c1"; done
for _ in $(seq "$N128"); do
  a_batch 128 >>"$W/a128"; b_batch 128 >>"$W/b128"; c_batch 128 >>"$W/c128"
  b_batch fresh >>"$W/fresh"; done
curl -s "http://127.0.0.1:$HTTPPORT_C/metrics" > "$W/metrics-c-after"
stop_inproc
A_BAD=$(awk '{s+=$1} END {print s+0}' "$W/bad-a"); C_BAD=$(awk '{s+=$1} END {print s+0}' "$W/bad-c")
warm() { awk -v k="$1" '$1 ~ "^"k {s+=$2} END {print s+0}' "$W/metrics-c-$2"; }
C_HITS=$(( $(warm mrt_warm_hits_total after) - $(warm mrt_warm_hits_total before) ))
C_MISSES=$(( $(warm mrt_warm_misses_total after) - $(warm mrt_warm_misses_total before) ))
read -r ROWS UNFINISHED < <("${SQL[@]}" -N -e 'SELECT COUNT(*), COALESCE(SUM(exitCode IS NULL), 0) FROM Tasks')
RUNC=$(ls "$CACHE_A"/runc/*/runc 2>/dev/null | head -1)
ELAPSED=$((SECONDS - START))

{
  echo
  echo "## runner-vs-inprocess"
  echo
  echo "### Archivematica runner against MCPClient's in-process model (echo_args, $MODE, $(date -u +%FT%H:%MZ))"
  echo
  echo "Command: \`bench/runner-vs-inprocess.sh $N1 $N128\` on $(nproc) cores, $(uname -r), $(java -version 2>&1 | sed -n 2p), ${RUNC:+$("$RUNC" --version | head -1), }image: Python $PY_VERSION, Django $DJANGO_VERSION; MariaDB $(mariadbd --version | awk '{print $3}'). Took ${ELAPSED} s."
  echo
  echo "A: \`mrt serve\`, runner archivematica, pool 2: a fresh container per batch (Python, django.setup(), import, run_task), timed submit to reply by bench/gearman-submit.py, one batch in flight."
  echo "B: one long-lived Python in the same image (\`mrt run --network $B_NETWORK\`), Django set up and the module imported once: Job objects + client.worker.run_task timed per batch."
  echo "C: as A with warm start on (mrt.pool.warm=2, the default): measured batches found their container ready $C_HITS times, none $C_MISSES times."
  echo "Interleaved batch by batch after 5 warm-up batches per side. The Tasks rows were inserted before each batch, outside the timings, so every UPDATE touched its row ($ROWS rows, $UNFINISHED left without an exit code). Non-zero exits or failed batches: A $A_BAD, B $B_BAD, C $C_BAD."
  echo
  python3 - "$W" <<'EOF'
import sys
def ms(name): return sorted(float(x) for x in open("%s/%s" % (sys.argv[1], name)))
def pct(v, p): return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]
print("| batch | batches per side | A: mrt runner, cold, median ms | A p90 | C: mrt runner, warm, median ms | C p90 | B: in-process median ms | B p90 | A/B | C/B (medians) |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
med = {}
for n in ("1", "128"):
    a, b, c = ms("a" + n), ms("b" + n), ms("c" + n)
    med[n] = (pct(a, 50), pct(b, 50))
    print("| %s task%s | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.2fx | **%.2fx** |" % (
          n, "" if n == "1" else "s", len(a), pct(a, 50), pct(a, 90), pct(c, 50), pct(c, 90),
          pct(b, 50), pct(b, 90), pct(a, 50) / pct(b, 50), pct(c, 50) / pct(b, 50)))
fresh, fixed = pct(ms("fresh"), 50), med["1"][0] - med["1"][1]
print("\nA's fixed cost per batch, A minus B medians: **%.1f ms** from batches of 1 (%.1f ms from"
      " batches of 128). Of it, a fresh Python that sets Django up, connects to MariaDB and imports"
      " the module (a subprocess in B's container, median of %d): %.1f ms (%.0f%%); the rest, %.1f ms,"
      " is the container (mrt + runc), mrt's batch handling and the Gearman round trip."
      % (fixed, med["128"][0] - med["128"][1], len(ms("fresh")), fresh, 100 * fresh / fixed,
         fixed - fresh))
EOF
}
echo "bench: done in ${ELAPSED} s (clean-up follows)" >&2
