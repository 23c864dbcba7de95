#!/usr/bin/env bash
# Issues 2 and 12 benchmark: the cost of one container, mrt against its baselines, in one run.
#   - bare `runc run` of the same bundle (the config.json `mrt spec` prints), same runc binary
#   - `podman run --rootfs` of the same root filesystem, same runc (when podman is installed)
#   - `mrt run -- true` and `mrt --version` through the launcher (deploy/bin/mrt), as a user
#     runs them: on the JVM the launcher picks (the newest JDK >= 25 in /usr/lib/jvm, with its
#     AOT cache) and on the system's java (Debian's 17, with its AppCDS archive), each named
#   - `crun run` of that bundle when crun is installed
#   - first-use unpack of the default rootfs against `tar -I zstd -xf` of the same file
# The container rows are interleaved round by round (runc, podman, mrt, mrt, ...; RUNS rounds
# after 2 warm-up rounds), so a drift in the machine's speed hits every row alike; medians
# and minimums of each row, ratios of medians to bare runc and to podman. Each MODE runs with
# its own cache and class data archives, prepared by the warm-ups.
# Usage: bench/run-vs-runc.sh [RUNS [MODES]]   MODES: rootless (default), root, or "rootless root"
#   (after ./mvnw package; appends to bench/RESULTS.md; root mode needs root)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-30}
MODES=${2:-rootless}
USER_NAME=${MRT_TEST_USER:-mrt-test}
ARCH=$(dpkg --print-architecture)
JAR=$PWD/target/quarkus-app/quarkus-run.jar
ROOTFS_TAR=$PWD/src/main/resources/assets/$ARCH/rootfs.tar.zst
[ -f "$JAR" ] || { echo "bench: build first: ./mvnw package -DskipTests" >&2; exit 1; }
SYSTEM_JAVA=$(readlink -f "$(command -v java)")

