#!/usr/bin/env bash
# Issue 2 benchmark: the cost of one container, mrt against its baselines, in one run.
#   - `mrt run -- true` (whole CLI: JVM start + spec + bundle + runc run + cleanup)
#   - JVM + Quarkus start alone (`mrt --version`), reported separately
#   - bare `runc run` of the same bundle (the config.json `mrt spec` prints), same runc binary
#   - `crun run` of that bundle, and `podman run --rootfs` of the same root filesystem
#   - first-use unpack of the default rootfs against `tar -I zstd -xf` of the same file
# Everything runs rootless as an unprivileged user (default mrt-test; as root the script
# switches to it). Medians over RUNS runs (default 30) with hyperfine; ratios to bare runc.
# Usage: bench/run-vs-runc.sh [RUNS]   (after ./mvnw package; appends to bench/RESULTS.md)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-30}
USER_NAME=${MRT_TEST_USER:-mrt-test}
ARCH=$(dpkg --print-architecture)
JAR=$PWD/target/quarkus-app/quarkus-run.jar
ROOTFS_TAR=$PWD/src/main/resources/assets/$ARCH/rootfs.tar.zst
[ -f "$JAR" ] || { echo "bench: build first: ./mvnw package -DskipTests" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "bench: apt-get install hyperfine" >&2; exit 1; }