W=$(mktemp -d /tmp/mrt-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT
cp -r target/quarkus-app "$W/app"
mkdir -p "$W/bin" && cp deploy/bin/mrt "$W/bin/mrt"
cp "$ROOTFS_TAR" "$W/rootfs.tar.zst"
. bench/lib.sh
give_to_user
run_as() { # MODE command... : rootless as $USER_NAME (HOME=$W), root as root (HOME=$W/root-home)
  local mode=$1; shift
  if [ "$mode" = root ]; then env HOME="$W/root-home" "$@"; else as_user "$@"; fi
}
mkdir -p "$W/root-home"
# loop.sh DIR RUNS: DIR/cmds holds "name<TAB>command" lines; 2 warm-up rounds, then RUNS
# rounds, each command once a round; wall time per run (microseconds, bash's own clock, no
# process) to DIR/t/name.
cat >"$W/loop.sh" <<'EOF'
dir=$1 runs=$2
mapfile -t lines <"$dir/cmds"
for round in $(seq -2 "$runs"); do
  for l in "${lines[@]}"; do
    name=${l%%$'\t'*} cmd=${l#*$'\t'}
    s=${EPOCHREALTIME/./}
    $cmd >/dev/null 2>>"$dir/t/$name.err" || echo "exit $? in round $round" >>"$dir/t/$name.err"
    e=${EPOCHREALTIME/./}
    [ "$round" -gt 0 ] && echo $((e - s)) >>"$dir/t/$name"
  done
done
EOF

ms_now() { date +%s%N; }
stats() { # FILE of microseconds per line -> "median min" in ms
  python3 -c 'import sys,statistics; v=[int(l)/1e3 for l in open(sys.argv[1]) if l.strip()]; print("%.1f %.1f" % (statistics.median(v), min(v)) if v else "n/a n/a")' "$1"
}
ratio() { python3 -c 'import sys; a,b=sys.argv[1:]; print("n/a" if "n/a" in (a,b) else "%.2fx" % (float(a)/float(b)))' "$1" "$2"; }

# One mode: prepares cache, archives and bundle, then RUNS interleaved rounds; prints its table.
bench_mode() {
  local mode=$1 cache=$W/$1/cache state=$W/$1/state
  mkdir -p "$W/$mode"
  [ "$mode" = root ] || chown "$USER_NAME" "$W/$mode"
  local envs=(MRT_CACHE_DIR="$cache" MRT_STATE_DIR="$state" MRT_APP_DIR="$W/app")
  local mrt=(env "${envs[@]}" "$W/bin/mrt") mrt17=(env "${envs[@]}" JAVA="$SYSTEM_JAVA" "$W/bin/mrt")
  # Warm the cache; make the bundle the baselines run: the very spec mrt uses.
  run_as "$mode" "${mrt17[@]}" run --network none -- true
  local runc rootfs
  runc=$(ls "$cache"/runc/*/runc | head -1)
  rootfs=$(dirname "$(ls -d "$cache"/rootfs/*/rootfs | head -1)")/rootfs
  mkdir -p "$W/$mode/bundle" "$W/$mode/runc-state" "$W/$mode/crun-state" "$W/$mode/t"
  run_as "$mode" "${mrt17[@]}" spec --network none -- true >"$W/$mode/bundle/config.json"
  [ "$mode" = root ] || chown -R "$USER_NAME" "$W/$mode/bundle" "$W/$mode/runc-state" "$W/$mode/crun-state"

  local names=(runc) cmds=("$runc --root $W/$mode/runc-state run --bundle $W/$mode/bundle bench-runc")
  local podman_note="not installed"
  if command -v podman >/dev/null; then
    # Its own storage under the mode's directory (vfs: nothing mounted that outlives it): no
    # state of the user's podman is touched.
    local pod="podman --root $W/$mode/podman --runroot $W/$mode/podman-run --storage-driver vfs"
    if run_as "$mode" $pod run --rm --network host --runtime "$runc" --rootfs "$rootfs" true >/dev/null 2>"$W/$mode/podman.err"; then
      names+=(podman) cmds+=("$pod run --rm --network host --runtime $runc --rootfs $rootfs true")
      podman_note=""
    else
      # runc's own words, without the path of the binary before them.
      podman_note=$(tail -1 "$W/$mode/podman.err" | sed 's/.*container init: //' | cut -c1-120)
    fi
  fi
  local crun_note="not installed"
  if command -v crun >/dev/null; then
    if run_as "$mode" crun --root "$W/$mode/crun-state" run --bundle "$W/$mode/bundle" bench-crun-why >/dev/null 2>"$W/$mode/crun.err"; then
      names+=(crun) cmds+=("crun --root $W/$mode/crun-state run --bundle $W/$mode/bundle bench-crun")
      crun_note=""
    else
      crun_note=$(tail -1 "$W/$mode/crun.err" | cut -c1-160)
    fi
  fi
  names+=(run version run17 version17)
  cmds+=("${mrt[*]} run --network none -- true" "${mrt[*]} --version"
    "${mrt17[*]} run --network none -- true" "${mrt17[*]} --version")

  # The launcher makes its JDK 25 AOT caches in the background after a first run: one for the
  # commands that start from cli-run.jar, one for doctor's quarkus-run.jar (doctor names the JVM
  # below). Wait for both, so that no training runs while the rounds are timed.
  run_as "$mode" "${mrt[@]}" --version >/dev/null
  run_as "$mode" "${mrt[@]}" doctor >/dev/null 2>&1 || true
  local home=$W/root-home
  [ "$mode" = root ] || home=$W
  for _ in $(seq 240); do
    [ "$(ls "$home"/.cache/mrt-jvm/*.aot 2>/dev/null | wc -l)" -ge 2 ] && break
    [ -n "$(find /usr/lib/jvm -maxdepth 2 -name release -exec grep -l 'JAVA_VERSION="2[5-9]' {} + 2>/dev/null)" ] || break
    sleep 0.5
  done
  local jvm jvm17
  jvm=$(run_as "$mode" "${mrt[@]}" doctor 2>/dev/null | sed -n 's/^\[ ok \] java: //p')
  jvm17=$(run_as "$mode" "${mrt17[@]}" doctor 2>/dev/null | sed -n 's/^\[ ok \] java: //p')

  echo "measuring $mode: $RUNS rounds of ${names[*]} ..." >&2
  local i
  for i in "${!names[@]}"; do printf '%s\t%s\n' "${names[$i]}" "${cmds[$i]}"; done >"$W/$mode/cmds"
  [ "$mode" = root ] || chown -R "$USER_NAME" "$W/$mode/t" "$W/$mode/cmds"
  # The whole loop runs as the mode's user: no runuser inside the timed region.
  run_as "$mode" bash "$W/loop.sh" "$W/$mode" "$RUNS"
  declare -A med mn
  for i in "${names[@]}"; do
    read -r med[$i] mn[$i] < <(stats "$W/$mode/t/$i")
    if grep -q '^exit ' "$W/$mode/t/$i.err" 2>/dev/null; then
      med[$i]="n/a"; mn[$i]="n/a"
      echo "$mode $i failed: $(grep -v '^exit ' "$W/$mode/t/$i.err" | tail -1 | cut -c1-200)" >&2
    fi
  done
  local p=${med[podman]:-n/a}
  row() { # label key
    echo "| $1 | ${med[$2]:-n/a} | ${mn[$2]:-n/a} | $(ratio "${med[$2]:-n/a}" "${med[runc]}") | $(ratio "${med[$2]:-n/a}" "$p") |"
  }
  echo
  echo "### Container start ($mode, \`true\`, $RUNS interleaved rounds, $(date -u +%F\ %H:%M) UTC)"
  echo
  echo "Command: \`bench/run-vs-runc.sh $RUNS \"$MODES\"\` on $(nproc) cores, $(uname -r), $($runc --version | head -1)$(command -v podman >/dev/null && echo ", $(podman --version)")."
  echo "JVM A (the launcher's choice): $jvm."
  echo "JVM B (the system's java): $jvm17."
  echo
  echo "| what | median ms | min ms | vs bare runc | vs podman |"
  echo "|---|---:|---:|---:|---:|"
  row "bare \`runc run\` of mrt's bundle" runc
  row "\`podman run --rootfs\` of the same rootfs${podman_note:+ ($podman_note)}" podman
  [ -n "$crun_note" ] || row "\`crun run\` of the same bundle" crun
  row "\`mrt run -- true\`, JVM A" run
  row "\`mrt --version\`, JVM A" version
  row "\`mrt run -- true\`, JVM B" run17
  row "\`mrt --version\`, JVM B" version17
  [ -z "$crun_note" ] || echo "crun: $crun_note"
}

{
  echo
  echo "## run"
  for mode in $MODES; do bench_mode "$mode"; done
} | tee "$W/containers.md"

# First-use unpack (rootless): a fresh cache each time (mrt, plain `java -jar`, as issue 2
# measured it) against tar into a fresh directory, interleaved run by run and after a sync, so
# both see the same disk. Nothing is deleted until every run is done: on an ext4 without a
# journal (this machine's /), creating a file skips each inode freed in the last 60 s (300 s
# more while its inode block is dirty), one buffer lookup apiece, so a run right after `rm -rf`
# of a tree pays for that tree; measured here, tar 120-170 ms into a quiet disk and 180-900 ms
# right after deletions. UNPACK_RUNS=0 skips it.
UNPACK_RUNS=${UNPACK_RUNS:-$(( RUNS < 10 ? RUNS : 10 ))}
MRT="java -jar $W/app/quarkus-run.jar"
T_TAR=(); T_FIRST=(); T_OWN=(); T_WARM=(); T_OWNL=()
# mrt's own timer around the unpack (its check included), from the log line of a first run, in
# microseconds like the other samples ("000" when the line is missing: med_us skips it).
own_us() { echo "$(sed -n 's/.*unpacked .*rootfs.tar.zst .* in \([0-9]*\) ms$/\1/p' "$1")000"; }
U=$W/unpack
as_user mkdir -p "$U"
for i in $(seq "$UNPACK_RUNS"); do
  as_user mkdir -p "$U/tar$i"; sync
  s=$(ms_now); as_user tar -I zstd -xf "$W/rootfs.tar.zst" -C "$U/tar$i" --exclude='./dev/*'; e=$(ms_now)
  T_TAR+=("$(( (e - s) / 1000 ))")
  sync
  # As a user's first `mrt run` does it: the launcher's JVM (A) and its AOT cache, C1 only.
  as_user env MRT_CACHE_DIR="$U/launcher$i" MRT_STATE_DIR="$U/launcher$i-state" MRT_APP_DIR="$W/app" \
    "$W/bin/mrt" run --network none -- true >/dev/null 2>"$W/firstl.err"
  T_OWNL+=("$(own_us "$W/firstl.err")")
  sync
  s=$(ms_now)
  as_user env MRT_CACHE_DIR="$U/jar$i" MRT_STATE_DIR="$U/jar$i-state" $MRT run --network none -- true >/dev/null 2>"$W/first.err"
  e=$(ms_now)
  T_FIRST+=("$(( (e - s) / 1000 ))")
  T_OWN+=("$(own_us "$W/first.err")")
  s=$(ms_now)
  as_user env MRT_CACHE_DIR="$U/jar$i" MRT_STATE_DIR="$U/jar$i-state" $MRT run --network none -- true >/dev/null 2>&1
  e=$(ms_now)
  T_WARM+=("$(( (e - s) / 1000 ))")
done
# Unpacked trees have read-only directories: make them writable to remove them.
chmod -R u+w "$U" 2>/dev/null || true
rm -rf "$U"
if [ "$UNPACK_RUNS" -gt 0 ]; then
  med_us() { printf '%s\n' "$@" | python3 -c 'import sys,statistics; v=[float(l)/1000 for l in sys.stdin if l.strip() and l.strip()!="000"]; print("%.1f" % statistics.median(v) if v else "n/a")'; }
  t_tar=$(med_us "${T_TAR[@]}")
  t_first=$(med_us "${T_FIRST[@]}")
  t_own=$(med_us "${T_OWN[@]}")
  t_warm=$(med_us "${T_WARM[@]}")
  t_ownl=$(med_us "${T_OWNL[@]}")
  unpack=$(python3 -c "import sys; a,b='$t_first','$t_warm'; print('n/a' if 'n/a' in (a,b) else '%.1f' % (float(a)-float(b)))")
  {
    echo
    echo "### First-use unpack of the default rootfs (rootless, median of $UNPACK_RUNS, interleaved with tar)"
    echo
    echo "| what | median ms | ratio |"
    echo "|---|---:|---:|"
    echo "| \`tar -I zstd -xf\` of rootfs.tar.zst | $t_tar | 1.00x |"
    echo "| mrt unpack (first \`java -jar ... run\` on an empty cache minus the next one) | $unpack | $(ratio "$unpack" "$t_tar") |"
    echo "| mrt unpack by its own timer (zstd, its check and files; log line of the first run) | $t_own | $(ratio "$t_own" "$t_tar") |"
    echo "| the same through the launcher, JVM A (a user's first \`mrt run\`), by its own timer | $t_ownl | $(ratio "$t_ownl" "$t_tar") |"
    echo "| first \`java -jar ... run -- true\` on an empty cache, whole | $t_first | |"
  } | tee -a "$W/containers.md"
fi
echo | tee -a "$W/containers.md"
echo "Load average when done: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores; other work on the machine inflates every row alike)." | tee -a "$W/containers.md"
cat "$W/containers.md" >>bench/RESULTS.md