W=$(mktemp -d /tmp/mrt-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT
cp -r target/quarkus-app "$W/app"
mkdir -p "$W/bin" && cp deploy/bin/mrt "$W/bin/mrt"
cp "$ROOTFS_TAR" "$W/rootfs.tar.zst"
. bench/lib.sh
give_to_user
export MRT_CACHE_DIR=$W/cache MRT_STATE_DIR=$W/state
MRT="java -jar $W/app/quarkus-run.jar"

median() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.1f" % (r["median"]*1000))' "$1"; }
hf() { # name, command...
  local name=$1; shift
  as_user env MRT_CACHE_DIR="$MRT_CACHE_DIR" MRT_STATE_DIR="$MRT_STATE_DIR" \
    hyperfine -N --style none --warmup 3 --runs "$RUNS" --export-json "$W/$name.json" "$@" >/dev/null 2>"$W/$name.err" \
    && median "$W/$name.json" || { echo "n/a"; sed 's/^/    /' "$W/$name.err" | tail -3 >&2; }
}

# Warm the cache and make the bundle that the baselines run: the very spec mrt uses.
as_user env MRT_CACHE_DIR="$MRT_CACHE_DIR" MRT_STATE_DIR="$MRT_STATE_DIR" $MRT run -- true
RUNC=$(ls "$W"/cache/runc/*/runc | head -1)
ROOTFS=$(dirname "$(ls -d "$W"/cache/rootfs/*/rootfs | head -1)")/rootfs
mkdir -p "$W/bundle" "$W/runc-state" "$W/crun-state"
as_user env MRT_CACHE_DIR="$MRT_CACHE_DIR" MRT_STATE_DIR="$MRT_STATE_DIR" $MRT spec -- true > "$W/bundle/config.json"
chown -R "$(stat -c %U "$W")" "$W/bundle" "$W/runc-state" "$W/crun-state" 2>/dev/null || true

echo "measuring ($RUNS runs each, rootless as $USER_NAME)..." >&2
t_mrt=$(hf mrt "$MRT run -- true")
t_jvm=$(hf jvm "$MRT --version")
t_launcher=$(hf launcher "env MRT_APP_DIR=$W/app $W/bin/mrt run -- true")
t_ljvm=$(hf ljvm "env MRT_APP_DIR=$W/app $W/bin/mrt --version")
t_runc=$(hf runc "$RUNC --root $W/runc-state run --bundle $W/bundle bench-runc")
t_crun=n/a; crun_note="not installed"
if command -v crun >/dev/null; then
  t_crun=$(hf crun "crun --root $W/crun-state run --bundle $W/bundle bench-crun")
  # hyperfine only says "non-zero exit": ask crun itself why, once.
  [ "$t_crun" = n/a ] && crun_note=$( (as_user crun --root "$W/crun-state" run --bundle "$W/bundle" bench-crun-why 2>&1 || true) | tail -1 | cut -c1-160) || crun_note=""
fi
t_podman=n/a; podman_note="not installed"
if command -v podman >/dev/null; then
  t_podman=$(hf podman "podman run --rm --network host --runtime $RUNC --rootfs $ROOTFS true")
  [ "$t_podman" = n/a ] && podman_note=$( (as_user podman run --rm --network host --runtime "$RUNC" --rootfs "$ROOTFS" true 2>&1 || true) | tail -1 | cut -c1-160) || podman_note=""
fi

# First-use unpack: a fresh cache each time (mrt) against tar into a fresh directory,
# interleaved run by run and after a sync, so both see the same disk: ext4 mounted with
# `discard` here, where each run's deletions slow the writes that follow (tar alone, six
# runs back to back: 424 -> 538 ms).
UNPACK_RUNS=$(( RUNS < 10 ? RUNS : 10 ))
ms_now() { date +%s%N; }
T_TAR=(); T_FIRST=(); T_OWN=()
for _ in $(seq "$UNPACK_RUNS"); do
  rm -rf "$W/tarx" "$W/fresh"; as_user mkdir -p "$W/tarx"; sync
  s=$(ms_now); as_user tar -I zstd -xf "$W/rootfs.tar.zst" -C "$W/tarx" --exclude='./dev/*'; e=$(ms_now)
  T_TAR+=("$(( (e - s) / 1000 ))")
  rm -rf "$W/tarx"; sync
  s=$(ms_now)
  as_user env MRT_CACHE_DIR="$W/fresh" MRT_STATE_DIR="$MRT_STATE_DIR" $MRT run -- true >/dev/null 2>"$W/first.err"
  e=$(ms_now)
  T_FIRST+=("$(( (e - s) / 1000 ))")
  # mrt's own timer around the unpack (hashing included), from the log line of that run.
  T_OWN+=("$(sed -n 's/.*unpacked .*rootfs.tar.zst .* in \([0-9]*\) ms$/\1/p' "$W/first.err")000")
done
med_us() { printf '%s\n' "$@" | python3 -c 'import sys,statistics; v=[float(l)/1000 for l in sys.stdin if l.strip() and l.strip()!="000"]; print("%.1f" % statistics.median(v) if v else "n/a")'; }
t_tar=$(med_us "${T_TAR[@]}")
t_first=$(med_us "${T_FIRST[@]}")
t_own=$(med_us "${T_OWN[@]}")

ratio() { python3 -c 'import sys; a,b=sys.argv[1:]; print("n/a" if "n/a" in (a,b) else "%.2fx" % (float(a)/float(b)))' "$1" "$2"; }
unpack=$(python3 -c "import sys; a,b='$t_first','$t_mrt'; print('n/a' if 'n/a' in (a,b) else '%.1f' % (float(a)-float(b)))")

{
  echo
  echo "## run"
  echo
  echo "### Container start (rootless, \`true\`, median of $RUNS, $(date -u +%F))"
  echo
  echo "Command: \`bench/run-vs-runc.sh $RUNS\` on $(nproc) cores, $(uname -r), $($RUNC --version | head -1)."
  echo
  echo "| what | median ms | vs bare runc |"
  echo "|---|---:|---:|"
  echo "| bare \`runc run\` of mrt's bundle | $t_runc | 1.00x |"
  echo "| \`mrt run -- true\` (whole CLI) | $t_mrt | $(ratio "$t_mrt" "$t_runc") |"
  echo "| of which JVM + Quarkus start (\`mrt --version\`) | $t_jvm | $(ratio "$t_jvm" "$t_runc") |"
  echo "| \`deploy/bin/mrt run -- true\` (launcher: C1 JIT, serial GC) | $t_launcher | $(ratio "$t_launcher" "$t_runc") |"
  echo "| of which JVM + Quarkus start (launcher, \`--version\`) | $t_ljvm | $(ratio "$t_ljvm" "$t_runc") |"
  echo "| mrt minus its JVM start | $(python3 -c "print('%.1f' % ($t_mrt-$t_jvm))") | $(ratio "$(python3 -c "print($t_mrt-$t_jvm)")" "$t_runc") |"
  echo "| \`crun run\` of the same bundle | $t_crun | $(ratio "$t_crun" "$t_runc") ${crun_note:+($crun_note)} |"
  echo "| \`podman run --rootfs\` | $t_podman | $(ratio "$t_podman" "$t_runc") ${podman_note:+($podman_note)} |"
  echo
  echo "### First-use unpack of the default rootfs (median of $UNPACK_RUNS, interleaved with tar)"
  echo
  echo "| what | median ms | ratio |"
  echo "|---|---:|---:|"
  echo "| \`tar -I zstd -xf\` of rootfs.tar.zst | $t_tar | 1.00x |"
  echo "| mrt unpack (first \`mrt run\` on an empty cache minus a warm one) | $unpack | $(ratio "$unpack" "$t_tar") |"
  echo "| mrt unpack by its own timer (zstd, sha256 and files; log line of the first run) | $t_own | $(ratio "$t_own" "$t_tar") |"
  echo "| first \`mrt run -- true\` on an empty cache, whole | $t_first | |"
  echo
  echo "Load average when done: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores; other work on the machine inflates every row alike)."
} | tee -a bench/RESULTS.md
